/**
 * Response headers: API answers (keys, personal data) are never cached and never sniffed; the pages that
 * hold keys in storage and the admin get a strict CSP with no framing, and HSTS when served over HTTPS;
 * the pages' HTML has no inline script, style or event handler for that CSP to block.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { DOCS_HTML } from '../../server/routes/docs/console.ts';
import { nodeAssets } from '../../server/routes/pages/node-assets.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  await t.user('alice', PASSWORD);
});

function expectApiHeaders(res: Response, what: string) {
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('cache-control'), what).toBe('no-store');
}

describe('API responses', () => {
  it('carry no-store and nosniff: login, the token check, account data, errors', async () => {
    const login = await t.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: PASSWORD },
    });
    expectApiHeaders(login, 'login');
    const { key } = (await login.json()) as { key: string };
    expectApiHeaders(await t.call('GET', '/test_auth/', { token: key }), 'test_auth');
    expectApiHeaders(await t.call('GET', '/rest-auth/user/', { token: key }), 'user');
    expectApiHeaders(await t.call('GET', '/rest-auth/tokens/', { token: key }), 'tokens');
    expectApiHeaders(await t.call('GET', '/test_auth/'), '401');
    expectApiHeaders(await t.call('PUT', '/test_auth/', { token: key }), '405');
  });
});

describe('the headers every answer carries', () => {
  const ORIGIN = 'http://127.0.0.1:8001';
  const common = (res: Response) => ({
    nosniff: res.headers.get('x-content-type-options'),
    cache: res.headers.get('cache-control'),
    vary: res.headers.get('vary'),
    origin: res.headers.get('access-control-allow-origin'),
    credentials: res.headers.get('access-control-allow-credentials'),
    exposed: res.headers.get('access-control-expose-headers'),
    type: res.headers.get('content-type'),
  });

  it('are the same on the token check (built without a Headers object) as on any other answer', async () => {
    const key = await t.login('alice', PASSWORD);
    const headers = { Origin: ORIGIN };
    const answers = {
      greeting: await t.call('GET', '/test_auth/', { token: key, headers }),
      posted: await t.call('POST', '/test_auth/', { token: key, headers }),
      noKey: await t.call('GET', '/test_auth/', { headers }),
      forged: await t.call('GET', '/test_auth/', { token: `lk_${'A'.repeat(36)}`, headers }),
      user: await t.call('GET', '/rest-auth/user/', { token: key, headers }),
      badLogin: await t.call('POST', '/rest-auth/login/', { json: { username: 'alice' }, headers }),
    };
    const expected = {
      nosniff: 'nosniff',
      cache: 'no-store',
      vary: 'Origin',
      origin: ORIGIN,
      credentials: 'true',
      exposed: 'retry-after, www-authenticate',
      type: 'application/json',
    };
    for (const [name, res] of Object.entries(answers)) expect(common(res), name).toEqual(expected);
    expect(answers.noKey.headers.get('www-authenticate')).toBe('Token');
    expect(await answers.greeting.json()).toBe('Hello alice!');
    expect(await answers.posted.json()).toBe('Hello alice! Posted!');
  });

  it("keep a handler's own Cache-Control (the docs console's no-cache), adding the rest", async () => {
    const res = await t.app.request('/docs/', { headers: { Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});

describe('the pages', () => {
  const pages = ['/', '/docs', '/admin/login/'];

  it.each(pages)(
    '%s has a strict CSP, no framing, a referrer policy, nosniff, and no HSTS over HTTP',
    async (path) => {
      const res = await t.app.request(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    },
  );

  it.each(pages)('%s sends HSTS when served over HTTPS', async (path) => {
    const res = await t.app.request(`https://latchkey.example${path}`);
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8}/);
  });

  it('trusts X-Forwarded-Proto for HSTS only with TRUST_PROXY', async () => {
    const headers = { 'X-Forwarded-Proto': 'https' };
    expect((await t.app.request('/', { headers })).headers.get('strict-transport-security')).toBeNull();
    const proxied = await testApp({ TRUST_PROXY: 'true' });
    expect(
      (await proxied.app.request('/', { headers })).headers.get('strict-transport-security'),
    ).not.toBeNull();
  });

  it('have no inline script, style or handler that the CSP would block', async () => {
    const assets = nodeAssets();
    const app = createApp({ ...t.services, assets });
    const html = {
      demo: await (await app.request('/')).text(),
      docs: DOCS_HTML,
      admin: await assets.adminHtml(),
      adminLogin: await (await app.request('/admin/login/')).text(),
    };
    for (const [name, text] of Object.entries(html)) {
      expect(text, name).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(text, name).not.toMatch(/<style\b/i);
      expect(text, name).not.toMatch(/\son[a-z]+\s*=/i);
      expect(text, name).not.toMatch(/\sstyle\s*=/i);
      expect(text, name).not.toMatch(/javascript:/i);
    }
  });

  it('static files and the contract keep their own caching', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await t.app.request('/docs/console.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toBe('no-cache');
  });
});
