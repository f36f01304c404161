/**
 * Graceful shutdown as people run it: SIGTERM sent to the process `npm start` started (what Docker,
 * systemd and Kubernetes signal), and to the Deno entry, while logins are in the middle of their
 * password hashes. Asserts: the signal reaches the server; no new connection is accepted; every request
 * in flight is answered (200 with a key); the database is closed and the process exits 0; after a
 * restart every key handed out works (nothing lost). Then the bounds: a request that never completes
 * holds the shutdown until SHUTDOWN_TIMEOUT (exit 1), or until a second SIGTERM (exit 1 at once).
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { childEnv, kill, type Running, start, tempDir } from './support/processes.ts';

const SLOW = 240_000;
const BANNER = /Latchkey listening on .*\n(?:.*\n){3}/;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function login(base: string, username: string, password: string) {
  const res = await fetch(`${base}/rest-auth/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Connection: 'close' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as { key?: string } };
}

/** A GET on a brand-new connection (no keep-alive pool): resolves with the status or the socket error code. */
function freshGet(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

/** A request whose body never arrives: in flight until the server goes away. */
function stalledRequest(port: number): { closed: Promise<void> } {
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/rest-auth/login/',
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' },
    agent: false,
  });
  req.write('{"username":');
  const closed = new Promise<void>((resolve) => {
    req.on('error', () => resolve());
    req.on('close', () => resolve());
  });
  return { closed };
}

function demoCredentials(server: Running) {
  const out = server.stdout();
  return {
    username: out.match(/^ {2}username: (\S+)$/m)?.[1] as string,
    password: out.match(/^ {2}password: (\S+)$/m)?.[1] as string,
  };
}

/**
 * Logins in flight at the signal: with one hashing slot they queue behind each other, so once the
 * first is answered the others are still waiting or hashing when `signal()` runs.
 */
async function signalDuringLogins(base: string, server: Running, signal: () => void) {
  const demo = demoCredentials(server);
  const logins = Array.from({ length: 6 }, () => login(base, demo.username, demo.password));
  await Promise.race(logins);
  signal();
  await server.waitFor(/SIGTERM received/);
  const answers = await Promise.all(logins);
  return { demo, answers };
}

const env = (data: string, port: number, extra: Record<string, string> = {}) =>
  childEnv({ LATCHKEY_DATA_DIR: data, PORT: String(port), PASSWORD_HASH_CONCURRENCY: '1', ...extra });

describe('SIGTERM to `npm start` with logins in flight', () => {
  const data = tempDir();
  let server: Running | undefined;
  afterAll(() => {
    kill(server);
    data.remove();
  });

  it(
    'answers every request in flight, refuses new connections, closes the database, exits 0; nothing lost',
    async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      server = start(npm, ['start'], env(data.path, port));
      await server.waitFor(BANNER, SLOW);
      const running = server;
      const { demo, answers } = await signalDuringLogins(base, running, () => running.child.kill('SIGTERM'));
      // The listening socket is closed at once: a new connection is refused while the logins finish.
      expect(await freshGet(port, '/healthz/')).toBe('ECONNREFUSED');
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await running.exited).toBe(0);
      expect(running.stdout()).toContain('latchkey: stopped; database closed');

      // Nothing lost: after a restart on the same data directory every key handed out works.
      server = start(npm, ['start'], env(data.path, port));
      await server.waitFor(BANNER, SLOW);
      for (const { body } of answers) {
        const res = await fetch(`${base}/test_auth/`, { headers: { Authorization: `Token ${body.key}` } });
        expect(res.status).toBe(200);
        expect(await res.json()).toBe(`Hello ${demo.username}!`);
      }

      // The bound: a request that never completes holds the shutdown only until SHUTDOWN_TIMEOUT...
      const stalled = stalledRequest(port);
      await new Promise((resolve) => setTimeout(resolve, 200));
      server.child.kill('SIGTERM');
      await server.waitFor(/SIGTERM received/);
      // ...or until a second signal, which exits at once.
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toContain('SIGTERM received again, exiting now');
      await stalled.closed;
    },
    SLOW,
  );

  it(
    'gives up on a stuck shutdown after SHUTDOWN_TIMEOUT and exits 1',
    async () => {
      const port = await freePort();
      server = start(
        process.execPath,
        ['--import', 'tsx', 'server/node.ts'],
        env(data.path, port, { SHUTDOWN_TIMEOUT: '1' }),
      );
      await server.waitFor(BANNER, SLOW);
      const stalled = stalledRequest(port);
      await new Promise((resolve) => setTimeout(resolve, 200));
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toContain('shutdown did not finish within 1 s');
      await stalled.closed;
    },
    SLOW,
  );
});

describe('SIGTERM to the Deno entry with logins in flight', () => {
  const data = tempDir();
  let server: Running | undefined;
  afterAll(() => {
    kill(server);
    data.remove();
  });

  it(
    'answers every request in flight and exits 0',
    async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      // As people run it: npm execs Deno with the script's permissions; the signal goes to npm.
      server = start(npm, ['run', 'start:deno'], env(data.path, port));
      await server.waitFor(BANNER, SLOW);
      const running = server;
      const { answers } = await signalDuringLogins(base, running, () => running.child.kill('SIGTERM'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await running.exited).toBe(0);
      expect(running.stdout()).toContain('latchkey: stopped; database closed');
    },
    SLOW,
  );
});
