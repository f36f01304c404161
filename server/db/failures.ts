/**
 * @module
 * Telling "the database is not answering" apart from a bug. Connection failures (refused, reset,
 * dropped, timed out), a server shutting down or refusing connections, exhausted resources and
 * cancelled or timed-out statements are transient: the request answers 503 with Retry-After
 * (errors.ts) and the client tries again. Everything else stays an unexpected error.
 *
 * Also here: the pool-acquisition bound postgres.js lacks (a query waiting for a connection longer
 * than DATABASE_POOL_TIMEOUT is cancelled) and the reconnect back-off that keeps recovery prompt.
 */

/** postgres.js's own error codes and Node's socket errors for a database that cannot be reached. */
const CONNECTION_CODES = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean "try again later", by class or exact code: 08 connection exception, 53
 * insufficient resources (disk full, out of memory, too many connections), 57P01-57P05 shutdown and
 * start-up, 57014 statement timeout or cancellation (our own deadline), 40001/40P01 serialisation
 * failure and deadlock, 55P03 lock not available.
 */
function transientSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('57P') ||
    code === '57014' ||
    code === '40001' ||
    code === '40P01' ||
    code === '55P03'
  );
}

/** PGlite's messages once its instance is closed or failed (it has no connection to lose). */
const PGLITE_GONE = /PGlite is closed|PGlite instance is closed|database is closed/i;

/**
 * Whether an error (or anything in its `cause` chain: Drizzle wraps driver errors in
 * DrizzleQueryError) says the database is unavailable rather than that the request or the code is wrong.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, cause, errno } = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errno?: unknown;
    };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || transientSqlState(code))) return true;
    if (typeof errno === 'string' && CONNECTION_CODES.has(errno)) return true;
    if (typeof message === 'string' && PGLITE_GONE.test(message)) return true;
    e = cause;
  }
  return false;
}

/** The code (else the class name) of the innermost error: a log line never carries a query's text. */
export function databaseErrorCode(err: unknown): string {
  let e = err as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e?.cause && depth < 5; depth++) e = e.cause as typeof e;
  return typeof e?.code === 'string' ? e.code : String(e?.name ?? typeof e);
}

/**
 * postgres.js's reconnect delay: its default grows to 20 s after repeated failures, so service came
 * back many seconds after the database did. Capped at 0.5 s, a restarted database is in use again well
 * within 2 s; every attempt costs one refused connect, nothing more.
 */
export function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 0.5);
}

/** How late a timer may fire before the event loop counts as too busy to judge a pool wait. */
const LOOP_LAG_MS = 50;

/** A postgres.js query as far as {@link withPoolTimeout} needs it. */
interface PendingQuery {
  active?: boolean;
  /** Set once a connection has taken the query (its backend's pid and secret). */
  state?: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  cancel(): unknown;
}

/**
 * Wraps a postgres.js client so that a query still waiting for a connection after `timeoutMs` is
 * cancelled (it rejects with 57014, a 503): postgres.js would queue it until a connection frees up,
 * however long that takes. A query already running is bounded by statement_timeout instead.
 * Transactions (`begin`) acquire their connection inside postgres.js and are bounded by the connect
 * timeout only.
 */
export function withPoolTimeout<T extends object>(client: T, timeoutMs: number): T {
  const unsafe = (client as { unsafe: (...args: unknown[]) => PendingQuery }).unsafe;
  const bounded = (...args: unknown[]) => {
    const query = unsafe.apply(client, args);
    let settled = false;
    let timer: ReturnType<typeof setTimeout>;
    // A timer that fires late means the event loop was busy (a burst of requests): the queries may be
    // waiting on this process, not on the database, with their connections' answers unread. Then look
    // again shortly, after the loop has read its sockets, rather than cancel a query that is being served.
    const arm = (ms: number) => {
      const due = performance.now() + ms;
      timer = setTimeout(() => {
        // Handed to a connection already (running or pipelined): bounded by statement_timeout and by
        // the connection's own failure, not cancelled here (that would need a cancel request over a
        // new connection, to a database that may be down).
        if (settled || query.active || query.state) return;
        if (performance.now() - due > LOOP_LAG_MS) arm(LOOP_LAG_MS);
        else query.cancel();
      }, ms);
      (timer as { unref?: () => void }).unref?.();
    };
    arm(timeoutMs);
    // postgres.js settles a query through these two; hooking them stops the timer without calling
    // then(), which would start the query before the caller has chosen its result format.
    const { resolve, reject } = query;
    query.resolve = (value) => {
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    query.reject = (error) => {
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    return query;
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'unsafe' ? bounded : Reflect.get(target, property, receiver),
  });
}
