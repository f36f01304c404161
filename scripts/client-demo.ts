/**
 * @module
 * `npm run client-demo`: serves the demo client on its own origin (default http://127.0.0.1:8001),
 * calling the API cross-origin (default http://127.0.0.1:8000). It works only because the server's
 * CORS_ALLOWED_ORIGINS lists this page's origin (the development default does); with any other origin
 * the page shows that the browser blocked the call.
 *
 *   npm run client-demo -- [--port 8001] [--host 127.0.0.1] [--api http://127.0.0.1:8000]
 *
 * The same settings can come from CLIENT_DEMO_PORT, CLIENT_DEMO_HOST and CLIENT_DEMO_API.
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { isAssetName } from '../server/routes/pages/assets.ts';
import { nodeAssets } from '../server/routes/pages/node-assets.ts';

const USAGE = 'usage: npm run client-demo -- [--port 8001] [--host 127.0.0.1] [--api http://127.0.0.1:8000]';

function fail(message: string): never {
  console.error(`client-demo: ${message}\n${USAGE}`);
  process.exit(2);
}

function options() {
  let values: { port?: string; host?: string; api?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        api: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port ?? process.env.CLIENT_DEMO_PORT ?? 8001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port "${values.port}"`);
  const host = values.host ?? process.env.CLIENT_DEMO_HOST ?? '127.0.0.1';
  const rawApi = values.api ?? process.env.CLIENT_DEMO_API ?? 'http://127.0.0.1:8000';
  let api: URL;
  try {
    api = new URL(rawApi);
  } catch {
    fail(`invalid API URL "${rawApi}"`);
  }
  if (api.protocol !== 'http:' && api.protocol !== 'https:') fail(`the API URL must be http(s): "${rawApi}"`);
  return { port, host, api: api.href.replace(/\/+$/, '') };
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const { port, host, api } = options();
const assets = nodeAssets();
const app = new Hono();
app.get('/', async (c) => {
  const html = (await assets.indexHtml()).replace(
    '<meta name="latchkey-api" content="">',
    `<meta name="latchkey-api" content="${escapeAttr(api)}">`,
  );
  return c.html(html, 200, { 'Cache-Control': 'no-cache' });
});
app.get('/static/:name', async (c) => {
  const name = c.req.param('name');
  if (!isAssetName(name)) return c.text('Not found', 404);
  const asset = await assets.get(name);
  return c.body(asset.body as Uint8Array<ArrayBuffer> | string, 200, {
    'Content-Type': asset.type,
    'Cache-Control': asset.cacheControl,
  });
});
app.onError((err, c) => {
  console.error('client-demo:', err);
  return c.text(`client-demo: ${err.message}`, 500);
});

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
  console.log(`Latchkey demo client on ${origin}/ calling the API at ${api}`);
  console.log(`  cross-origin: the server must list ${origin} in CORS_ALLOWED_ORIGINS`);
  console.log('  (its development default allows http://127.0.0.1:8001 and http://localhost:8001)');
});
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(`client-demo: cannot listen on ${host}:${port}: ${err.code ?? err.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
