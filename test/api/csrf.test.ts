/**
 * CSRF, since a browser sends cookies with any site's requests: a cookie-authenticated unsafe request needs
 * X-CSRFToken equal to the csrftoken cookie (and to its session's secret) and a trusted Origin/Referer,
 * else 403 `CSRF Failed: <reason>` with Django's reasons; a token-authenticated request never needs it. The
 * admin login form is protected the same way, including the login itself.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { throttledMessage } from '../../server/auth/throttle.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { CookieJar, setCookies } from '../support/cookies.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const USERS = '/admin/api/users/';
const NEW_USER = { username: 'bob', password: 'a long passphrase' };

let t: TestApp;
let jar: CookieJar;
let key: string;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp({ SESSION_LOGIN: 'true' });
  await t.user('staff', PASSWORD, { isStaff: true });
  jar = new CookieJar();
  const res = jar.store(
    await t.app.request('/rest-auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'staff', password: PASSWORD }),
    }),
  );
  key = ((await res.json()) as { key: string }).key;
});

/** POST /admin/api/users/ as JSON with the given extra headers (no CSRF header unless given). */
function createUser(headers: Record<string, string>, user = NEW_USER) {
  return t.app.request(USERS, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(user),
  });
}

async function expectCsrf(res: Response, reason: string) {
  expect({ status: res.status, body: await res.json() }).toEqual({
    status: 403,
    body: { detail: `CSRF Failed: ${reason}` },
  });
}

describe('the API with a cookie session', () => {
  it('a token POST needs no CSRF token, even with a session cookie alongside', async () => {
    expect((await createUser({ Authorization: `Token ${key}` })).status).toBe(201);
    const res = await createUser(
      { Authorization: `Token ${key}`, Cookie: jar.header() },
      { ...NEW_USER, username: 'carol' },
    );
    expect(res.status).toBe(201);
    const hello = await t.call('POST', '/test_auth/', {
      token: key,
      headers: { Origin: 'https://evil.example' },
    });
    expect(await hello.json()).toBe('Hello staff! Posted!');
  });

  it('a cookie POST without X-CSRFToken fails', async () => {
    await expectCsrf(await createUser({ Cookie: jar.header() }), 'CSRF token missing.');
  });

  it('a cookie POST with X-CSRFToken equal to the csrftoken cookie succeeds', async () => {
    const res = await createUser({ Cookie: jar.header(), 'X-CSRFToken': jar.get('csrftoken') as string });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { username: string }).username).toBe('bob');
  });

  it('a safe method needs no CSRF token', async () => {
    expect((await t.app.request(USERS, { headers: { Cookie: jar.header() } })).status).toBe(200);
  });

  it('without the csrftoken cookie: "CSRF cookie not set."', async () => {
    const cookie = `sessionid=${jar.get('sessionid')}`;
    await expectCsrf(
      await createUser({ Cookie: cookie, 'X-CSRFToken': jar.get('csrftoken') as string }),
      'CSRF cookie not set.',
    );
  });

  it('a wrong token, or a cookie and header planted together that are not the session\'s: "incorrect"', async () => {
    await expectCsrf(
      await createUser({ Cookie: jar.header(), 'X-CSRFToken': 'x'.repeat(32) }),
      'CSRF token incorrect.',
    );
    const planted = 'A'.repeat(32);
    const cookie = `sessionid=${jar.get('sessionid')}; csrftoken=${planted}`;
    await expectCsrf(await createUser({ Cookie: cookie, 'X-CSRFToken': planted }), 'CSRF token incorrect.');
  });

  it('a cross-site request fails on its Origin, or its Referer when there is no Origin', async () => {
    const valid = { Cookie: jar.header(), 'X-CSRFToken': jar.get('csrftoken') as string };
    await expectCsrf(
      await createUser({ ...valid, Origin: 'https://evil.example' }),
      'Origin checking failed - https://evil.example does not match any trusted origins.',
    );
    await expectCsrf(
      await createUser({ ...valid, Origin: 'null' }),
      'Origin checking failed - null does not match any trusted origins.',
    );
    await expectCsrf(
      await createUser({ ...valid, Referer: 'https://evil.example/page' }),
      'Referer checking failed - https://evil.example/page does not match any trusted origins.',
    );
    await expectCsrf(
      await createUser({ ...valid, Referer: 'not a url' }),
      'Referer checking failed - Referer is malformed.',
    );
  });

  it('the own origin and CORS_ALLOWED_ORIGINS are trusted', async () => {
    const valid = { Cookie: jar.header(), 'X-CSRFToken': jar.get('csrftoken') as string };
    expect((await createUser({ ...valid, Origin: 'http://localhost' })).status).toBe(201);
    const other = { ...NEW_USER, username: 'carol' };
    expect((await createUser({ ...valid, Origin: 'http://127.0.0.1:8001' }, other)).status).toBe(201);
    const third = { ...NEW_USER, username: 'dave' };
    expect((await createUser({ ...valid, Referer: 'http://localhost/admin/' }, third)).status).toBe(201);
  });

  it('a cross-site HTML form post (cookies sent, no header, foreign Origin) fails', async () => {
    const res = await t.app.request(USERS, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: jar.header(),
        Origin: 'https://evil.example',
      },
      body: new URLSearchParams({ ...NEW_USER, is_staff: 'true' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^CSRF Failed: Origin checking failed/);
    // The same form from a page that sends no Origin still lacks the token.
    const bare = await t.app.request(USERS, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() },
      body: new URLSearchParams(NEW_USER).toString(),
    });
    await expectCsrf(bare, 'CSRF token missing.');
  });
});

