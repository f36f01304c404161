/**
 * @module
 * What the browser tests share: finding Debian's Chromium (skipped with a message when it is missing,
 * a failure under CI), starting the real server and the standalone demo as child processes, and saving
 * each test's final screenshot to test-results/screenshots/<name>.png.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { describeNeeding } from '../support/prerequisites.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `describe` for a browser suite: without Chromium skipped with a visible message, but under CI a
 * missing Chromium fails the run, since the browser tests are mandatory there. Browser suites run in
 * the PGlite run only, except those with `postgres: true`, which run in the PostgreSQL run too (they
 * start their server on a scratch database of DATABASE_URL's server).
 */
export function describeBrowser(name: string, body: () => void, options: { postgres?: boolean } = {}): void {
  if (process.env.DATABASE_URL && !options.postgres) {
    // Not a missing prerequisite: the PGlite run of the same CI covers them.
    console.warn(`\n[browser tests] "${name}" runs in the PGlite run only (DATABASE_URL is set)\n`);
    describe.skip(name, body);
    return;
  }
  const missing = existsSync(CHROMIUM_PATH)
    ? undefined
    : `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  describeNeeding(name, missing, body);
}

/** Launches headless Chromium with the flags a container without a GPU or sandbox needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Saves the page as test-results/screenshots/<name>.png (the whole page, or just the viewport for long
 * pages) and returns the path.
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  const dir = join(ROOT, 'test-results/screenshots');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** A child process started by {@link startProcess}. */
export interface Running {
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `tsx <script> ...args` in the repository and waits until its output matches `ready`. */
export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 90_000,
): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A Latchkey server on PGlite in a fresh data directory, with the demo user's credentials. */
export interface TestServer extends Running {
  url: string;
  username: string;
  password: string;
}

/**
 * Starts `server/node.ts` (the `npm start` entry) on 127.0.0.1:`port` with a new embedded database,
 * unless `env` names another (DATABASE_URL or LATCHKEY_DATA_DIR). With `DEMO_USER: 'false'` there are
 * no demo credentials (username and password are empty).
 */
export async function startServer(port: number, env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-browser-'));
  const running = await startProcess(
    'server/node.ts',
    [],
    {
      DATABASE_URL: undefined,
      HOST: '127.0.0.1',
      PORT: String(port),
      LATCHKEY_DATA_DIR: dataDir,
      LOG_REQUESTS: 'false',
      DEMO_USER: 'true',
      ...env,
    },
    env.DEMO_USER === 'false' ? /Latchkey listening on/ : /password: \S+/,
  );
  const password = /password: (\S+)/.exec(running.output())?.[1] ?? '';
  return {
    ...running,
    url: `http://127.0.0.1:${port}`,
    username: password ? 'demo' : '',
    password,
    async stop() {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `npm run manage -- <args>` (scripts/manage.ts) with `env`, writing `stdin` to it (a password for
 * `--password-stdin`); resolves with its output, rejects when it exits with another status than 0.
 */
export function manage(args: string[], env: Record<string, string>, stdin = ''): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/manage.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin?.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`manage ${args[0]} exited with ${code}:\n${output}`)),
    );
  });
}

/** Starts `npm run client-demo` (scripts/client-demo.ts) on `port`, calling the API at `api`. */
export function startDemo(port: number, api: string): Promise<Running> {
  return startProcess(
    'scripts/client-demo.ts',
    ['--port', String(port), '--api', api],
    {},
    /Latchkey demo client on/,
  );
}
