/**
 * @module
 * The Node entry as a real process on a fresh PGlite data directory: the demo user printed once with
 * the URLs, login with it, data and no new demo password after a restart, a prompt clean exit on
 * SIGTERM that releases the lock, the lock error a second process gets, one-line configuration errors,
 * and no password or key in the log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const PORT = 8124;
/** Starting a process on a fresh PGlite takes seconds, tens of seconds on a loaded machine. */
const SLOW = 180_000;
const base = `http://127.0.0.1:${PORT}`;

async function login(username: string, password: string) {
  return fetch(`${base}/rest-auth/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

function testAuth(key?: string) {
  return fetch(`${base}/test_auth/`, key ? { headers: { Authorization: `Token ${key}` } } : {});
}

describe('npm start (server/node.ts) on a fresh PGlite data directory', () => {
  const data = tempDir();
  let server: Running | undefined;
  let demo: { username: string; password: string };
  let key: string;

  beforeAll(async () => {
    server = await startNodeServer(data.path, PORT);
  }, SLOW);
  afterAll(() => {
    kill(server);
    data.remove();
  });

  it('prints the demo credentials once, with the URLs of the demo page and the docs', () => {
    const out = (server as Running).stdout();
    expect(out).toContain(`Latchkey listening on ${base}/`);
    expect(out).toMatch(new RegExp(`demo page: ${base}/\\n`));
    expect(out).toMatch(new RegExp(`API docs: +${base}/docs\\n`));
    const username = out.match(/^ {2}username: (\S+)$/m)?.[1];
    const password = out.match(/^ {2}password: (\S+)$/m)?.[1];
    expect(username).toBe('demo');
    expect(password).toMatch(/^[0-9A-Za-z]{16}$/);
    demo = { username: username as string, password: password as string };
    expect(out.match(/^ {2}password: /gm)).toHaveLength(1);
  });

  it('logs the demo user in, and the key works on test_auth', async () => {
    const res = await login(demo.username, demo.password);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { key: string; user: { username: string } };
    expect(body.user.username).toBe('demo');
    key = body.key;
    const ok = await testAuth(key);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toBe('Hello demo!');
    // Failures go through the log too: a wrong password, a forged and a missing token.
    expect((await login(demo.username, `${demo.password}x`)).status).toBe(400);
    expect((await testAuth(`${key.slice(0, -1)}0`)).status).toBe(401);
    expect((await testAuth()).status).toBe(401);
  });

  it('never writes the password or the key to the log after the banner', async () => {
    const server_ = server as Running;
    await server_.waitFor(
      /"path":"\/test_auth\/","status":401[^\n]*\n[^\n]*"path":"\/test_auth\/","status":401/,
    );
    const out = server_.output();
    const afterBanner = out.slice(out.indexOf('try: curl'));
    const logLines = afterBanner.split('\n').slice(1).join('\n');
    expect(logLines).toContain('"path":"/rest-auth/login/"');
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

  it('exits 0 promptly on SIGTERM and releases the lock', async () => {
    const { code, ms } = await stop(server as Running);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect((server as Running).stdout()).toContain('SIGTERM received, shutting down');
    expect(existsSync(join(data.path, 'latchkey.lock'))).toBe(false);
  });

  it(
    'keeps the data across a restart and does not print a new demo password',
    async () => {
      server = await startNodeServer(data.path, PORT);
      expect(server.stdout()).not.toMatch(/password:/);
      expect(server.stdout()).not.toContain('Created the demo user');
      expect((await login(demo.username, demo.password)).status).toBe(200);
      const again = await testAuth(key);
      expect(again.status).toBe(200);
      const { code } = await stop(server);
      expect(code).toBe(0);
    },
    SLOW,
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
