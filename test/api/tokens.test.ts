/**
 * Many tokens per user, one per device, so each can be revoked alone: the caller's own list with `current`,
 * never a key; revoking one token; another user's id answering exactly like a missing one; the per-user
 * limit with both policies; logout everywhere; a deactivated or deleted user failing on the very next
 * request.
 */
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { authEvents, tokens, users } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

interface Listed {
  id: string;
  label: string;
  prefix: string;
  created: string;
  last_used: string | null;
  expiry: string | null;
  current: boolean;
}

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

async function list(key: string): Promise<Listed[]> {
  const res = await t.call('GET', '/rest-auth/tokens/', { token: key });
  expect(res.status).toBe(200);
  return (await res.json()) as Listed[];
}

async function status(key: string): Promise<number> {
  return (await t.call('GET', '/test_auth/', { token: key })).status;
}

describe('GET /rest-auth/tokens/', () => {
  it("lists the caller's tokens newest first, marks the current one, never shows a key", async () => {
    const alice = await t.user('alice');
    const laptop = await t.login('alice', alice.password, 'laptop');
    const phone = await t.login('alice', alice.password, 'phone');
    await t.user('bob');
    await t.login('bob', 'correct-horse-battery', 'bob-device');

    const res = await t.call('GET', '/rest-auth/tokens', { token: laptop });
    const text = await res.text();
    expect(text).not.toContain(laptop);
    expect(text).not.toContain(phone);
    expect(text).not.toMatch(/"key"/);
    const rows = JSON.parse(text) as Listed[];
    expect(rows.map((r) => [r.label, r.current])).toEqual([
      ['phone', false],
      ['laptop', true],
    ]);
    expect(rows[1]?.prefix).toBe(laptop.slice(0, 8));
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(
      [
        'created',
        'current',
        'expiry',
        'id',
        'label',
        'last_used',
        'prefix',
        'scopes',
        'idle_timeout',
        'max_expiry',
      ].sort(),
    );
    // The list was fetched with the laptop token: its use is recorded, the phone's is not.
    const again = await list(laptop);
    expect(again.find((r) => r.label === 'laptop')?.last_used).not.toBeNull();
    expect(again.find((r) => r.label === 'phone')?.last_used).toBeNull();
    expect((await list(phone)).map((r) => r.current)).toEqual([true, false]);
  });

  it('labels a token from the User-Agent when login names none', async () => {
    const alice = await t.user('alice');
    const res = await t.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: alice.password },
      headers: {
        'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
    });
    const { key } = (await res.json()) as { key: string };
    const curl = await t.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: alice.password },
      headers: { 'User-Agent': 'curl/8.5.0' },
    });
    expect(curl.status).toBe(200);
    expect((await list(key)).map((r) => r.label)).toEqual(['curl 8.5.0', 'Firefox on Linux']);
  });

  it('answers 401 without a valid token and 405 for other methods', async () => {
    const none = await t.call('GET', '/rest-auth/tokens/');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: MESSAGES.notAuthenticated });
    const bad = await t.call('GET', '/rest-auth/tokens/', {
      token: 'lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(await bad.json()).toEqual({ detail: MESSAGES.invalidToken });
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const post = await t.call('POST', '/rest-auth/tokens/', { token: key });
    expect(post.status).toBe(405);
    expect(await post.json()).toEqual({ detail: 'Method "POST" not allowed.' });
  });
});

describe('DELETE /rest-auth/tokens/{id}/', () => {
  it('revokes one token of the caller; the others keep working', async () => {
    const alice = await t.user('alice');
    const laptop = await t.login('alice', alice.password, 'laptop');
    const phone = await t.login('alice', alice.password, 'phone');
    const phoneId = (await list(laptop)).find((r) => r.label === 'phone')?.id as string;

    const res = await t.call('DELETE', `/rest-auth/tokens/${phoneId}`, { token: laptop });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const after = await t.call('GET', '/test_auth/', { token: phone });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ detail: MESSAGES.invalidToken });
    expect(await status(laptop)).toBe(200);
    expect((await list(laptop)).map((r) => r.label)).toEqual(['laptop']);
    // Gone means gone: a second delete is a 404.
    expect((await t.call('DELETE', `/rest-auth/tokens/${phoneId}/`, { token: laptop })).status).toBe(404);
  });

  it("answers another user's token id exactly like a missing one, and leaves it alone", async () => {
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const aliceKey = await t.login('alice', alice.password);
    const bobKey = await t.login('bob', bob.password);
    const bobId = (await list(bobKey))[0]?.id as string;

    const theirs = await t.call('DELETE', `/rest-auth/tokens/${bobId}/`, { token: aliceKey });
    const missing = await t.call('DELETE', '/rest-auth/tokens/0000000000000000/', { token: aliceKey });
    const odd = await t.call('DELETE', '/rest-auth/tokens/%27%3B--/', { token: aliceKey });
    for (const res of [theirs, missing, odd]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ detail: MESSAGES.notFound });
    }
    expect([...theirs.headers.keys()].sort()).toEqual([...missing.headers.keys()].sort());
    expect(await status(bobKey)).toBe(200);
  });

  it('revoking the current token logs this client out', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const id = (await list(key))[0]?.id as string;
    expect((await t.call('DELETE', `/rest-auth/tokens/${id}/`, { token: key })).status).toBe(204);
    expect(await status(key)).toBe(401);
  });

  it('needs a valid token', async () => {
    const res = await t.call('DELETE', '/rest-auth/tokens/0000000000000000/');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Token');
  });
});

