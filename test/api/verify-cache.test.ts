/**
 * The verify cache on the real database (both drivers): a busy key is served from memory, and no
 * cached answer outlives a change: every way a credential ends or a user changes is refused on the very
 * next request of the instance that made it, and by a second instance once the database's notification
 * arrives (within 100 ms); a dropped listener stops the cache from being trusted until it is back; and
 * random interleavings of uses and revocations never let a revoked key through.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { type OpenDatabase, openDatabase } from '../../server/db/open.ts';
import { tokens, users } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { createServices } from '../../server/services.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { driver, resetDatabase, testDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const NEW_PASSWORD = 'a brand new passphrase';

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

async function greet(app: { request: TestApp['app']['request'] }, key: string) {
  const res = await app.request('/test_auth/', { headers: { Authorization: `Token ${key}` } });
  return { status: res.status, body: await res.json() };
}

/** Uses a key until it is cached, and checks that it is. */
async function warm(key: string, app: TestApp['app'] = t.app) {
  expect((await greet(app, key)).status).toBe(200);
  expect((await greet(app, key)).status).toBe(200);
}

describe('a busy key', () => {
  it('is answered from memory: a row removed without notification is still served until the backstop', async () => {
    await t.user('alice');
    const key = await t.login('alice', PASSWORD);
    await warm(key);
    expect(t.services.verifyCache.trusted).toBe(true);
    expect(t.services.verifyCache.size).toBe(1);
    // Silence the trigger for one statement: only a cache that did not ask the database still says yes.
    await t.services.db.transaction(async (tx) => {
      await tx.execute(sql`alter table tokens disable trigger tokens_notify_change`);
      await tx.delete(tokens);
      await tx.execute(sql`alter table tokens enable trigger tokens_notify_change`);
    });
    expect(await greet(t.app, key)).toEqual({ status: 200, body: 'Hello alice!' });
  });

  it('never caches unknown or forged keys', async () => {
    await t.user('alice');
    for (const key of ['0123456789abcdef0123456789abcdef01234567', `lk_${'A'.repeat(36)}`]) {
      expect((await greet(t.app, key)).status).toBe(401);
    }
    expect(t.services.verifyCache.size).toBe(0);
  });
});

