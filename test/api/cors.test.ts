import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const DEMO = 'http://127.0.0.1:8001';
const EVIL = 'http://evil.example';

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

const preflight = (path: string, origin: string, method = 'POST', headers = 'authorization, content-type') =>
  t.call('OPTIONS', path, {
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': headers,
    },
  });

describe('CORS preflight', () => {
  it.each([
    ['/test_auth/', 'GET'],
    ['/test_auth', 'POST'],
    ['/rest-auth/login/', 'POST'],
    ['/rest-auth/tokens/abc/', 'DELETE'],
    ['/rest-auth/user/', 'PATCH'],
  ])('answers %s %s from an allowed origin with methods, headers and max-age', async (path, method) => {
    const res = await preflight(path, DEMO, method);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const methods = res.headers.get('access-control-allow-methods')?.split(/,\s*/) ?? [];
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']));
    const headers = res.headers.get('access-control-allow-headers')?.split(/,\s*/) ?? [];
    expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-csrftoken']));
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('allows the development default origins, localhost as well as 127.0.0.1', async () => {
    const res = await preflight('/test_auth/', 'http://localhost:8001', 'GET');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8001');
  });

  it.each([EVIL, 'http://127.0.0.1:8002', 'https://127.0.0.1:8001', 'http://127.0.0.1:8001/', 'null'])(
    'gives origin %s no CORS headers at all',
    async (origin) => {
      const res = await preflight('/test_auth/', origin, 'GET');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    },
  );
});

describe('CORS on responses', () => {
  it('adds the origin and exposes headers on a successful call', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const res = await t.call('GET', '/test_auth/', { token: key, headers: { Origin: DEMO } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toContain('www-authenticate');
    expect(await res.json()).toBe('Hello alice!');
  });

  it('adds them to 401 too, exposing WWW-Authenticate, so a browser client can read the error', async () => {
    const res = await t.call('GET', '/test_auth/', { headers: { Origin: DEMO } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(res.headers.get('www-authenticate')).toBe('Token');
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toEqual(
      expect.arrayContaining(['www-authenticate', 'retry-after']),
    );
    expect(await res.json()).toEqual({ detail: MESSAGES.notAuthenticated });
  });

  it.each([
    ['bad credentials', 'POST', '/rest-auth/login/', { json: { username: 'x', password: 'y' } }, 400],
    [
      'malformed JSON',
      'POST',
      '/rest-auth/login/',
      { body: '{', headers: { 'Content-Type': 'application/json' } },
      400,
    ],
    [
      'wrong Content-Type',
      'POST',
      '/rest-auth/login/',
      { body: 'x', headers: { 'Content-Type': 'text/plain' } },
      415,
    ],
    ['wrong method', 'DELETE', '/test_auth/', {}, 405],
    ['unknown path', 'GET', '/nowhere/', {}, 404],
  ] as const)('adds them to errors: %s', async (_name, method, path, options, status) => {
    const headers = { ...('headers' in options ? options.headers : {}), Origin: DEMO };
    const res = await t.call(method, path, { ...options, headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(Object.keys((await res.json()) as object).length).toBeGreaterThan(0);
  });

  it('adds them to a throttled login (429), exposing Retry-After', async () => {
    t = await testApp({ LOGIN_THROTTLE_USER: '1' });
    await t.user('alice');
    const attempt = () =>
      t.call('POST', '/rest-auth/login/', {
        json: { username: 'alice', password: 'wrong' },
        headers: { Origin: DEMO },
      });
    let res = await attempt();
    for (let i = 0; i < 3 && res.status !== 429; i++) res = await attempt();
    expect(res.status).toBe(429);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('never allows an origin outside the list, on success or error', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    for (const res of [
      await t.call('GET', '/test_auth/', { token: key, headers: { Origin: EVIL } }),
      await t.call('GET', '/test_auth/', { headers: { Origin: EVIL } }),
    ]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('sends Vary: Origin even without Origin, so a cache never serves a CORS-less answer to a browser', async () => {
    const res = await t.call('GET', '/healthz/');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it('is an exact list that replaces the development default', async () => {
    t = await testApp({ CORS_ALLOWED_ORIGINS: 'https://app.example.com, https://admin.example.com:8443' });
    for (const origin of ['https://app.example.com', 'https://admin.example.com:8443']) {
      expect((await preflight('/test_auth/', origin, 'GET')).headers.get('access-control-allow-origin')).toBe(
        origin,
      );
    }
    for (const origin of [
      DEMO,
      'https://example.com',
      'https://evil.app.example.com',
      'http://app.example.com',
    ]) {
      expect(
        (await preflight('/test_auth/', origin, 'GET')).headers.get('access-control-allow-origin'),
      ).toBeNull();
    }
  });

  it('is empty with `none`: no origin gets CORS headers', async () => {
    t = await testApp({ CORS_ALLOWED_ORIGINS: 'none' });
    expect(t.config.CORS_ALLOWED_ORIGINS).toEqual([]);
    expect(
      (await preflight('/test_auth/', DEMO, 'GET')).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it.each([
    ['*', /CORS_ALLOWED_ORIGINS.*wildcard cannot be combined with credentials/],
    ['https://a.example, *', /wildcard/],
    ['https://a.example/app', /not an origin; did you mean "https:\/\/a.example"/],
    ['a.example', /not an origin/],
  ])('refuses %j at start-up with a clear message', (value, message) => {
    expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: value })).toThrow(message);
  });
});
