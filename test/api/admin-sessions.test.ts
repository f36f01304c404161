/**
 * The admin API's view of a user's cookie sessions (issue 15): listed newest first with paging, never
 * the session id or its digest, the caller's own session marked `current`; ended one at a time, the
 * cookie failing at once; the same guards as tokens (staff only, superusers' sessions for superusers).
 */
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { SESSION_PUBLIC_ID_LENGTH } from '../../server/auth/sessions.ts';
import { sessions } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { CookieJar } from '../support/cookies.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const API = '/admin/api';

let t: TestApp;
let staff: string;
let staffId: number;
let aliceId: number;
let rootId: number;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp({ SESSION_LOGIN: 'true' });
  staffId = (await t.user('staff', PASSWORD, { isStaff: true })).id;
  aliceId = (await t.user('alice', PASSWORD)).id;
  rootId = (await t.user('root', PASSWORD, { isStaff: true, isSuperuser: true })).id;
  staff = await t.login('staff', PASSWORD);
});

interface SessionPage {
  count: number;
  next: string | null;
  results: { id: string; label: string; created: string; expiry: string; current: boolean }[];
}

/** Logs `username` in through the REST API with SESSION_LOGIN on; returns the jar holding the cookies. */
async function sessionLogin(username: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const res = jar.store(
    await t.app.request('/rest-auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    }),
  );
  expect(res.status).toBe(200);
  return jar;
}

/** A request made with the jar's session cookie only (CSRF header on unsafe methods). */
function asSession(jar: CookieJar, method: string, path: string) {
  const headers = new Headers({ Cookie: jar.header() });
  if (method !== 'GET') headers.set('X-CSRFToken', jar.get('csrftoken') as string);
  return t.app.request(path, { method, headers });
}

const list = async (id: number, init: { token?: string } = { token: staff }, query = '') => {
  const res = await t.call('GET', `${API}/users/${id}/sessions/${query}`, init);
  return { status: res.status, body: (await res.json()) as SessionPage };
};

describe("a user's sessions", () => {
  it('lists live sessions newest first with paging, never the id or digest', async () => {
    const jars = [];
    for (let i = 0; i < 3; i++) jars.push(await sessionLogin('alice'));
    const expired = await t.services.sessions.open(aliceId, new Date(Date.now() - 1000 * 86_400_000));
    const { status, body } = await list(aliceId, { token: staff }, '?page_size=2');
    expect(status).toBe(200);
    expect(body.count).toBe(3);
    expect(body.next).toMatch(/page=2/);
    expect(body.results).toHaveLength(2);
    expect(Object.keys(body.results[0] ?? {}).sort()).toEqual(
      ['created', 'current', 'expiry', 'id', 'label', 'last_seen'].sort(),
    );
    for (const row of body.results) {
      expect(row.id).toMatch(new RegExp(`^[0-9a-f]{${SESSION_PUBLIC_ID_LENGTH}}$`));
      expect(row.current).toBe(false);
    }
    const text = JSON.stringify(body);
    for (const jar of jars) expect(text).not.toContain(jar.get('sessionid'));
    expect(text).not.toContain(expired.digest);
    const created = body.results.map((r) => r.created);
    expect([...created].sort().reverse()).toEqual(created);
    expect((await list(999_999)).status).toBe(404);
  });

  it('leaves out sessions idle past the timeout and shows when each live one ends if left unused', async () => {
    const idleApp = await testApp({ SESSION_LOGIN: 'true', SESSION_IDLE_TIMEOUT: '3600' });
    t = idleApp;
    const hour = 3_600_000;
    const opened = Date.now() - 5 * hour;
    const idle = await t.services.sessions.open(aliceId, new Date(opened));
    const busy = await t.services.sessions.open(aliceId, new Date(opened));
    const lastSeen = new Date(Date.now() - 10 * 60_000);
    await t.services.db
      .update(sessions)
      .set({ lastSeenAt: lastSeen })
      .where(eq(sessions.digest, busy.digest));
    const { status, body } = await list(aliceId);
    expect(status).toBe(200);
    expect(body.count).toBe(1);
    expect(body.results).toHaveLength(1);
    expect(body.results[0]?.expiry).toBe(new Date(lastSeen.getTime() + hour).toISOString());
    // The idle one no longer signs anybody in either: the list and the check agree.
    expect(await t.services.sessions.find(idle.id)).toBeUndefined();
    expect((await t.services.sessions.find(busy.id))?.user.id).toBe(aliceId);
  });

  it("marks the caller's own session as current", async () => {
    const jar = await sessionLogin('staff');
    const res = await asSession(jar, 'GET', `${API}/users/${staffId}/sessions/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SessionPage;
    expect(body.results.filter((r) => r.current)).toHaveLength(1);
  });

  it('ends one session: its cookie fails at once, the others keep working; unknown ids are 404', async () => {
    const first = await sessionLogin('alice');
    const second = await sessionLogin('alice');
    const { body } = await list(aliceId);
    const [newest, oldest] = body.results;
    expect(body.count).toBe(2);
    const end = (id: string, userId = aliceId) =>
      t.call('DELETE', `${API}/users/${userId}/sessions/${id}/`, { token: staff });
    expect((await end(newest?.id as string)).status).toBe(204);
    // A live session of a non-staff user gets 403 from the admin API, an ended one 401.
    const alive = async (jar: CookieJar) => (await asSession(jar, 'GET', `${API}/users/`)).status;
    expect([await alive(first), await alive(second)].sort()).toEqual([401, 403]);
    expect((await list(aliceId)).body.results.map((r) => r.id)).toEqual([oldest?.id]);
    expect((await end(newest?.id as string)).status).toBe(404);
    // Another user's path does not reach alice's session; malformed ids are 404 too.
    expect((await end(oldest?.id as string, staffId)).status).toBe(404);
    for (const bad of ['x', '0'.repeat(64), 'ZZZZZZZZZZZZZZZZ']) {
      const res = await end(bad);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: MESSAGES.notFound });
    }
    expect((await list(aliceId)).body.count).toBe(1);
  });

  it("only a superuser may end a superuser's session; anyone else staff or not is refused", async () => {
    await sessionLogin('root');
    const { body } = await list(rootId);
    const id = body.results[0]?.id as string;
    const path = `${API}/users/${rootId}/sessions/${id}/`;
    expect((await t.call('DELETE', path, { token: staff })).status).toBe(403);
    const alice = await t.login('alice', PASSWORD);
    expect((await t.call('GET', `${API}/users/${rootId}/sessions/`, { token: alice })).status).toBe(403);
    expect((await t.call('DELETE', path, { token: alice })).status).toBe(403);
    expect((await t.call('DELETE', path)).status).toBe(401);
    const root = await t.login('root', PASSWORD);
    expect((await t.call('DELETE', path, { token: root })).status).toBe(204);
    expect((await list(rootId)).body.results.map((r) => r.id)).not.toContain(id);
  });

  it('a cookie-session DELETE needs the CSRF token', async () => {
    const target = await sessionLogin('alice');
    const admin = await sessionLogin('staff');
    const id = (await list(aliceId)).body.results[0]?.id as string;
    const res = await t.app.request(`${API}/users/${aliceId}/sessions/${id}/`, {
      method: 'DELETE',
      headers: { Cookie: admin.header() },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^CSRF Failed/);
    expect((await asSession(target, 'POST', '/rest-auth/logout/')).status).toBe(200);
  });
});
