/**
 * `npm start`'s launcher (scripts/start.mjs): runs the server from a cached bundle, rebuilt when a
 * server file is newer than it; files read beside the sources (migrations, the demo's assets) are still
 * found; SIGTERM reaches the server in the same process.
 */
import { existsSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, root, start, tempDir } from './support/processes.ts';

const bundle = join(root, 'node_modules/.cache/latchkey/server/node.mjs');
const data = tempDir();
afterAll(() => data.remove());

describe('npm start (scripts/start.mjs)', () => {
  it('rebuilds a stale bundle, serves the API and the demo from it, and stops on SIGTERM', async () => {
    if (existsSync(bundle)) utimesSync(bundle, new Date(0), new Date(0));
    const run = start(
      process.execPath,
      ['scripts/start.mjs'],
      childEnv({
        PORT: '0',
        LATCHKEY_DATA_DIR: data.path,
        LOG_REQUESTS: 'false',
      }),
    );
    try {
      const [, base] = (await run.waitFor(
        /Latchkey listening on (http:\/\/\S+?)\/? /,
        90_000,
      )) as RegExpMatchArray;
      expect(statSync(bundle).mtimeMs).toBeGreaterThan(Date.now() - 120_000);
      expect((await fetch(`${base}/healthz/`)).status).toBe(200);
      const page = await fetch(`${base}/static/app.js`);
      expect(page.status).toBe(200);
      const login = await fetch(`${base}/rest-auth/login/`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'nobody', password: 'wrong' }),
      });
      expect(await login.json()).toEqual({
        non_field_errors: ['Unable to log in with provided credentials.'],
      });
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});
