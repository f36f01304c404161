/**
 * @module
 * The pages' files from disk: client-demo/ and the installed npm packages (spectre.css, swagger-ui-dist),
 * plus the demo client bundled by esbuild. Each file is read (or built) on its first request and kept in
 * memory: start-up pays nothing, a fresh clone needs no build step, and GET /test_auth/ never sees it.
 * Uses node:fs, which Deno provides too; only the entries and scripts import this module.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetName, Assets, StaticAsset } from './assets.ts';

/** The repository root (this file is server/routes/pages/node-assets.ts). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const VENDOR = 'public, max-age=86400';
const OWN = 'no-cache';

type Source = { file: () => string; type: string; cacheControl: string } | { bundle: string };

const SOURCES: Record<AssetName, Source> = {
  'app.js': { bundle: 'client-demo/app.ts' },
  'admin.js': { bundle: 'client-demo/admin/main.ts' },
  'app.css': {
    file: () => join(ROOT, 'client-demo/styles.css'),
    type: 'text/css; charset=utf-8',
    cacheControl: OWN,
  },
  'spectre.min.css': {
    file: () => join(packageDir('spectre.css'), 'dist/spectre.min.css'),
    type: 'text/css; charset=utf-8',
    cacheControl: VENDOR,
  },
  'spectre-icons.min.css': {
    file: () => join(packageDir('spectre.css'), 'dist/spectre-icons.min.css'),
    type: 'text/css; charset=utf-8',
    cacheControl: VENDOR,
  },
  'swagger-ui.css': {
    file: () => join(packageDir('swagger-ui-dist'), 'swagger-ui.css'),
    type: 'text/css; charset=utf-8',
    cacheControl: VENDOR,
  },
  'swagger-ui-bundle.js': {
    file: () => join(packageDir('swagger-ui-dist'), 'swagger-ui-bundle.js'),
    type: 'text/javascript; charset=utf-8',
    cacheControl: VENDOR,
  },
  'favicon.png': {
    file: () => join(packageDir('swagger-ui-dist'), 'favicon-32x32.png'),
    type: 'image/png',
    cacheControl: VENDOR,
  },
};

/**
 * Bundles a page script (default client-demo/app.ts) with the SDK and openapi-fetch into one browser
 * ES module. esbuild is imported lazily: a runtime that cannot spawn it (Deno without --allow-run)
 * still serves the API.
 */
export async function bundleClient(options: { minify?: boolean; entry?: string } = {}): Promise<string> {
  const entry = options.entry ?? 'client-demo/app.ts';
  const esbuild = await import('esbuild');
  const result = await esbuild
    .build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      // The SDK from its TypeScript source (package.json `exports`), so the demo needs no build step.
      conditions: ['latchkey-source'],
      format: 'esm',
      platform: 'browser',
      target: ['es2020'],
      minify: options.minify ?? true,
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
    })
    .catch((err: unknown) => {
      // esbuild runs as a child process: Deno allows that only with --allow-run.
      const hint = 'Deno' in globalThis ? ' (under Deno, esbuild needs --allow-run)' : '';
      throw new Error(
        `esbuild could not bundle ${entry}${hint}: ${err instanceof Error ? err.message : err}`,
      );
    });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}

/** Reads the demo client's HTML from client-demo/index.html. */
export function readIndexHtml(): Promise<string> {
  return readFile(join(ROOT, 'client-demo/index.html'), 'utf8');
}

/** An {@link Assets} provider over the repository and its node_modules, caching each file. */
export function nodeAssets(): Assets {
  const cache = new Map<AssetName, Promise<StaticAsset>>();
  let html: Promise<string> | undefined;
  let adminHtml: Promise<string> | undefined;
  const load = async (name: AssetName): Promise<StaticAsset> => {
    const source = SOURCES[name];
    if ('bundle' in source) {
      return {
        body: await bundleClient({ entry: source.bundle }),
        type: 'text/javascript; charset=utf-8',
        cacheControl: OWN,
      };
    }
    return {
      body: new Uint8Array(await readFile(source.file())),
      type: source.type,
      cacheControl: source.cacheControl,
    };
  };
  return {
    get(name) {
      let entry = cache.get(name);
      if (!entry) {
        entry = load(name);
        // A failed read or build is retried on the next request rather than cached forever.
        entry.catch(() => cache.delete(name));
        cache.set(name, entry);
      }
      return entry;
    },
    adminHtml() {
      adminHtml ??= readFile(join(ROOT, 'client-demo/admin.html'), 'utf8').catch((err) => {
        adminHtml = undefined;
        throw err;
      });
      return adminHtml;
    },
    indexHtml() {
      html ??= readIndexHtml().catch((err) => {
        html = undefined;
        throw err;
      });
      return html;
    },
  };
}
