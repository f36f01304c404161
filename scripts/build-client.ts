/**
 * @module
 * `npm run build:client`: writes the demo client as static files (index.html, the esbuild bundle of
 * client-demo/app.ts with the SDK, its styles) to dist/client-demo/, for any static host. Nothing needs
 * this to run Latchkey: the server and `npm run client-demo` bundle in memory on the first request.
 *
 *   npm run build:client -- [--api https://api.example.com] [--out dist/client-demo]
 *
 * Without --api the page calls its own origin (serve it behind the same host as the API).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ASSET_NAMES } from '../server/routes/pages/assets.ts';
import { nodeAssets } from '../server/routes/pages/node-assets.ts';

/** The files a static copy of the demo page needs (the docs console and the admin page are the server's). */
const PAGE_FILES = ASSET_NAMES.filter((name) => !name.startsWith('swagger-ui') && name !== 'admin.js');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { api: { type: 'string' }, out: { type: 'string' } } });
  const out = resolve(values.out ?? 'dist/client-demo');
  const api = values.api ? new URL(values.api).href.replace(/\/+$/, '') : '';
  const assets = nodeAssets();
  await mkdir(join(out, 'static'), { recursive: true });
  const html = (await assets.indexHtml()).replace(
    '<meta name="latchkey-api" content="">',
    `<meta name="latchkey-api" content="${api.replace(/"/g, '&quot;')}">`,
  );
  await writeFile(join(out, 'index.html'), html);
  for (const name of PAGE_FILES) {
    const asset = await assets.get(name);
    await writeFile(join(out, 'static', name), asset.body);
    console.log(`  static/${name}  ${Math.round(asset.body.length / 1024)} KiB`);
  }
  console.log(`wrote ${out}/ (API: ${api || "the page's own origin"})`);
}

main().catch((err) => {
  console.error('build-client:', err instanceof Error ? err.message : err);
  process.exit(1);
});
