/**
 * @module
 * The Node entry as a real process on a fresh PGlite data directory: the demo user printed once with
 * the URLs, login with it, data and no new demo password after a restart, a graceful exit on SIGTERM
 * (even with an idle keep-alive connection) that releases the lock, the lock error a second process
 * gets, one-line configuration errors, and no password or key in the log. Each test stands alone: a
 * server shared by several is started and stopped by hooks, and nothing one test leaves is read by
 * another. No wall-clock bound: the exit code tells the graceful path from the grace timer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../support/ports.ts';
import {
  childEnv,
  kill,
  manage,
  type Running,
  start,
  startNodeServer,
  stop,
  tempDir,
  tsx,
} from './support/processes.ts';

const [PORT, RESTART_PORT] = await freePorts(2);
/** Starting a process on a fresh PGlite takes seconds, tens of seconds on a loaded machine. */
const SLOW = 180_000;
const base = `http://127.0.0.1:${PORT}`;
const restartBase = `http://127.0.0.1:${RESTART_PORT}`;

async function login(base: string, username: string, password: string) {
  return fetch(`${base}/rest-auth/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

function testAuth(base: string, key?: string) {
  return fetch(`${base}/test_auth/`, key ? { headers: { Authorization: `Token ${key}` } } : {});
}

/** The demo credentials a first start prints. */
function demoCredentials(server: Running): { username: string; password: string } {
  const out = server.stdout();
  const username = out.match(/^ {2}username: (\S+)$/m)?.[1];
  const password = out.match(/^ {2}password: (\S+)$/m)?.[1];
  if (!username || !password) throw new Error(`no demo credentials in the output:\n${out}`);
  return { username, password };
}

/** Logs in and returns the key (failing the test on any other answer). */
async function loginKey(base: string, username: string, password: string): Promise<string> {
  const res = await login(base, username, password);
  expect(res.status).toBe(200);
  return ((await res.json()) as { key: string }).key;
}

describe('npm start (server/node.ts) on a fresh PGlite data directory', () => {
  // One server for these tests, started and stopped by the hooks; no test depends on another.
  const data = tempDir();
  let server: Running | undefined;
  const running = () => server as Running;

  beforeAll(async () => {
    server = await startNodeServer(data.path, PORT);
  }, SLOW);
  afterAll(() => {
    kill(server);
    data.remove();
  });

  it('prints the demo credentials once, with the URLs of the demo page and the docs', () => {
    const out = running().stdout();
    expect(out).toContain(`Latchkey listening on ${base}/`);
    expect(out).toMatch(new RegExp(`demo page: ${base}/\\n`));
    expect(out).toMatch(new RegExp(`API docs: +${base}/docs\\n`));
    const demo = demoCredentials(running());
    expect(demo.username).toBe('demo');
    expect(demo.password).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(out.match(/^ {2}password: /gm)).toHaveLength(1);
  });

  it('logs the demo user in, and the key works on test_auth', async () => {
    const demo = demoCredentials(running());
    const res = await login(base, demo.username, demo.password);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { key: string; user: { username: string } };
    expect(body.user.username).toBe('demo');
    const ok = await testAuth(base, body.key);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toBe('Hello demo!');
  });

  it('limits request bodies over HTTP, sent with a length or chunked', async () => {
    const demo = demoCredentials(running());
    const post = (body: BodyInit, chunked = false) =>
      fetch(`${base}/rest-auth/login/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        ...(chunked ? { duplex: 'half' } : {}),
      } as RequestInit);
    const fits = JSON.stringify(demo);
    const over = JSON.stringify({ ...demo, password: 'x'.repeat(70_000) });
    const tooLarge = { detail: 'Request body is too large.' };
    expect((await post(fits)).status).toBe(200);
    const refused = await post(over);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual(tooLarge);
    // A stream body goes out chunked (no Content-Length): its bytes are counted as they arrive.
    expect((await post(new Blob([fits]).stream(), true)).status).toBe(200);
    const refusedChunked = await post(new Blob([over]).stream(), true);
    expect(refusedChunked.status).toBe(413);
    expect(await refusedChunked.json()).toEqual(tooLarge);
  });

  it('never writes the password or the key to the log after the banner', async () => {
    const demo = demoCredentials(running());
    const key = await loginKey(base, demo.username, demo.password);
    // Failures go through the log too: a wrong password, a forged and a missing token, then a marker.
    expect((await login(base, demo.username, `${demo.password}x`)).status).toBe(400);
    // The last character changed (to '0', or to '1' when it was '0': that was this key itself once).
    const forged = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    expect((await testAuth(base, forged)).status).toBe(401);
    expect((await testAuth(base)).status).toBe(401);
    expect((await fetch(`${base}/healthz/?marker=log-check`)).status).toBe(200);
    await running().waitFor(/"path":"\/healthz\/"/);
    const out = running().output();
    const logLines = out.slice(out.indexOf('try: curl')).split('\n').slice(1).join('\n');
    expect(logLines).toContain('"path":"/rest-auth/login/"');
    expect(logLines).toContain('"status":401');
    expect(logLines).not.toContain(demo.password);
    expect(out).not.toContain(key);
    expect(out).not.toContain(key.slice(8)); // nor the secret part of it
  });

  it(
    'refuses a second process on the data directory with one line naming the holder',
    async () => {
      const lock = JSON.parse(readFileSync(join(data.path, 'latchkey.lock'), 'utf8')) as { pid: number };
      const result = await manage(['tokens', 'list'], { LATCHKEY_DATA_DIR: data.path });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^manage: the data directory ${data.path} is in use by process ${lock.pid} \\(latchkey server \\(node, pid ${lock.pid}\\)`,
        ),
      );
      expect(result.stdout).toBe('');
    },
    SLOW,
  );
});

describe('npm start, stopped and started again', () => {
  const data = tempDir();
  let server: Running | undefined;
  afterAll(() => {
    kill(server);
    data.remove();
  });

  it(
    'exits 0 on SIGTERM through the graceful path, releases the lock, and keeps the data across a restart',
    async () => {
      server = await startNodeServer(data.path, RESTART_PORT);
      const demo = demoCredentials(server);
      const key = await loginKey(restartBase, demo.username, demo.password);
      // An idle keep-alive connection must not hold the shutdown open (the server closes idle ones).
      const agent = new Agent({ keepAlive: true });
      await new Promise<void>((resolve, reject) => {
        get(`${restartBase}/healthz/`, { agent }, (res) => res.resume().on('end', resolve)).on(
          'error',
          reject,
        );
      });
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      const { code } = await stop(server);
      agent.destroy();
      // Exit 0 is the graceful path (stop serving, close the database); the grace timer exits 1.
      expect(code).toBe(0);
      expect(server.stdout()).toContain('SIGTERM received, shutting down');
      expect(server.stderr()).not.toContain('did not finish');
      expect(existsSync(join(data.path, 'latchkey.lock'))).toBe(false);

      server = await startNodeServer(data.path, RESTART_PORT);
      expect(server.stdout()).not.toMatch(/password:/);
      expect(server.stdout()).not.toContain('Created the demo user');
      expect((await login(restartBase, demo.username, demo.password)).status).toBe(200);
      expect((await testAuth(restartBase, key)).status).toBe(200);
      expect((await stop(server)).code).toBe(0);
    },
    2 * SLOW,
  );
});

describe('bad configuration', () => {
  const data = tempDir();
  afterAll(() => data.remove());

  for (const [name, value] of [
    ['PORT', 'abc'],
    ['CORS_ALLOWED_ORIGINS', '*'],
  ] as const) {
    it(
      `${name}=${value} stops start-up with one line naming the variable`,
      async () => {
        const env = childEnv({ LATCHKEY_DATA_DIR: join(data.path, name), [name]: value });
        const run = start(tsx, ['server/node.ts'], env);
        const code = await run.exited;
        expect(code).not.toBe(0);
        const lines = run.stderr().trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]?.startsWith(`latchkey: invalid ${name} (got "${value}"): `)).toBe(true);
        expect(run.stdout()).toBe('');
        // It stopped before touching the database.
        expect(existsSync(join(data.path, name))).toBe(false);
      },
      SLOW,
    );
  }
});
