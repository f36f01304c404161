/**
 * @module
 * The packages as a user installs them: `npm pack` of @latchkey/sdk, installed from the tarball into one
 * fresh project in the OS temp directory (outside this repository), then used there the three ways the
 * README shows: a strict NodeNext TypeScript program compiled by tsc and run by plain `node` against a
 * real Latchkey server, an esbuild browser bundle, and Deno. Packing and installing are slow, so every
 * test here shares the one project.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, initProject, install, ok, type PackReport, pack, projectEnv, run } from './support/packages.ts';
import { kill, type Running, root, startNodeServer, tempDir } from './support/processes.ts';

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

describe('the packed packages in a fresh project outside the repository', () => {
  const work = tempDir('latchkey-packages-');
  const project = join(work.path, 'project');
  const data = tempDir();
  let sdk: PackReport;
  let server: Running | undefined;
  let baseUrl: string;
  let demo: { username: string; password: string };

  beforeAll(async () => {
    mkdirSync(project);
    initProject(project);
    sdk = await pack('sdk', work.path);
    server = await startNodeServer(data.path, 0);
    const out = server.stdout();
    baseUrl = out.match(/Latchkey listening on (http:\/\/\S+?)\/ /)?.[1] as string;
    demo = {
      username: out.match(/^ {2}username: (\S+)$/m)?.[1] as string,
      password: out.match(/^ {2}password: (\S+)$/m)?.[1] as string,
    };
    await install(project, [join(work.path, sdk.filename)]);
  }, SLOW);
  afterAll(() => {
    kill(server);
    data.remove();
    work.remove();
  });

  it('packs compiled JavaScript and types only', () => {
    expect(sdk.files.map((f) => f.path).sort()).toEqual([
      'README.md',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/schema.d.ts',
      'package.json',
    ]);
  });

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
});
