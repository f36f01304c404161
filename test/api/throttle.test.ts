/**
 * Login throttling in the database, so limits hold across instances: failed logins per username and per
 * client address, 429 with DRF's message and Retry-After, fixed windows, success refunded, the address from
 * the socket (X-Forwarded-For only with TRUST_PROXY), and exact limits under concurrent attempts from
 * several app instances.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.ts';
import { Throttle } from '../../server/auth/throttle.ts';
import { loadConfig } from '../../server/config.ts';
import { throttleCounters } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { createServices } from '../../server/services.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase, testDriver } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const THROTTLED = /^Request was throttled\. Expected available in (\d+) seconds?\.$/;

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  await t.user('alice', PASSWORD, { email: 'alice@example.com' });
  await t.user('bob', PASSWORD);
});
afterEach(() => {
  vi.useRealTimers();
});

/** A login as the Node adapter would hand it to the app: the socket's peer address in c.env. */
function login(
  app: TestApp['app'],
  body: Record<string, string>,
  options: { ip?: string; headers?: Record<string, string>; deno?: boolean } = {},
) {
  const ip = options.ip ?? '192.0.2.10';
  const env = options.deno
    ? { remoteAddr: { hostname: ip, port: 50000, transport: 'tcp' } }
    : { incoming: { socket: { remoteAddress: ip } }, outgoing: {} };
  return app.request(
    '/rest-auth/login/',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
    },
    env,
  );
}

const wrong = (username = 'alice') => ({ username, password: 'wrong-password' });
const right = (username = 'alice') => ({ username, password: PASSWORD });

async function expectThrottled(res: Response, maxWait: number): Promise<number> {
  expect(res.status).toBe(429);
  const { detail } = (await res.json()) as { detail: string };
  const wait = Number(THROTTLED.exec(detail)?.[1]);
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(maxWait);
  expect(res.headers.get('retry-after')).toBe(String(wait));
  return wait;
}

describe('per username', () => {
  it('allows LOGIN_THROTTLE_USER failures per window, then 429 even for the right password', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await login(t.app, wrong());
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ non_field_errors: [MESSAGES.badCredentials] });
    }
    await expectThrottled(await login(t.app, right()), 900);
    // From any address: the counter is the account's.
    await expectThrottled(await login(t.app, right(), { ip: '198.51.100.7' }), 900);
    // By e-mail too: the same counter as the username.
    await expectThrottled(await login(t.app, { email: 'ALICE@example.com', password: PASSWORD }), 900);
    // Case does not open a new counter.
    await expectThrottled(await login(t.app, right('ALICE')), 900);
    // Other users are not affected.
    expect((await login(t.app, right('bob'))).status).toBe(200);
  });

  it('opens again when the window ends, however many throttled attempts came meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    for (let i = 0; i < 10; i++) await login(t.app, wrong());
    vi.setSystemTime(start + 600_000);
    for (let i = 0; i < 5; i++) {
      await expectThrottled(await login(t.app, wrong()), 300);
    }
    vi.setSystemTime(start + 899_000);
    expect(await expectThrottled(await login(t.app, right()), 1)).toBe(1);
    vi.setSystemTime(start + 900_001);
    expect((await login(t.app, right())).status).toBe(200);
  });

  it('refunds a successful login: the counters hold failures', async () => {
    for (let i = 0; i < 9; i++) expect((await login(t.app, wrong())).status).toBe(400);
    expect((await login(t.app, right())).status).toBe(200);
    expect((await login(t.app, wrong())).status).toBe(400); // the 10th failure
    await expectThrottled(await login(t.app, wrong()), 900);
  });

  it('stores no username or address in clear', async () => {
    await login(t.app, wrong('secret-looking-name'), { ip: '203.0.113.99' });
    const rows = await t.services.db.select().from(throttleCounters);
    expect(rows.map((r) => r.scope).sort()).toEqual(['login:ip', 'login:user']);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain('secret-looking-name');
    expect(dump).not.toContain('203.0.113.99');
  });

  it('is off with LOGIN_THROTTLE_USER=0', async () => {
    t = await testApp({ LOGIN_THROTTLE_USER: '0' });
    for (let i = 0; i < 12; i++)
      expect((await login(t.app, wrong(), { ip: `192.0.2.${i}` })).status).toBe(400);
    expect((await login(t.app, right())).status).toBe(200);
  });
});

