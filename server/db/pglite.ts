/**
 * @module
 * Starting the embedded database lean. Measured on this project's 2-core machine (reopening a data
 * directory / creating one, the PGlite process alone):
 *
 * - `shared_buffers=8MB` instead of PostgreSQL's 128MB: 296 -> 164 MB RSS after reopening (a token
 *   server's working set is a few small tables).
 * - V8's baseline WebAssembly compiler only (`--liftoff-only`, Node): 160 -> 121 MB RSS and a faster
 *   start (TurboFan recompiling PostgreSQL in the background competed for the cores); point queries took
 *   the same time. Process-wide, so only set where this module starts PGlite; Deno gets it from
 *   `--v8-flags` in `npm run start:deno`.
 * - A new data directory is filled from a template of an empty cluster (made once by `npm install`'s
 *   prepare step, scripts/pglite-template.ts) instead of running initdb in-process: peak 820 -> 280 MB
 *   and several seconds faster. Without a template (PGlite upgraded, or installed as a dependency),
 *   initdb runs as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

/** Settings passed to the embedded PostgreSQL (on top of PGlite's own). */
export const PGLITE_SETTINGS = ['-c', 'shared_buffers=8MB'];

/** Where the template for the installed PGlite version lives (node_modules/.cache), if resolvable. */
export function templatePath(): string | undefined {
  try {
    const entry = import.meta.resolve('@electric-sql/pglite');
    if (!entry.startsWith('file:')) return undefined;
    const file = fileURLToPath(entry);
    const at = file.lastIndexOf(`${'/'}node_modules${'/'}`);
    if (at < 0) return undefined;
    const modules = file.slice(0, at + '/node_modules'.length);
    const pkg = JSON.parse(readFileSync(join(modules, '@electric-sql/pglite/package.json'), 'utf8'));
    return join(modules, '.cache', 'latchkey', `pglite-${pkg.version}-template.tar.gz`);
  } catch {
    return undefined;
  }
}

let flagsSet = false;

/** Node only: compile WebAssembly with Liftoff alone (see the module note). */
async function baselineWasmCompiler(): Promise<void> {
  if (flagsSet || 'Deno' in globalThis) return;
  flagsSet = true;
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--liftoff-only');
}

/**
 * Opens PGlite on `target` (`memory://...` or a directory), from the template when it is new (unless
 * `fromTemplate` is false: the template itself must come from initdb).
 */
export async function createPglite(target: string, fromTemplate = true): Promise<PGlite> {
  await baselineWasmCompiler();
  const { PGlite } = await import('@electric-sql/pglite');
  const options: PGliteOptions = {
    startParams: [
      ...(PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams,
      ...PGLITE_SETTINGS,
    ],
  };
  const fresh = target.startsWith('memory://') || !existsSync(join(target, 'PG_VERSION'));
  const template = fresh && fromTemplate ? templatePath() : undefined;
  if (template && existsSync(template)) options.loadDataDir = new Blob([readFileSync(template)]);
  return PGlite.create(target, options);
}
