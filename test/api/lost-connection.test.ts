/**
 * Queries that survive a lost connection (server/db/lost-connection.ts), on a real PostgreSQL pool
 * whose backend is ended under a query with pg_terminate_backend (what a restart or a failover does to
 * it): a read is answered from a new connection, and so is the next query on that connection, read or
 * write (postgres.js 3.4.9 would fail it, unsent, with the old backend's 57P01); a write the server may
 * have run is not run again and fails as a database outage (503); the wiring in openDatabase does the
 * same through the gate and the pool timeout.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/failures.ts';
import { isRepeatableRead, withLostConnectionRetry } from '../../server/db/lost-connection.ts';
import type { OpenDatabase } from '../../server/db/open.ts';
import { testDriver } from '../support/db.ts';

type Client = ReturnType<typeof postgres>;

describe('which queries run again', () => {
  it('takes plain SELECTs only', () => {
    expect(isRepeatableRead('select "id" from "tokens" where "digest" = $1')).toBe(true);
    expect(isRepeatableRead('\n  SELECT 1')).toBe(true);
    for (const text of [
      'insert into "tokens" ("id") values ($1)',
      'update "users" set "last_login" = $1',
      'with moved as (delete from t returning *) select * from moved',
      'select * from "users" where "id" = $1 for update',
      'select * from t for no key update skip locked',
      'select * from t for share',
      'select pg_notify($1, $2)',
      'select pg_try_advisory_lock($1)',
      "select nextval('s')",
    ]) {
      expect(isRepeatableRead(text), text).toBe(false);
    }
  });
});

describe.skipIf(testDriver.gap('connectionPool'))('a query whose connection is ended under it', () => {
  const url = process.env.DATABASE_URL as string;
  const clients: Client[] = [];
  let admin: Client;

  beforeAll(() => {
    admin = postgres(url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin.end({ timeout: 5 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end({ timeout: 5 })));
  });

  /** Each text sent to the last singleConnection(), in order (the first run and every retry). */
  let sent: string[] = [];

  /** A pool of one connection, wrapped as openDatabase does (retries go through the wrapper itself). */
  function singleConnection(): Client {
    const client = postgres(url, {
      max: 1,
      onnotice: () => {},
      connection: { application_name: 'lost-connection test' },
    });
    clients.push(client);
    sent = [];
    const counted = new Proxy(client, {
      get: (target, property, receiver) =>
        property === 'unsafe'
          ? (text: string, ...rest: unknown[]) => {
              sent.push(text);
              return (target.unsafe as (...args: unknown[]) => unknown)(text, ...rest);
            }
          : Reflect.get(target, property, receiver),
    });
    let pool: object = counted;
    pool = withLostConnectionRetry(counted, () => pool);
    return pool as Client;
  }

  /** Ends the backend running the query whose text contains `marker`, once it is running. */
  async function endBackendRunning(marker: string): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const rows = await admin.unsafe(
        `select pid from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()`,
        [`%${marker}%`],
      );
      if (rows.length) {
        await admin.unsafe('select pg_terminate_backend($1)', [rows[0]?.pid]);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no backend ran ${marker}`);
  }

  it('answers a read from a new connection, and the read after it too', async () => {
    const db = singleConnection();
    const [before] = await db.unsafe('select pg_backend_pid() as pid');
    const read = db.unsafe('select 42 as n, pg_backend_pid() as pid from pg_sleep(0.4) /* read-1 */');
    const answer = Promise.resolve(read);
    await endBackendRunning('read-1');
    const [row] = await answer;
    expect(row?.n).toBe(42);
    expect(row?.pid).not.toBe(before?.pid);
    const [next] = await db.unsafe('select $1::int as n', [7]);
    expect(next?.n).toBe(7);
    // The read ran three times: on the ended backend, then as the new connection's first query (which
    // met the stale error unsent), then for good. Not a fourth: the stale error also reaches the first
    // run again, and a query settles once.
    expect(sent.filter((text) => text.includes('read-1'))).toHaveLength(3);
  });

  it('keeps the result format the caller chose', async () => {
    const db = singleConnection();
    const answer = Promise.resolve(
      db.unsafe("select 'a' as x, 1 as y from pg_sleep(0.4) /* read-2 */").values(),
    );
    await endBackendRunning('read-2');
    expect(Array.from(await answer)).toEqual([['a', 1]]);
  });

  it('does not run again a write the server may have run; sends again one it never saw', async () => {
    const table = `lost_connection_probe_${process.pid}`;
    await admin.unsafe(`create table if not exists ${table} (n int)`);
    try {
      const db = singleConnection();
      const write = Promise.resolve(
        db.unsafe(`insert into ${table} select 1 from pg_sleep(0.4) /* write-1 */`),
      ).catch((error: unknown) => error);
      await endBackendRunning('write-1');
      const error = await write;
      expect(error).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(error)).toBe(true);
      // The next write on that connection meets the stale error before it is sent, and goes again.
      await db.unsafe(`insert into ${table} values (2)`);
      const rows = await admin.unsafe(`select n from ${table} order by n`);
      expect(rows.map((row) => row.n)).toEqual([2]);
      expect(sent.filter((text) => text.includes('values (2)'))).toHaveLength(2);
    } finally {
      await admin.unsafe(`drop table if exists ${table}`);
    }
  });

  describe('through openDatabase (gate, pool timeout, drizzle)', () => {
    let database: OpenDatabase;
    beforeAll(async () => {
      database = await testDriver.openSecondPool(1, { holder: 'lost-connection test' });
    });
    afterAll(async () => {
      await database?.close();
    });

    it('answers a drizzle read whose backend was ended, and the next one', async () => {
      const read = Promise.resolve(database.db.execute(sql`select 5 as n from pg_sleep(0.4) /* read-3 */`));
      await endBackendRunning('read-3');
      const rows = (await read) as unknown as { n: number }[];
      expect(rows[0]?.n).toBe(5);
      const next = (await database.db.execute(sql`select 6 as n`)) as unknown as { n: number }[];
      expect(next[0]?.n).toBe(6);
    });
  });
});