describe('per client address', () => {
  beforeEach(async () => {
    t = await testApp({ LOGIN_THROTTLE_IP: '5' });
  });

  it('stops password spraying from one address, not the others', async () => {
    for (let i = 0; i < 5; i++) expect((await login(t.app, wrong(`user${i}`))).status).toBe(400);
    await expectThrottled(await login(t.app, right('bob')), 900);
    expect((await login(t.app, right('bob'), { ip: '192.0.2.11' })).status).toBe(200);
  });

  it('reads the address from Deno.serve bindings as well as from the Node socket', async () => {
    for (let i = 0; i < 5; i++) await login(t.app, wrong(`user${i}`), { ip: '192.0.2.50', deno: true });
    await expectThrottled(await login(t.app, right('bob'), { ip: '192.0.2.50' }), 900);
    // An IPv4 client on a dual-stack socket is the same client.
    await expectThrottled(await login(t.app, right('bob'), { ip: '::ffff:192.0.2.50' }), 900);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let i = 0; i < 5; i++) await login(t.app, wrong(`user${i}`), { ip: `2001:db8:1:2::${i + 1}` });
    await expectThrottled(await login(t.app, right('bob'), { ip: '2001:db8:1:2:ffff::9' }), 900);
    expect((await login(t.app, right('bob'), { ip: '2001:db8:1:3::1' })).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY', async () => {
    for (let i = 0; i < 5; i++) {
      await login(t.app, wrong(`user${i}`), { headers: { 'X-Forwarded-For': `10.0.0.${i}` } });
    }
    const res = await login(t.app, right('bob'), { headers: { 'X-Forwarded-For': '10.9.9.9' } });
    await expectThrottled(res, 900);
  });

  it('with TRUST_PROXY, uses the last X-Forwarded-For entry (the one the proxy wrote)', async () => {
    t = await testApp({ LOGIN_THROTTLE_IP: '5', TRUST_PROXY: 'true' });
    const proxy = { ip: '10.0.0.1' };
    for (let i = 0; i < 5; i++) {
      // The client forges the left part; the proxy appends the address it saw.
      const headers = { 'X-Forwarded-For': `1.2.3.${i}, 198.51.100.20` };
      expect((await login(t.app, wrong(`user${i}`), { ...proxy, headers })).status).toBe(400);
    }
    const forged = { 'X-Forwarded-For': '9.9.9.9, 198.51.100.20' };
    await expectThrottled(await login(t.app, right('bob'), { ...proxy, headers: forged }), 900);
    const other = { 'X-Forwarded-For': '198.51.100.21' };
    expect((await login(t.app, right('bob'), { ...proxy, headers: other })).status).toBe(200);
  });
});

describe('under concurrency', () => {
  it('lets exactly the limit through when attempts race, across app instances', async () => {
    t = await testApp({ LOGIN_THROTTLE_USER: '3' });
    const instances = [t.app];
    let close = async () => {};
    // A second instance with its own connection pool on the same database, where the driver has one
    // (KNOWN_GAPS); otherwise the attempts race within one instance.
    if (!testDriver.gap('secondPool')) {
      const other = await testDriver.openSecondPool(4);
      const config = loadConfig({ LOG_REQUESTS: 'false', LOGIN_THROTTLE_USER: '3' });
      instances.push(createApp(createServices(config, other.db, () => {})));
      close = () => other.close();
    }
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          login(instances[i % instances.length] as TestApp['app'], wrong(), { ip: `192.0.2.${100 + i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 400)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(9);
      const [row] = await t.services.db
        .select({ count: throttleCounters.count })
        .from(throttleCounters)
        .where(sql`${throttleCounters.scope} = 'login:user'`);
      expect(row?.count).toBe(12);
    } finally {
      await close();
    }
  });

  it('counts and refunds racing attempts on the same counters without a deadlock, across pools', async () => {
    // Successful logins charge and then refund the same three counters (name, account, address). Each
    // statement locks several rows: in different orders, two of them racing would deadlock (40P01).
    const throttles = [t.services.throttle];
    let close = async () => {};
    if (!testDriver.gap('secondPool')) {
      const other = await testDriver.openSecondPool(4);
      throttles.push(new Throttle(other.db, 900));
      close = () => other.close();
    }
    const keys = ['login:user', 'login:account', 'login:ip'].map((scope) => ({
      scope,
      value: `${scope}-racer`,
      limit: 1_000_000,
    }));
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 300 }, async (_, i) => {
          const throttle = throttles[i % throttles.length] as Throttle;
          // The keys in varying order: the statements must lock in their own order, not the caller's.
          const ticket = await throttle.attempt(i % 2 ? keys : [...keys].reverse());
          await throttle.refund(ticket);
        }),
      );
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      const rows = await t.services.db
        .select({ count: throttleCounters.count })
        .from(throttleCounters)
        .where(sql`${throttleCounters.scope} in ('login:user', 'login:account', 'login:ip')`);
      expect(rows.map((r) => r.count)).toEqual([0, 0, 0]);
    } finally {
      await close();
    }
  });
});

describe('housekeeping', () => {
  it('purges counters whose window has ended', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await login(t.app, wrong());
    expect(await t.services.throttle.purge()).toBe(0);
    vi.setSystemTime(Date.now() + 901_000);
    // The attempt's three counters: the submitted name, the account it found, the address.
    expect(await t.services.throttle.purge()).toBe(3);
    expect(await t.services.db.select().from(throttleCounters)).toEqual([]);
  });

  it.skipIf(testDriver.gap('secondPool'))(
    'skips, without waiting, a counter a login holds locked',
    async () => {
      await login(t.app, wrong());
      const later = new Date(Date.now() + 901_000);
      const other = await testDriver.openSecondPool(1);
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        // Another instance's login holds the address counter (the upsert's row lock) until released.
        let locked = () => {};
        const lockTaken = new Promise<void>((resolve) => {
          locked = resolve;
        });
        const transaction = other.db.transaction(async (tx) => {
          await tx.execute(sql`select 1 from throttle_counters where scope = 'login:ip' for update`);
          locked();
          await held;
        });
        await lockTaken;
        const started = performance.now();
        expect(await t.services.throttle.purge(later)).toBe(2);
        expect(performance.now() - started).toBeLessThan(2_000);
        release();
        await transaction;
        expect(await t.services.throttle.purge(later)).toBe(1);
      } finally {
        release();
        await other.close();
      }
    },
  );
});
