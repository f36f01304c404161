/**
 * @module
 * The contract table: one entry per operationId in openapi.yaml, calling it through the SDK with the
 * requests that reach each documented status. contract.test.ts runs every entry in-process and over a
 * socket, checks every response against openapi.yaml, and fails when an operation has no entry or a
 * documented status is neither reached nor listed in `unreached` with the reason.
 *
 * Adding an operation: add `myOperation: { run: async (fx) => { ... } }` below, calling it through
 * `fx.alice.client` / `fx.anon` / `fx.user(...)`, and `fx.raw(...)` for what the SDK types rule out.
 */
import { expect } from 'vitest';
import { MESSAGES } from '../../server/errors.ts';
import { expectStatus, type Fixtures } from './fixtures.ts';

/** How one operation is exercised. */
export interface ContractEntry {
  run(fx: Fixtures): Promise<void>;
  /** Documented statuses this entry cannot reach, each with the reason. */
  unreached?: Record<number, string>;
}

const LOGIN = '/rest-auth/login/';
const USERS = '/admin/api/users/';
const USER = '/admin/api/users/{id}/';
const USER_TOKENS = '/admin/api/users/{id}/tokens/';
const TOKEN = '/admin/api/tokens/{id}/';
const USER_SESSIONS = '/admin/api/users/{id}/sessions/';
const USER_SESSION = '/admin/api/users/{id}/sessions/{session_id}/';
const userPath = (id: number) => ({ params: { path: { id } } });
/** A body sent as text/plain, which no operation accepts (415). */
const textBody = (body: string) => ({
  body,
  bodySerializer: (b: string) => b,
  headers: { 'Content-Type': 'text/plain' },
});

/**
 * With SESSION_LOGIN on, logs alice in and returns a client that sends only her session cookie (no
 * token, no X-CSRFToken): its unsafe requests must fail CSRF with 403.
 */
async function cookieOnlyClient(fx: Fixtures) {
  const { response } = await expectStatus(
    fx.anon.login({ username: fx.alice.username, password: fx.alice.password }),
    200,
  );
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  expect(cookie).toContain('sessionid=');
  return fx.client(undefined, { headers: { Cookie: cookie } });
}

/** Asserts a 403 for a missing scope: DRF's message and the RFC 6750 challenge naming `scope`. */
async function expectScopeRefusal(
  call: Promise<{ response: Response; error?: unknown }>,
  scope: string,
): Promise<void> {
  const { response, error } = await expectStatus(call, 403);
  expect(error).toEqual({ detail: MESSAGES.permissionDenied });
  expect(response.headers.get('WWW-Authenticate')).toBe(`Token error="insufficient_scope", scope="${scope}"`);
}

/** The forward-auth entry for one method (every method of /auth/verify/ answers alike). */
function verifyEntry(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'): ContractEntry {
  return {
    async run(fx) {
      const path = '/auth/verify/';
      const call = (client: typeof fx.anon, query?: string, headers?: Record<string, string>) =>
        fx.raw(client, method, path, { params: { query: query ? { scope: query } : {} }, headers });
      const { response } = await expectStatus(call(fx.alice.client), 200);
      expect(response.headers.get('X-Auth-Username')).toBe('alice');
      await expectStatus(call(fx.anon), 401);
      await expectStatus(call(fx.client('Token a b')), 401);
      await expectStatus(call(fx.alice.client, 'nope'), 400);
      await expectScopeRefusal(call(await fx.narrowed(['account:read']), 'tokens:read'), 'tokens:read');
      await expectStatus(
        call(fx.anon, undefined, { 'X-Forwarded-Method': 'OPTIONS', 'Access-Control-Request-Method': 'GET' }),
        204,
      );
    },
  };
}

