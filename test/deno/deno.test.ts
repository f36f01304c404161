/**
 * @module
 * Runs the Deno test (sdk-flow.deno.ts) with the Deno from node_modules, so `npm test` covers the Deno
 * entry: once on PGlite, and once on PostgreSQL when DATABASE_URL is set (in a scratch database beside
 * it). The permissions are the least the test needs: run (to start the entry), net, env, read and write
 * (temporary data directory), ffi (argon2, when it creates the PostgreSQL user itself).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scratchDatabase } from '../e2e/support/postgres.ts';
import { childEnv, root } from '../e2e/support/processes.ts';

const deno = join(root, 'node_modules/.bin/deno');
const PERMISSIONS = [
  '--allow-run',
  '--allow-net',
  '--allow-env',
  '--allow-read',
  '--allow-write',
  '--allow-ffi',
];

/**
 * `deno test` on the Deno test file; resolves with its exit code and output (colours stripped). It runs
 * in its own process group, killed whole after `timeoutMs`, so a hang cannot leave the server behind.
 */
function denoTest(
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(deno, ['test', ...PERMISSIONS, 'test/deno/sdk-flow.deno.ts'], {
      cwd: root,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[deno test killed after ${timeoutMs} ms]`;
      process.kill(-(child.pid as number), 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: stripVTControlCharacters(output) });
    });
  });
}

describe('the Deno entry through the SDK, under deno test', () => {
  it('on PGlite', async () => {
    const { code, output } = await denoTest({ LATCHKEY_DENO_PORT: '8125' });
    expect(output).toMatch(/ok \| 1 passed \| 0 failed/);
    expect(code).toBe(0);
  }, 300_000);

  it.skipIf(!process.env.DATABASE_URL)(
    'on PostgreSQL',
    async () => {
      const scratch = await scratchDatabase(process.env.DATABASE_URL as string, 'deno');
      try {
        const { code, output } = await denoTest({ LATCHKEY_DENO_PORT: '8126', DATABASE_URL: scratch.url });
        expect(output).toMatch(/ok \| 1 passed \| 0 failed/);
        expect(code).toBe(0);
      } finally {
        await scratch.drop();
      }
    },
    300_000,
  );
});
