/**
 * @module
 * A Deno test (run by `deno test`, wrapped by deno.test.ts so `npm test` includes it): starts the Deno
 * entry exactly as `npm run start:deno` does (same flags, read from package.json) and drives login,
 * test_auth and logout through the SDK, imported here in Deno. On PGlite (DATABASE_URL unset) it uses
 * the demo user the fresh data directory prints; on PostgreSQL it creates a user first, from Deno too,
 * so argon2 and postgres.js are exercised under Deno as well.
 *
 * Environment: LATCHKEY_DENO_PORT (default 8125), DATABASE_URL (optional).
 */
import assert from 'node:assert/strict';
import { createClient } from '../../sdk/index.ts';

const root = new URL('../../', import.meta.url);
const port = Number(Deno.env.get('LATCHKEY_DENO_PORT') ?? '8125');
const databaseUrl = Deno.env.get('DATABASE_URL') || undefined;
const baseUrl = `http://127.0.0.1:${port}`;

/** The argv of `npm run start:deno` after `deno`, so the test proves the script's permissions suffice. */
async function startDenoArgs(): Promise<string[]> {
  const pkg = JSON.parse(await Deno.readTextFile(new URL('package.json', root)));
  // `exec` (npm's shell hands its process to deno, so signals reach the server) is not part of the argv.
  const [deno, ...args] = String(pkg.scripts['start:deno'])
    .replace(/^exec\s+/, '')
    .split(/\s+/);
  assert.equal(deno, 'deno');
  assert.equal(args.at(-1), 'server/deno.ts');
  return args;
}

/** Creates a throwaway user on PostgreSQL (no demo user there) and returns its credentials. */
async function createPostgresUser(url: string) {
  const { openDatabase } = await import('../../server/db/open.ts');
  const { UserStore } = await import('../../server/auth/user-store.ts');
  const database = await openDatabase({ databaseUrl: url, holder: 'deno test', maxConnections: 1 });
  try {
    const username = `deno-${crypto.randomUUID().slice(0, 8)}`;
    const password = `pw-${crypto.randomUUID()}`;
    await new UserStore(database.db).create({ username, password });
    return { username, password };
  } finally {
    await database.close();
  }
}

/** Reads a child's stdout and stderr into one growing string. */
function collect(child: Deno.ChildProcess) {
  let text = '';
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  return { text: () => text, done };
}

Deno.test('Deno entry: login, test_auth and logout through the SDK', async () => {
  const dataDir = await Deno.makeTempDir({ prefix: 'latchkey-deno-' });
  const env: Record<string, string> = { PORT: String(port), LATCHKEY_DATA_DIR: dataDir, NO_COLOR: '1' };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const credentials = databaseUrl ? await createPostgresUser(databaseUrl) : undefined;

  const child = new Deno.Command(Deno.execPath(), {
    args: await startDenoArgs(),
    cwd: root,
    env,
    clearEnv: false,
    stdin: 'null',
    stdout: 'piped',
    stderr: 'piped',
  }).spawn();
  const output = collect(child);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  try {
    const deadline = Date.now() + 150_000;
    while (!/Latchkey listening on .*\n(?:.*\n){3}/.test(output.text())) {
      assert.ok(!exited && Date.now() < deadline, `the Deno entry did not start:\n${output.text()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const banner = output.text();
    const user = credentials ?? {
      username: banner.match(/^ {2}username: (\S+)$/m)?.[1] ?? '',
      password: banner.match(/^ {2}password: (\S+)$/m)?.[1] ?? '',
    };
    assert.ok(user.username && user.password, `no credentials in the banner:\n${banner}`);

    const anonymous = createClient({ baseUrl });
    const login = await anonymous.login({ username: user.username, password: user.password });
    assert.equal(login.response.status, 200);
    const key = login.data?.key ?? '';
    assert.match(key, /^lk_[0-9A-Za-z]{36}$/);
    assert.equal(login.data?.user.username, user.username);

    const authed = createClient({ baseUrl, token: key });
    const got = await authed.GET('/test_auth/');
    assert.deepEqual([got.response.status, got.data], [200, `Hello ${user.username}!`]);
    const posted = await authed.POST('/test_auth/');
    assert.deepEqual([posted.response.status, posted.data], [200, `Hello ${user.username}! Posted!`]);
    const none = await anonymous.GET('/test_auth/');
    assert.deepEqual(
      [none.response.status, none.error],
      [401, { detail: 'Authentication credentials were not provided.' }],
    );

    const logout = await authed.logout();
    assert.deepEqual([logout.response.status, logout.data], [200, { detail: 'Successfully logged out.' }]);
    const after = await authed.GET('/test_auth/');
    assert.deepEqual([after.response.status, after.error], [401, { detail: 'Invalid token.' }]);
    // The request log (everything after the banner) holds neither the password nor the key. Its lines
    // are written in batches, at most LOG_FLUSH_MS (10 ms) after the request: wait for the logout's.
    const logged = Date.now() + 5_000;
    while (!/"path":"\/rest-auth\/logout\/"/.test(output.text().slice(banner.length))) {
      assert.ok(Date.now() < logged, `no request log line for the logout:\n${output.text()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const log = output.text().slice(banner.length);
    assert.ok(!log.includes(user.password) && !output.text().includes(key), 'a secret reached the log');

    child.kill('SIGTERM');
    const { code } = await status;
    assert.equal(code, 0, `exit status after SIGTERM; output:\n${output.text()}`);
    assert.ok(output.text().includes('SIGTERM received, shutting down'));
    if (!databaseUrl) {
      const lock = await Deno.stat(`${dataDir}/latchkey.lock`).then(
        () => true,
        () => false,
      );
      assert.equal(lock, false, 'the data-directory lock is released');
    }
  } finally {
    if (!exited) child.kill('SIGKILL');
    await status;
    await output.done;
    await Deno.remove(dataDir, { recursive: true });
    if (databaseUrl && credentials) {
      const { default: postgres } = await import('postgres');
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await sql`delete from users where username = ${credentials.username}`;
      await sql.end();
    }
  }
});
