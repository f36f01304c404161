/**
 * @module
 * A benchmark variant, not a supported entry: the Node entry (server/node.ts) in LATCHKEY_WORKERS
 * node:cluster workers sharing one port (default: one per core). It exists to measure whether more
 * processes help on this machine; run.sh's `latchkey-2w` variant uses it. Every worker opens its own
 * pool and applies migrations under the advisory lock, exactly as separate instances would.
 *
 * SIGTERM/SIGINT are passed to the workers (each closes its server and pool), and the primary exits
 * when the last worker has.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

if (cluster.isPrimary) {
  const count = Number(process.env.LATCHKEY_WORKERS) || availableParallelism();
  for (let i = 0; i < count; i++) cluster.fork();
  let stopping = false;
  let failed = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      failed = true;
      // A worker that dies on its own (bad config, lost database) takes the benchmark variant down.
      console.error(`latchkey cluster: worker ${worker.process.pid} exited with ${code}; stopping`);
      stop('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
} else {
  // `npm start`'s entry when there is one (its bundle keeps the sources' import.meta.url), else the source.
  const start = new URL('../start.mjs', import.meta.url);
  await import(existsSync(start) ? start.href : '../../server/node.ts');
}
