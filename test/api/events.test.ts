/**
 * The audit trail: security events are stored and logged as one JSON line each (whatever LOG_REQUESTS
 * says), never hold a secret, are listed for staff (filters, paging) and for each user (their own),
 * are purged after AUDIT_RETENTION, never come from the token check, and never fail a request.
 */
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { authEvents, tokens, users } from '../../server/db/schema.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
let t: TestApp;
let aliceId: number;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp({ LOG_REQUESTS: 'false' });
  aliceId = (await t.user('alice', PASSWORD)).id;
  await t.user('root', PASSWORD, { isStaff: true });
});

const rows = () => t.services.db.select().from(authEvents).orderBy(authEvents.id);
const login = (username: string, password: string) =>
  t.call('POST', '/rest-auth/login/', { json: { username, password }, headers: { 'User-Agent': UA } });

describe('recording', () => {
  it('records logins (with the failure kind), logout, token and password changes, one log line each', async () => {
    expect((await login('alice', 'wrong-password')).status).toBe(400);
    expect((await login('nobody', 'wrong-password')).status).toBe(400);
    const { key } = (await (await login('alice', PASSWORD)).json()) as { key: string };
    const next = 'purple elephant sings at dawn';
    const change = await t.call('POST', '/rest-auth/password/change/', {
      token: key,
      json: { old_password: PASSWORD, new_password1: next, new_password2: next },
    });
    expect(change.status).toBe(200);
    expect((await t.call('POST', '/rest-auth/logout/', { token: key })).status).toBe(200);
    const stored = await rows();
    expect(stored.map((e) => [e.type, e.outcome, e.detail?.reason ?? null])).toEqual([
      ['login', 'failure', 'bad_password'],
      ['login', 'failure', 'unknown_user'],
      ['login', 'success', null],
      ['password_changed', 'success', null],
      ['logout', 'success', null],
    ]);
    const success = stored[2];
    expect(success).toMatchObject({ actorUserId: aliceId, targetUserId: aliceId, userAgent: UA });
    expect(success?.targetTokenId).toMatch(/^\w{16}$/);
    expect(stored[0]).toMatchObject({ actorUserId: null, targetUserId: aliceId });
    // LOG_REQUESTS is off: the events are logged anyway, one line each, with no secret.
    const lines = t.logged.filter((l) => l.msg === 'auth event');
    expect(lines.map((l) => l.event)).toEqual(stored.map((e) => e.type));
    expect(JSON.stringify(lines)).not.toMatch(/correct-horse|purple elephant|wrong-password|lk_/);
  });

  it('records throttled logins and admin changes with the fields and flags', async () => {
    const staff = await t.login('root', PASSWORD);
    const patch = await t.call('PATCH', `/admin/api/users/${aliceId}/`, {
      token: staff,
      json: { is_staff: true, first_name: 'Alice' },
    });
    expect(patch.status).toBe(200);
    const changed = (await rows()).find((e) => e.type === 'user_changed');
    expect(changed?.detail).toEqual({
      fields: ['firstName', 'isStaff'],
      before: { isStaff: false },
      after: { isStaff: true },
    });
    const limited = await testApp({ LOGIN_THROTTLE_USER: '1' });
    await limited.call('POST', '/rest-auth/login/', { json: { username: 'alice', password: 'nope-nope' } });
    const res = await limited.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: 'nope-nope' },
    });
    expect(res.status).toBe(429);
    expect((await rows()).at(-1)).toMatchObject({ type: 'login_throttled', outcome: 'failure' });
  });

  it('writes nothing on the token check', async () => {
    const key = await t.login('alice', PASSWORD);
    const before = (await rows()).length;
    for (let i = 0; i < 3; i++) expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    expect((await rows()).length).toBe(before);
  });

  it.each([
    ['no per-user token limit (one statement)', {}],
    ['a per-user token limit (its transaction)', { TOKEN_LIMIT_PER_USER: '3' }],
  ])("writes a login's token, last-login time and event together, with %s", async (_, env) => {
    t = await testApp({ LOG_REQUESTS: 'false', ...env });
    const before = new Date();
    const res = await login('alice', PASSWORD);
    expect(res.status).toBe(200);
    const { key } = (await res.json()) as { key: string };
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    const [token] = await t.services.db.select().from(tokens).where(eq(tokens.userId, aliceId));
    const event = (await rows()).find((e) => e.type === 'login' && e.outcome === 'success');
    expect(event?.targetTokenId).toBe(token?.id);
    expect(event?.at.getTime()).toBe(token?.createdAt.getTime());
    const [alice] = await t.services.db.select().from(users).where(eq(users.id, aliceId));
    expect(alice?.lastLogin?.getTime()).toBe(token?.createdAt.getTime());
    expect(alice?.lastLogin?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const line = t.logged.find((l) => l.msg === 'auth event' && l.outcome === 'success');
    expect(line).toMatchObject({ event: 'login', token: token?.id, user: aliceId });
    // Written by the one statement, not by the one-by-one fallback (which would pass the rest as well).
    expect(t.logged.filter((l) => l.msg === 'login writes made one by one')).toEqual([]);
  });

  it('never fails the request when the event cannot be stored, and logs that', async () => {
    await t.services.db.execute(sql`alter table auth_events rename to auth_events_away`);
    let key = '';
    try {
      const res = await login('alice', PASSWORD);
      expect(res.status).toBe(200);
      key = ((await res.json()) as { key: string }).key;
    } finally {
      await t.services.db.execute(sql`alter table auth_events_away rename to auth_events`);
    }
    // The statement that writes the token with its event failed as a whole: the login then wrote them
    // one by one, so it holds one token (the one it answered with) and its time.
    const held = await t.services.db.select().from(tokens).where(eq(tokens.userId, aliceId));
    expect(held).toHaveLength(1);
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    const [alice] = await t.services.db.select().from(users).where(eq(users.id, aliceId));
    expect(alice?.lastLogin).toBeInstanceOf(Date);
    expect(t.logged).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'login writes made one by one', sqlstate: '42P01' }),
    );
    expect(t.logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'audit event not stored',
        event: 'login',
        sqlstate: '42P01',
      }),
    );
  });
});