describe('the instance that makes a change refuses on its very next request', () => {
  const staffToken = async () => {
    await t.user('staff', PASSWORD, { isStaff: true });
    return t.login('staff', PASSWORD);
  };
  const cases: [string, (ctx: { key: string; aliceId: number }) => Promise<unknown>, string][] = [
    ['logout', ({ key }) => t.call('POST', '/rest-auth/logout/', { token: key }), MESSAGES.invalidToken],
    [
      'logout everywhere',
      async ({ key }) => t.call('POST', '/rest-auth/logoutall/', { token: key }),
      MESSAGES.invalidToken,
    ],
    [
      "revoking it from another of the user's tokens",
      async () => {
        const other = await t.login('alice', PASSWORD);
        const listed = (await (await t.call('GET', '/rest-auth/tokens/', { token: other })).json()) as {
          id: string;
          current: boolean;
        }[];
        const target = listed.find((row) => !row.current);
        return t.call('DELETE', `/rest-auth/tokens/${target?.id}/`, { token: other });
      },
      MESSAGES.invalidToken,
    ],
    [
      'a password change from another token',
      async () => {
        const other = await t.login('alice', PASSWORD);
        return t.call('POST', '/rest-auth/password/change/', {
          token: other,
          json: { old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD },
        });
      },
      MESSAGES.invalidToken,
    ],
    [
      'deactivation by an admin',
      async ({ aliceId }) =>
        t.call('PATCH', `/admin/api/users/${aliceId}/`, {
          token: await staffToken(),
          json: { is_active: false },
        }),
      MESSAGES.inactive,
    ],
    [
      'deletion by an admin',
      async ({ aliceId }) => t.call('DELETE', `/admin/api/users/${aliceId}/`, { token: await staffToken() }),
      MESSAGES.invalidToken,
    ],
    [
      'revocation by an admin',
      async ({ aliceId }) => {
        const staff = await staffToken();
        const listed = (await (
          await t.call('GET', `/admin/api/users/${aliceId}/tokens/`, { token: staff })
        ).json()) as {
          results: { id: string }[];
        };
        return t.call('DELETE', `/admin/api/tokens/${listed.results[0]?.id}/`, { token: staff });
      },
      MESSAGES.invalidToken,
    ],
  ];

  for (const [name, change, detail] of cases) {
    it(`after ${name}`, async () => {
      const alice = await t.user('alice');
      const key = await t.login('alice', PASSWORD);
      await warm(key);
      const res = (await change({ key, aliceId: alice.id })) as Response;
      expect(res.status).toBeLessThan(300);
      expect(await greet(t.app, key)).toEqual({ status: 401, body: { detail } });
    });
  }

  it('after a change of username: the next answer names the new one', async () => {
    await t.user('alice');
    const key = await t.login('alice', PASSWORD);
    await warm(key);
    const res = await t.call('PATCH', '/rest-auth/user/', {
      token: key,
      json: { username: 'alicia', current_password: PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(await greet(t.app, key)).toEqual({ status: 200, body: 'Hello alicia!' });
  });
});

/** A second instance on the same database: on PostgreSQL its own pool and listening connection. */
describe('a second instance', () => {
  let other: OpenDatabase | undefined;
  let second: TestApp['app'];
  let secondServices: ReturnType<typeof createServices>;

  beforeAll(async () => {
    const shared = await testDatabase();
    if (driver === 'postgres') {
      other = await openDatabase({
        databaseUrl: process.env.DATABASE_URL,
        holder: 'vitest second instance',
        maxConnections: 2,
        migrate: false,
      });
    }
    const database = other ?? shared;
    secondServices = createServices(
      loadConfig({ LOG_REQUESTS: 'false' }),
      database.db,
      () => {},
      await database.changes(),
    );
    second = createApp(secondServices);
  });
  afterAll(async () => {
    await other?.close();
  });

  /** Polls the second instance until it refuses the key; the time it took must stay under 100 ms. */
  async function refusedWithin(key: string, detail: string, ms = 100) {
    const start = performance.now();
    await vi.waitFor(
      async () => expect(await greet(second, key)).toEqual({ status: 401, body: { detail } }),
      {
        timeout: ms,
        interval: 2,
      },
    );
    return performance.now() - start;
  }

  it('refuses a key revoked through the first within 100 ms', async () => {
    await t.user('alice');
    const key = await t.login('alice', PASSWORD);
    await warm(key, second);
    expect(secondServices.verifyCache.size).toBe(1);
    await t.call('POST', '/rest-auth/logout/', { token: key });
    await refusedWithin(key, MESSAGES.invalidToken);
  });

  it('refuses a user deactivated by a direct write (another process) within 100 ms', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', PASSWORD);
    await warm(key, second);
    await t.services.db.update(users).set({ isActive: false }).where(eq(users.id, alice.id));
    await refusedWithin(key, MESSAGES.inactive);
  });

  it.runIf(driver === 'postgres')(
    'stops trusting its cache while its listener is gone, and trusts it again once re-subscribed',
    async () => {
      await t.user('alice');
      const key = await t.login('alice', PASSWORD);
      await warm(key, second);
      expect(secondServices.verifyCache.trusted).toBe(true);
      const states: boolean[] = [];
      (await (other as OpenDatabase).changes()).subscribe({
        onChange: () => {},
        onState: (subscribed) => states.push(subscribed),
      });
      const killed = await t.services.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'vitest second instance (changes)'`,
      );
      expect((killed as unknown as unknown[]).length).toBe(1);
      // Down (the cache emptied and untrusted), then up again on a new connection.
      await vi.waitFor(
        () => expect(states.lastIndexOf(true)).toBeGreaterThan(Math.max(0, states.indexOf(false))),
        { timeout: 5000 },
      );
      expect(states[0]).toBe(true);
      expect(secondServices.verifyCache.trusted).toBe(true);
      expect(secondServices.verifyCache.size).toBe(0);
      // Re-subscribed: it caches again and hears the next change.
      await warm(key, second);
      expect(secondServices.verifyCache.size).toBe(1);
      await t.call('POST', '/rest-auth/logout/', { token: key });
      await refusedWithin(key, MESSAGES.invalidToken);
    },
  );

  it('never lets a revoked key through, whatever the interleaving of uses and revocations', async () => {
    const seed = Number(process.env.CACHE_PROPERTY_SEED ?? Date.now() % 1_000_000);
    let state = seed;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const alice = await t.user('alice');
    const live: string[] = [];
    const revoked: string[] = [];
    const instances = [t.app, second];
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
    for (let step = 0; step < 120; step++) {
      const roll = random();
      if (roll < 0.25 || live.length === 0) {
        live.push(await t.login('alice', PASSWORD));
      } else if (roll < 0.4) {
        const key = live.splice(Math.floor(random() * live.length), 1)[0] as string;
        await t.call('POST', '/rest-auth/logout/', { token: key });
        revoked.push(key);
        // The first instance made the change: refused at once. The second hears it from the database.
        expect((await greet(t.app, key)).status, `seed ${seed} step ${step}`).toBe(401);
        await t.changesDelivered();
        if (other) await (await other.changes()).sync();
      } else if (roll < 0.45) {
        await t.services.db.update(users).set({ isActive: false }).where(eq(users.id, alice.id));
        await t.changesDelivered();
        if (other) await (await other.changes()).sync();
        for (const app of instances) {
          expect((await greet(app, pick(live))).status, `seed ${seed} step ${step}`).toBe(401);
        }
        await t.services.db.update(users).set({ isActive: true }).where(eq(users.id, alice.id));
        await t.changesDelivered();
        if (other) await (await other.changes()).sync();
      } else {
        const app = pick(instances);
        if (revoked.length && random() < 0.5) {
          expect((await greet(app, pick(revoked))).status, `seed ${seed} step ${step}`).toBe(401);
        } else {
          expect((await greet(app, pick(live))).status, `seed ${seed} step ${step}`).toBe(200);
        }
      }
    }
  });
});
