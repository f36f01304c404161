/**
 * @module
 * The packages as a user gets them: `npm pack` in this repository, `npm install` of the tarballs into a
 * fresh project in the OS temp directory (outside the repository, so nothing resolves from its
 * node_modules or sources by accident), and commands run there with bounded time.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, root } from './processes.ts';

/** The outcome of one command. */
export interface RunResult {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for npm and the programs of the temp project: the tests' own, minus npm's lifecycle
 * variables (an `npm test` run would otherwise leak its workspace settings into the child npm).
 */
export function projectEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(childEnv(extra))) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}

/** Runs `command args` in `cwd`; its process group is killed after `timeoutMs`. Never rejects on exit codes. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? projectEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stderr += `\n[${command} ${args.join(' ')} killed after ${timeoutMs} ms]`;
      process.kill(-(child.pid as number), 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

/** Throws with the command's output unless it exited 0. */
export function ok(result: RunResult, what: string): RunResult {
  if (result.code !== 0)
    throw new Error(`${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** What `npm pack --json` reports for one package. */
export interface PackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** npm prints lifecycle output before the JSON: the report is the last top-level array. */
function parsePackJson(stdout: string): PackReport {
  const start = stdout.lastIndexOf('\n[');
  const json = start >= 0 ? stdout.slice(start + 1) : stdout.slice(stdout.indexOf('['));
  const [report] = JSON.parse(json) as PackReport[];
  if (!report) throw new Error(`npm pack reported nothing:\n${stdout}`);
  return report;
}

/**
 * `npm pack` of the package in `dir` (relative to the repository), into `destination`; runs its
 * `prepack` build. With `dryRun`, only lists what would be packed from the build already there.
 */
export async function pack(dir: string, destination: string, dryRun = false): Promise<PackReport> {
  // A dry run lists what the last build left in dist/: no second build (`--ignore-scripts`).
  const args = ['pack', '--json', '--pack-destination', destination];
  if (dryRun) args.push('--dry-run', '--ignore-scripts');
  const result = ok(await run('npm', args, { cwd: join(root, dir), timeoutMs: 180_000 }), `npm pack ${dir}`);
  return parsePackJson(result.stdout);
}

/** Writes a fresh `"type": "module"` project into `dir`. */
export function initProject(dir: string, name = 'latchkey-user-project'): void {
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
}

/** `npm install` of tarballs (or other specs) into the project, offline when the npm cache allows it. */
export async function install(dir: string, specs: string[]): Promise<void> {
  ok(
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], {
      cwd: dir,
      timeoutMs: 300_000,
    }),
    `npm install ${specs.join(' ')}`,
  );
}

/** Binaries of this repository's devDependencies, used on the temp project (tsc, esbuild, deno). */
export const bin = (name: string) => join(root, 'node_modules/.bin', name);