describe('reading', () => {
  it('lists every event for staff, filtered by user, type and time, paged', async () => {
    await login('alice', 'wrong-password');
    await login('alice', PASSWORD);
    const staff = await t.login('root', PASSWORD);
    const get = async (query: string) => {
      const res = await t.call('GET', `/admin/api/events/${query}`, { token: staff });
      return {
        status: res.status,
        body: (await res.json()) as { count: number; results: { type: string }[] },
      };
    };
    const all = await get('');
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(3);
    expect((await get(`?user=${aliceId}`)).body.count).toBe(2);
    expect((await get(`?user=${aliceId}&type=login`)).body.results.map((e) => e.type)).toEqual([
      'login',
      'login',
    ]);
    expect((await get('?since=2999-01-01T00:00:00Z')).body.count).toBe(0);
    expect((await get('?until=2000-01-01T00:00:00Z')).body.count).toBe(0);
    expect((await get('?page_size=1&page=2')).body.results).toHaveLength(1);
    expect((await get('?type=nonsense')).status).toBe(400);
    expect((await get('?page=9')).status).toBe(404);
    const alice = await t.login('alice', PASSWORD);
    expect((await t.call('GET', '/admin/api/events/', { token: alice })).status).toBe(403);
  });

  it("shows each user their own recent events, not others'", async () => {
    await login('root', 'wrong-password');
    await login('alice', 'wrong-password');
    const key = await t.login('alice', PASSWORD);
    const res = await t.call('GET', '/rest-auth/events/', { token: key });
    expect(res.status).toBe(200);
    const events = (await res.json()) as { type: string; outcome: string; user: number }[];
    expect(events.map((e) => [e.type, e.outcome])).toEqual([
      ['login', 'success'],
      ['login', 'failure'],
    ]);
    expect(events.every((e) => e.user === aliceId)).toBe(true);
  });
});

describe('retention', () => {
  it('purges events older than AUDIT_RETENTION with the expired tokens', async () => {
    const short = await testApp({ AUDIT_RETENTION: '3600' });
    await login('alice', 'wrong-password');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3601_000);
      await login('alice', 'wrong-password');
      const result = await short.services.purger.run();
      expect(result.events).toBe(1);
      expect(await rows()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
