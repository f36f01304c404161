/**
 * @module
 * The packages as a user installs them: `npm pack` of @latchkey/sdk and of `latchkey`, installed from
 * the tarballs into one fresh project in the OS temp directory (outside this repository). The SDK is
 * used the three ways the README shows: a strict NodeNext TypeScript program compiled by tsc and run by
 * plain `node` against a real Latchkey server, an esbuild browser bundle, and Deno. The library: the
 * notes example and the README's "Use Latchkey in your own API" program are compiled there and run
 * with plain `node` (and the example with Deno), on PGlite, or on PostgreSQL when DATABASE_URL is set;
 * the example's checks run through `latchkey/testing`. Packed sizes stay under the stated budgets.
 * Packing and installing are slow, so every test here shares the one project.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, initProject, install, ok, type PackReport, pack, projectEnv, run } from './support/packages.ts';
import { scratchDatabase } from './support/postgres.ts';
import { childEnv, kill, type Running, root, start, startNodeServer, tempDir } from './support/processes.ts';

const SLOW = 600_000;

/** The client program of the README's "The SDK in your project", as a user would write it. */
const CLIENT = `import { createClient, type LoginResponse } from '@latchkey/sdk';

const [baseUrl, username, password] = process.argv.slice(2) as [string, string, string];
const api = createClient({ baseUrl });
const login = await api.login({ username, password });
if (!login.data) throw new Error(\`login failed: \${login.response.status}\`);
const session: LoginResponse = login.data;
const authed = createClient({ baseUrl, token: session.key });
const hello = await authed.GET('/test_auth/');
const greeting: string | undefined = hello.data;
// @ts-expect-error: an operation the contract does not have is a type error, so the types are real.
await authed.GET('/no-such-path/');
const logout = await authed.logout();
const after = await authed.GET('/test_auth/');
console.log(JSON.stringify({
  user: session.user.username,
  greeting,
  logout: logout.response.status,
  after: after.response.status,
  challenge: after.response.headers.get('www-authenticate'),
  detail: after.error?.detail,
}));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    strict: true,
    noUncheckedIndexedAccess: true,
    outDir: 'out',
    // Node's types from this repository: the project itself installs only the tarballs.
    typeRoots: [join(root, 'node_modules/@types')],
    types: ['node'],
  },
  include: ['src'],
};

/** A browser page's script: no Node APIs, only fetch. */
const BROWSER = `import { createClient } from '@latchkey/sdk';
const baseUrl = globalThis.LATCHKEY_URL;
const api = createClient({ baseUrl });
const { data } = await api.login(globalThis.LATCHKEY_LOGIN);
const hello = await createClient({ baseUrl, token: data.key }).GET('/test_auth/');
globalThis.LATCHKEY_RESULT = hello.data;
`;

const DENO = `import { createClient } from '@latchkey/sdk';
import type { LoginResponse } from '@latchkey/sdk';

