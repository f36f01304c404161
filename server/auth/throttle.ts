/**
 * @module
 * Fixed-window attempt counters in the database (`throttle_counters`), so a limit holds across every
 * instance serving one PostgreSQL. An attempt is counted *before* the password is checked, in one
 * atomic upsert for all its keys: under any concurrency, at most `limit` checks per key and window get
 * through, and the over-limit ones are answered 429 without touching the password hash. A successful
 * attempt is then refunded, so the counters hold failures (and throttled attempts) only.
 *
 * Counter keys are SHA-256 digests, never the username or address in clear: people type passwords into
 * the username field, and addresses are personal data.
 */
import { and, lte, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/open.ts';
import { throttleCounters } from '../db/schema.ts';
import { digestKey } from './tokens.ts';

/** One counter an attempt is charged to. `limit` 0 disables it. */
export interface ThrottleKey {
  scope: string;
  value: string;
  limit: number;
}

/** What {@link Throttle.attempt} charged, for {@link Throttle.refund}. */
export interface Ticket {
  charged: { scope: string; key: string; windowStart: Date }[];
}

/** The scope of the coordination rows (e.g. the purge lease) kept in the same table; never expired by purge. */
export const JOB_SCOPE = 'job';

/** DRF's Throttled message for a wait in whole seconds. */
export function throttledMessage(wait: number): string {
  return `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`;
}

/** Thrown by {@link Throttle.attempt} when a counter is past its limit; `wait` is in whole seconds. */
export class ThrottledError extends Error {
  override name = 'ThrottledError';
  constructor(readonly wait: number) {
    super(throttledMessage(wait));
  }
}

/**
 * The bucket an address is counted in: an IPv4 address as is, an IPv6 address by its /64 prefix (one
 * subscriber usually gets a whole /64, so counting single IPv6 addresses would not limit anyone).
 */
export function addressBucket(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::', 2);
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  if (right.some((g) => g.includes('.')) || left.some((g) => g.includes('.'))) return address;
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  if (groups.length !== 8) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '').toLowerCase())
    .join(':')}::/64`;
}

/** Counters in the order every statement here locks them: by scope, then key, bytewise (collation "C"). */
function inLockOrder(a: { scope: string; key: string }, b: { scope: string; key: string }): number {
  if (a.scope !== b.scope) return a.scope < b.scope ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Attempt counters bound to one database and window length. */
export class Throttle {
  readonly #db: Database;
  readonly #windowMs: number;

  constructor(db: Database, windowSeconds: number) {
    this.#db = db;
    this.#windowMs = windowSeconds * 1000;
  }

  /**
   * Counts one attempt against every enabled key. Throws {@link ThrottledError} when any of them is past
   * its limit, with the wait until the latest such window ends.
   */
  async attempt(keys: ThrottleKey[], now = new Date()): Promise<Ticket> {
    if (this.#windowMs <= 0) return { charged: [] };
    // In lock order (see refund): the upsert takes its rows' locks in the order of its VALUES.
    const enabled = keys
      .filter((k) => k.limit > 0)
      .map((k) => ({ scope: k.scope, key: digestKey(k.value), limit: k.limit }))
      .sort(inLockOrder);
    if (!enabled.length) return { charged: [] };
    const rows = enabled.map((k) => ({ scope: k.scope, key: k.key, count: 1, windowStart: now }));
    const cutoff = new Date(now.getTime() - this.#windowMs).toISOString();
    const stale = sql`${throttleCounters.windowStart} <= ${cutoff}::timestamptz`;
    // One statement: the row lock PostgreSQL takes on conflict serialises concurrent attempts.
    const counted = await this.#db
      .insert(throttleCounters)
      .values(rows)
      .onConflictDoUpdate({
        target: [throttleCounters.scope, throttleCounters.key],
        set: {
          count: sql`case when ${stale} then 1 else ${throttleCounters.count} + 1 end`,
          windowStart: sql`case when ${stale} then excluded.window_start else ${throttleCounters.windowStart} end`,
        },
      })
      .returning({
        scope: throttleCounters.scope,
        key: throttleCounters.key,
        count: throttleCounters.count,
        windowStart: throttleCounters.windowStart,
      });
    let waitMs: number | undefined;
    for (const row of counted) {
      const limit = enabled.find((k) => k.scope === row.scope && k.key === row.key)?.limit ?? 0;
      if (row.count > limit) {
        const ends = row.windowStart.getTime() + this.#windowMs - now.getTime();
        waitMs = Math.max(waitMs ?? 0, ends);
      }
    }
    if (waitMs !== undefined) throw new ThrottledError(Math.max(1, Math.ceil(waitMs / 1000)));
    return {
      charged: counted.map((row) => ({ scope: row.scope, key: row.key, windowStart: row.windowStart })),
    };
  }

  /** Takes back an attempt that succeeded (only within the window it was counted in). */
  async refund(ticket: Ticket): Promise<void> {
    if (!ticket.charged.length) return;
    // One statement for all the rows, locking them in the order attempt()'s upsert does (scope, then
    // key, compared bytewise): a plain multi-row UPDATE locks in scan order, which can be the reverse,
    // and concurrent logins then deadlock (PostgreSQL aborts one after deadlock_timeout). The
    // materialised CTE takes every lock, in that order, before the UPDATE touches a row.
    const { scope, key, windowStart, count } = throttleCounters;
    const charged = sql.join(
      ticket.charged.map((c) => sql`(${c.scope}, ${c.key}, ${c.windowStart.toISOString()}::timestamptz)`),
      sql`, `,
    );
    await this.#db.execute(sql`
      with locked as materialized (
        select ${scope} as scope, ${key} as key from ${throttleCounters}
        where (${scope}, ${key}, ${windowStart}) in (${charged})
        order by ${scope} collate "C", ${key} collate "C"
        for update
      )
      update ${throttleCounters} set ${sql.identifier(count.name)} = greatest(${count} - 1, 0)
      from locked where ${scope} = locked.scope and ${key} = locked.key`);
  }

  /**
   * Deletes counters whose window has ended (they would restart at 1 anyway); returns how many. A counter
   * a login holds locked right now is skipped, not waited for: the purge then never waits on a login,
   * so it cannot deadlock with one (it would lock many rows in scan order), and the next purge takes it.
   */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#windowMs);
    const { scope, key } = throttleCounters;
    const ended = this.#db
      .select({ scope, key })
      .from(throttleCounters)
      .where(and(ne(scope, JOB_SCOPE), lte(throttleCounters.windowStart, cutoff)))
      .for('update', { skipLocked: true });
    const gone = await this.#db
      .delete(throttleCounters)
      .where(sql`(${scope}, ${key}) in (${ended})`)
      .returning({ scope });
    return gone.length;
  }
}

/**
 * The one form a submitted login identifier is counted under: Unicode-normalised (NFKC) and
 * lower-cased, so `ALICE`, `alice` and their compatibility variants share a counter.
 */
export function canonicalIdentifier(identifier: string): string {
  return identifier.normalize('NFKC').toLowerCase();
}

/**
 * The counters one login attempt is charged to:
 * - the account it names, by id, whenever one is found: however the name is spelled (JavaScript's and
 *   the database's case mappings disagree, e.g. on `İ`) and whether it came as username or e-mail, an
 *   account has one budget;
 * - the submitted identifier in its canonical form, always, whatever it resolves to: so the counters
 *   behave the same for registered and unregistered names and e-mails (no oracle);
 * - the client address (IPv6 by /64).
 */
export function loginKeys(
  config: { LOGIN_THROTTLE_USER: number; LOGIN_THROTTLE_IP: number },
  who: { accountId?: number | undefined; submitted: string },
  ip: string,
): ThrottleKey[] {
  const keys: ThrottleKey[] = [
    { scope: 'login:user', value: canonicalIdentifier(who.submitted), limit: config.LOGIN_THROTTLE_USER },
  ];
  if (who.accountId !== undefined) {
    keys.push({ scope: 'login:account', value: String(who.accountId), limit: config.LOGIN_THROTTLE_USER });
  }
  keys.push({ scope: 'login:ip', value: addressBucket(ip), limit: config.LOGIN_THROTTLE_IP });
  return keys;
}
