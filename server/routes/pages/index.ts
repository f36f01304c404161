/**
 * @module
 * The demo client at / and the static files of the pages at /static/<name> (hidden from the contract).
 * Files come from `services.assets`, which the entries build; an app without it (in-process tests, an
 * edge runtime) answers / with a short page pointing at the contract.
 */
import { MESSAGES } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { createRouter } from '../factory.ts';
import { isAssetName } from './assets.ts';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latchkey</title></head>
<body><h1>Latchkey</h1>
<p>Token authentication for TypeScript REST APIs. The API contract: <a href="/openapi.yaml">/openapi.yaml</a>.</p>
</body></html>`;

/** Mounts the HTML pages and their files. */
export function pageRoutes(services: Services) {
  const { assets, log } = services;
  const router = createRouter();
  router.get('/', async (c) => {
    if (!assets) return c.html(PLACEHOLDER);
    return c.html(await assets.indexHtml(), 200, { 'Cache-Control': 'no-cache' });
  });
  // A wildcard, not `:name`: any other name is a plain 404 (a param route would make it a 405).
  router.get('/static/*', async (c) => {
    const name = c.req.path.slice('/static/'.length).replace(/\/$/, '');
    if (!assets || !isAssetName(name)) return c.json({ detail: MESSAGES.notFound }, 404);
    try {
      const asset = await assets.get(name);
      return c.body(asset.body as Uint8Array<ArrayBuffer> | string, 200, {
        'Content-Type': asset.type,
        'Cache-Control': asset.cacheControl,
        'X-Content-Type-Options': 'nosniff',
      });
    } catch (err) {
      // Missing packages or a failed esbuild run: say so in the log and to the browser, never a stack.
      log({ event: 'asset_error', asset: name, error: err instanceof Error ? err.message : String(err) });
      return c.json({ detail: `The file ${name} is unavailable on this server (see its log).` }, 503);
    }
  });
  return router;
}
