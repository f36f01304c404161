/**
 * Forward auth and introspection in-process (issue 9, items 2 and 3): /auth/verify/ answers any method
 * with the identity headers, 401 as test_auth, 403 for a scope the proxy asks for, 204 for a preflight;
 * introspection answers RFC 7662's shapes and tells an unauthorised caller nothing.
 */
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokens, users } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

let t: TestApp;
let alice: { id: number; password: string };
let key: string;

beforeEach(async () => {
  await resetDatabase();
  t = await testApp({ TOKEN_SCOPES: 'notes:read notes:write' });
  alice = await t.user('alice');
  key = await t.login('alice', alice.password);
});

async function narrowed(scopes: string[], username = 'alice', password = alice.password) {
  const res = await t.call('POST', '/rest-auth/login/', { json: { username, password, scopes } });
  return ((await res.json()) as { key: string }).key;
}

describe('/auth/verify/', () => {
  it('answers a valid key, any method, with the identity headers', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']) {
      const res = await t.call(method, '/auth/verify/', { token: key });
      expect(res.status, method).toBe(200);
      expect(res.headers.get('X-Auth-User-Id')).toBe(String(alice.id));
      expect(res.headers.get('X-Auth-Username')).toBe('alice');
      expect(res.headers.get('X-Auth-Staff')).toBe('false');
      expect(res.headers.get('X-Auth-Scopes')?.split(' ')).toEqual(
        expect.arrayContaining(['notes:read', 'notes:write', 'tokens:read', 'admin']),
      );
      expect(res.headers.get('X-Auth-Token-Id')).toMatch(/^[0-9A-Za-z]{16}$/);
    }
  });

  it('answers like test_auth without a valid key', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, MESSAGES.notAuthenticated],
      [{ Authorization: 'Token' }, MESSAGES.noCredentials],
      [{ Authorization: 'Token a b' }, MESSAGES.spaces],
      [{ Authorization: 'Token lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, MESSAGES.invalidToken],
    ];
    for (const [headers, detail] of cases) {
      for (const path of ['/auth/verify/', '/test_auth/']) {
        const res = await t.call('GET', path, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('WWW-Authenticate')).toBe('Token');
        expect(await res.json()).toEqual({ detail });
      }
    }
    await t.call('POST', '/rest-auth/logout/', { token: key });
    expect((await t.call('GET', '/auth/verify/', { token: key })).status).toBe(401);
  });

  it('refuses a narrowed token a scope the proxy asks for, and percent-encodes a Unicode username', async () => {
    const reader = await narrowed(['notes:read']);
    expect((await t.call('GET', '/auth/verify/?scope=notes:read', { token: reader })).status).toBe(200);
    const res = await t.call('GET', '/auth/verify/?scope=notes:read%20notes:write', { token: reader });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: MESSAGES.permissionDenied });
    expect(res.headers.get('WWW-Authenticate')).toBe(
      'Token error="insufficient_scope", scope="notes:read notes:write"',
    );
    expect(res.headers.get('X-Auth-User-Id')).toBeNull();
    expect((await t.call('GET', '/auth/verify/?scope=notes:write', { token: key })).status).toBe(200);
    const bad = await t.call('GET', '/auth/verify/?scope=nope', { token: key });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ scope: ['Unknown scope "nope".'] });

    await t.services.db.update(users).set({ username: 'zoë%' }).where(eq(users.id, alice.id));
    const unicode = await t.call('GET', '/auth/verify/', { token: await narrowed([], 'zoë%') });
    expect(unicode.headers.get('X-Auth-Username')).toBe('zo%C3%AB%25');
  });

  it('lets a CORS preflight through without identity, whatever the proxy sends', async () => {
    for (const headers of <Record<string, string>[]>[
      { 'X-Forwarded-Method': 'OPTIONS', 'Access-Control-Request-Method': 'POST' },
      { 'X-Original-Method': 'options', 'Access-Control-Request-Method': 'PUT' },
    ]) {
      const res = await t.call('GET', '/auth/verify/', { headers });
      expect(res.status).toBe(204);
      expect(res.headers.get('X-Auth-User-Id')).toBeNull();
    }
    // A plain OPTIONS without the preflight header is not a preflight.
    const plain = await t.call('GET', '/auth/verify/', { headers: { 'X-Forwarded-Method': 'OPTIONS' } });
    expect(plain.status).toBe(401);
  });
});

describe('/auth/introspect/ (RFC 7662)', () => {
  const introspect = (caller: string | undefined, body: BodyInit | undefined, form = true) =>
    t.call('POST', '/auth/introspect/', {
      token: caller,
      body,
      headers: form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
    });

  it('answers active with scope, username, sub, exp, iat; exactly {"active": false} otherwise', async () => {
    await t.user('svc', 'svc-password-42');
    const service = await narrowed(['introspection'], 'svc', 'svc-password-42');
    const reader = await narrowed(['notes:read']);
    const res = await introspect(service, new URLSearchParams({ token: reader }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const [row] = await t.services.db
      .select()
      .from(tokens)
      .where(eq(tokens.scopes, ['notes:read']));
    expect(body).toEqual({
      active: true,
      scope: 'notes:read',
      username: 'alice',
      sub: String(alice.id),
      jti: row?.id,
      iat: Math.floor((row?.createdAt.getTime() as number) / 1000),
      exp: expect.any(Number),
      token_type: 'Token',
      is_staff: false,
    });
    const revoked = await narrowed(['notes:read']);
    await t.call('POST', '/rest-auth/logout/', { token: revoked });
    const expired = await narrowed([]);
    await t.services.db
      .update(tokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(tokens.scopes, []));
    for (const token of ['nonsense', 'lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', revoked, expired]) {
      const answer = await introspect(service, new URLSearchParams({ token }));
      expect(await answer.json(), token).toEqual({ active: false });
    }
    await t.services.db.update(users).set({ isActive: false }).where(eq(users.id, alice.id));
    expect(await (await introspect(service, new URLSearchParams({ token: key }))).json()).toEqual({
      active: false,
    });
  });

  it('tells an unauthenticated or unauthorised caller nothing; staff may introspect', async () => {
    const body = () => new URLSearchParams({ token: key });
    const anonymous = await introspect(undefined, body());
    expect(anonymous.status).toBe(401);
    expect(Object.keys((await anonymous.json()) as object)).toEqual(['detail']);
    // A full-access token of an ordinary user has every scope, but introspection wants it explicitly.
    const ordinary = await introspect(key, body());
    expect(ordinary.status).toBe(403);
    expect(ordinary.headers.get('WWW-Authenticate')).toBe(
      'Token error="insufficient_scope", scope="introspection"',
    );
    expect((await introspect(await narrowed(['notes:read']), body())).status).toBe(403);
    await t.user('root', 'root-password-42', { isStaff: true });
    const staff = await t.login('root', 'root-password-42');
    expect((await (await introspect(staff, body())).json()) as object).toMatchObject({ active: true });
    // A bad body is judged only after the caller: 400 for the authorised one.
    const missing = await introspect(staff, new URLSearchParams({}));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ token: [MESSAGES.required] });
    expect((await introspect(undefined, new URLSearchParams({}))).status).toBe(401);
    const json = await t.call('POST', '/auth/introspect/', { token: staff, json: { token: key } });
    expect(await json.json()).toMatchObject({ active: true });
  });
});
