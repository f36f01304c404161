/**
 * Token expiry, so a leaked key stops working on its own: the sliding idle timeout (TOKEN_TTL) renewed at
 * most once per TOKEN_REFRESH_INTERVAL, the absolute lifetime (TOKEN_MAX_TTL) no renewal passes, 0
 * disabling either, "Invalid token." for expired keys, and purging: on demand, and automatically under a
 * lease that lets one instance at a time do it. The clock is faked (Date only; timers stay real for the
 * drivers).
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Purger } from '../../server/auth/purge.ts';
import { tokens } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const HOUR = 3_600_000;
let t: TestApp;
let start: number;

beforeEach(async () => {
  await resetDatabase();
  vi.useFakeTimers({ toFake: ['Date'] });
  start = Date.UTC(2030, 0, 1, 9, 0, 0);
  vi.setSystemTime(start);
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(env: Record<string, string> = {}): Promise<string> {
  t = await testApp(env);
  await t.user('alice', PASSWORD);
  return t.login('alice', PASSWORD);
}

async function use(key: string): Promise<number> {
  const res = await t.call('GET', '/test_auth/', { token: key });
  if (res.status === 401) expect(await res.json()).toEqual({ detail: MESSAGES.invalidToken });
  return res.status;
}

async function row(key: string) {
  const rows = await t.services.db
    .select()
    .from(tokens)
    .where(eq(tokens.prefix, key.slice(0, 8)));
  return rows[0];
}

const at = (ms: number) => vi.setSystemTime(start + ms);

describe('TOKEN_TTL (idle timeout, sliding)', () => {
  it('expires a token left unused for TOKEN_TTL and renews it as it is used', async () => {
    const res = await (async () => {
      t = await testApp();
      await t.user('alice', PASSWORD);
      return t.call('POST', '/rest-auth/login/', { json: { username: 'alice', password: PASSWORD } });
    })();
    const body = (await res.json()) as { key: string; expiry: string };
    expect(body.expiry).toBe(new Date(start + 10 * HOUR).toISOString()); // default 36000 s
    at(10 * HOUR - 1000);
    expect(await use(body.key)).toBe(200);
    at(20 * HOUR - 2000); // 10 h minus a second after the last use
    expect(await use(body.key)).toBe(200);
    at(30 * HOUR); // 10 h and a bit after the last use
    expect(await use(body.key)).toBe(401);
  });

  it('writes the renewal at most once per TOKEN_REFRESH_INTERVAL', async () => {
    const key = await setup({ TOKEN_REFRESH_INTERVAL: '60' });
    expect((await row(key))?.lastUsedAt).toBeNull();
    at(10_000);
    await use(key);
    expect((await row(key))?.lastUsedAt?.getTime()).toBe(start + 10_000);
    expect((await row(key))?.expiresAt?.getTime()).toBe(start + 10_000 + 10 * HOUR);
    at(69_000);
    await use(key); // 59 s later: no write
    expect((await row(key))?.lastUsedAt?.getTime()).toBe(start + 10_000);
    at(70_000);
    await use(key); // 60 s later: written
    expect((await row(key))?.lastUsedAt?.getTime()).toBe(start + 70_000);
    expect((await row(key))?.expiresAt?.getTime()).toBe(start + 70_000 + 10 * HOUR);
  });

  it('writes a due renewal once however many requests arrive while it is being written', async () => {
    const key = await setup({ TOKEN_REFRESH_INTERVAL: '60' });
    await use(key); // now in the verify cache
    at(120_000);
    const update = vi.spyOn(t.services.db, 'update');
    const statuses = await Promise.all(Array.from({ length: 20 }, () => use(key)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(update).toHaveBeenCalledTimes(1);
    expect((await row(key))?.lastUsedAt?.getTime()).toBe(start + 120_000);
    at(150_000);
    await use(key); // 30 s later: no write
    expect(update).toHaveBeenCalledTimes(1);
    update.mockRestore();
  });

  it('never lets a token in steady use expire, even with a refresh interval longer than the TTL', async () => {
    const key = await setup({ TOKEN_TTL: '60', TOKEN_REFRESH_INTERVAL: '600' });
    for (let s = 40; s <= 400; s += 40) {
      at(s * 1000);
      expect(await use(key)).toBe(200);
    }
    at(400_000 + 61_000);
    expect(await use(key)).toBe(401);
  });

  it('TOKEN_TTL=0 disables the idle timeout', async () => {
    const key = await setup({ TOKEN_TTL: '0', TOKEN_MAX_TTL: '0' });
    expect((await row(key))?.expiresAt).toBeNull();
    at(10 * 365 * 24 * HOUR);
    expect(await use(key)).toBe(200);
  });
});

describe('TOKEN_MAX_TTL (absolute lifetime)', () => {
  it('ends a token at created + TOKEN_MAX_TTL however often it is used', async () => {
    const key = await setup({ TOKEN_TTL: '3600', TOKEN_MAX_TTL: '7200' });
    for (const s of [3000, 6000]) {
      at(s * 1000);
      expect(await use(key)).toBe(200);
    }
    expect((await row(key))?.expiresAt?.getTime()).toBe(start + 7200_000);
    at(7199_000);
    expect(await use(key)).toBe(200);
    at(7200_000);
    expect(await use(key)).toBe(401);
  });

  it('works alone (TOKEN_TTL=0): no idle timeout, a fixed lifetime', async () => {
    const key = await setup({ TOKEN_TTL: '0', TOKEN_MAX_TTL: '100' });
    expect((await row(key))?.expiresAt?.getTime()).toBe(start + 100_000);
    at(99_000);
    expect(await use(key)).toBe(200);
    at(100_000);
    expect(await use(key)).toBe(401);
  });
});

describe('expired tokens', () => {
  it('fail everywhere with "Invalid token." and are left out of the token list', async () => {
    const old = await setup({ TOKEN_TTL: '60', TOKEN_MAX_TTL: '0' });
    at(30_000);
    const fresh = await t.login('alice', PASSWORD);
    at(61_000);
    for (const path of ['/test_auth/', '/rest-auth/user/', '/rest-auth/tokens/']) {
      const res = await t.call('GET', path, { token: old });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: MESSAGES.invalidToken });
    }
    const listed = await t.call('GET', '/rest-auth/tokens/', { token: fresh });
    expect(((await listed.json()) as unknown[]).length).toBe(1);
  });

  it('are purged on demand (what `manage tokens purge` runs)', async () => {
    const key = await setup({ TOKEN_TTL: '60', TOKEN_PURGE_INTERVAL: '0' });
    at(30_000);
    const fresh = await t.login('alice', PASSWORD);
    const user = await t.services.users.byUsername('alice');
    await t.services.sessions.open(user?.id as number, new Date(start - 15 * 24 * HOUR));
    at(61_000);
    expect(await t.services.purger.run()).toEqual({ tokens: 1, sessions: 1, counters: 0, events: 0 });
    expect(await row(key)).toBeUndefined();
    expect(await use(fresh)).toBe(200);
  });

  it('are purged without an operator: a later login does it', async () => {
    const key = await setup({ TOKEN_TTL: '60', TOKEN_MAX_TTL: '0', TOKEN_PURGE_INTERVAL: '3600' });
    at(2 * HOUR);
    await t.user('bob', PASSWORD);
    // A new app (a restarted or another instance) whose first login wins the lease.
    t = await testApp({ TOKEN_TTL: '60', TOKEN_PURGE_INTERVAL: '3600' });
    // The login starts the purge without awaiting it: keep what it started, to await exactly that.
    const { purger } = t.services;
    const started: Promise<unknown>[] = [];
    const kick = purger.kick.bind(purger);
    purger.kick = (now) => {
      const run = kick(now);
      started.push(run);
      return run;
    };
    await t.login('bob', PASSWORD);
    expect(started).toHaveLength(1);
    await Promise.all(started);
    expect(await row(key)).toBeUndefined();
  });
});

describe('the purge lease', () => {
  it('lets one caller in per TOKEN_PURGE_INTERVAL, however many race for it', async () => {
    t = await testApp({ TOKEN_PURGE_INTERVAL: '3600' });
    const instances = Array.from(
      { length: 6 },
      () => new Purger(t.services.db, t.services, { TOKEN_PURGE_INTERVAL: 3600 }, () => {}),
    );
    const first = await Promise.all(instances.map((p) => p.claimLease()));
    expect(first.filter(Boolean)).toHaveLength(1);
    at(HOUR - 1000);
    expect((await Promise.all(instances.map((p) => p.claimLease()))).filter(Boolean)).toHaveLength(0);
    at(HOUR);
    expect((await Promise.all(instances.map((p) => p.claimLease()))).filter(Boolean)).toHaveLength(1);
  });

  it('kick asks for the lease at most once a minute per process and never throws', async () => {
    const lines: Record<string, unknown>[] = [];
    t = await testApp({ TOKEN_PURGE_INTERVAL: '3600' });
    const purger = new Purger(t.services.db, t.services, { TOKEN_PURGE_INTERVAL: 3600 }, (l) =>
      lines.push(l),
    );
    expect(await purger.kick()).toEqual({ tokens: 0, sessions: 0, counters: 0, events: 0 });
    expect(await purger.kick()).toBeUndefined(); // polled too recently
    at(HOUR + 60_000);
    expect(await purger.kick()).toEqual({ tokens: 0, sessions: 0, counters: 0, events: 0 });
    const broken = new Purger(
      {
        insert: () => {
          throw new Error('db down');
        },
      } as never,
      t.services,
      { TOKEN_PURGE_INTERVAL: 3600 },
      (l) => lines.push(l),
    );
    expect(await broken.kick()).toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'purge failed' }));
  });
});
