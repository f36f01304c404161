/**
 * @module
 * At most one query per pooled connection handed to postgres.js; the rest wait here, first in first out.
 *
 * Why: when more queries are in flight than the pool has connections, postgres.js pipelines them onto
 * busy connections, and its internal queues (src/queue.js, 3.4.9) then grow without bound: `shift`
 * leaves a hole instead of shortening the array, the array is reset only when it empties, and every
 * move of a connection between queues runs `indexOf` over it. Under a sustained flood the arrays reach
 * hundreds of thousands of entries and each query pays a scan of them: measured here, a pool of 4 with
 * 32 callers fell from 22,000 to 8,000 queries a second within 10 s (arrays of 140,000), and Latchkey's
 * unknown-key check (a database read per request) from 9,200 to 3,900 requests a second within 30 s.
 * With no more queries in flight than connections, postgres.js never pipelines and its arrays stay at
 * the pool's size (measured: 4 entries at most, throughput flat).
 *
 * A query waiting here has not reached a connection, so DATABASE_POOL_TIMEOUT's bound (failures.ts)
 * cancels it as before. Transactions (`begin`) take their connection inside postgres.js, outside this
 * count; while one holds a connection, a query may still be pipelined, which is rare and short.
 */

/** A postgres.js query as far as the gate needs it (postgres.js calls `handler` when it executes). */
interface GatedQuery {
  handler: ((query: unknown) => void) & { debug?: unknown };
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A first-in first-out limit of `size` concurrent runs (an index-based queue: O(1) each way). */
class ConnectionGate {
  #running = 0;
  #waiting: ((() => boolean) | undefined)[] = [];
  #head = 0;

  constructor(readonly size: number) {}

  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length - this.#head };
  }

  /** Runs `start` now if a connection is free and nobody waits, else when its turn comes. */
  enter(start: () => boolean): void {
    if (this.#running < this.size && this.#head === this.#waiting.length) this.#start(start);
    else this.#waiting.push(start);
  }

  /** A run has ended: the next waiting one starts. */
  leave = (): void => {
    this.#running--;
    while (this.#running < this.size && this.#head < this.#waiting.length) {
      const start = this.#waiting[this.#head] as () => boolean;
      this.#waiting[this.#head++] = undefined;
      this.#start(start);
    }
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  };

  /** `start` returns false for a query that settled while it waited (cancelled): no slot is taken. */
  #start(start: () => boolean): void {
    this.#running++;
    if (!start()) this.#running--;
  }
}

const gates = new WeakMap<object, ConnectionGate>();

/** Queries running on the client's connections and waiting for one (for tests and metrics). */
export function connectionLoad(client: object): { running: number; waiting: number } | undefined {
  return gates.get(client)?.load;
}

/**
 * Wraps a postgres.js pool of `connections` connections so that at most that many of the queries sent
 * through `unsafe` (all of drizzle's) are in postgres.js at once (see the module comment).
 */
export function withConnectionGate<T extends object>(client: T, connections: number): T {
  const gate = new ConnectionGate(Math.max(1, connections));
  const unsafe = (client as unknown as { unsafe: (...args: unknown[]) => GatedQuery }).unsafe;
  const gated = (...args: unknown[]) => {
    const query = unsafe.apply(client, args);
    const execute = query.handler;
    let state: 'waiting' | 'running' | 'settled' = 'waiting';
    const handler = Object.assign(
      (self: unknown) =>
        gate.enter(() => {
          if (state === 'settled') return false;
          state = 'running';
          execute(self);
          return true;
        }),
      { debug: execute.debug },
    );
    query.handler = handler;
    const { resolve, reject } = query;
    // postgres.js settles a query before it puts its connection back among the free ones: the next
    // query starts a microtask later, when that connection is free, so it is not pipelined.
    const settle = () => {
      if (state === 'running') queueMicrotask(gate.leave);
      state = 'settled';
    };
    query.resolve = (value) => {
      settle();
      resolve(value);
    };
    query.reject = (error) => {
      settle();
      reject(error);
    };
    return query;
  };
  const proxy = new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'unsafe' ? gated : Reflect.get(target, property, receiver),
  });
  gates.set(proxy, gate);
  return proxy;
}
