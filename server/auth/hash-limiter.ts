/**
 * @module
 * Bounded, fair password hashing. An argon2id hash takes a core and 19 MiB for tens of milliseconds; run
 * without a bound, a login storm queues hundreds of them on libuv's thread pool, starves every other
 * request (test_auth included) and holds their memory. The limiter lets `concurrency` hashes run at once
 * (PASSWORD_HASH_CONCURRENCY, default cores - 1), queues the next `queue` in arrival order
 * (PASSWORD_HASH_QUEUE), and refuses the rest at once with 503 + Retry-After rather than let the queue,
 * and every client's wait, grow without end.
 */
/** The 503's message when the queue is full. */
export const HASH_QUEUE_FULL = 'Too many logins are being processed, try again shortly.';

/** Thrown, without running the job, when the waiting line is full (errors.ts: 503 + Retry-After). */
export class HashQueueFullError extends Error {
  override name = 'HashQueueFullError';
  constructor() {
    super(HASH_QUEUE_FULL);
  }
}

/** A first-in first-out limiter of concurrent async jobs with a bounded waiting line. */
export class HashLimiter {
  #running = 0;
  #admitted = 0;
  readonly #waiting: (() => void)[] = [];
  #concurrency: number;
  #queue: number;

  constructor(concurrency: number, queue: number) {
    this.#concurrency = Math.max(1, concurrency);
    this.#queue = Math.max(0, queue);
  }

  /** Changes the bounds (the server's configuration replaces the defaults at start-up). */
  configure(concurrency: number, queue: number): void {
    this.#concurrency = Math.max(1, concurrency);
    this.#queue = Math.max(0, queue);
    this.#next();
  }

  /** Jobs running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /**
   * Runs a whole request that will hash (a login) if fewer than `concurrency + queue` are in progress;
   * otherwise throws {@link HashQueueFullError} at once, before the request has done any other work
   * (its database queries included), so a storm of logins cannot queue up anywhere else either.
   */
  async admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.#admitted >= this.#concurrency + this.#queue) throw new HashQueueFullError();
    this.#admitted++;
    try {
      return await work();
    } finally {
      this.#admitted--;
    }
  }

  /**
   * Runs `job` when a slot is free, in arrival order. Throws {@link HashQueueFullError} without running
   * it when `queue` jobs are already waiting.
   */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency || this.#waiting.length > 0) {
      if (this.#waiting.length >= this.#queue) throw new HashQueueFullError();
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await job();
    } finally {
      this.#running--;
      this.#next();
    }
  }

  /** Hands free slots to the longest-waiting jobs (a slot passes straight on, so nobody overtakes). */
  #next(): void {
    while (this.#running < this.#concurrency && this.#waiting.length > 0) {
      this.#running++;
      this.#waiting.shift()?.();
    }
  }
}
