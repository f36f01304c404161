/**
 * @module
 * `npm run manage` as real processes on PGlite data directories: every command, the exit status
 * and message of each kind of bad argument, passwords from stdin and from a hidden terminal prompt (a
 * pseudo-terminal through util-linux `script`) and never from argv, and the results checked against the
 * real app opened on the same data afterwards: the printed key authenticates, the revoked one does not,
 * the changed password logs in, a purge leaves only live rows.
 *
 * Every test has its own data directory: empty, or a copy of one seeded once with alice (staff) and
 * root (superuser). No test depends on another's state, so one failure or `-t` cannot cascade.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { migrationsFolder, openDatabase } from '../../server/db/open.ts';
import { tokens } from '../../server/db/schema.ts';
import { createServices, type Services } from '../../server/services.ts';
import { itNeeding } from '../support/prerequisites.ts';
import { scratchDatabase } from './support/postgres.ts';
import { childEnv, manage, type Running, root, start, tempDir, tsx } from './support/processes.ts';

const SLOW = 180_000;
const ALICE = { username: 'alice', password: 'correct horse battery' };
const ROOT = { username: 'root', password: 'root-pass-1234' };

const directories: { remove(): void }[] = [];
afterAll(() => {
  for (const dir of directories) dir.remove();
});

/** A fresh empty data directory, removed after the file. */
function emptyData(): { path: string; env: { LATCHKEY_DATA_DIR: string } } {
  const dir = tempDir('latchkey-cli-');
  directories.push(dir);
  return { path: dir.path, env: { LATCHKEY_DATA_DIR: dir.path } };
}

/** Opens the app in-process on a data directory (no CLI running on it), runs `fn`, closes. */
async function withApp<T>(
  dataDir: string,
  fn: (app: ReturnType<typeof createApp>, services: Services) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir, LOG_REQUESTS: 'false' });
  const database = await openDatabase({ dataDir, holder: 'vitest cli.test' });
  try {
    const services = createServices(config, database.db, () => {});
    return await fn(createApp(services), services);
  } finally {
    await database.close();
  }
}

let seeded: string;
beforeAll(async () => {
  seeded = emptyData().path;
  await withApp(seeded, async (_, services) => {
    await services.users.create({ ...ALICE, email: 'alice@example.com', isStaff: true });
    await services.users.create({ ...ROOT, isStaff: true, isSuperuser: true });
  });
}, SLOW);

/** A copy of the seeded data directory (alice and root), for one test. */
function seededData(): { path: string; env: { LATCHKEY_DATA_DIR: string } } {
  const data = emptyData();
  cpSync(seeded, data.path, { recursive: true });
  return data;
}

