/**
 * A PGlite data directory the server cannot use stops start-up with one clear line (exit 1) and leaves
 * the files as they were: a damaged control file, a full disk (a tiny tmpfs, where mounting is allowed),
 * a file where the database directory belongs. Never a silent start on a half-working database.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open.ts';
import { freePort } from '../support/ports.ts';
import { childEnv, start, tempDir } from './support/processes.ts';

const SLOW = 180_000;

/** Starts the Node entry on `dataDir`; resolves with its exit code and output once it has exited. */
async function startOn(dataDir: string) {
  const run = start(
    process.execPath,
    ['--import', 'tsx', 'server/node.ts'],
    childEnv({ LATCHKEY_DATA_DIR: dataDir, PORT: String(await freePort()) }),
  );
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

function expectClearFailure(result: { code: number | string; stdout: string; stderr: string }, dir: string) {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(`^latchkey: the data directory ${dir} cannot be used as a database \\(`),
  );
  expect(result.stdout).not.toContain('Latchkey listening');
}

describe('a PGlite data directory that cannot be used', () => {
  const scratch = tempDir();
  let mounted: string | undefined;

  beforeAll(async () => {
    const database = await openDatabase({ dataDir: join(scratch.path, 'damaged'), holder: 'data-dir test' });
    await database.close();
  }, SLOW);
  afterAll(() => {
    if (mounted) execFileSync('umount', [mounted]);
    scratch.remove();
  });

  it(
    'a damaged control file: one line, exit 1, the file left as it was',
    async () => {
      const dir = join(scratch.path, 'damaged');
      const control = join(dir, 'pgdata/global/pg_control');
      writeFileSync(control, 'not a control file');
      expectClearFailure(await startOn(dir), dir);
      expect(readFileSync(control, 'utf8')).toBe('not a control file');
    },
    SLOW,
  );

  it(
    'a file where the database directory belongs',
    async () => {
      const dir = join(scratch.path, 'file');
      mkdirSync(dir);
      writeFileSync(join(dir, 'pgdata'), 'x');
      expectClearFailure(await startOn(dir), dir);
    },
    SLOW,
  );

  it(
    'a full disk (a 1 MiB tmpfs) when creating the database',
    async (ctx) => {
      const dir = join(scratch.path, 'full');
      mkdirSync(dir);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
        mounted = dir;
      } catch {
        ctx.skip(); // mounting needs privileges this machine may not grant
      }
      expectClearFailure(await startOn(dir), dir);
    },
    SLOW,
  );
});
