/**
 * The connection gate (server/db/connection-gate.ts) on a real PostgreSQL pool: no more queries reach
 * postgres.js than the pool has connections, the rest wait their turn and each gets its own answer; a
 * query that times out while waiting (DATABASE_POOL_TIMEOUT) takes no connection and leaves no slot
 * behind, so the pool serves normally afterwards.
 */
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionLoad, withConnectionGate } from '../../server/db/connection-gate.ts';
import { withPoolTimeout } from '../../server/db/failures.ts';
import { testDriver } from '../support/db.ts';

type Client = ReturnType<typeof postgres>;

describe.skipIf(testDriver.gap('connectionPool'))('the connection gate', () => {
  let client: Client | undefined;
  afterEach(async () => {
    await client?.end({ timeout: 5 });
    client = undefined;
  });

  function pool(connections: number): Client {
    client = postgres(process.env.DATABASE_URL as string, { max: connections, onnotice: () => {} });
    return client;
  }

  it('runs at most one query per connection and answers every waiting one with its own result', async () => {
    const gated = withConnectionGate(pool(2), 2);
    const loads: { running: number; waiting: number }[] = [];
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const rows = await gated.unsafe('select $1::int as n', [i], { prepare: true });
        loads.push({ ...(connectionLoad(gated) as { running: number; waiting: number }) });
        return rows[0]?.n;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(Math.max(...loads.map((load) => load.running))).toBeLessThanOrEqual(2);
    expect(Math.max(...loads.map((load) => load.waiting))).toBeGreaterThan(0);
    await new Promise((settled) => setTimeout(settled, 0));
    expect(connectionLoad(gated)).toEqual({ running: 0, waiting: 0 });
  });

  it('cancels a query that waits past the pool timeout without taking a connection', async () => {
    const gated = withConnectionGate(pool(1), 1);
    const bounded = withPoolTimeout(gated, 100);
    // A postgres.js query starts when first awaited: start this one now, so it holds the connection.
    const busy = Promise.resolve(bounded.unsafe('select pg_sleep(0.5)', []));
    const waiting = [1, 2, 3].map((n) => bounded.unsafe('select $1::int as n', [n]));
    const outcomes = await Promise.allSettled(waiting);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: '57014' });
    }
    await busy;
    await new Promise((settled) => setTimeout(settled, 0));
    expect(connectionLoad(gated)).toEqual({ running: 0, waiting: 0 });
    const [row] = await bounded.unsafe('select $1::int as n', [7]);
    expect(row?.n).toBe(7);
  });
});
