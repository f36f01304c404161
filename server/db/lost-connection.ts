/**
 * @module
 * Queries that survive a lost connection. When PostgreSQL ends a backend under a query (a restart, a
 * failover, `pg_terminate_backend`, an idle-session timeout), postgres.js fails that query with
 * CONNECTION_CLOSED, and (3.4.9) also fails the next query that connection starts after it reconnects,
 * with the old backend's error (57P01): `closed()` does not clear the failed query's error response, and
 * the new backend's first ReadyForQuery hands it on, before that query is sent. Either way the database
 * is there: run again on a fresh connection, the query gives the answer its caller wanted, where it
 * would otherwise be a 503 right after the database came back.
 *
 * What runs again:
 * - any query postgres.js never handed to a connection (it sets `state` when it writes a query to a
 *   socket): the server never saw it, so a write is as safe to send again as a read. This is the stale
 *   57P01 case;
 * - a query the server may have run, only when it is a plain SELECT with no row locks and no function
 *   with side effects. A write whose connection dropped under it may have committed: running it twice
 *   could double what it did, so its caller gets the error (a 503; the client decides).
 * At most {@link MAX_RETRIES} times more: enough for a pool whose connections all went at once; a
 * database that stays gone fails the reconnect itself (refused, timed out), which is not retried here.
 */

/** How many more times one query runs after losing its connection. */
export const MAX_RETRIES = 3;

/**
 * What a query that lost its connection fails with: postgres.js's own code for a socket that closed
 * under it, the socket's errors, and the SQLSTATEs of a backend ended by a shutdown (57P01, 57P02) or a
 * broken connection (08006). Not 57P03 (starting up) nor a failed connect: the database is not ready,
 * and a 503 with Retry-After is the right answer.
 */
const LOST_CONNECTION = new Set(['CONNECTION_CLOSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '08006']);

/** A SELECT that takes no row lock and calls nothing that changes state, so running it twice is harmless. */
export function isRepeatableRead(text: string): boolean {
  return (
    /^\s*select\s/i.test(text) &&
    !/\bfor\s+(no\s+key\s+update|update|key\s+share|share)\b/i.test(text) &&
    !/\b(pg_notify|pg_advisory\w*|pg_try_advisory\w*|nextval|setval|set_config|pg_terminate_backend|pg_cancel_backend)\s*\(/i.test(
      text,
    )
  );
}

/** Whether an error says the query's connection was lost (see {@link LOST_CONNECTION}). */
export function lostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOST_CONNECTION.has(code);
}

/** A postgres.js query as far as a retry needs it. */
interface RetriedQuery extends PromiseLike<unknown> {
  /** Set by postgres.js when it writes the query to a connection (that backend's pid and secret). */
  state?: unknown;
  /** postgres.js's result format (`.values()`, `.raw()`), chosen by the caller after `unsafe` returned. */
  isRaw?: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Unsafe = (text: unknown, params?: unknown, options?: Record<PropertyKey, unknown>) => RetriedQuery;

/** Which run of a query this is, carried in the options of the query sent again. */
const RUN = Symbol('latchkey.lost-connection.run');

/**
 * Wraps a postgres.js client so that a query sent through `unsafe` (all of drizzle's) that loses its
 * connection runs again when that is safe (see the module comment). `pool` returns the client the
 * application sends queries through: the query runs again through it, as a new query, so it waits its
 * turn at the connection gate and has its own pool timeout. This wrapper must be the innermost one that
 * hooks a query's settlement, so that the outer ones (gate, pool timeout) see the first run end before
 * the next one starts.
 */
export function withLostConnectionRetry<T extends object>(client: T, pool: () => object): T {
  const unsafe = (client as unknown as { unsafe: Unsafe }).unsafe;
  const retrying: Unsafe = (text, params, options) => {
    const query = unsafe.call(client, text, params, options);
    if (typeof text !== 'string') return query;
    const run = typeof options?.[RUN] === 'number' ? options[RUN] : 0;
    const { resolve, reject } = query;
    // postgres.js can reject a query twice: the stale error also reaches the query it belonged to, which
    // had already failed. Only the first settlement counts.
    let settled = false;
    query.resolve = (value) => {
      settled = true;
      resolve(value);
    };
    query.reject = (error) => {
      if (settled) return;
      settled = true;
      const safe = !query.state || isRepeatableRead(text);
      if (run >= MAX_RETRIES || !safe || !lostConnection(error)) return reject(error);
      const again = (pool() as { unsafe: Unsafe }).unsafe(text, params, { ...options, [RUN]: run + 1 });
      again.isRaw = query.isRaw;
      again.then(resolve, reject);
    };
    return query;
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'unsafe' ? retrying : Reflect.get(target, property, receiver),
  });
}