async function loginStatus(app: ReturnType<typeof createApp>, username: string, password: string) {
  const res = await app.request('/rest-auth/login/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return res.status;
}

async function testAuth(app: ReturnType<typeof createApp>, key: string) {
  const res = await app.request('/test_auth/', { headers: { Authorization: `Token ${key}` } });
  return { status: res.status, body: await res.json() };
}

/** Runs `manage tokens create` and returns the key and its id. */
async function createToken(env: Record<string, string>, username: string, label?: string) {
  const result = await manage(['tokens', 'create', username, ...(label ? ['--label', label] : [])], env);
  expect(result.code, result.stderr).toBe(0);
  return { key: result.stdout.trim(), id: result.stderr.match(/Created token (\S+)/)?.[1] as string, result };
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs manage under a pseudo-terminal, answering each prompt in turn; returns the terminal transcript. */
async function manageInTerminal(env: Record<string, string>, args: string[], answers: string[]) {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const command = [tsx, 'scripts/manage.ts', ...args].map(quote).join(' ');
  const run: Running = start('script', ['-qfec', command, '/dev/null'], childEnv(env));
  let prompts = 0;
  for (const answer of answers) {
    prompts++;
    // The prompt appears after echo is off: nothing typed from here on can be echoed.
    await run.waitFor(new RegExp(`(?:[\\s\\S]*?Password(?: \\(again\\))?: ){${prompts}}`));
    run.child.stdin?.write(answer);
  }
  const code = await run.exited;
  run.child.stdin?.end();
  return { code, transcript: run.output() };
}

describe('manage, arguments and help (no database)', () => {
  it('help lists every command (through npm run manage)', async () => {
    const { env } = emptyData();
    const npm = spawn('npm', ['run', '-s', 'manage', '--', 'help'], { cwd: root, env: childEnv(env) });
    let stdout = '';
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    const code = await new Promise((resolve) => npm.on('close', resolve));
    expect(code).toBe(0);
    for (const name of [
      'migrate',
      'createuser',
      'changepassword',
      'tokens list',
      'tokens create',
      'tokens revoke',
      'tokens purge',
    ]) {
      expect(stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    }
  });
  it(
    'bad arguments exit 2 with a clear message on stderr and nothing on stdout',
    async () => {
      const { env } = emptyData();
      const cases: [string[], RegExp][] = [
        [[], /missing command; see `npm run manage -- help`/],
        [['frob'], /unknown command 'frob'/],
        [['tokens'], /missing subcommand; tokens commands: list, create, revoke/],
        [['tokens', 'frob'], /unknown command 'tokens frob'/],
        [
          ['createuser'],
          /createuser: missing argument USERNAME\nusage: npm run manage -- createuser USERNAME/,
        ],
        [['createuser', 'bob', 'extra'], /too many arguments: expected USERNAME, got 2/],
        [['createuser', 'bob', '--frob'], /Unknown option '--frob'/],
        [['createuser', 'bad name', '--password-stdin'], /Enter a valid username/],
        [['createuser', 'bob', '--email', 'nope', '--password-stdin'], /Enter a valid email address/],
        [['createuser', 'bob'], /no password given: pipe it with --password-stdin, or run in a terminal/],
        [['tokens', 'create', 'bob', '--label'], /Option '--label <value>' argument missing/],
        [['tokens', 'revoke'], /missing argument ID/],
        [['tokens', 'list', 'extra'], /too many arguments/],
        [['migrate', '--fake'], /Unknown option '--fake'/],
        [['help', 'frob'], /unknown command 'frob'/],
      ];
      // None of these reach the database, so they can run side by side.
      const results = await Promise.all(cases.map(([args]) => manage(args, env)));
      results.forEach((result, i) => {
        const [args, message] = cases[i] as [string[], RegExp];
        expect({ args, code: result.code }).toEqual({ args, code: 2 });
        expect(result.stderr).toMatch(message);
        expect(result.stdout).toBe('');
      });
    },
    SLOW,
  );

  it(
    'refuses a password in argv, explains why, and never echoes it',
    async () => {
      const { env } = emptyData();
      const results = await Promise.all([
        manage(['createuser', 'bob', '--password', 'hunter2-secret'], env),
        manage(['createuser', 'bob', '--password=hunter2-secret'], env),
        manage(['changepassword', 'bob', '--password', 'hunter2-secret'], env),
        manage(['createuser', 'bob', 'hunter2-secret'], env),
      ]);
      for (const result of results.slice(0, 3)) {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(
          /--password is not accepted: .*process list.*shell history.*--password-stdin/,
        );
      }
      for (const result of results) {
        expect(result.code).toBe(2);
        expect(result.stdout + result.stderr).not.toContain('hunter2');
      }
    },
    SLOW,
  );
});

describe('manage on PGlite data directories', () => {
  it(
    'migrate applies every migration, then has nothing to do',
    async () => {
      const data = emptyData();
      const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
        entries: { tag: string }[];
      };
      const first = await manage(['migrate'], data.env);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(
        `Applying ${journal.entries.length} migration(s) to PGlite in ${data.path}:`,
      );
      for (const { tag } of journal.entries) expect(first.stdout).toContain(`  ${tag}... OK`);
      const second = await manage(['migrate'], data.env);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(`No migrations to apply (PGlite in ${data.path}).\n`);
    },
    SLOW,
  );

  it(
    'createuser takes the password from stdin, strips one newline, refuses duplicates and weak ones',
    async () => {
      const { env } = emptyData();
      const alice = await manage(
        ['createuser', 'alice', '--email', 'alice@example.com', '--staff', '--password-stdin'],
        env,
        `${ALICE.password}\n`,
      );
      expect(alice).toMatchObject({ code: 0, stdout: 'Created user alice (id 1, staff).\n', stderr: '' });
      const root_ = await manage(
        ['createuser', 'root', '--superuser', '--password-stdin'],
        env,
        `${ROOT.password}\r\n`,
      );
      expect(root_).toMatchObject({ code: 0, stdout: 'Created user root (id 2, staff, superuser).\n' });
      const duplicate = await manage(['createuser', 'ALICE', '--password-stdin'], env, 'whatever-pass-1\n');
      expect(duplicate.code).toBe(1);
      expect(duplicate.stderr).toBe('manage createuser: That username is already taken.\n');
      const weak = await manage(['createuser', 'carol', '--password-stdin'], env, 'carol\n');
      expect(weak.code).toBe(2);
      expect(weak.stderr).toMatch(/password refused: .*too similar to the username.*too short/);
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect(await loginStatus(app, 'alice', ALICE.password)).toBe(200);
        expect(await loginStatus(app, 'root', ROOT.password)).toBe(200);
        expect(await loginStatus(app, 'carol', 'carol')).toBe(400);
      });
    },
    SLOW,
  );

  it(
    'changepassword: unknown user exits 1; stdin sets it',
    async () => {
      const { env } = seededData();
      const nobody = await manage(['changepassword', 'nobody', '--password-stdin'], env, 'x-long-password\n');
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toBe("manage changepassword: user 'nobody' does not exist\n");
      const changed = await manage(
        ['changepassword', 'alice', '--password-stdin'],
        env,
        'new secret words\n',
      );
      expect(changed.code).toBe(0);
      expect(changed.stdout).toContain("Password changed successfully for user 'alice'.");
      expect(changed.stdout).toContain('Revoked 0 token(s) and 0 session(s).');
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect(await loginStatus(app, 'alice', 'new secret words')).toBe(200);
        expect(await loginStatus(app, 'alice', ALICE.password)).toBe(400);
      });
    },
    SLOW,
  );

  it(
    'tokens create prints the key alone on stdout, once; unknown user exits 1',
    async () => {
      const { env } = seededData();
      const first = await createToken(env, 'alice', 'ci deploy');
      expect(first.result.stdout).toMatch(/^lk_[0-9A-Za-z]{36}\n$/);
      expect(first.result.stderr).toMatch(
        /^Created token [0-9A-Za-z]{16} for alice \(scopes: full access; idle timeout: 36000 s; expires: .*\)\. Copy the key now/,
      );
      const second = await createToken(env, 'alice');
      expect(second.key).not.toBe(first.key);
      const nobody = await manage(['tokens', 'create', 'nobody'], env);
      expect(nobody).toMatchObject({
        code: 1,
        stdout: '',
        stderr: "manage tokens create: user 'nobody' does not exist\n",
      });
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect(await testAuth(app, first.key)).toEqual({ status: 200, body: 'Hello alice!' });
        expect(await testAuth(app, second.key)).toEqual({ status: 200, body: 'Hello alice!' });
      });
    },
    SLOW,
  );

  it(
    'tokens list shows id, user, prefix, label, times and never the key',
    async () => {
      const { env } = seededData();
      const first = await createToken(env, 'alice', 'ci deploy');
      const second = await createToken(env, 'alice');
      const all = await manage(['tokens', 'list'], env);
      expect(all.code).toBe(0);
      const lines = all.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^ID\s+USER\s+PREFIX\s+LABEL\s+SCOPES\s+CREATED\s+LAST USED\s+EXPIRES$/);
      expect(lines).toHaveLength(3);
      expect(all.stdout).toContain(first.id);
      expect(all.stdout).toContain(second.id);
      expect(all.stdout).toMatch(
        /alice\s+lk_\S{5}\.\.\.\s+ci deploy\s+\*\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+never\s+\d{4}-/,
      );
      expect(all.stdout).toContain(`${first.key.slice(0, 8)}...`);
      for (const { key } of [first, second]) expect(all.stdout).not.toContain(key.slice(8));
      const none = await manage(['tokens', 'list', '--user', 'root'], env);
      expect(none).toMatchObject({ code: 0, stdout: 'No tokens for root.\n' });
    },
    SLOW,
  );

  it(
    'tokens revoke removes one token; a second time exits 1',
    async () => {
      const { env } = seededData();
      const kept = await createToken(env, 'alice');
      const gone = await createToken(env, 'alice');
      const revoked = await manage(['tokens', 'revoke', gone.id], env);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toBe(`Revoked token ${gone.id} (${gone.key.slice(0, 8)}..., user alice).\n`);
      const again = await manage(['tokens', 'revoke', gone.id], env);
      expect(again).toMatchObject({
        code: 1,
        stderr: `manage tokens revoke: no token with id '${gone.id}'\n`,
      });
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect(await testAuth(app, kept.key)).toEqual({ status: 200, body: 'Hello alice!' });
        expect(await testAuth(app, gone.key)).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
      });
    },
    SLOW,
  );

  itNeeding(
    'prompts for the password with echo off, asks again on mismatch or policy failure',
    hasScript ? undefined : 'util-linux `script` is not installed (apt-get install bsdutils)',
    async () => {
      const { env } = seededData();
      const { code, transcript } = await manageInTerminal(
        env,
        ['createuser', 'dave', '--email', 'dave@example.com'],
        [
          'first-pass-1\r',
          'other-pass-2\r',
          'short\r',
          'short\r',
          'dave-secret-pass\r',
          'dave-secret-pass\r',
        ],
      );
      expect(code).toBe(0);
      expect(transcript).toContain("Error: Your passwords didn't match.");
      expect(transcript).toContain('This password is too short.');
      expect(transcript).toMatch(/Created user dave \(id \d+\)\./);
      for (const typed of ['first-pass', 'other-pass', 'short\r', 'dave-secret'])
        expect(transcript).not.toContain(typed);
      const cancelled = await manageInTerminal(env, ['changepassword', 'dave'], ['\u0003']);
      expect(cancelled.code).toBe(130);
      expect(cancelled.transcript).toContain('Operation cancelled.');
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect(await loginStatus(app, 'dave', 'dave-secret-pass')).toBe(200);
      });
    },
    SLOW,
  );

  it(
    'changepassword revokes every token of the user unless --keep-tokens',
    async () => {
      const { env } = seededData();
      const token = await createToken(env, 'alice');
      const kept = await manage(
        ['changepassword', 'alice', '--password-stdin', '--keep-tokens'],
        env,
        'third secret words\n',
      );
      expect(kept.stdout).toContain('tokens kept (--keep-tokens)');
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect((await testAuth(app, token.key)).status).toBe(200);
      });
      const revoked = await manage(
        ['changepassword', 'alice', '--password-stdin'],
        env,
        'fourth secret words\n',
      );
      expect(revoked.stdout).toContain('Revoked 1 token(s) and 0 session(s).');
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect(await testAuth(app, token.key)).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
        expect(await loginStatus(app, 'alice', 'fourth secret words')).toBe(200);
        expect(await loginStatus(app, 'root', ROOT.password)).toBe(200);
      });
    },
    SLOW,
  );

  it(
    'tokens purge deletes expired tokens and sessions, and nothing live',
    async () => {
      const { env } = seededData();
      const DAY = 24 * 3_600_000;
      const live = await withApp(env.LATCHKEY_DATA_DIR, async (_, services) => {
        const alice = await services.users.byUsername('alice');
        const id = alice?.id as number;
        const longAgo = new Date(Date.now() - 60 * DAY); // past TOKEN_TTL, TOKEN_MAX_TTL and SESSION_TTL
        await services.tokens.issue(id, 'expired', {}, longAgo);
        await services.sessions.open(id, longAgo);
        await services.sessions.open(id);
        return (await services.tokens.issue(id, 'live')).key;
      });
      const purged = await manage(['tokens', 'purge'], env);
      expect(purged).toMatchObject({ code: 0, stderr: '' });
      expect(purged.stdout).toMatch(/^Deleted 1 expired token, 1 expired session, 0 ended throttle windows/);
      const again = await manage(['tokens', 'purge'], env);
      expect(again.stdout).toMatch(/^Deleted 0 expired tokens, 0 expired sessions/);
      await withApp(env.LATCHKEY_DATA_DIR, async (app, services) => {
        expect(await testAuth(app, live)).toEqual({ status: 200, body: 'Hello alice!' });
        const labels = (await services.db.select({ label: tokens.label }).from(tokens)).map((t) => t.label);
        expect(labels).toEqual(['live']);
      });
    },
    SLOW,
  );

  it(
    'tokens create for a machine: scopes and a lifetime of its own, bounded; bad values exit 2',
    async () => {
      const { env } = seededData();
      const bot = await manage(
        [
          'tokens',
          'create',
          'alice',
          '--label',
          'deploy',
          '--scope',
          'account:read',
          '--expires-in',
          '90d',
          '--no-idle',
        ],
        env,
      );
      expect(bot.code).toBe(0);
      expect(bot.stderr).toMatch(
        /\(scopes: account:read; idle timeout: none; expires: (\S+ \S+); at the latest: \1\)/,
      );
      const key = bot.stdout.trim();
      await withApp(env.LATCHKEY_DATA_DIR, async (app) => {
        expect((await testAuth(app, key)).status).toBe(200);
        const headers = { Authorization: `Token ${key}` };
        expect((await app.request('/rest-auth/user/', { headers })).status).toBe(200);
        const refused = await app.request('/rest-auth/tokens/', { headers });
        expect(refused.status).toBe(403);
        expect(refused.headers.get('WWW-Authenticate')).toBe(
          'Token error="insufficient_scope", scope="tokens:read"',
        );
      });
      const listed = await manage(['tokens', 'list', '--user', 'alice'], env);
      expect(listed.stdout).toMatch(/deploy\s+account:read\s+/);
      for (const [args, message] of [
        [['--scope', 'notes:read'], 'Unknown scope "notes:read".'],
        [['--expires-in', '400d'], '--expires-in: Ensure this value is between 1 and 31536000 seconds'],
        [['--expires-in', 'soon'], '--expires-in: expected a duration'],
        [['--expires-at', 'tomorrow'], '--expires-at: expected an ISO 8601 date'],
        [['--idle', '1h', '--no-idle'], 'give --idle or --no-idle, not both'],
      ] as const) {
        const bad = await manage(['tokens', 'create', 'alice', ...args], env);
        expect(bad.code, args.join(' ')).toBe(2);
        expect(bad.stdout).toBe('');
        expect(bad.stderr).toContain(message);
      }
    },
    SLOW,
  );
});

