/**
 * Cookie sessions end when unused (SESSION_IDLE_TIMEOUT, shorter for staff) exactly as expired ones, and
 * record their last use at most once per touch interval; users list and end their own sessions
 * (GET/DELETE /rest-auth/sessions/), labelled from the User-Agent, never another user's.
 */
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessions, users } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { CookieJar } from '../support/cookies.ts';
import { resetDatabase, testDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IDLE = { SESSION_LOGIN: 'true', SESSION_IDLE_TIMEOUT: '7200', SESSION_IDLE_TIMEOUT_STAFF: '1800' };

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp(IDLE);
  await t.user('staff', PASSWORD, { isStaff: true });
  await t.user('alice', PASSWORD);
});

/** Logs in with a browser's User-Agent, keeping the cookies; returns the key. */
async function login(jar: CookieJar, username: string) {
  const res = jar.store(
    await t.app.request('/rest-auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': FIREFOX },
      body: JSON.stringify({ username, password: PASSWORD }),
    }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { key: string }).key;
}

/** A request with the jar's cookies (and the CSRF header for unsafe methods). */
function withCookies(jar: CookieJar, method: string, path: string) {
  const headers = new Headers({ Cookie: jar.header() });
  if (method !== 'GET') headers.set('X-CSRFToken', jar.get('csrftoken') as string);
  return t.app.request(path, { method, headers });
}

/** Makes every session of a user look last used `seconds` ago. */
async function idleFor(username: string, seconds: number) {
  const { db } = await testDatabase();
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  const then = sql`now() - make_interval(secs => ${seconds})`;
  await db
    .update(sessions)
    .set({ createdAt: then, lastSeenAt: then })
    .where(eq(sessions.userId, user?.id as number));
}

async function lastSeen(): Promise<(Date | null)[]> {
  const { db } = await testDatabase();
  return (await db.select({ at: sessions.lastSeenAt }).from(sessions)).map((r) => r.at);
}

describe('idle timeout', () => {
  it('a session unused longer than SESSION_IDLE_TIMEOUT is refused like an expired one', async () => {
    const jar = new CookieJar();
    await login(jar, 'alice');
    await idleFor('alice', 7000);
    expect((await withCookies(jar, 'GET', '/rest-auth/sessions/')).status).toBe(200);
    await idleFor('alice', 7300);
    const res = await withCookies(jar, 'GET', '/rest-auth/sessions/');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: MESSAGES.notAuthenticated });
  });

  it('staff sessions have the shorter SESSION_IDLE_TIMEOUT_STAFF', async () => {
    const staff = new CookieJar();
    const alice = new CookieJar();
    await login(staff, 'staff');
    await login(alice, 'alice');
    await idleFor('staff', 1900);
    await idleFor('alice', 1900);
    expect((await withCookies(staff, 'GET', '/admin/api/users/')).status).toBe(401);
    expect((await withCookies(alice, 'GET', '/rest-auth/sessions/')).status).toBe(200);
  });

  it('a use records last_seen_at, but not again within the touch interval', async () => {
    const jar = new CookieJar();
    await login(jar, 'alice');
    expect(await lastSeen()).toEqual([null]);
    await idleFor('alice', 120);
    expect((await withCookies(jar, 'GET', '/rest-auth/sessions/')).status).toBe(200);
    const [first] = await lastSeen();
    expect(first).toBeInstanceOf(Date);
    expect((await withCookies(jar, 'GET', '/rest-auth/sessions/')).status).toBe(200);
    expect(await lastSeen()).toEqual([first]);
    // Kept alive by use: last used 100 s ago, opened long before the idle timeout.
    const { db } = await testDatabase();
    await db.update(sessions).set({
      createdAt: sql`now() - interval '3 hours'`,
      lastSeenAt: sql`now() - interval '100 seconds'`,
    });
    expect((await withCookies(jar, 'GET', '/rest-auth/sessions/')).status).toBe(200);
    expect((await lastSeen())[0]?.getTime()).toBeGreaterThan((first as Date).getTime());
  });
});

describe('GET/DELETE /rest-auth/sessions/', () => {
  it("lists the caller's own live sessions, labelled from the User-Agent, marking the current one", async () => {
    const jar = new CookieJar();
    const key = await login(jar, 'alice');
    await login(new CookieJar(), 'alice');
    await login(new CookieJar(), 'staff');
    const res = await withCookies(jar, 'GET', '/rest-auth/sessions/');
    const list = (await res.json()) as { id: string; label: string; current: boolean; expiry: string }[];
    expect(list).toHaveLength(2);
    expect(list.map((s) => s.label)).toEqual(['Firefox on Linux', 'Firefox on Linux']);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.every((s) => /^[0-9a-f]{16}$/.test(s.id))).toBe(true);
    const byToken = await t.call('GET', '/rest-auth/sessions/', { token: key });
    expect(((await byToken.json()) as { current: boolean }[]).map((s) => s.current)).toEqual([false, false]);
    // An idle session is left out even before its row is purged.
    await idleFor('alice', 7300);
    expect(await (await t.call('GET', '/rest-auth/sessions/', { token: key })).json()).toEqual([]);
  });

  it("ends one of one's own sessions (CSRF checked); another's or an unknown id is 404", async () => {
    const jar = new CookieJar();
    const other = new CookieJar();
    await login(jar, 'alice');
    await login(other, 'alice');
    const staff = new CookieJar();
    const staffKey = await login(staff, 'staff');
    const list = (await (await withCookies(jar, 'GET', '/rest-auth/sessions/')).json()) as {
      id: string;
      current: boolean;
    }[];
    const otherId = list.find((s) => !s.current)?.id as string;
    const currentId = list.find((s) => s.current)?.id as string;
    const noCsrf = await t.app.request(`/rest-auth/sessions/${otherId}/`, {
      method: 'DELETE',
      headers: { Cookie: jar.header() },
    });
    expect(noCsrf.status).toBe(403);
    expect((await t.call('DELETE', `/rest-auth/sessions/${otherId}/`, { token: staffKey })).status).toBe(404);
    expect((await withCookies(jar, 'DELETE', '/rest-auth/sessions/0123456789abcdef/')).status).toBe(404);
    expect((await withCookies(jar, 'DELETE', '/rest-auth/sessions/nonsense/')).status).toBe(404);
    expect((await withCookies(jar, 'DELETE', `/rest-auth/sessions/${otherId}/`)).status).toBe(204);
    expect((await withCookies(other, 'GET', '/rest-auth/sessions/')).status).toBe(401);
    expect((await withCookies(staff, 'GET', '/admin/api/users/')).status).toBe(200);
    const self = await withCookies(jar, 'DELETE', `/rest-auth/sessions/${currentId}/`);
    expect(self.status).toBe(204);
    expect(self.headers.getSetCookie().some((c) => /^sessionid=;.*Max-Age=0/.test(c))).toBe(true);
    expect((await withCookies(jar, 'GET', '/rest-auth/sessions/')).status).toBe(401);
  });
});
