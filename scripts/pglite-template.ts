/**
 * @module
 * Makes the embedded database's template (an empty PostgreSQL cluster, dumped by PGlite) once per
 * PGlite version, in node_modules/.cache/latchkey: a new data directory is then filled from it instead
 * of running initdb inside the server (see server/db/pglite.ts for the figures). Run by `npm install`'s
 * prepare step; a failure only warns: the server falls back to initdb.
 *
 * usage: npx tsx scripts/pglite-template.ts [--force]
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPglite, templatePath } from '../server/db/pglite.ts';

async function main(): Promise<void> {
  const path = templatePath();
  if (!path) throw new Error('cannot locate node_modules/@electric-sql/pglite');
  if (existsSync(path) && !process.argv.includes('--force')) {
    console.log(`pglite template: ${path} is there`);
    return;
  }
  const started = performance.now();
  const pg = await createPglite('memory://latchkey-template', false);
  const dump = await pg.dumpDataDir('gzip');
  await pg.close();
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
  console.log(`pglite template: wrote ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.warn(
    `pglite template: not made (${err instanceof Error ? err.message : err}); new databases run initdb`,
  );
});
