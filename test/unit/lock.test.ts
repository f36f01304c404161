/**
 * The PGlite data-directory lock, since two processes writing one PGlite directory corrupt it: a second
 * opener, in another process or this one, gets a DataDirLockedError naming the holder's PID; a lock left by
 * a dead process is taken over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../server/db/lock.ts';

const lockModule = new URL('../../server/db/lock.ts', import.meta.url).href;
let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-lock-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a real process that takes the lock and holds it until killed. */
async function holderProcess(): Promise<ChildProcess> {
  const code = `const { lockDataDir } = await import(${JSON.stringify(lockModule)});
lockDataDir(${JSON.stringify(dir)}, 'lock-test-holder');
console.log('locked');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.stdout?.on('data', (d) => {
      if (String(d).includes('locked')) resolve();
    });
    child.on('exit', (status) => reject(new Error(`holder exited ${status}: ${err}`)));
  });
  return child;
}

function lockError(fn: () => unknown): DataDirLockedError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataDirLockedError);
    return err as DataDirLockedError;
  }
  throw new Error('expected the lock to be refused');
}

describe('lockDataDir', () => {
  it('refuses a second process while the holder lives, naming its pid; takes over once it died', async () => {
    const child = await holderProcess();
    const err = lockError(() => lockDataDir(dir, 'test'));
    expect(err.message).toContain(`process ${child.pid}`);
    expect(err.message).toContain('lock-test-holder');
    expect(err.message).toContain(dir);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const file = join(dir, 'latchkey.lock');
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(child.pid);
    const release = lockDataDir(dir, 'test');
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(file)).toBe(false);
  }, 30_000);

  it('refuses a second opener in this process while the first holds the lock', () => {
    const release = lockDataDir(dir, 'first');
    const err = lockError(() => lockDataDir(dir, 'second'));
    expect(err.message).toContain(`process ${process.pid}`);
    expect(err.message).toContain('first');
    release();
    const again = lockDataDir(dir, 'second');
    again();
  });

  it('takes over a stale lock: a dead pid, our own pid from an earlier run, or garbage', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const file = join(dir, 'latchkey.lock');
    for (const stale of [
      JSON.stringify({ pid: dead.pid, holder: 'gone', since: '2020-01-01T00:00:00Z' }),
      JSON.stringify({ pid: process.pid, holder: 'previous container run' }),
      'not json',
      '',
    ]) {
      writeFileSync(file, stale);
      const release = lockDataDir(dir, 'new');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, holder: 'new' });
      release();
    }
  });

  it('release leaves a lock that another opener has since taken alone', () => {
    const release = lockDataDir(dir, 'first');
    const file = join(dir, 'latchkey.lock');
    writeFileSync(file, JSON.stringify({ pid: 1, holder: 'someone else' }));
    release();
    expect(JSON.parse(readFileSync(file, 'utf8')).holder).toBe('someone else');
  });
});