describe('POST /rest-auth/logoutall/', () => {
  it("revokes every token of the caller and no one else's", async () => {
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const keys = [
      await t.login('alice', alice.password),
      await t.login('alice', alice.password),
      await t.login('alice', alice.password),
    ];
    const bobKey = await t.login('bob', bob.password);
    const res = await t.call('POST', '/rest-auth/logoutall/', { token: keys[1] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ detail: MESSAGES.loggedOut });
    for (const key of keys) expect(await status(key)).toBe(401);
    expect(await status(bobKey)).toBe(200);
    expect(await t.services.tokens.list(alice.id)).toEqual([]);
  });
});

describe('TOKEN_LIMIT_PER_USER', () => {
  it('evict-oldest (default) revokes the least recently used token', async () => {
    t = await testApp({ TOKEN_LIMIT_PER_USER: '2' });
    const alice = await t.user('alice');
    const first = await t.login('alice', alice.password, 'first');
    const second = await t.login('alice', alice.password, 'second');
    expect(await status(first)).toBe(200); // first is now the most recently used
    const third = await t.login('alice', alice.password, 'third');
    expect(await status(second)).toBe(401);
    expect(await status(first)).toBe(200);
    expect(await status(third)).toBe(200);
    expect((await list(third)).map((r) => r.label)).toEqual(['third', 'first']);
  });

  it('reject answers 403 and issues nothing until a token is revoked', async () => {
    t = await testApp({ TOKEN_LIMIT_PER_USER: '2', TOKEN_LIMIT_POLICY: 'reject' });
    const alice = await t.user('alice');
    const first = await t.login('alice', alice.password);
    await t.login('alice', alice.password);
    for (let i = 0; i < 12; i++) {
      // More than LOGIN_THROTTLE_USER times: a correct password at the limit is not a failed login.
      const res = await t.call('POST', '/rest-auth/login/', {
        json: { username: 'alice', password: alice.password },
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ detail: 'Maximum amount of tokens allowed per user exceeded.' });
    }
    expect(await t.services.tokens.list(alice.id)).toHaveLength(2);
    // Each refusal is in the audit trail as a failed login with its reason, and no success past the two.
    const logins = await t.services.db.select().from(authEvents).where(eq(authEvents.type, 'login'));
    expect(logins.filter((e) => e.outcome === 'failure' && e.detail?.reason === 'token_limit')).toHaveLength(
      12,
    );
    expect(logins.filter((e) => e.outcome === 'success')).toHaveLength(2);
    await t.call('POST', '/rest-auth/logout/', { token: first });
    expect(await status(await t.login('alice', alice.password))).toBe(200);
  });

  it('counts only live tokens: expired ones do not block a login', async () => {
    t = await testApp({ TOKEN_LIMIT_PER_USER: '1', TOKEN_LIMIT_POLICY: 'reject' });
    const alice = await t.user('alice');
    await t.login('alice', alice.password);
    await t.services.db
      .update(tokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(tokens.userId, alice.id));
    expect(await status(await t.login('alice', alice.password))).toBe(200);
  });
});

describe('a user made inactive or deleted', () => {
  it('fails on the very next request with any of their tokens', async () => {
    const alice = await t.user('alice');
    const keys = [await t.login('alice', alice.password), await t.login('alice', alice.password)];
    for (const key of keys) expect(await status(key)).toBe(200);

    // Written directly, as another process would: the change reaches the verify cache through the feed.
    await t.services.db.update(users).set({ isActive: false }).where(eq(users.id, alice.id));
    await t.changesDelivered();
    for (const key of keys) {
      for (const path of ['/test_auth/', '/rest-auth/tokens/', '/rest-auth/user/']) {
        const res = await t.call('GET', path, { token: key });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ detail: MESSAGES.inactive });
      }
    }
    await t.services.db.update(users).set({ isActive: true }).where(eq(users.id, alice.id));
    await t.changesDelivered();
    expect(await status(keys[0] as string)).toBe(200);

    await t.services.db.delete(users).where(eq(users.id, alice.id));
    await t.changesDelivered();
    for (const key of keys) {
      const res = await t.call('GET', '/rest-auth/user/', { token: key });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: MESSAGES.invalidToken });
    }
  });
});
