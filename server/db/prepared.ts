/**
 * @module
 * Named prepared statements for drizzle's queries on postgres.js. Drizzle asks postgres.js not to
 * prepare (`prepare: false`) unless a query is built with `.prepare(name)`, and postgres.js then sends a
 * query with parameters in two round trips: Parse + Describe, wait for the answer, then Bind + Execute,
 * with PostgreSQL parsing and planning it every time. Prepared once per connection, every later run of
 * the same text is one round trip (Bind + Execute) and PostgreSQL skips the parse. A login runs about ten
 * statements, and a token check that misses the verify cache runs one: each saves a round trip.
 *
 * postgres.js keeps a connection's statements until the connection closes, with no limit. Our queries
 * are a fixed set of texts (no IN list grows with its input), but a process prepares at most
 * {@link MAX_PREPARED_TEXTS} distinct texts and runs any further ones unprepared, so a query shape we
 * did not foresee cannot grow every connection's statement cache without end.
 *
 * Off (DATABASE_PREPARED_STATEMENTS=false) behind a pooler that hands each transaction a different
 * server connection and does not track named statements (PgBouncer in transaction mode before 1.21).
 */

/** The most distinct query texts one process prepares; later new texts run unprepared. */
export const MAX_PREPARED_TEXTS = 1000;

type QueryOptions = { prepare?: boolean } & Record<string, unknown>;
type Unsafe = (query: string, params?: unknown[], options?: QueryOptions) => unknown;
type Scoped = (...args: unknown[]) => unknown;

/**
 * Wraps a postgres.js client so the queries drizzle sends through it, in transactions and savepoints
 * too, are prepared (up to `limit` distinct texts per process; see the module comment).
 */
export function withPreparedStatements<T extends object>(client: T, limit = MAX_PREPARED_TEXTS): T {
  const texts = new Set<string>();
  const prepares = (query: string): boolean => {
    if (texts.has(query)) return true;
    if (texts.size >= limit) return false;
    texts.add(query);
    return true;
  };
  const wrap = <S extends object>(sql: S): S => {
    const unsafe = (sql as unknown as { unsafe: Unsafe }).unsafe;
    const preparedUnsafe: Unsafe = (query, params, options) =>
      unsafe.call(sql, query, params, { ...options, prepare: options?.prepare === true || prepares(query) });
    // begin(fn) / begin(options, fn), savepoint(fn) / savepoint(name, fn): the callback's own client
    // (the transaction's connection) is wrapped as well.
    const scoped =
      (method: Scoped) =>
      (...args: unknown[]) => {
        const last = args.length - 1;
        const callback = args[last] as (inner: object) => unknown;
        args[last] = (inner: object) => callback(wrap(inner));
        return method.apply(sql, args);
      };
    return new Proxy(sql, {
      get: (target, property, receiver) => {
        if (property === 'unsafe') return preparedUnsafe;
        const value = Reflect.get(target, property, receiver);
        return (property === 'begin' || property === 'savepoint') && typeof value === 'function'
          ? scoped(value as Scoped)
          : value;
      },
    });
  };
  return wrap(client);
}