describe.skipIf(!process.env.DATABASE_URL)(
  'manage on PostgreSQL (a scratch database beside DATABASE_URL)',
  () => {
    it(
      'migrates, creates a user and a token that authenticates in the app',
      async () => {
        const scratch = await scratchDatabase(process.env.DATABASE_URL as string, 'cli');
        const pg = { DATABASE_URL: scratch.url };
        try {
          const first = await manage(['migrate'], pg);
          expect(first.code).toBe(0);
          expect(first.stdout).toMatch(
            /^Applying \d+ migration\(s\) to PostgreSQL:\n {2}0000_init\.\.\. OK\n/,
          );
          expect(await manage(['migrate'], pg)).toMatchObject({
            code: 0,
            stdout: 'No migrations to apply (PostgreSQL).\n',
          });
          const created = await manage(['createuser', 'erin', '--password-stdin'], pg, 'erin secret words\n');
          expect(created).toMatchObject({ code: 0, stdout: 'Created user erin (id 1).\n' });
          const token = await manage(['tokens', 'create', 'erin'], pg);
          expect(token.code).toBe(0);
          const config = loadConfig({ DATABASE_URL: scratch.url, LOG_REQUESTS: 'false' });
          const database = await openDatabase({
            databaseUrl: scratch.url,
            holder: 'vitest cli.test',
            maxConnections: 2,
          });
          try {
            const app = createApp(createServices(config, database.db, () => {}));
            expect(await testAuth(app, token.stdout.trim())).toEqual({ status: 200, body: 'Hello erin!' });
            expect(await loginStatus(app, 'erin', 'erin secret words')).toBe(200);
          } finally {
            await database.close();
          }
        } finally {
          await scratch.drop();
        }
      },
      SLOW,
    );
  },
);
