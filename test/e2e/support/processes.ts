/**
 * @module
 * Real processes for the end-to-end tests: the Node server (`tsx server/node.ts`, what `npm start`
 * runs) and the CLI (`tsx scripts/manage.ts`, what `npm run manage` runs), each with a fresh temporary
 * data directory and an environment that never inherits the developer's DATABASE_URL by accident.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The project root (where package.json is). */
export const root = new URL('../../../', import.meta.url).pathname;
/** tsx, run directly: npm and npx do not forward SIGTERM to their child (npm 11), tsx does. */
export const tsx = join(root, 'node_modules/.bin/tsx');

/** A fresh empty directory under the OS temp dir, removed by the returned function. */
export function tempDir(prefix = 'latchkey-e2e-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The environment for a child: this process's, minus Latchkey settings, plus `extra`. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === 'DATABASE_URL' || key === 'LATCHKEY_DATA_DIR') continue;
    if (key === 'PORT' || key === 'HOST' || key.startsWith('TOKEN_') || key.startsWith('CORS_')) continue;
    // Deno colours its output when FORCE_COLOR is set at all, even to 0.
    if (key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  // No colours or spinners in captured output.
  return { ...env, NO_COLOR: '1', ...extra };
}

/** A running process with its combined output so far. */
export interface Running {
  child: ChildProcess;
  /** stdout and stderr interleaved as received. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output once `pattern` appears; rejects on exit or timeout, with the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Spawns `command args` with `env`, collecting its output. */
export function start(command: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(command, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let all = '';
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
    err += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const listener of listeners) listener();
    });
  });
  let done = false;
  exited.then(() => {
    done = true;
  });
  return {
    child,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = all.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (done) {
            cleanup();
            reject(new Error(`process exited before ${pattern} appeared; output:\n${all}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${all}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Starts the Node server on a data directory and port; resolves once its banner is out. */
export async function startNodeServer(dataDir: string, port: number, extra: Record<string, string> = {}) {
  // `node --import tsx`, not the tsx CLI: the CLI relays to a child of its own, which a SIGKILL of the CLI
  // would leave running (and holding the port for the next run).
  const server = start(
    process.execPath,
    ['--import', 'tsx', 'server/node.ts'],
    childEnv({ LATCHKEY_DATA_DIR: dataDir, PORT: String(port), ...extra }),
  );
  await server.waitFor(/Latchkey listening on .*\n(?:.*\n){3}/);
  // The demo block, when there is one, follows the banner's first lines in the same write.
  return server;
}

/** Sends SIGTERM; resolves with the exit code and how long the process took to exit. */
export async function stop(running: Running, signal: NodeJS.Signals = 'SIGTERM') {
  const started = performance.now();
  running.child.kill(signal);
  const code = await running.exited;
  return { code, ms: performance.now() - started };
}

/** Kills a process that a failed test left behind (no-op once it has exited). */
export function kill(running: Running | undefined): void {
  if (running && running.child.exitCode === null && running.child.signalCode === null)
    running.child.kill('SIGKILL');
}

/** The result of one CLI run. */
export interface CliResult {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs `manage <args>` to completion with `input` on stdin (closed after it). */
export async function manage(args: string[], env: Record<string, string>, input = ''): Promise<CliResult> {
  const run = start(tsx, ['scripts/manage.ts', ...args], childEnv(env));
  run.child.stdin?.end(input);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
