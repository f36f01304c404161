/**
 * Session login, the tutorial's cookie flow done safely: SESSION_LOGIN off never sets a cookie; on, login
 * opens a server-side session with an HttpOnly `sessionid` and a script-readable `csrftoken`, Secure with
 * the `__Host-` prefix over HTTPS; logout, logoutall, deactivation, password changes and expiry end it, on
 * every instance at once (the state is only in the database).
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessions } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { CookieJar, setCookies } from '../support/cookies.ts';
import { resetDatabase, testDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const ON = { SESSION_LOGIN: 'true', SESSION_TTL: '3600' };

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp(ON);
  await t.user('staff', PASSWORD, { isStaff: true });
  await t.user('alice', PASSWORD);
});

/** Logs in through the REST API, keeping the cookies; returns the key. */
async function restLogin(app: TestApp, jar: CookieJar, username = 'staff', url = '/rest-auth/login/') {
  const res = jar.store(
    await app.app.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: jar.header() },
      body: JSON.stringify({ username, password: PASSWORD }),
    }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { key: string }).key;
}

/** A request carrying the jar's cookies (and the CSRF header for unsafe methods). */
function withCookies(app: TestApp, jar: CookieJar, method: string, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('Cookie', jar.header());
  if (method !== 'GET' && jar.get('csrftoken')) headers.set('X-CSRFToken', jar.get('csrftoken') as string);
  return app.app.request(path, { ...init, method, headers });
}

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

describe('SESSION_LOGIN off (the default)', () => {
  it('never sets a cookie: login, token use, logout, logoutall', async () => {
    const off = await testApp();
    const login = await off.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie()).toEqual([]);
    const { key } = (await login.json()) as { key: string };
    for (const [method, path] of [
      ['GET', '/test_auth/'],
      ['POST', '/test_auth/'],
      ['POST', '/rest-auth/logout/'],
    ] as const) {
      const res = await off.call(method, path, { token: key });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const other = await off.login('alice', PASSWORD);
    const all = await off.call('POST', '/rest-auth/logoutall/', { token: other });
    expect(all.status).toBe(200);
    expect(all.headers.getSetCookie()).toEqual([]);
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).toEqual([]);
  });
});

