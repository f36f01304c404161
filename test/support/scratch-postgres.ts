/**
 * @module
 * A throw-away PostgreSQL cluster for tests that must stop and start a database (outages): initdb in a
 * fresh temporary directory, pg_ctl on a free port, removed afterwards. It never touches the machine's
 * main cluster. PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user
 * (commands run through runuser).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';

const run = promisify(execFile);

/** The newest installed PostgreSQL's binaries (Debian layout), or those on PATH. */
function binDir(): string {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return '';
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : '';
}

/** A running scratch cluster. */
export interface ScratchCluster {
  url: string;
  port: number;
  /** Stops the server (fast mode: sessions are terminated, as in a restart or failover). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its directory. */
  remove(): Promise<void>;
}

/** Creates and starts a scratch cluster with trust authentication on 127.0.0.1 and a free port. */
export async function scratchCluster(): Promise<ScratchCluster> {
  const bin = binDir();
  const tool = (name: string) => (bin ? join(bin, name) : name);
  const asRoot = process.getuid?.() === 0;
  const exec = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', tool(name), ...args]) : run(tool(name), args);
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30`;
  let running = false;
  const cluster: ScratchCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      running = true;
    },
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async remove() {
      if (running) await cluster.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return cluster;
}
