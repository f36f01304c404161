/**
 * A real PostgreSQL stopped and started under load (a scratch cluster this test creates on a free port
 * and removes; never the machine's main cluster). The app runs in-process on it with the server's own
 * database settings. Asserts: during the outage every answer is documented for its operation (503 with
 * Retry-After when the database was needed), none hangs, /readyz/ says 503; the first requests after the
 * restart succeed (no restart of the app, no stale pool); every key issued before or during the outage
 * still works; every answered login issued exactly one token; throttle counters hold no more than the
 * attempts that did not succeed. Prints the figures (answers, statuses, slowest, recovery).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { type OpenDatabase, openDatabase } from '../../server/db/open.ts';
import { throttleCounters, tokens } from '../../server/db/schema.ts';
import { createServices } from '../../server/services.ts';
import { ContractRecorder } from '../support/contract.ts';
import { type ScratchCluster, scratchCluster } from '../support/scratch-postgres.ts';

const PASSWORD = 'outage-Pass-8472';
/** What the app logged (a failed assertion shows the last lines: the database error behind a 503). */
const logged: string[] = [];
/** A hang detector, not a performance bound: twice every configured timeout added up. */
const NO_HANG_MS = 2 * (2 + 2 + 2) * 1000;

interface Answer {
  phase: 'before' | 'down' | 'restarting' | 'after';
  what: string;
  status: number;
  ms: number;
  ended: number;
}

