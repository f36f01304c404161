import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Assets } from '../../server/routes/pages/assets.ts';
import { nodeAssets } from '../../server/routes/pages/node-assets.ts';
import { recordCalls, type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

let t: TestApp;
let app: ReturnType<typeof createApp>;
const assets = nodeAssets();

beforeAll(async () => {
  // Bundle once up front: esbuild's first run is the slow part.
  await assets.get('app.js');
});
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  app = recordCalls(createApp({ ...t.services, assets }));
});

/** Every src/href in a page: all must be served by this server (no CDN). */
const links = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);

describe('the demo page and its files', () => {
  it('serves the demo client at / with only local files', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<meta name="latchkey-api" content="">');
    expect(html).toContain('Use local storage (remember me)');
    for (const link of links(html)) expect(link).toMatch(/^\/|^#/);
    for (const link of links(html).filter((l) => l.startsWith('/static/'))) {
      expect((await app.request(link)).status, link).toBe(200);
    }
  });

  it.each([
    // The bundle is minified (no createClient name left): openapi-fetch's own message shows the SDK is in.
    ['app.js', 'text/javascript', 'Middleware must be an object'],
    ['spectre.min.css', 'text/css', 'Spectre.css'],
    ['swagger-ui-bundle.js', 'text/javascript', 'SwaggerUIBundle'],
    ['swagger-ui.css', 'text/css', '.swagger-ui'],
  ])('serves /static/%s as %s', async (name, type, marker) => {
    const res = await app.request(`/static/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await res.text();
    expect(text).toContain(marker);
    if (name === 'app.js') {
      // One self-contained file: the SDK is bundled in, nothing is left for the browser to import.
      expect(text).toContain('/rest-auth/tokens/');
      expect(text).not.toMatch(/\bimport\s*[{*"'(]/);
    }
  });

  it.each(['/static/nope.js', '/static/../package.json', '/static/app.js/x', '/static/'])(
    'answers %s with 404',
    async (path) => {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Not found.' });
    },
  );

  it('answers 503 with a clear message when a file cannot be produced, and logs it', async () => {
    const broken: Assets = {
      get: () => Promise.reject(new Error('esbuild missing')),
      indexHtml: () => assets.indexHtml(),
      adminHtml: () => assets.adminHtml(),
    };
    const logged: Record<string, unknown>[] = [];
    const brokenApp = createApp({ ...t.services, assets: broken, log: (line) => logged.push(line) });
    const res = await brokenApp.request('/static/app.js');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      detail: 'The file app.js is unavailable on this server (see its log).',
    });
    expect(logged).toContainEqual(expect.objectContaining({ event: 'asset_error', asset: 'app.js' }));
  });

  it('serves a plain page at / when the app has no assets (in-process, edge runtimes)', async () => {
    const res = await t.app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/openapi.yaml');
    expect((await t.app.request('/static/app.js')).status).toBe(404);
  });
});

describe('the /docs console', () => {
  it.each(['/docs', '/docs/'])(
    'serves %s with every asset local, and explains the Token scheme',
    async (path) => {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Token &lt;key&gt;');
      for (const link of links(html)) expect(link).toMatch(/^\//);
      for (const link of links(html)) expect((await app.request(link)).status, link).toBe(200);
    },
  );

  it('starts Swagger UI with persisted authorization on this server', async () => {
    const res = await app.request('/docs/console.js');
    expect(res.headers.get('content-type')).toContain('javascript');
    const js = await res.text();
    expect(js).toContain('persistAuthorization: true');
    expect(js).toContain("preauthorizeApiKey(SCHEME, 'Token ' + key)");
    // No servers in the spec it is given: Swagger UI calls the origin that served the page.
    expect(js).toContain('delete spec.servers');
    expect(js).toContain('deepLinking: false');
  });
});
