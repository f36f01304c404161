/**
 * @module
 * Start to first answer: spawns a server, polls GET /healthz/ every 10 ms until the first 200, then
 * (after BENCH_SETTLE_MS, default 1000, idle) reads the process's resident memory (VmRSS) and its peak
 * (VmHWM) from /proc, stops it (SIGTERM, KILL after 10 s) and prints one line:
 * `startup name=<NAME> ms=<spawn to first 200> rss_mb=<after settling> hwm_mb=<peak so far>`
 * (`ms=timeout` when no 200 came within BENCH_START_TIMEOUT_MS, default 60000).
 *
 * The server's environment is this process's (run.sh sets PORT, DATABASE_URL or LATCHKEY_DATA_DIR ...);
 * its output goes to LOG_FILE. The child's PID is written to PID_FILE while it runs, so run.sh can stop
 * it if this script is itself killed; SIGINT/SIGTERM here stop the child too.
 *
 * usage: PORT=8299 npx tsx scripts/bench/startup.ts NAME PID_FILE LOG_FILE -- COMMAND [ARGS...]
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [name, pidFile, logFile, dashes, command, ...args] = process.argv.slice(2);
if (!name || !pidFile || !logFile || dashes !== '--' || !command) {
  console.error('usage: startup.ts NAME PID_FILE LOG_FILE -- COMMAND [ARGS...]');
  process.exit(2);
}
const url = `http://${process.env.HOST || '127.0.0.1'}:${process.env.PORT}/healthz/`;
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 1000);
const timeoutMs = Number(process.env.BENCH_START_TIMEOUT_MS ?? 60_000);

/** VmRSS and VmHWM of a live process, in MB. */
function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
}

const log = openSync(logFile, 'a');
const started = performance.now();
const child = spawn(command, args, { stdio: ['ignore', log, log] });
const pid = child.pid as number;
writeFileSync(pidFile, `${pid}\n`);
let exited = false;
const exitedPromise = new Promise<void>((resolve) =>
  child.on('exit', () => {
    exited = true;
    resolve();
  }),
);

async function stop(): Promise<void> {
  if (!exited) {
    child.kill('SIGTERM');
    await Promise.race([exitedPromise, sleep(10_000)]);
    if (!exited) child.kill('SIGKILL');
    await exitedPromise;
  }
  rmSync(pidFile as string, { force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stop().then(() => process.exit(130)));
}

let ms: number | undefined;
while (!exited && performance.now() - started < timeoutMs) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    if (response.status === 200) {
      ms = performance.now() - started;
      break;
    }
  } catch {
    // not listening yet
  }
  await sleep(10);
}
let memory = { rss: 0, hwm: 0 };
if (ms !== undefined) {
  await sleep(settleMs);
  if (!exited) memory = memoryMb(pid);
}
await stop();
console.log(
  `startup name=${name} ms=${ms === undefined ? (exited ? 'exited' : 'timeout') : Math.round(ms)} rss_mb=${memory.rss} hwm_mb=${memory.hwm}`,
);