describe('SESSION_LOGIN on', () => {
  it('login sets an HttpOnly sessionid and a readable csrftoken (SameSite=Lax, not Secure over HTTP)', async () => {
    const res = await t.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(await res.json()).sort()).toEqual(['expiry', 'key', 'user']);
    const cookies = Object.fromEntries(setCookies(res).map((c) => [c.name, c]));
    expect(Object.keys(cookies).sort()).toEqual(['csrftoken', 'sessionid']);
    const session = cookies.sessionid;
    const csrf = cookies.csrftoken;
    expect(session?.attributes).toMatchObject({
      httponly: true,
      samesite: 'Lax',
      path: '/',
      'max-age': '3600',
    });
    expect(session?.attributes.secure).toBeUndefined();
    expect(session?.value).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(csrf?.attributes).toMatchObject({ samesite: 'Lax', path: '/', 'max-age': '3600' });
    expect(csrf?.attributes.httponly).toBeUndefined();
    expect(csrf?.value).toMatch(/^[0-9A-Za-z]{32}$/);
    // Server-side: only the digest of the id is stored, with the CSRF secret and the expiry.
    const { db } = await testDatabase();
    const rows = await db.select().from(sessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.digest).toBe(digest(session?.value as string));
    expect(rows[0]?.csrfSecret).toBe(csrf?.value);
    const ttl = (rows[0]?.expiresAt.getTime() ?? 0) - (rows[0]?.createdAt.getTime() ?? 0);
    expect(ttl).toBe(3600_000);
  });

  it('over HTTPS uses __Host-sessionid, Secure, no Domain, and reads only the prefixed cookie', async () => {
    const jar = new CookieJar();
    const res = await t.app.request('https://localhost/rest-auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'staff', password: PASSWORD }),
    });
    jar.store(res);
    const cookies = Object.fromEntries(setCookies(res).map((c) => [c.name, c]));
    expect(Object.keys(cookies).sort()).toEqual(['__Host-sessionid', 'csrftoken']);
    expect(cookies['__Host-sessionid']?.attributes).toMatchObject({
      secure: true,
      httponly: true,
      path: '/',
    });
    expect(cookies['__Host-sessionid']?.attributes.domain).toBeUndefined();
    expect(cookies.csrftoken?.attributes.secure).toBe(true);
    expect((await withCookies(t, jar, 'GET', 'https://localhost/admin/api/users/')).status).toBe(200);
    // The same id under the unprefixed name (which a sibling subdomain could plant) is not read.
    const planted = `sessionid=${jar.get('__Host-sessionid')}`;
    const res2 = await t.app.request('https://localhost/admin/api/users/', { headers: { Cookie: planted } });
    expect(res2.status).toBe(401);
  });

  it('believes X-Forwarded-Proto only with TRUST_PROXY', async () => {
    const headers = { 'Content-Type': 'application/json', 'X-Forwarded-Proto': 'https' };
    const body = JSON.stringify({ username: 'alice', password: PASSWORD });
    const untrusted = await t.app.request('/rest-auth/login/', { method: 'POST', headers, body });
    expect(setCookies(untrusted).map((c) => c.name)).toContain('sessionid');
    const proxied = await testApp({ ...ON, TRUST_PROXY: 'true' });
    const trusted = await proxied.app.request('/rest-auth/login/', { method: 'POST', headers, body });
    const names = setCookies(trusted).map((c) => c.name);
    expect(names).toContain('__Host-sessionid');
    expect(setCookies(trusted).every((c) => c.attributes.secure === true)).toBe(true);
  });

  it('the session authenticates operations that declare it; test_auth (token only) ignores it', async () => {
    const jar = new CookieJar();
    await restLogin(t, jar);
    expect((await withCookies(t, jar, 'GET', '/admin/api/users/')).status).toBe(200);
    for (const method of ['GET', 'POST']) {
      const res = await withCookies(t, jar, method, '/test_auth/');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Token');
      expect(await res.json()).toEqual({ detail: MESSAGES.notAuthenticated });
    }
  });

  it('junk, unknown and expired session cookies count as no credentials', async () => {
    const jar = new CookieJar();
    await restLogin(t, jar);
    for (const value of ['x', 'a'.repeat(40), `${'é'.repeat(10)}`, 'a'.repeat(5000)]) {
      const res = await t.app.request('/admin/api/users/', { headers: { Cookie: `sessionid=${value}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: MESSAGES.notAuthenticated });
    }
    const { db } = await testDatabase();
    await db.update(sessions).set({ expiresAt: sql`now() - interval '1 second'` });
    expect((await withCookies(t, jar, 'GET', '/admin/api/users/')).status).toBe(401);
  });

  it('logging in again ends the session the browser carried (no fixation)', async () => {
    const jar = new CookieJar();
    await restLogin(t, jar);
    const first = jar.get('sessionid') as string;
    await restLogin(t, jar);
    expect(jar.get('sessionid')).not.toBe(first);
    const { db } = await testDatabase();
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.digest, digest(first))),
    ).toEqual([]);
    expect(await db.select().from(sessions)).toHaveLength(1);
  });

  it('logout with the token also ends the session and expires both cookies', async () => {
    const jar = new CookieJar();
    const key = await restLogin(t, jar);
    const res = await t.app.request('/rest-auth/logout/', {
      method: 'POST',
      headers: { Authorization: `Token ${key}`, Cookie: jar.header() },
    });
    expect(res.status).toBe(200);
    const cleared = setCookies(res);
    expect(cleared.map((c) => [c.name, c.attributes['max-age']]).sort()).toEqual([
      ['csrftoken', '0'],
      ['sessionid', '0'],
    ]);
    expect((await withCookies(t, jar, 'GET', '/admin/api/users/')).status).toBe(401);
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(401);
  });

  it('logout with the session alone (and CSRF) ends it and leaves the token alone', async () => {
    const jar = new CookieJar();
    const key = await restLogin(t, jar);
    const res = await withCookies(t, jar, 'POST', '/rest-auth/logout/');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ detail: MESSAGES.loggedOut });
    jar.store(res);
    expect(jar.get('sessionid')).toBeUndefined();
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
  });

  it('logoutall ends every session of the user, not those of others', async () => {
    const a = new CookieJar();
    const b = new CookieJar();
    const other = new CookieJar();
    const key = await restLogin(t, a);
    await restLogin(t, b);
    await restLogin(t, other, 'alice');
    expect((await t.call('POST', '/rest-auth/logoutall/', { token: key })).status).toBe(200);
    expect((await withCookies(t, a, 'GET', '/admin/api/users/')).status).toBe(401);
    expect((await withCookies(t, b, 'GET', '/admin/api/users/')).status).toBe(401);
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).toHaveLength(1);
  });

  it('deactivation and deletion stop a session at once on every instance', async () => {
    const second = await testApp(ON); // another instance on the same database
    const staff = new CookieJar();
    await restLogin(t, staff);
    const admin2 = await t.user('admin2', PASSWORD, { isStaff: true });
    const victim = new CookieJar();
    await restLogin(t, victim, 'admin2');
    expect((await withCookies(second, victim, 'GET', '/admin/api/users/')).status).toBe(200);
    const off = await withCookies(t, staff, 'PATCH', `/admin/api/users/${admin2.id}/`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ is_active: false }),
    });
    expect(off.status).toBe(200);
    expect((await withCookies(second, victim, 'GET', '/admin/api/users/')).status).toBe(401);
    expect((await withCookies(t, staff, 'DELETE', `/admin/api/users/${admin2.id}/`)).status).toBe(204);
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).toHaveLength(1);
  });

  it("a password change ends the user's other sessions", async () => {
    const browser = new CookieJar();
    await restLogin(t, browser, 'alice');
    const laptop = new CookieJar();
    const key = await restLogin(t, laptop, 'alice');
    const res = await t.call('POST', '/rest-auth/password/change/', {
      token: key,
      json: {
        old_password: PASSWORD,
        new_password1: 'a new long passphrase',
        new_password2: 'a new long passphrase',
      },
    });
    expect(res.status).toBe(200);
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).toEqual([]);
  });

  it('a login that would open a session must come from a trusted origin (login CSRF)', async () => {
    const body = JSON.stringify({ username: 'alice', password: PASSWORD });
    const evil = await t.app.request('/rest-auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body,
    });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toEqual({
      detail:
        'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.',
    });
    expect(evil.headers.getSetCookie()).toEqual([]);
    for (const origin of ['http://localhost', 'http://127.0.0.1:8001']) {
      const ok = await t.app.request('/rest-auth/login/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body,
      });
      expect(ok.status).toBe(200);
    }
    // Without session login the origin does not matter: a token needs no CSRF protection.
    const off = await testApp();
    const res = await off.app.request('/rest-auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body,
    });
    expect(res.status).toBe(200);
  });
});

describe('an admin changing their own password over a session', () => {
  it('keeps that session and ends their other sessions and tokens', async () => {
    const here = new CookieJar();
    const elsewhere = new CookieJar();
    const hereKey = await restLogin(t, here);
    await restLogin(t, elsewhere);
    const staff = await t.services.users.byUsername('staff');
    const res = await withCookies(t, here, 'PATCH', `/admin/api/users/${staff?.id}/`, {
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
      body: JSON.stringify({ password: 'a-brand-new-passphrase-7', current_password: PASSWORD }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    // The session that made the change still works; the other session and every token do not.
    expect((await withCookies(t, here, 'GET', '/admin/api/users/')).status).toBe(200);
    expect((await withCookies(t, elsewhere, 'GET', '/admin/api/users/')).status).toBe(401);
    expect((await t.call('GET', '/test_auth/', { token: hereKey })).status).toBe(401);
    const live = await t.services.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, staff?.id as number));
    expect(live).toHaveLength(1);
  });
});
