/**
 * Scopes and lifetimes per token (issue 9, items 1 and 4): a login or the admin may narrow a token to
 * declared scopes; Latchkey's own operations require the scopes their contract names, and a narrowed
 * token is refused exactly there with 403 and the RFC 6750 challenge; full-access tokens (no scopes, as
 * every token made before scopes) pass everywhere. Tokens with a lifetime of their own follow it, within
 * TOKEN_CUSTOM_MAX_TTL. Bad input is a field error, never a 500.
 */
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { tokens } from '../../server/db/schema.ts';
import { MESSAGES, onError } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

let t: TestApp;
let alice: { id: number; username: string; password: string };

beforeEach(async () => {
  await resetDatabase();
  t = await testApp({ TOKEN_SCOPES: 'notes:read notes:write' });
  alice = await t.user('alice');
});

async function login(body: Record<string, unknown>) {
  return t.call('POST', '/rest-auth/login/', {
    json: { username: 'alice', password: alice.password, ...body },
  });
}

async function narrowedKey(scopes: unknown): Promise<string> {
  const res = await login({ scopes });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { key: string }).key;
}

const challenge = (scope: string) => `Token error="insufficient_scope", scope="${scope}"`;

describe('a token narrowed at login', () => {
  it('is refused exactly where the contract requires a scope it lacks, with the challenge naming it', async () => {
    const key = await narrowedKey(['notes:read', 'tokens:read']);
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    const listed = await t.call('GET', '/rest-auth/tokens/', { token: key });
    expect(listed.status).toBe(200);
    const [row] = (await listed.json()) as { scopes: string[] | null; current: boolean }[];
    expect(row).toMatchObject({ scopes: ['notes:read', 'tokens:read'], current: true });

    for (const [method, path, scope] of [
      ['GET', '/rest-auth/user/', 'account:read'],
      ['PATCH', '/rest-auth/user/', 'account:write'],
      ['POST', '/rest-auth/password/change/', 'account:write'],
      ['DELETE', '/rest-auth/tokens/whatever/', 'tokens:write'],
      ['POST', '/rest-auth/logoutall/', 'tokens:write'],
      ['GET', '/admin/api/users/', 'admin'],
    ] as const) {
      const res = await t.call(method, path, { token: key, json: method === 'GET' ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ detail: MESSAGES.permissionDenied });
      expect(res.headers.get('WWW-Authenticate')).toBe(challenge(scope));
    }
    // Refused before anything happened: the token is still there and still the only one.
    expect((await t.call('GET', '/rest-auth/tokens/', { token: key })).status).toBe(200);
    // A token may always log itself out.
    expect((await t.call('POST', '/rest-auth/logout/', { token: key })).status).toBe(200);
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(401);
  });

  it('keeps full access without `scopes`, as every token made before scopes existed', async () => {
    const key = await narrowedKey(undefined);
    await t.services.db.update(tokens).set({ scopes: null });
    for (const path of ['/rest-auth/user/', '/rest-auth/tokens/']) {
      expect((await t.call('GET', path, { token: key })).status).toBe(200);
    }
    const [row] = (await (await t.call('GET', '/rest-auth/tokens/', { token: key })).json()) as {
      scopes: null;
    }[];
    expect(row?.scopes).toBeNull();
  });

  it('with no scopes at all only proves who it belongs to', async () => {
    const key = await narrowedKey([]);
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    expect((await t.call('GET', '/rest-auth/user/', { token: key })).status).toBe(403);
  });

  it('accepts a space-separated string, as forms and OAuth send it', async () => {
    const form = await t.call('POST', '/rest-auth/login/', {
      body: new URLSearchParams({
        username: 'alice',
        password: alice.password,
        scopes: 'notes:read account:read',
      }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    const key = ((await form.json()) as { key: string }).key;
    const [row] = await t.services.db.select({ scopes: tokens.scopes }).from(tokens);
    expect(row?.scopes).toEqual(['notes:read', 'account:read']);
    expect((await t.call('GET', '/rest-auth/user/', { token: key })).status).toBe(200);
  });

  it('a cookie session is the real user: scopes do not apply to it', async () => {
    t = await testApp({ SESSION_LOGIN: 'true' });
    const res = await login({ scopes: ['tokens:read'] });
    expect(res.status).toBe(200);
    const pairs = res.headers.getSetCookie().map((c) => c.split(';')[0] as string);
    const csrf = pairs.find((p) => p.startsWith('csrftoken='))?.split('=')[1] as string;
    const out = await t.call('POST', '/rest-auth/logoutall/', {
      headers: { Cookie: pairs.join('; '), 'X-CSRFToken': csrf },
    });
    expect(out.status).toBe(200);
  });
});

describe('bad scopes', () => {
  it('refuses undeclared, malformed, too long and too many names with a field error, before the password is checked', async () => {
    const cases: [unknown, string][] = [
      [['notes:delete'], 'Unknown scope "notes:delete".'],
      [
        ['a b'.replace(' ', '"')],
        'Scope names may contain only printable ASCII characters other than space, " and \\.',
      ],
      [['x'.repeat(65)], 'Ensure each scope has no more than 64 characters.'],
      [Array.from({ length: 33 }, () => 'notes:read'), 'Ensure this field has no more than 32 elements.'],
      [[''], 'Scope names may not be blank.'],
      [{ a: 1 }, 'Expected a list of items or a space-separated string.'],
      [[1], 'Not a valid string.'],
    ];
    for (const [scopes, message] of cases) {
      const res = await t.call('POST', '/rest-auth/login/', {
        json: { username: 'alice', password: 'wrong-password', scopes },
      });
      expect(res.status, JSON.stringify(scopes)).toBe(400);
      expect(((await res.json()) as { scopes: string[] }).scopes).toContain(message);
    }
    expect(await t.services.db.select().from(tokens)).toEqual([]);
  });

  it('refuses a TOKEN_SCOPES entry that is not a scope name at start-up', () => {
    expect(() => loadConfig({ TOKEN_SCOPES: 'ok bad"name' })).toThrow(ConfigError);
    expect(loadConfig({ TOKEN_SCOPES: 'a:b, c:d' }).TOKEN_SCOPES).toEqual(['a:b', 'c:d']);
  });
});

describe('tokens made by the admin, with scopes and a lifetime of their own', () => {
  let staff: string;
  beforeEach(async () => {
    await t.user('root', 'root-password-42', { isStaff: true });
    staff = await t.login('root', 'root-password-42');
  });

  const create = (body: Record<string, unknown>) =>
    t.call('POST', `/admin/api/users/${alice.id}/tokens/`, { token: staff, json: body });

  it('creates a deploy key: read-only, 90 days, no idle timeout; shown as such in both lists', async () => {
    const res = await create({
      label: 'deploy',
      scopes: ['notes:read'],
      expires_in: 90 * 86_400,
      idle_timeout: 0,
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown> & { key: string; expiry: string };
    expect(created).toMatchObject({ scopes: ['notes:read'], idle_timeout: null, label: 'deploy' });
    expect(created.max_expiry).toBe(created.expiry);
    const days = (Date.parse(created.expiry) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    const mine = await t.call('GET', '/rest-auth/tokens/', { token: await t.login('alice', alice.password) });
    const listed = ((await mine.json()) as { label: string }[]).find((r) => r.label === 'deploy');
    expect(listed).toMatchObject({ scopes: ['notes:read'], idle_timeout: null, max_expiry: created.expiry });
    // Read-only: the key can check itself but not manage the account.
    expect((await t.call('GET', '/test_auth/', { token: created.key })).status).toBe(200);
    expect((await t.call('GET', '/rest-auth/tokens/', { token: created.key })).status).toBe(403);
  });

  it('follows its own idle timeout, renewed under the once-per-interval rule, capped by its end', async () => {
    const res = await create({ label: 'cron', idle_timeout: 600, expires_in: 3600 });
    const { key, id } = (await res.json()) as { key: string; id: string };
    const [row] = await t.services.db.select().from(tokens).where(eq(tokens.id, id));
    expect(row).toMatchObject({ customLifetime: true, idleTtl: 600 });
    const end = row?.maxExpiresAt?.getTime() as number;
    expect((row?.expiresAt?.getTime() as number) - (row?.createdAt.getTime() as number)).toBe(600_000);
    // Last used 10 minutes minus a little ago: past half its idle timeout, so this use renews it.
    const earlier = new Date(Date.now() - 590_000);
    await t.services.db.update(tokens).set({ lastUsedAt: earlier }).where(eq(tokens.id, id));
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    const [renewed] = await t.services.db.select().from(tokens).where(eq(tokens.id, id));
    expect(renewed?.lastUsedAt?.getTime()).toBeGreaterThan(earlier.getTime());
    expect(renewed?.expiresAt?.getTime()).toBe((renewed?.lastUsedAt?.getTime() as number) + 600_000);
    expect(renewed?.expiresAt?.getTime()).toBeLessThanOrEqual(end);
  });

  it('is bounded by TOKEN_CUSTOM_MAX_TTL and refuses bad lifetimes and scopes with field errors', async () => {
    t = await testApp({ TOKEN_CUSTOM_MAX_TTL: '86400', TOKEN_MAX_TTL: '0' });
    const cases: [Record<string, unknown>, string][] = [
      [{ expires_in: 86_401 }, 'expires_in'],
      [{ expires_in: 0 }, 'expires_in'],
      [{ expires_in: -1 }, 'expires_in'],
      [{ expires_in: 'soon' }, 'expires_in'],
      [{ expires_at: new Date(Date.now() + 2 * 86_400_000).toISOString() }, 'expires_at'],
      [{ expires_at: new Date(Date.now() - 1000).toISOString() }, 'expires_at'],
      [{ expires_at: 'tomorrow' }, 'expires_at'],
      [{ expires_in: 60, expires_at: new Date(Date.now() + 60_000).toISOString() }, 'expires_at'],
      [{ idle_timeout: 1.5 }, 'idle_timeout'],
      [{ scopes: ['notes:read'] }, 'scopes'], // not declared in this app
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys((await res.json()) as object)).toEqual([field]);
    }
    // Asking for nothing but "no idle timeout": the end defaults to the bound, never to "never".
    const res = await create({ idle_timeout: 0 });
    expect(res.status).toBe(201);
    const { max_expiry: end } = (await res.json()) as { max_expiry: string };
    expect(Date.parse(end) - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(Date.parse(end) - Date.now()).toBeGreaterThan(86_000_000);
  });
});

describe("a developer's own routes (route factory)", () => {
  it('require all of a Token list, or any of several Token requirements, from the contract', async () => {
    const { createRoute, z } = await import('@hono/zod-openapi');
    const { createRouter, mounted } = await import('../../server/routes/factory.ts');
    const route = (path: string, security: Record<string, string[]>[]) =>
      createRoute({
        method: 'get',
        path,
        security,
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: z.string() } } } },
      });
    const router = createRouter()
      .openapi(mounted(t.services, route('/both/', [{ Token: ['notes:read', 'notes:write'] }])), (c) =>
        c.json('both', 200),
      )
      .openapi(
        mounted(t.services, route('/either/', [{ Token: ['notes:read'] }, { Token: ['notes:write'] }])),
        (c) => c.json('either', 200),
      );
    // A developer's app renders Latchkey's errors with its error handler.
    router.onError(onError(() => {}));
    const status = async (path: string, key: string) =>
      (await router.request(path, { headers: { Authorization: `Token ${key}` } })).status;
    const reader = await narrowedKey(['notes:read']);
    const writer = await narrowedKey(['notes:write']);
    const full = await narrowedKey(undefined);
    expect([
      await status('/both/', reader),
      await status('/both/', writer),
      await status('/both/', full),
    ]).toEqual([403, 403, 200]);
    expect([await status('/either/', reader), await status('/either/', writer)]).toEqual([200, 200]);
    expect(await status('/either/', await narrowedKey([]))).toBe(403);
    const refused = await router.request('/both/', { headers: { Authorization: `Token ${reader}` } });
    expect(refused.headers.get('WWW-Authenticate')).toBe(
      'Token error="insufficient_scope", scope="notes:read notes:write"',
    );
  });
});
