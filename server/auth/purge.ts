/**
 * @module
 * Housekeeping without an operator: expired tokens, expired cookie sessions, ended throttle windows and
 * audit events past AUDIT_RETENTION are deleted now and then,
 * piggybacked on logins. Expired tokens are refused whether or not they were purged (the check reads
 * `expires_at`), so purging is about table size only, and the table grows only through logins: a
 * purge driven by logins keeps up with it on any runtime, with no timer to start or stop, also where
 * an instance lives only while it serves requests.
 *
 * Several instances must not all purge: one cluster-wide lease row in `throttle_counters` (scope `job`)
 * is claimed with one atomic upsert that succeeds for at most one caller per TOKEN_PURGE_INTERVAL, and
 * each process asks for the lease at most once a minute. The work itself is done in batches.
 */
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { errorSummary } from '../db/errors.ts';
import type { Database } from '../db/open.ts';
import { throttleCounters } from '../db/schema.ts';
import { JOB_SCOPE, type Throttle } from './throttle.ts';
import type { TokenStore } from './token-store.ts';

/** How many rows one purge statement deletes at most. */
export const PURGE_BATCH = 5000;
/** A process asks for the lease at most this often. */
const LEASE_POLL_MS = 60_000;

/** What a purge deleted. */
export interface PurgeResult {
  tokens: number;
  sessions: number;
  counters: number;
  events: number;
}

/** Purges expired rows, opportunistically (`kick`) or on demand (`run`). */
export class Purger {
  readonly #db: Database;
  readonly #tokens: TokenStore;
  readonly #throttle: Throttle;
  readonly #sessions: { purgeExpired(now: Date): Promise<number> } | undefined;
  readonly #events: { purgeExpired(now: Date, batch: number): Promise<number> } | undefined;
  readonly #intervalMs: number;
  readonly #log: (line: Record<string, unknown>) => void;
  #nextPoll = 0;
  #running: Promise<PurgeResult | undefined> | undefined;

  constructor(
    db: Database,
    stores: {
      tokens: TokenStore;
      throttle: Throttle;
      sessions?: { purgeExpired(now: Date): Promise<number> };
      events?: { purgeExpired(now: Date, batch: number): Promise<number> };
    },
    config: Pick<Config, 'TOKEN_PURGE_INTERVAL'>,
    log: (line: Record<string, unknown>) => void,
  ) {
    this.#db = db;
    this.#tokens = stores.tokens;
    this.#throttle = stores.throttle;
    this.#sessions = stores.sessions;
    this.#events = stores.events;
    this.#intervalMs = config.TOKEN_PURGE_INTERVAL * 1000;
    this.#log = log;
  }

  /** Deletes every expired token, expired session, ended throttle window and old audit event. */
  async run(now = new Date()): Promise<PurgeResult> {
    const tokens = await inBatches((batch) => this.#tokens.purgeExpired(now, batch));
    const sessions = (await this.#sessions?.purgeExpired(now)) ?? 0;
    const counters = await this.#throttle.purge(now);
    const old = this.#events;
    const events = old ? await inBatches((batch) => old.purgeExpired(now, batch)) : 0;
    return { tokens, sessions, counters, events };
  }

  /**
   * Claims the cluster-wide lease when the last purge (by any instance) is older than the interval.
   * The upsert inserts the row the first time and otherwise updates it only when it is stale, so of
   * any number of concurrent callers at most one gets a row back.
   */
  async claimLease(now = new Date()): Promise<boolean> {
    const cutoff = new Date(now.getTime() - this.#intervalMs).toISOString();
    const won = await this.#db
      .insert(throttleCounters)
      .values({ scope: JOB_SCOPE, key: 'purge', count: 1, windowStart: now })
      .onConflictDoUpdate({
        target: [throttleCounters.scope, throttleCounters.key],
        set: { count: sql`${throttleCounters.count} + 1`, windowStart: now },
        setWhere: sql`${throttleCounters.windowStart} <= ${cutoff}::timestamptz`,
      })
      .returning({ count: throttleCounters.count });
    return won.length > 0;
  }

  /**
   * Purges if this instance wins the lease; never throws (errors are logged) and never runs twice at
   * once in one process. Callers need not await it.
   */
  kick(now = new Date()): Promise<PurgeResult | undefined> {
    if (this.#intervalMs <= 0 || this.#running || now.getTime() < this.#nextPoll) {
      return this.#running ?? Promise.resolve(undefined);
    }
    this.#nextPoll = now.getTime() + Math.min(LEASE_POLL_MS, this.#intervalMs);
    this.#running = (async () => {
      try {
        if (!(await this.claimLease(now))) return undefined;
        const result = await this.run(now);
        if (result.tokens || result.sessions || result.counters || result.events)
          this.#log({ msg: 'purged expired rows', ...result });
        return result;
      } catch (err) {
        this.#log({ level: 'error', msg: 'purge failed', ...errorSummary(err) });
        return undefined;
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }
}

/** Runs a batched delete until a batch comes back short; returns the total. */
async function inBatches(purge: (batch: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const gone = await purge(PURGE_BATCH);
    total += gone;
    if (gone < PURGE_BATCH) return total;
  }
}
