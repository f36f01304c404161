/**
 * The admin API, which can do anything to any account, so its guards are tested first: staff only (others
 * 403, anonymous 401); users listed with search and paging, created, read, updated (active, staff,
 * superuser, password), deleted; tokens listed by user with paging, created for a user with the key shown
 * once, revoked. Only superusers may touch superusers; nobody may deactivate or delete themselves.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const API = '/admin/api';

let t: TestApp;
let staff: string;
let staffId: number;
let aliceId: number;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  staffId = (await t.user('staff', PASSWORD, { isStaff: true })).id;
  aliceId = (await t.user('alice', PASSWORD, { email: 'alice@example.com', firstName: 'Alice' })).id;
  staff = await t.login('staff', PASSWORD);
});

async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const body = await res.json();
  expect({ status: res.status, body }).toMatchObject({ status });
  return body as T;
}

describe('access', () => {
  it('anonymous: 401; a non-staff user: 403 on every operation', async () => {
    const alice = await t.login('alice', PASSWORD);
    const ops: [string, string][] = [
      ['GET', `${API}/users/`],
      ['POST', `${API}/users/`],
      ['GET', `${API}/users/${aliceId}/`],
      ['PATCH', `${API}/users/${aliceId}/`],
      ['DELETE', `${API}/users/${aliceId}/`],
      ['GET', `${API}/users/${aliceId}/tokens/`],
      ['POST', `${API}/users/${aliceId}/tokens/`],
      ['DELETE', `${API}/tokens/whatever/`],
    ];
    for (const [method, path] of ops) {
      const body = method === 'GET' ? {} : { json: {} };
      const anonymous = await t.call(method, path, body);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ detail: MESSAGES.notAuthenticated });
      const denied = await t.call(method, path, { token: alice, ...body });
      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({ detail: MESSAGES.permissionDenied });
    }
  });
});

describe('users', () => {
  it('lists users in id order with DRF paging links', async () => {
    for (let i = 0; i < 5; i++) await t.user(`user${i}`, PASSWORD);
    const first = await json<{
      count: number;
      next: string;
      previous: null;
      results: { username: string }[];
    }>(await t.call('GET', `${API}/users/?page_size=3`, { token: staff }), 200);
    expect(first.count).toBe(7);
    expect(first.results.map((u) => u.username)).toEqual(['staff', 'alice', 'user0']);
    expect(first.previous).toBeNull();
    expect(first.next).toBe('http://localhost/admin/api/users/?page_size=3&page=2');
    const last = await json<{ next: null; previous: string; results: unknown[] }>(
      await t.call('GET', `${API}/users/?page_size=3&page=3`, { token: staff }),
      200,
    );
    expect(last.results).toHaveLength(1);
    expect(last.next).toBeNull();
    expect(last.previous).toBe('http://localhost/admin/api/users/?page_size=3&page=2');
    for (const page of ['4', '0', 'abc', '-1']) {
      const res = await t.call('GET', `${API}/users/?page_size=3&page=${page}`, { token: staff });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Invalid page.' });
    }
    const capped = await json<{ results: unknown[] }>(
      await t.call('GET', `${API}/users/?page_size=100000`, { token: staff }),
      200,
    );
    expect(capped.results).toHaveLength(7);
  });

  it('searches username, e-mail and names, case-insensitively, every word matching', async () => {
    await t.user('bob_smith', PASSWORD, { email: 'bob@corp.example', lastName: 'Smith' });
    await t.user('carol', PASSWORD, { email: 'carol@corp.example', lastName: 'Smith' });
    const search = async (q: string) =>
      (
        await json<{ results: { username: string }[] }>(
          await t.call('GET', `${API}/users/?search=${encodeURIComponent(q)}`, { token: staff }),
          200,
        )
      ).results.map((u) => u.username);
    expect(await search('ALICE')).toEqual(['alice']);
    expect(await search('corp.example')).toEqual(['bob_smith', 'carol']);
    expect(await search('smith carol')).toEqual(['carol']);
    expect(await search('b_s')).toEqual(['bob_smith']);
    expect(await search('%')).toEqual([]);
  });

  it('reads a query parameter given twice by its last value, as Django does', async () => {
    const found = async (query: string) =>
      (
        await json<{ results: { username: string }[] }>(
          await t.call('GET', `${API}/users/?${query}`, { token: staff }),
          200,
        )
      ).results.map((u) => u.username);
    expect(await found('search=staff&search=alice')).toEqual(['alice']);
    expect(await found('search=alice&search=staff')).toEqual(['staff']);
  });

  it('creates a user (JSON or form) and reads it back; never shows the password hash', async () => {
    const created = await json(
      await t.call('POST', `${API}/users/`, {
        token: staff,
        json: { username: 'dave', password: 'a long passphrase', email: 'dave@example.com', is_staff: true },
      }),
      201,
    );
    expect(created).toMatchObject({
      username: 'dave',
      email: 'dave@example.com',
      is_staff: true,
      is_active: true,
    });
    expect(Object.keys(created)).not.toContain('password');
    const read = await json(await t.call('GET', `${API}/users/${created.id}/`, { token: staff }), 200);
    expect(read).toEqual(created);
    const form = await t.call('POST', `${API}/users/`, {
      token: staff,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=erin&password=a+long+passphrase&is_active=false',
    });
    expect(await json(form, 201)).toMatchObject({ username: 'erin', is_active: false });
    expect(await t.login('dave', 'a long passphrase')).toMatch(/^lk_/);
  });

  it('refuses bad input with field errors', async () => {
    const cases: [unknown, Record<string, string[]>][] = [
      [{}, { username: [MESSAGES.required], password: [MESSAGES.required] }],
      [
        { username: 'ALICE', password: 'a long passphrase' },
        { username: ['A user with that username already exists.'] },
      ],
      [
        { username: 'has space', password: 'a long passphrase' },
        {
          username: [
            'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
          ],
        },
      ],
      [
        { username: 'frank', password: 'short' },
        { password: ['This password is too short. It must contain at least 8 characters.'] },
      ],
      [
        { username: 'frank', password: 'a long passphrase', email: 'nope' },
        { email: ['Enter a valid email address.'] },
      ],
      [
        { username: 'frank', password: 'a long passphrase', is_staff: 'maybe' },
        { is_staff: ['Must be a valid boolean.'] },
      ],
    ];
    for (const [body, errors] of cases) {
      const res = await t.call('POST', `${API}/users/`, { token: staff, json: body });
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 400, body: errors });
    }
    const malformed = await t.call('POST', `${API}/users/`, {
      token: staff,
      body: '{',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/^JSON parse error/);
  });

  it('unknown or malformed ids are 404', async () => {
    for (const id of ['999', 'abc', '0', '1.5']) {
      const res = await t.call('GET', `${API}/users/${id}/`, { token: staff });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: MESSAGES.notFound });
    }
    expect((await t.call('PATCH', `${API}/users/999/`, { token: staff, json: {} })).status).toBe(404);
    expect((await t.call('DELETE', `${API}/users/999/`, { token: staff })).status).toBe(404);
  });

  it('deactivating a user stops their tokens at once; reactivating restores them (as DRF)', async () => {
    const alice = await t.login('alice', PASSWORD);
    const off = await t.call('PATCH', `${API}/users/${aliceId}/`, {
      token: staff,
      json: { is_active: false },
    });
    expect(await json(off, 200)).toMatchObject({ is_active: false, first_name: 'Alice' });
    const refused = await t.call('GET', '/test_auth/', { token: alice });
    expect(await json(refused, 401)).toEqual({ detail: MESSAGES.inactive });
    await t.call('PATCH', `${API}/users/${aliceId}/`, { token: staff, json: { is_active: true } });
    expect((await t.call('GET', '/test_auth/', { token: alice })).status).toBe(200);
  });

  it("setting a password revokes the user's tokens; the new password works", async () => {
    const alice = await t.login('alice', PASSWORD);
    const res = await t.call('PATCH', `${API}/users/${aliceId}/`, {
      token: staff,
      json: { password: 'another long passphrase' },
    });
    expect(res.status).toBe(200);
    expect((await t.call('GET', '/test_auth/', { token: alice })).status).toBe(401);
    expect(await t.login('alice', 'another long passphrase')).toMatch(/^lk_/);
    const weak = await t.call('PATCH', `${API}/users/${aliceId}/`, {
      token: staff,
      json: { password: 'alice' },
    });
    expect(weak.status).toBe(400);
    // Changing one's own password keeps the credential in use.
    const own = await t.call('PATCH', `${API}/users/${staffId}/`, {
      token: staff,
      json: { password: 'staff has a new passphrase', current_password: PASSWORD },
    });
    expect(own.status).toBe(200);
    expect((await t.call('GET', '/test_auth/', { token: staff })).status).toBe(200);
  });

  it('staff cannot deactivate or delete themselves', async () => {
    const off = await t.call('PATCH', `${API}/users/${staffId}/`, {
      token: staff,
      json: { is_active: false },
    });
    expect(await json(off, 400)).toEqual({ is_active: ['You cannot deactivate your own account.'] });
    const gone = await t.call('DELETE', `${API}/users/${staffId}/`, { token: staff });
    expect(await json(gone, 400)).toEqual({ non_field_errors: ['You cannot delete your own account.'] });
  });

  it('deletes a user with their tokens', async () => {
    const alice = await t.login('alice', PASSWORD);
    expect((await t.call('DELETE', `${API}/users/${aliceId}/`, { token: staff })).status).toBe(204);
    expect((await t.call('GET', `${API}/users/${aliceId}/`, { token: staff })).status).toBe(404);
    expect((await t.call('GET', '/test_auth/', { token: alice })).status).toBe(401);
  });

  it('only superusers may create, change, delete or mint tokens for superusers', async () => {
    const root = await t.user('root', PASSWORD, { isStaff: true, isSuperuser: true });
    const rootKey = await t.login('root', PASSWORD);
    const denied = [
      await t.call('POST', `${API}/users/`, {
        token: staff,
        json: { username: 'x1', password: 'a long passphrase', is_superuser: true },
      }),
      await t.call('PATCH', `${API}/users/${aliceId}/`, { token: staff, json: { is_superuser: true } }),
      await t.call('PATCH', `${API}/users/${root.id}/`, { token: staff, json: { is_active: false } }),
      await t.call('DELETE', `${API}/users/${root.id}/`, { token: staff }),
      await t.call('POST', `${API}/users/${root.id}/tokens/`, { token: staff, json: {} }),
    ];
    for (const res of denied) expect(await json(res, 403)).toEqual({ detail: MESSAGES.permissionDenied });
    const [rootToken] = (
      (await json(await t.call('GET', `${API}/users/${root.id}/tokens/`, { token: staff }), 200)) as {
        results: { id: string }[];
      }
    ).results;
    expect((await t.call('DELETE', `${API}/tokens/${rootToken?.id}/`, { token: staff })).status).toBe(403);
    const promoted = await t.call('PATCH', `${API}/users/${aliceId}/`, {
      token: rootKey,
      json: { is_superuser: true },
    });
    expect(await json(promoted, 200)).toMatchObject({ is_superuser: true });
  });
});

describe('tokens', () => {
  it("lists a user's tokens newest first, with paging, never the key", async () => {
    const keys = [];
    for (let i = 0; i < 3; i++) keys.push(await t.login('alice', PASSWORD, `device ${i}`));
    const page = await json<{ count: number; next: string | null; results: Record<string, unknown>[] }>(
      await t.call('GET', `${API}/users/${aliceId}/tokens/?page_size=2`, { token: staff }),
      200,
    );
    expect(page.count).toBe(3);
    expect(page.next).toMatch(/page=2/);
    expect(page.results.map((r) => r.label)).toEqual(['device 2', 'device 1']);
    expect(Object.keys(page.results[0] ?? {}).sort()).toEqual(
      [
        'created',
        'expiry',
        'id',
        'label',
        'last_used',
        'prefix',
        'user',
        'username',
        'scopes',
        'idle_timeout',
        'max_expiry',
      ].sort(),
    );
    expect(page.results[0]).toMatchObject({ user: aliceId, username: 'alice', prefix: keys[2]?.slice(0, 8) });
    expect(JSON.stringify(page)).not.toContain(keys[2]);
    expect((await t.call('GET', `${API}/users/999/tokens/`, { token: staff })).status).toBe(404);
  });

  it('creates a token for a user: the key is shown once and works as that user', async () => {
    const created = await json<{ key: string; id: string; label: string; user: number }>(
      await t.call('POST', `${API}/users/${aliceId}/tokens/`, {
        token: staff,
        json: { label: 'CI deploy key' },
      }),
      201,
    );
    expect(created).toMatchObject({ user: aliceId, label: 'CI deploy key' });
    expect(created.key).toMatch(/^lk_/);
    expect(await (await t.call('GET', '/test_auth/', { token: created.key })).json()).toBe('Hello alice!');
    const listed = await json<{ results: Record<string, unknown>[] }>(
      await t.call('GET', `${API}/users/${aliceId}/tokens/`, { token: staff }),
      200,
    );
    expect(listed.results[0]).not.toHaveProperty('key');
    const unlabeled = await json<{ label: string }>(
      await t.call('POST', `${API}/users/${aliceId}/tokens/`, { token: staff }),
      201,
    );
    expect(unlabeled.label).toBe('created by staff in the admin');
  });

  it('revokes any token; an unknown id is 404', async () => {
    const alice = await t.login('alice', PASSWORD);
    const { results } = await json<{ results: { id: string }[] }>(
      await t.call('GET', `${API}/users/${aliceId}/tokens/`, { token: staff }),
      200,
    );
    const id = results[0]?.id as string;
    expect((await t.call('DELETE', `${API}/tokens/${id}/`, { token: staff })).status).toBe(204);
    expect((await t.call('GET', '/test_auth/', { token: alice })).status).toBe(401);
    expect((await t.call('DELETE', `${API}/tokens/${id}/`, { token: staff })).status).toBe(404);
  });
});