/** Every operation of openapi.yaml, keyed by operationId. */
export const contract: Record<string, ContractEntry> = {
  login: {
    async run(fx) {
      const { alice, anon } = fx;
      const { data } = await expectStatus(
        anon.login({ username: alice.username, password: alice.password }),
        200,
      );
      expect(data?.key).toMatch(/^lk_/);
      await expectStatus(
        anon.POST(LOGIN, {
          body: { username: alice.username, password: alice.password, label: 'form' },
          bodySerializer: (body) => new URLSearchParams(body as unknown as Record<string, string>).toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        }),
        200,
      );
      await expectStatus(anon.login({ username: alice.username, password: 'wrong' }), 400);
      await expectStatus(anon.login({ username: '', password: '' }), 400);
      await expectStatus(
        fx.raw(anon, 'POST', LOGIN, {
          body: '{"username":',
          bodySerializer: (b: string) => b,
          headers: { 'Content-Type': 'application/json' },
        }),
        400,
      );
      await expectStatus(
        fx.raw(anon, 'POST', LOGIN, {
          body: 'username=alice',
          bodySerializer: (b: string) => b,
          headers: { 'Content-Type': 'text/plain' },
        }),
        415,
      );
      await expectStatus(anon.login({ username: alice.username, password: 'x'.repeat(70_000) }), 413);
      await expectStatus(fx.raw(anon, 'GET', LOGIN), 405);
      await fx.withSettings({ TOKEN_LIMIT_PER_USER: '1', TOKEN_LIMIT_POLICY: 'reject' }, async () => {
        await expectStatus(anon.login({ username: alice.username, password: alice.password }), 403);
      });
      await fx.withSettings({ LOGIN_THROTTLE_USER: '1' }, async () => {
        await expectStatus(anon.login({ username: 'bob', password: 'wrong' }), 400);
        const { error } = await expectStatus(anon.login({ username: 'bob', password: 'wrong' }), 429);
        expect(error).toEqual({ detail: expect.stringMatching(/^Request was throttled\./) });
      });
    },
  },

  logout: {
    async run(fx) {
      const { alice, anon } = fx;
      await expectStatus(anon.logout(), 401);
      await expectStatus(fx.raw(alice.client, 'GET', '/rest-auth/logout/'), 405);
      const { data } = await expectStatus(alice.client.logout(), 200);
      expect(data).toEqual({ detail: MESSAGES.loggedOut });
      await expectStatus(alice.client.logout(), 401);
      await expectStatus(fx.client('Token a b').logout(), 401);
      await fx.withSettings({ SESSION_LOGIN: 'true' }, async () => {
        await expectStatus((await cookieOnlyClient(fx)).logout(), 403);
      });
    },
  },

  logoutAll: {
    async run(fx) {
      const { alice, anon } = fx;
      await expectStatus(anon.POST('/rest-auth/logoutall/'), 401);
      await expectStatus(fx.raw(alice.client, 'GET', '/rest-auth/logoutall/'), 405);
      const readOnly = await fx.narrowed(['tokens:read']);
      await expectScopeRefusal(readOnly.POST('/rest-auth/logoutall/'), 'tokens:write');
      await expectStatus(alice.client.POST('/rest-auth/logoutall/'), 200);
      await expectStatus(alice.client.POST('/rest-auth/logoutall/'), 401);
      await fx.withSettings({ SESSION_LOGIN: 'true' }, async () => {
        await expectStatus((await cookieOnlyClient(fx)).POST('/rest-auth/logoutall/'), 403);
      });
    },
  },

  testAuth: {
    async run(fx) {
      const { data } = await expectStatus(fx.alice.client.GET('/test_auth/'), 200);
      expect(data).toBe('Hello alice!');
      await expectStatus(fx.client(fx.alice.key, { scheme: 'Bearer' }).GET('/test_auth/'), 200);
      await expectStatus(fx.anon.GET('/test_auth/'), 401);
      await expectStatus(fx.client('lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').GET('/test_auth/'), 401);
      await expectStatus(fx.raw(fx.alice.client, 'PUT', '/test_auth/'), 405);
    },
  },

  testAuthPost: {
    async run(fx) {
      const { data } = await expectStatus(fx.alice.client.POST('/test_auth/'), 200);
      expect(data).toBe('Hello alice! Posted!');
      await expectStatus(fx.anon.POST('/test_auth/'), 401);
      await expectStatus(fx.raw(fx.alice.client, 'DELETE', '/test_auth/'), 405);
    },
  },

  adminListEvents: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const path = '/admin/api/events/';
      const { data } = await expectStatus(
        staff.client.GET(path, { params: { query: { type: 'login' } } }),
        200,
      );
      expect(data?.results.every((e) => e.type === 'login')).toBe(true);
      await expectStatus(staff.client.GET(path, { params: { query: { user: 'x' } } }), 400);
      await expectStatus(staff.client.GET(path, { params: { query: { page: '999' } } }), 404);
      await expectStatus(fx.alice.client.GET(path), 403);
      await expectStatus(fx.anon.GET(path), 401);
      await expectStatus(fx.raw(staff.client, 'POST', path), 405);
    },
  },

  listMyEvents: {
    async run(fx) {
      await expectStatus(fx.anon.login({ username: fx.alice.username, password: 'wrong-password' }), 400);
      const { data } = await expectStatus(fx.alice.client.GET('/rest-auth/events/'), 200);
      expect(data?.[0]).toMatchObject({ type: 'login', outcome: 'failure', user: fx.alice.id });
      await expectStatus(fx.anon.GET('/rest-auth/events/'), 401);
      await expectStatus(fx.raw(fx.alice.client, 'DELETE', '/rest-auth/events/'), 405);
    },
  },

  listTokens: {
    async run(fx) {
      const { data } = await expectStatus(fx.alice.client.GET('/rest-auth/tokens/'), 200);
      expect(data?.map((t) => t.current)).toEqual([true]);
      await expectStatus(fx.anon.GET('/rest-auth/tokens/'), 401);
      await expectScopeRefusal(
        (await fx.narrowed(['account:read'])).GET('/rest-auth/tokens/'),
        'tokens:read',
      );
      await expectStatus(fx.raw(fx.alice.client, 'POST', '/rest-auth/tokens/'), 405);
    },
  },

  revokeToken: {
    async run(fx) {
      const bob = await fx.user('bob');
      const path = '/rest-auth/tokens/{id}/';
      const { data } = await expectStatus(bob.client.GET('/rest-auth/tokens/'), 200);
      const bobId = data?.[0]?.id as string;
      await expectStatus(fx.alice.client.DELETE(path, { params: { path: { id: bobId } } }), 404);
      await expectStatus(fx.anon.DELETE(path, { params: { path: { id: bobId } } }), 401);
      const readOnly = await fx.narrowed(['tokens:read'], bob);
      await expectScopeRefusal(readOnly.DELETE(path, { params: { path: { id: bobId } } }), 'tokens:write');
      await expectStatus(fx.raw(bob.client, 'GET', path, { params: { path: { id: bobId } } }), 405);
      await expectStatus(bob.client.DELETE(path, { params: { path: { id: bobId } } }), 204);
    },
  },

  listSessions: {
    async run(fx) {
      const path = '/rest-auth/sessions/';
      await fx.app.services.sessions.open(fx.alice.id);
      const { data } = await expectStatus(fx.alice.client.GET(path), 200);
      expect(data?.map((s) => s.current)).toEqual([false]);
      await expectStatus(fx.anon.GET(path), 401);
      await expectScopeRefusal((await fx.narrowed(['account:read'])).GET(path), 'tokens:read');
      await expectStatus(fx.raw(fx.alice.client, 'POST', path), 405);
    },
  },

  endSession: {
    async run(fx) {
      const bob = await fx.user('bob');
      const path = '/rest-auth/sessions/{id}/';
      await fx.app.services.sessions.open(bob.id);
      const { data } = await expectStatus(bob.client.GET('/rest-auth/sessions/'), 200);
      const params = { params: { path: { id: data?.[0]?.id as string } } };
      await expectStatus(fx.alice.client.DELETE(path, params), 404);
      await expectStatus(fx.anon.DELETE(path, params), 401);
      const readOnly = await fx.narrowed(['tokens:read'], bob);
      await expectScopeRefusal(readOnly.DELETE(path, params), 'tokens:write');
      await expectStatus(fx.raw(bob.client, 'GET', path, params), 405);
      await expectStatus(bob.client.DELETE(path, params), 204);
      await expectStatus(bob.client.DELETE(path, params), 404);
    },
  },

  getUser: {
    async run(fx) {
      const { data } = await expectStatus(fx.alice.client.GET('/rest-auth/user/'), 200);
      expect(data).toMatchObject({ id: fx.alice.id, username: 'alice' });
      await expectStatus(fx.anon.GET('/rest-auth/user/'), 401);
      await expectScopeRefusal((await fx.narrowed(['tokens:read'])).GET('/rest-auth/user/'), 'account:read');
      await expectStatus(fx.raw(fx.alice.client, 'PUT', '/rest-auth/user/'), 405);
    },
  },

  updateUser: {
    async run(fx) {
      const { alice, anon } = fx;
      const { data } = await expectStatus(
        alice.client.PATCH('/rest-auth/user/', {
          body: { first_name: 'Alice', email: 'alice@example.com', current_password: alice.password },
        }),
        200,
      );
      expect(data).toMatchObject({ first_name: 'Alice', email: 'alice@example.com' });
      await expectStatus(alice.client.PATCH('/rest-auth/user/', { body: { email: 'nope' } }), 400);
      await expectStatus(
        fx.raw(alice.client, 'PATCH', '/rest-auth/user/', {
          body: '{"email":',
          bodySerializer: (b: string) => b,
          headers: { 'Content-Type': 'application/json' },
        }),
        400,
      );
      await expectStatus(anon.PATCH('/rest-auth/user/', { body: { first_name: 'X' } }), 401);
      const reader = await fx.narrowed(['account:read']);
      await expectScopeRefusal(
        reader.PATCH('/rest-auth/user/', { body: { first_name: 'X' } }),
        'account:write',
      );
      await expectStatus(fx.raw(alice.client, 'PUT', '/rest-auth/user/'), 405);
      await expectStatus(
        alice.client.PATCH('/rest-auth/user/', { body: { first_name: 'x'.repeat(70_000) } }),
        413,
      );
      await expectStatus(
        fx.raw(alice.client, 'PATCH', '/rest-auth/user/', {
          body: 'first_name=X',
          bodySerializer: (b: string) => b,
          headers: { 'Content-Type': 'text/plain' },
        }),
        415,
      );
      await fx.withSettings({ LOGIN_THROTTLE_USER: '1' }, async () => {
        const rename = (current_password: string) =>
          alice.client.PATCH('/rest-auth/user/', { body: { username: 'alice9', current_password } });
        await expectStatus(rename('wrong-password'), 400);
        await expectStatus(rename(alice.password), 429);
      });
    },
  },

  changePassword: {
    async run(fx) {
      const { alice, anon } = fx;
      const path = '/rest-auth/password/change/';
      const next = 'purple elephant sings at dawn';
      const body = (old: string) => ({ old_password: old, new_password1: next, new_password2: next });
      await expectStatus(alice.client.POST(path, { body: body('wrong-password') }), 400);
      await expectStatus(anon.POST(path, { body: body(alice.password) }), 401);
      const reader = await fx.narrowed(['account:read']);
      await expectScopeRefusal(reader.POST(path, { body: body(alice.password) }), 'account:write');
      await expectStatus(fx.raw(alice.client, 'GET', path), 405);
      await expectStatus(
        alice.client.POST(path, { body: { ...body(alice.password), old_password: 'x'.repeat(70_000) } }),
        413,
      );
      await expectStatus(
        fx.raw(alice.client, 'POST', path, {
          body: 'old_password=x',
          bodySerializer: (b: string) => b,
          headers: { 'Content-Type': 'text/plain' },
        }),
        415,
      );
      // The wrong old password above counted once: a limit of 1 throttles the next attempt.
      await fx.withSettings({ LOGIN_THROTTLE_USER: '1' }, async () => {
        await expectStatus(alice.client.POST(path, { body: body('wrong-password') }), 429);
      });
      const { data } = await expectStatus(alice.client.POST(path, { body: body(alice.password) }), 200);
      expect(data).toEqual({ detail: 'New password has been saved.' });
    },
  },

  healthz: {
    async run(fx) {
      await expectStatus(fx.anon.GET('/healthz/'), 200);
      await expectStatus(fx.raw(fx.anon, 'POST', '/healthz/'), 405);
    },
  },

  readyz: {
    async run(fx) {
      await expectStatus(fx.anon.GET('/readyz/'), 200);
      await expectStatus(fx.raw(fx.anon, 'DELETE', '/readyz/'), 405);
      await fx.withUnreachableDatabase(async () => {
        const { error } = await expectStatus(fx.anon.GET('/readyz/'), 503);
        expect(error).toEqual({ status: 'database unavailable' });
      });
    },
  },

  getOpenApiJson: {
    async run(fx) {
      const { data } = await expectStatus(fx.anon.GET('/openapi.json'), 200);
      expect(data).toMatchObject({ openapi: '3.1.0' });
      await expectStatus(fx.raw(fx.anon, 'POST', '/openapi.json'), 405);
    },
  },

  getOpenApiYaml: {
    async run(fx) {
      const { data } = await expectStatus(fx.anon.GET('/openapi.yaml', { parseAs: 'text' }), 200);
      expect(data).toMatch(/^openapi: 3\.1\.0\n/);
      await expectStatus(fx.raw(fx.anon, 'POST', '/openapi.yaml'), 405);
    },
  },

  adminListUsers: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const { data } = await expectStatus(
        staff.client.GET(USERS, { params: { query: { search: 'ali' } } }),
        200,
      );
      expect(data?.results.map((u) => u.username)).toEqual(['alice']);
      await expectStatus(staff.client.GET(USERS, { params: { query: { page: '99' } } }), 404);
      await expectStatus(fx.alice.client.GET(USERS), 403);
      await expectScopeRefusal((await fx.narrowed(['tokens:read'], staff)).GET(USERS), 'admin');
      await expectStatus(fx.anon.GET(USERS), 401);
      await expectStatus(fx.raw(staff.client, 'PUT', USERS), 405);
    },
  },

  adminCreateUser: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const body = { username: 'carol', password: 'carol has a long passphrase 7' };
      const { data } = await expectStatus(staff.client.POST(USERS, { body }), 201);
      expect(data).toMatchObject({ username: 'carol', is_active: true });
      await expectStatus(staff.client.POST(USERS, { body }), 400);
      await expectStatus(fx.alice.client.POST(USERS, { body: { ...body, username: 'dave' } }), 403);
      await expectStatus(fx.anon.POST(USERS, { body: { ...body, username: 'dave' } }), 401);
      await expectStatus(staff.client.POST(USERS, { body: { ...body, password: 'x'.repeat(70_000) } }), 413);
      await expectStatus(fx.raw(staff.client, 'POST', USERS, textBody('username=dave')), 415);
      await expectStatus(fx.raw(staff.client, 'DELETE', USERS), 405);
    },
  },

  adminGetUser: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const { data } = await expectStatus(staff.client.GET(USER, userPath(fx.alice.id)), 200);
      expect(data).toMatchObject({ id: fx.alice.id, username: 'alice' });
      await expectStatus(staff.client.GET(USER, userPath(999_999)), 404);
      await expectStatus(fx.alice.client.GET(USER, userPath(fx.alice.id)), 403);
      await expectStatus(fx.anon.GET(USER, userPath(fx.alice.id)), 401);
      await expectStatus(fx.raw(staff.client, 'POST', `/admin/api/users/${fx.alice.id}/`), 405);
    },
  },

  adminUpdateUser: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const { data } = await expectStatus(
        staff.client.PATCH(USER, { ...userPath(fx.alice.id), body: { first_name: 'Alice' } }),
        200,
      );
      expect(data).toMatchObject({ first_name: 'Alice' });
      await fx.withSettings({ LOGIN_THROTTLE_USER: '1' }, async () => {
        const own = (current_password: string) =>
          staff.client.PATCH(USER, {
            ...userPath(staff.id),
            body: { email: 's@example.com', current_password },
          });
        await expectStatus(own('wrong-password'), 400);
        await expectStatus(own(staff.password), 429);
      });
      await expectStatus(
        staff.client.PATCH(USER, { ...userPath(staff.id), body: { is_active: false } }),
        400,
      );
      await expectStatus(staff.client.PATCH(USER, { ...userPath(999_999), body: { first_name: 'X' } }), 404);
      await expectStatus(
        fx.alice.client.PATCH(USER, { ...userPath(fx.alice.id), body: { first_name: 'X' } }),
        403,
      );
      await expectStatus(fx.anon.PATCH(USER, { ...userPath(fx.alice.id), body: { first_name: 'X' } }), 401);
      await expectStatus(
        staff.client.PATCH(USER, { ...userPath(fx.alice.id), body: { first_name: 'x'.repeat(70_000) } }),
        413,
      );
      await expectStatus(
        fx.raw(staff.client, 'PATCH', `/admin/api/users/${fx.alice.id}/`, textBody('x=1')),
        415,
      );
      await expectStatus(fx.raw(staff.client, 'PUT', `/admin/api/users/${fx.alice.id}/`), 405);
    },
  },

  adminDeleteUser: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      await expectStatus(fx.alice.client.DELETE(USER, userPath(staff.id)), 403);
      await expectStatus(fx.anon.DELETE(USER, userPath(fx.alice.id)), 401);
      await expectStatus(staff.client.DELETE(USER, userPath(staff.id)), 400);
      await expectStatus(staff.client.DELETE(USER, userPath(fx.alice.id)), 204);
      await expectStatus(staff.client.DELETE(USER, userPath(fx.alice.id)), 404);
      await expectStatus(fx.raw(staff.client, 'POST', `/admin/api/users/${staff.id}/`), 405);
    },
  },

  adminListUserTokens: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const { data } = await expectStatus(staff.client.GET(USER_TOKENS, userPath(fx.alice.id)), 200);
      expect(data?.results).toHaveLength(1);
      await expectStatus(staff.client.GET(USER_TOKENS, userPath(999_999)), 404);
      await expectStatus(fx.alice.client.GET(USER_TOKENS, userPath(fx.alice.id)), 403);
      await expectStatus(fx.anon.GET(USER_TOKENS, userPath(fx.alice.id)), 401);
      await expectStatus(fx.raw(staff.client, 'PUT', `/admin/api/users/${fx.alice.id}/tokens/`), 405);
    },
  },

  adminCreateUserToken: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const alice = userPath(fx.alice.id);
      const { data } = await expectStatus(
        staff.client.POST(USER_TOKENS, { ...alice, body: { label: 'ci' } }),
        201,
      );
      expect(data?.key).toMatch(/^lk_/);
      await fx.withSettings({ LOGIN_THROTTLE_USER: '1' }, async () => {
        const own = (current_password: string) =>
          staff.client.POST(USER_TOKENS, { ...userPath(staff.id), body: { current_password } });
        await expectStatus(own('wrong-password'), 400);
        await expectStatus(own(staff.password), 429);
      });
      await expectStatus(staff.client.POST(USER_TOKENS, { ...alice, body: { label: 'x'.repeat(201) } }), 400);
      await expectStatus(staff.client.POST(USER_TOKENS, { ...userPath(999_999), body: {} }), 404);
      await expectStatus(fx.alice.client.POST(USER_TOKENS, { ...alice, body: {} }), 403);
      await expectStatus(fx.anon.POST(USER_TOKENS, { ...alice, body: {} }), 401);
      await expectStatus(
        staff.client.POST(USER_TOKENS, { ...alice, body: { label: 'x'.repeat(70_000) } }),
        413,
      );
      const path = `/admin/api/users/${fx.alice.id}/tokens/`;
      await expectStatus(fx.raw(staff.client, 'POST', path, textBody('label=x')), 415);
      await expectStatus(fx.raw(staff.client, 'DELETE', path), 405);
    },
  },

  adminRevokeToken: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      const { data } = await expectStatus(staff.client.GET(USER_TOKENS, userPath(fx.alice.id)), 200);
      const id = data?.results[0]?.id as string;
      const token = { params: { path: { id } } };
      await expectStatus(fx.alice.client.DELETE(TOKEN, token), 403);
      await expectStatus(fx.anon.DELETE(TOKEN, token), 401);
      await expectStatus(fx.raw(staff.client, 'GET', `/admin/api/tokens/${id}/`), 405);
      await expectStatus(staff.client.DELETE(TOKEN, token), 204);
      await expectStatus(staff.client.DELETE(TOKEN, token), 404);
    },
  },

  adminListUserSessions: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      await fx.app.services.sessions.open(fx.alice.id);
      const { data } = await expectStatus(staff.client.GET(USER_SESSIONS, userPath(fx.alice.id)), 200);
      expect(data?.results).toHaveLength(1);
      expect(data?.results[0]?.current).toBe(false);
      await expectStatus(staff.client.GET(USER_SESSIONS, userPath(999_999)), 404);
      await expectStatus(fx.alice.client.GET(USER_SESSIONS, userPath(fx.alice.id)), 403);
      await expectStatus(fx.anon.GET(USER_SESSIONS, userPath(fx.alice.id)), 401);
      await expectStatus(fx.raw(staff.client, 'PUT', `/admin/api/users/${fx.alice.id}/sessions/`), 405);
    },
  },

  adminEndUserSession: {
    async run(fx) {
      const staff = await fx.user('staff', { isStaff: true });
      await fx.app.services.sessions.open(fx.alice.id);
      const { data } = await expectStatus(staff.client.GET(USER_SESSIONS, userPath(fx.alice.id)), 200);
      const session_id = data?.results[0]?.id as string;
      const path = { params: { path: { id: fx.alice.id, session_id } } };
      await expectStatus(fx.alice.client.DELETE(USER_SESSION, path), 403);
      await expectStatus(fx.anon.DELETE(USER_SESSION, path), 401);
      const raw = `/admin/api/users/${fx.alice.id}/sessions/${session_id}/`;
      await expectStatus(fx.raw(staff.client, 'GET', raw), 405);
      await expectStatus(staff.client.DELETE(USER_SESSION, path), 204);
      await expectStatus(staff.client.DELETE(USER_SESSION, path), 404);
    },
  },
  verify: verifyEntry('GET'),
  verifyPost: verifyEntry('POST'),
  verifyPut: verifyEntry('PUT'),
  verifyPatch: verifyEntry('PATCH'),
  verifyDelete: verifyEntry('DELETE'),

  introspect: {
    async run(fx) {
      const path = '/auth/introspect/';
      const staff = await fx.user('staff', { isStaff: true });
      const { data } = await expectStatus(staff.client.introspect(fx.alice.key), 200);
      expect(data).toMatchObject({ active: true, username: 'alice', token_type: 'Token' });
      const service = await fx.narrowed(['introspection']);
      const { data: inactive } = await expectStatus(service.introspect('lk_not-a-key'), 200);
      expect(inactive).toEqual({ active: false });
      await expectStatus(fx.anon.introspect(fx.alice.key), 401);
      await expectScopeRefusal(fx.alice.client.introspect(fx.alice.key), 'introspection');
      await expectStatus(staff.client.POST(path, { body: {} as never }), 400);
      await expectStatus(staff.client.introspect('x'.repeat(70_000)), 413);
      await expectStatus(fx.raw(staff.client, 'POST', path, textBody('token=x')), 415);
      await expectStatus(fx.raw(staff.client, 'GET', path), 405);
    },
  },
};