describe('PostgreSQL stopped and started under load', () => {
  let cluster: ScratchCluster;
  let database: OpenDatabase;
  let app: ReturnType<typeof createApp>;
  const recorder = new ContractRecorder();

  beforeAll(async () => {
    cluster = await scratchCluster();
    const config = loadConfig({
      DATABASE_URL: cluster.url,
      LOG_REQUESTS: 'false',
      LOGIN_THROTTLE_USER: '100000',
      LOGIN_THROTTLE_IP: '100000',
    });
    database = await openDatabase({
      databaseUrl: cluster.url,
      holder: 'outage test',
      maxConnections: config.DATABASE_POOL_SIZE,
      timeouts: {
        connect: config.DATABASE_CONNECT_TIMEOUT,
        pool: config.DATABASE_POOL_TIMEOUT,
        statement: config.DATABASE_STATEMENT_TIMEOUT,
      },
    });
    const services = createServices(config, database.db, (line) => logged.push(JSON.stringify(line)));
    app = createApp(services);
    for (const name of ['ann', 'bob', 'cyd'])
      await services.users.create({ username: name, password: PASSWORD });
  }, 120_000);

  afterAll(async () => {
    await database?.close().catch(() => {});
    await cluster?.remove();
  });

  it('answers only documented statuses, fast 503s while down, and loses nothing', async () => {
    const answers: Answer[] = [];
    const withoutRetryAfter: string[] = [];
    let phase: Answer['phase'] = 'before';
    const call = async (what: string, method: string, path: string, init: RequestInit = {}) => {
      const started = performance.now();
      const startedIn = phase;
      const response = await app.request(path, { method, ...init });
      const ended = performance.now();
      const answer = { phase: startedIn, what, status: response.status, ms: ended - started, ended };
      answers.push(answer);
      await recorder.record(method, path, response.clone());
      if (response.status === 503 && !/^\d+$/.test(response.headers.get('Retry-After') ?? '')) {
        withoutRetryAfter.push(what);
      }
      return response;
    };
    const json = (body: unknown): RequestInit => ({
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    /** Logs in; returns the key on 200. Every 200 is remembered with its phase. */
    const issued: { user: string; key: string }[] = [];
    const attempts = new Map<string, { total: number; ok: number }>();
    const login = async (user: string, password = PASSWORD) => {
      const tally = attempts.get(user) ?? { total: 0, ok: 0 };
      attempts.set(user, tally);
      tally.total++;
      const res = await call('login', 'POST', '/rest-auth/login/', json({ username: user, password }));
      if (res.status !== 200) return undefined;
      tally.ok++;
      const { key } = (await res.json()) as { key: string };
      issued.push({ user, key });
      return key;
    };
    const keyBefore = (await login('ann')) as string;
    expect(keyBefore).toBeTruthy();

    let running = true;
    const loop = async (step: (i: number) => Promise<unknown>) => {
      for (let i = 0; running; i++) {
        await step(i);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const auth = { headers: { Authorization: `Token ${keyBefore}` } };
    const clients = [
      ...[0, 1, 2].map(() => loop(() => call('test_auth', 'GET', '/test_auth/', auth))),
      loop(() => call('tokens', 'GET', '/rest-auth/tokens/', auth)),
      loop(() => call('readyz', 'GET', '/readyz/')),
      loop(() => call('healthz', 'GET', '/healthz/')),
      loop((i) => login(i % 2 ? 'bob' : 'cyd', i % 3 === 0 ? 'wrong-password' : PASSWORD)),
      loop(() => login('cyd')),
    ];

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await cluster.stop();
    // Requests started from now on find the database gone (those in flight during the stop may not).
    phase = 'down';
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    phase = 'restarting';
    const restarting = performance.now();
    await cluster.start();
    phase = 'after';
    const back = performance.now();
    // The very first requests after the restart succeed: the pool reconnects on demand.
    const first = await call('test_auth', 'GET', '/test_auth/', auth);
    const recoveredMs = performance.now() - back;
    const why = `${await first.clone().text()}, last log lines: ${logged.slice(-4).join(' | ')}`;
    expect(first.status, `first answer after the restart: ${why}`).toBe(200);
    expect((await call('readyz', 'GET', '/readyz/')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    running = false;
    await Promise.all(clients);

    const down = answers.filter((a) => a.phase === 'down');
    const statuses = (list: Answer[]) =>
      list.reduce<Record<string, number>>((acc, a) => {
        acc[`${a.what} ${a.status}`] = (acc[`${a.what} ${a.status}`] ?? 0) + 1;
        return acc;
      }, {});
    const slowest = Math.max(...down.map((a) => a.ms));
    console.log(
      `outage: ${answers.length} answers (${down.length} while down), slowest while down ${slowest.toFixed(0)} ms, ` +
        `first request after restart ${recoveredMs.toFixed(0)} ms\n  while down: ${JSON.stringify(statuses(down))}\n` +
        `  after: ${JSON.stringify(statuses(answers.filter((a) => a.phase === 'after')))}`,
    );

    expect(recorder.failures, 'answers that depart from openapi.yaml').toEqual([]);
    expect(withoutRetryAfter, '503s without Retry-After').toEqual([]);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    const needDatabase = down.filter((a) => a.what !== 'healthz');
    expect(needDatabase.length).toBeGreaterThan(0);
    // Anything else came from a request that waited (reconnect back-off) until the database was back.
    expect(needDatabase.filter((a) => a.status !== 503 && a.ended < restarting)).toEqual([]);
    expect(down.filter((a) => a.what === 'healthz').every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.ms > NO_HANG_MS)).toEqual([]);

    // Nothing lost: every key answered before, during and after the outage works.
    for (const { key } of issued) {
      const res = await app.request('/test_auth/', { headers: { Authorization: `Token ${key}` } });
      expect(res.status).toBe(200);
    }
    // No half-done login: each user has exactly the tokens its 200s handed out.
    for (const [user, tally] of attempts) {
      const row = await database.db.execute(
        sql`select count(*)::int as n from ${tokens} join users u on u.id = ${tokens.userId} where u.username = ${user}`,
      );
      const n = (row as unknown as { n: number }[])[0]?.n ?? (row as { rows?: { n: number }[] }).rows?.[0]?.n;
      expect(n, `tokens of ${user}`).toBe(tally.ok);
    }
    // Throttle counters: never more than the attempts that did not succeed, never negative.
    const counters = await database.db
      .select({ count: throttleCounters.count })
      .from(throttleCounters)
      .where(eq(throttleCounters.scope, 'login:user'));
    const failedAttempts = [...attempts.values()].reduce((n, t) => n + t.total - t.ok, 0);
    const counted = counters.reduce((n, c) => n + c.count, 0);
    expect(counters.every((c) => c.count >= 0)).toBe(true);
    expect(counted).toBeLessThanOrEqual(failedAttempts);
    const wrongPasswords = answers.filter((a) => a.what === 'login' && a.status === 400).length;
    expect(counted).toBeGreaterThanOrEqual(wrongPasswords);
  }, 120_000);
});
