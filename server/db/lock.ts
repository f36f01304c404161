/**
 * @module
 * An exclusive lock on the PGlite data directory. PGlite belongs to one process at a time; a second
 * opener (say `manage createuser` while `npm start` runs) must get a clear error naming the holder,
 * never a damaged database. The lock is a file created with O_EXCL holding the owner's PID; a lock
 * whose process is gone is stale and taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Thrown when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/**
 * Whether a process exists: true, false, or undefined when this runtime may not ask (Deno without
 * --allow-run refuses to signal and to read /proc). Only ESRCH proves a holder gone; taking over a live
 * holder's lock would damage the database, so an unanswerable question keeps the lock.
 */
function alive(pid: number): boolean | undefined {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    return code === 'EPERM' ? true : undefined;
  }
}

/**
 * Lock files this process holds. A lock naming our own PID is stale (a restarted container reuses
 * PID 1) unless it is one of these: then a second opener in this process must be refused too.
 */
const held = new Set<string>();

/** Takes the lock on `dir` for this process; returns the function that releases it. */
export function lockDataDir(dir: string, holder: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, 'latchkey.lock');
  const mine = JSON.stringify({ pid: process.pid, holder, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx' });
      held.add(file);
      return () => {
        held.delete(file);
        try {
          if (readFileSync(file, 'utf8') === mine) unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: number; holder?: string; since?: string } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // unreadable lock: treat as stale
      }
      const state = !owner.pid ? false : owner.pid === process.pid ? held.has(file) : alive(owner.pid);
      if (state !== false) {
        const unsure =
          state === undefined
            ? ` (this runtime cannot check that it still runs; if it does not, delete ${file})`
            : '';
        throw new DataDirLockedError(
          `the data directory ${dir} is in use by process ${owner.pid} (${owner.holder ?? 'unknown'}, since ${owner.since ?? '?'})${unsure}; ` +
            'stop it first, or set DATABASE_URL to share a PostgreSQL server between processes',
        );
      }
      unlinkSync(file);
    }
  }
  throw new DataDirLockedError(`could not lock the data directory ${dir}`);
}