Deno.test('the packed SDK under Deno', async () => {
  const baseUrl = Deno.env.get('LATCHKEY_URL')!;
  const api = createClient({ baseUrl });
  const login = await api.login({ username: Deno.env.get('LATCHKEY_USER')!, password: Deno.env.get('LATCHKEY_PASSWORD')! });
  const session: LoginResponse = login.data!;
  const authed = createClient({ baseUrl, token: session.key });
  const hello = await authed.GET('/test_auth/');
  if (hello.data !== \`Hello \${session.user.username}!\`) throw new Error(\`unexpected \${hello.data}\`);
  await authed.logout();
  const after = await authed.GET('/test_auth/');
  if (after.response.status !== 401) throw new Error(\`after logout: \${after.response.status}\`);
});
`;

/**
 * Packed (gzip) size budgets, in bytes: compiled code, types and the migrations; no tests, no data. Measured
 * on 2 Dec 2026: SDK 10.4 kB, library 174 kB (most of it route types in .d.ts); room to grow, not to bloat.
 */
const BUDGET = { sdk: 25_000, library: 300_000 };

/** What the example and the README program import besides the two tarballs, at this repository's versions. */
const PEERS = ['hono', '@hono/zod-openapi', '@hono/node-server', 'drizzle-orm', '@types/node'];
const pinned = (name: string) =>
  `${name}@${(JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;

/** The notes example's checks, through latchkey/testing and the example's own SDK (compiled, plain node). */
const NOTES_SMOKE = `import { createTestServer } from 'latchkey/testing';
import { createNotesApi, NOTES_CONFIG } from './src/app.ts';
import { createNotesClient } from './src/client.ts';

const server = await createTestServer({ app: createNotesApi, config: NOTES_CONFIG, port: 0 });
const client = (token?: string) => createNotesClient({ baseUrl: server.url as string, token });
const result: Record<string, unknown> = {};
try {
  result.anonymous = (await client().GET('/notes/')).error;
  const alice = await server.createUserAndLogin({ username: 'alice' });
  const bob = await server.createUserAndLogin({ username: 'bob' });
  const created = await client(alice.key).POST('/notes/', { body: { text: 'Buy milk' } });
  const id = created.data?.id as number;
  result.other = (await client(bob.key).DELETE('/notes/{id}/', { params: { path: { id } } })).response.status;
  result.own = (await client(alice.key).GET('/notes/')).data?.map((note) => note.text);
  await client(bob.key).logout();
  result.revoked = (await client(bob.key).GET('/notes/')).error;
  const staff = await server.createUserAndLogin({ username: 'admin', isStaff: true });
  await client(staff.key).PATCH('/admin/api/users/{id}/', {
    params: { path: { id: alice.user.id } },
    body: { is_active: false },
  });
  result.deactivated = (await client(alice.key).GET('/notes/')).error;
} finally {
  await server.close();
}
console.log(JSON.stringify(result));
`;

/** The README's "Use Latchkey in your own API" program, as written there. */
function readmeProgram(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use Latchkey in your own API'));
  const code = section.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('README: no code block under "Use Latchkey in your own API"');
  return code;
}

/** A project's tsconfig for the library programs: strict NodeNext, `.ts` imports rewritten to `.js`. */
const LIBRARY_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    strict: true,
    noUncheckedIndexedAccess: true,
    rewriteRelativeImportExtensions: true,
    verbatimModuleSyntax: true,
    // drizzle-orm's and PGlite's own .d.ts files do not all check (optional drivers' types); as their docs advise.
    skipLibCheck: true,
    types: ['node'],
    outDir: 'out',
  },
  include: ['**/*.ts'],
  exclude: ['out', 'node_modules'],
};

describe('the packed packages in a fresh project outside the repository', () => {
  const work = tempDir('latchkey-packages-');
  const project = join(work.path, 'project');
  const data = tempDir();
  let sdk: PackReport;
  let library: PackReport;
  let server: Running | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let baseUrl: string;
  let demo: { username: string; password: string };

  beforeAll(async () => {
    mkdirSync(project);
    initProject(project);
    sdk = await pack('sdk', work.path);
    library = await pack('.', work.path);
    if (process.env.DATABASE_URL) database = await scratchDatabase(process.env.DATABASE_URL, 'packages');
    server = await startNodeServer(data.path, 0);
    const out = server.stdout();
    baseUrl = out.match(/Latchkey listening on (http:\/\/\S+?)\/ /)?.[1] as string;
    demo = {
      username: out.match(/^ {2}username: (\S+)$/m)?.[1] as string,
      password: out.match(/^ {2}password: (\S+)$/m)?.[1] as string,
    };
    await install(project, [
      join(work.path, sdk.filename),
      join(work.path, library.filename),
      ...PEERS.map(pinned),
    ]);
  }, SLOW);
  afterAll(async () => {
    kill(server);
    await database?.drop();
    data.remove();
    work.remove();
  });

  it(
    'packs compiled JavaScript and types only, under the size budgets',
    async () => {
      // What `npm pack --dry-run` lists now that dist/ is built (the real pack above ran the build).
      const listed = {
        sdk: await pack('sdk', work.path, true),
        library: await pack('.', work.path, true),
      };
      expect(listed.sdk.size).toBeLessThan(BUDGET.sdk);
      expect(listed.library.size).toBeLessThan(BUDGET.library);
      const paths = listed.library.files.map((f) => f.path);
      expect(paths).toContain('dist/index.js');
      expect(paths).toContain('dist/testing.d.ts');
      expect(paths).toContain('dist/db/migrations/0000_init.sql');
      expect(paths).toContain('dist/db/migrations/meta/_journal.json');
      const unexpected = paths.filter(
        (path) =>
          !['package.json', 'README.md'].includes(path) &&
          !/^dist\/.*\.(js|d\.ts)$/.test(path) &&
          !/^dist\/db\/migrations\/(\d{4}_\w+\.sql|meta\/_journal\.json)$/.test(path) &&
          path !== 'dist/auth/common-passwords.txt',
      );
      expect(unexpected).toEqual([]);
      console.log(
        `packed sizes: @latchkey/sdk ${listed.sdk.size} B (${listed.sdk.unpackedSize} unpacked, budget ${BUDGET.sdk}); ` +
          `latchkey ${listed.library.size} B (${listed.library.unpackedSize} unpacked, ${paths.length} files, budget ${BUDGET.library})`,
      );
      expect(sdk.files.map((f) => f.path).sort()).toEqual([
        'README.md',
        'dist/index.d.ts',
        'dist/index.js',
        'dist/schema.d.ts',
        'package.json',
      ]);
    },
    SLOW,
  );

  it(
    'type-checks a strict NodeNext program, compiles it and runs it with plain node',
    async () => {
      mkdirSync(join(project, 'src'), { recursive: true });
      writeFileSync(join(project, 'src/client.ts'), CLIENT);
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
      ok(await run(bin('tsc'), ['-p', '.'], { cwd: project }), 'tsc');
      const result = ok(
        await run('node', ['out/client.js', baseUrl, demo.username, demo.password], { cwd: project }),
        'node out/client.js',
      );
      expect(JSON.parse(result.stdout)).toEqual({
        user: demo.username,
        greeting: `Hello ${demo.username}!`,
        logout: 200,
        after: 401,
        challenge: 'Token',
        detail: 'Invalid token.',
      });
    },
    SLOW,
  );

  it(
    'is bundled by esbuild for a browser from the packed files, and the bundle works',
    async () => {
      writeFileSync(join(project, 'browser.js'), BROWSER);
      ok(
        await run(
          bin('esbuild'),
          [
            'browser.js',
            '--bundle',
            '--format=esm',
            '--platform=browser',
            '--outfile=out/browser.js',
            '--metafile=out/browser.meta.json',
          ],
          { cwd: project },
        ),
        'esbuild',
      );
      const meta = JSON.parse(readFileSync(join(project, 'out/browser.meta.json'), 'utf8')) as {
        inputs: Record<string, unknown>;
      };
      const inputs = Object.keys(meta.inputs);
      expect(inputs).toContain('node_modules/@latchkey/sdk/dist/index.js');
      expect(inputs.some((path) => path.includes('openapi-fetch'))).toBe(true);
      // The bundle uses only what a browser has (fetch, Request, URL): run it as a page would.
      const page = `globalThis.LATCHKEY_URL = ${JSON.stringify(baseUrl)};
globalThis.LATCHKEY_LOGIN = ${JSON.stringify(demo)};
await import('./out/browser.js');
console.log(JSON.stringify(globalThis.LATCHKEY_RESULT));`;
      writeFileSync(join(project, 'page.mjs'), page);
      const result = ok(await run('node', ['page.mjs'], { cwd: project }), 'node page.mjs');
      expect(JSON.parse(result.stdout)).toBe(`Hello ${demo.username}!`);
    },
    SLOW,
  );

  it(
    'is imported, type-checked and run by Deno (deno test) from node_modules',
    async () => {
      writeFileSync(join(project, 'sdk.deno.test.ts'), DENO);
      const env = projectEnv({
        LATCHKEY_URL: baseUrl,
        LATCHKEY_USER: demo.username,
        LATCHKEY_PASSWORD: demo.password,
        DENO_NO_UPDATE_CHECK: '1',
      });
      const result = await run(
        bin('deno'),
        ['test', '--check', '--allow-net', '--allow-env', 'sdk.deno.test.ts'],
        {
          cwd: project,
          env,
          timeoutMs: 240_000,
        },
      );
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/the packed SDK under Deno \.\.\. .*ok/);
    },
    SLOW,
  );

  /** The example's sources copied into the project, with the project's tsconfig; compiled by strict tsc. */
  async function buildLibraryPrograms(): Promise<void> {
    const notes = join(project, 'notes');
    cpSync(join(root, 'test/fixtures/notes-api/src'), join(notes, 'src'), { recursive: true });
    cpSync(join(root, 'test/fixtures/notes-api/contract'), join(notes, 'contract'), { recursive: true });
    writeFileSync(join(notes, 'smoke.ts'), NOTES_SMOKE);
    writeFileSync(join(notes, 'tsconfig.json'), JSON.stringify(LIBRARY_TSCONFIG, null, 2));
    ok(await run(bin('tsc'), ['-p', 'notes'], { cwd: project, timeoutMs: 240_000 }), 'tsc -p notes');
    const readme = join(project, 'readme');
    mkdirSync(readme, { recursive: true });
    writeFileSync(join(readme, 'server.ts'), readmeProgram());
    writeFileSync(join(readme, 'tsconfig.json'), JSON.stringify(LIBRARY_TSCONFIG, null, 2));
    ok(await run(bin('tsc'), ['-p', 'readme'], { cwd: project, timeoutMs: 240_000 }), 'tsc -p readme');
  }

  /** Environment of a program run: PGlite in a fresh directory, or the scratch PostgreSQL database. */
  function databaseEnv(name: string): Record<string, string> {
    if (database) return { DATABASE_URL: database.url };
    return { LATCHKEY_DATA_DIR: join(work.path, `${name}-data`) };
  }

  /** Starts a compiled program, waits for its `listening on URL` line, checks it, stops it. */
  async function serveAndCheck(
    command: string,
    args: string[],
    env: Record<string, string>,
    check: (url: string) => Promise<void>,
  ): Promise<void> {
    const program = start(command, args, childEnv({ PORT: '0', LOG_REQUESTS: 'false', ...env }));
    try {
      const [, url] = (await program.waitFor(/listening on (http:\/\/\S+)/, 240_000)) as unknown as [
        string,
        string,
      ];
      await check(url);
    } finally {
      kill(program);
      await Promise.race([program.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
  }

  it(
    'builds the notes example against the packed library, and its checks pass with plain node',
    async () => {
      await buildLibraryPrograms();
      const smoke = ok(
        await run('node', ['notes/out/smoke.js'], { cwd: project, timeoutMs: 240_000 }),
        'node notes/out/smoke.js',
      );
      expect(JSON.parse(smoke.stdout)).toEqual({
        anonymous: { detail: 'Authentication credentials were not provided.' },
        other: 404,
        own: ['Buy milk'],
        revoked: { detail: 'Invalid token.' },
        deactivated: { detail: 'User inactive or deleted.' },
      });
    },
    SLOW,
  );

  /** The example as a server: anonymous 401 with DRF's message, and one contract with both APIs. */
  const checkNotesServer = async (url: string) => {
    const anonymous = await fetch(`${url}/notes/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Token');
    expect(await anonymous.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/notes/', '/rest-auth/login/']));
  };

  it(
    'runs the notes example server with plain node (the driver of this run)',
    async () => {
      await serveAndCheck(
        'node',
        [join(project, 'notes/out/src/main.js')],
        databaseEnv('notes-node'),
        checkNotesServer,
      );
    },
    SLOW,
  );

  it(
    'runs the notes example server with Deno, from the same node_modules',
    async () => {
      await serveAndCheck(
        bin('deno'),
        ['run', '--allow-all', join(project, 'notes/out/src/main.js')],
        { ...databaseEnv('notes-deno'), DENO_NO_UPDATE_CHECK: '1' },
        checkNotesServer,
      );
    },
    SLOW,
  );

  it(
    "runs the README's program: a protected route of its own, Latchkey under /auth, one contract",
    async () => {
      await serveAndCheck(
        'node',
        [join(project, 'readme/out/server.js')],
        databaseEnv('readme'),
        async (url) => {
          const anonymous = await fetch(`${url}/hello`);
          expect(anonymous.status).toBe(401);
          expect(await anonymous.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
          const malformed = await fetch(`${url}/hello/`, { headers: { Authorization: 'Token a b' } });
          expect(await malformed.json()).toEqual({
            detail: 'Invalid token header. Token string should not contain spaces.',
          });
          const login = await fetch(`${url}/auth/rest-auth/login/`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }),
          });
          expect(login.status).toBe(400);
          const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
            paths: Record<string, unknown>;
            components: { securitySchemes: Record<string, unknown> };
          };
          expect(Object.keys(doc.paths)).toEqual(
            expect.arrayContaining(['/hello/', '/auth/rest-auth/login/']),
          );
          expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['Session', 'Token']);
        },
      );
    },
    SLOW,
  );
});