describe('the admin login form', () => {
  let browser: CookieJar;
  beforeEach(() => {
    browser = new CookieJar();
  });

  async function showForm(): Promise<string> {
    const res = browser.store(
      await t.app.request('/admin/login/', { headers: { Cookie: browser.header() } }),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    const field = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];
    expect(field).toBe(browser.get('csrftoken'));
    return field as string;
  }

  function submit(fields: Record<string, string>, headers: Record<string, string> = {}) {
    return t.app.request('/admin/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: browser.header(), ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  it('GET sets a csrftoken cookie (SameSite=Lax, readable) and puts it in the form; a second GET keeps it', async () => {
    const res = await t.app.request('/admin/login/');
    const [cookie] = setCookies(res);
    expect(cookie?.name).toBe('csrftoken');
    expect(cookie?.attributes).toMatchObject({ samesite: 'Lax', path: '/' });
    expect(cookie?.attributes.httponly).toBeUndefined();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    browser.store(res);
    const token = await showForm();
    expect(token).toBe(cookie?.value);
  });

  it('throttles failed logins like the API login: a 429 page with the wait and Retry-After', async () => {
    t = await testApp({ SESSION_LOGIN: 'true', LOGIN_THROTTLE_USER: '2' });
    const token = await showForm();
    for (let i = 0; i < 2; i++) {
      const wrong = await submit({ csrfmiddlewaretoken: token, username: 'staff', password: 'wrong' });
      expect(wrong.status).toBe(200);
    }
    const res = await submit({ csrfmiddlewaretoken: token, username: 'staff', password: PASSWORD });
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(900);
    expect(await res.text()).toContain(throttledMessage(wait));
    expect(browser.get('sessionid')).toBeUndefined();
  });

  it('a login with the token opens a staff session and redirects into the admin', async () => {
    const token = await showForm();
    const res = browser.store(
      await submit({ csrfmiddlewaretoken: token, username: 'staff', password: PASSWORD, next: '/admin/' }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/admin/');
    expect(browser.get('sessionid')).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(browser.get('csrftoken')).not.toBe(token); // rotated with the new session
    const admin = await t.app.request('/admin/', { headers: { Cookie: browser.header() } });
    expect(admin.status).toBe(200);
  });

  it("serves a user's admin page at /admin/users/{id}/ to staff only, with next= back to it", async () => {
    const anonymous = await t.app.request('/admin/users/2/');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/admin/login/?next=/admin/users/2/');
    const token = await showForm();
    browser.store(await submit({ csrfmiddlewaretoken: token, username: 'staff', password: PASSWORD }));
    for (const path of ['/admin/users/2/', '/admin/users/2']) {
      const res = await t.app.request(path, { headers: { Cookie: browser.header() } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect((await t.app.request('/admin/users/abc/', { headers: { Cookie: browser.header() } })).status).toBe(
      404,
    );
  });

  it('refuses a login form over MAX_BODY_BYTES with 413, with a length header or chunked', async () => {
    const token = await showForm();
    const fields = { csrfmiddlewaretoken: token, username: 'staff', password: 'p'.repeat(70_000) };
    const body = new URLSearchParams(fields).toString();
    const sized = await submit(fields, { 'Content-Length': String(body.length) });
    expect(sized.status).toBe(413);
    expect(await sized.text()).toBe('Request body is too large.');
    const chunked = await submit(fields, { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect(await chunked.text()).toBe('Request body is too large.');
  });

  it('fails without the cookie, without the field, with a wrong field, or from another site', async () => {
    const token = await showForm();
    const creds = { username: 'staff', password: PASSWORD };
    const noCookie = await t.app.request('/admin/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...creds, csrfmiddlewaretoken: token }).toString(),
    });
    expect(noCookie.status).toBe(403);
    expect(await noCookie.text()).toContain('CSRF Failed: CSRF cookie not set.');
    const missing = await submit(creds);
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('CSRF Failed: CSRF token missing.');
    const wrong = await submit({ ...creds, csrfmiddlewaretoken: 'B'.repeat(32) });
    expect(await wrong.text()).toContain('CSRF Failed: CSRF token incorrect.');
    const crossSite = await submit(
      { ...creds, csrfmiddlewaretoken: token },
      { Origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain(
      'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.',
    );
    for (const res of [noCookie, missing, wrong, crossSite]) {
      expect(setCookies(res).map((c) => c.name)).not.toContain('sessionid');
    }
  });

  it("refuses non-staff users and wrong passwords with Django's message, opening no session", async () => {
    await t.user('alice', PASSWORD);
    const token = await showForm();
    for (const creds of [
      { username: 'alice', password: PASSWORD },
      { username: 'staff', password: 'wrong password' },
    ]) {
      const res = await submit({ ...creds, csrfmiddlewaretoken: token });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(
        'Please enter the correct username and password for a staff account.',
      );
      expect(setCookies(res).map((c) => c.name)).not.toContain('sessionid');
    }
  });

  it('only redirects inside the admin after login (no open redirect)', async () => {
    const token = await showForm();
    const res = await submit({
      csrfmiddlewaretoken: token,
      username: 'staff',
      password: PASSWORD,
      next: 'https://evil.example/',
    });
    expect(res.headers.get('location')).toBe('/admin/');
  });

  it("logout is a POST that needs the session's CSRF token", async () => {
    const token = await showForm();
    browser.store(await submit({ csrfmiddlewaretoken: token, username: 'staff', password: PASSWORD }));
    const forged = await t.app.request('/admin/logout/', {
      method: 'POST',
      headers: { Cookie: browser.header(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(forged.status).toBe(403);
    expect((await t.app.request('/admin/', { headers: { Cookie: browser.header() } })).status).toBe(200);
    const res = browser.store(
      await t.app.request('/admin/logout/', {
        method: 'POST',
        headers: { Cookie: browser.header(), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrfmiddlewaretoken: browser.get('csrftoken') as string }).toString(),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Thanks for spending some quality time');
    expect(browser.get('sessionid')).toBeUndefined();
    const after = await t.app.request('/admin/', { headers: { Cookie: browser.header() } });
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toBe('/admin/login/?next=/admin/');
    expect((await t.app.request('/admin/logout/')).status).toBe(405);
  });
});
