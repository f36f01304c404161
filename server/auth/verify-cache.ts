/**
 * @module
 * The verify cache: recently verified tokens kept in memory (key digest -> token row and user), so a
 * busy key costs no database round trip. Being fast must never make it wrong, on any instance:
 *
 * - Every write that ends or narrows a credential or changes a user is announced by the database itself
 *   (triggers + NOTIFY, see migration 0002) on a change feed that every instance listens to; the writing
 *   instance also forgets the entries at once ({@link VerifyCache.forgetToken}, {@link
 *   VerifyCache.forgetUser}), so its own next request never waits for the notification.
 * - While the feed is not subscribed (not yet, or its connection dropped) the cache is not trusted: it
 *   serves nothing and stores nothing, and it is emptied when the feed is back, since notifications may
 *   have been missed in between.
 * - A lookup that raced an invalidation is not stored: every invalidation bumps an epoch, and a result
 *   read before the bump is dropped instead of cached.
 * - Only successful lookups are stored (unknown and forged keys never are), the entry count is bounded,
 *   and each entry has a maximum age as a backstop. An entry whose cached expiry has passed is a miss
 *   (another instance may have renewed the token), never a refusal.
 */
import type { TokenWithUser } from './token-store.ts';

/** What a change notification names: a token by id, or a user (and so all of their tokens). */
export type Change = { kind: 'token'; id: string } | { kind: 'user'; id: number };

/** Parses a change feed payload (`t:<token id>`, `u:<user id>`); undefined for anything else. */
export function parseChange(payload: string): Change | undefined {
  if (payload.startsWith('t:')) return { kind: 'token', id: payload.slice(2) };
  if (payload.startsWith('u:')) {
    const id = Number(payload.slice(2));
    return Number.isSafeInteger(id) ? { kind: 'user', id } : undefined;
  }
  return undefined;
}

/** The cache settings (a slice of Config). */
export interface VerifyCacheOptions {
  /** Entries at most; 0 turns the cache off. */
  maxEntries: number;
  /** Seconds an entry may be served at most (the backstop if a notification were ever lost). */
  maxAgeSeconds: number;
}

interface Entry {
  found: TokenWithUser;
  storedAt: number;
}

/** A bounded map of verified tokens, invalidated by the change feed. */
export class VerifyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #maxAgeMs: number;
  #trusted = false;
  #epoch = 0;

  constructor(options: VerifyCacheOptions) {
    this.#max = options.maxEntries;
    this.#maxAgeMs = options.maxAgeSeconds * 1000;
  }

  /** Whether entries are served (the feed is subscribed and the cache is on). */
  get trusted(): boolean {
    return this.#trusted;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The current invalidation epoch: pass it to {@link set} with a result read after taking it. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The entry for a digest, if trusted, young enough and not past its cached expiry at `now`. */
  get(digest: string, now: number): TokenWithUser | undefined {
    if (!this.#trusted) return undefined;
    const entry = this.#entries.get(digest);
    if (entry === undefined) return undefined;
    const expiresAt = entry.found.token.expiresAt;
    if (now - entry.storedAt > this.#maxAgeMs || (expiresAt !== null && expiresAt.getTime() <= now)) {
      this.#entries.delete(digest);
      return undefined;
    }
    return entry.found;
  }

  /** Stores a successful lookup read at `epoch`; dropped if anything was invalidated since. */
  set(digest: string, found: TokenWithUser, epoch: number, now: number): void {
    if (!this.#trusted || epoch !== this.#epoch || this.#max === 0) return;
    if (this.#entries.size >= this.#max && !this.#entries.has(digest)) {
      // Evict the oldest insertion: Map iterates in insertion order.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(digest, { found, storedAt: now });
  }

  /** Forgets one token (revoked, narrowed, shortened). */
  forgetToken(id: string): void {
    this.#epoch++;
    for (const [digest, entry] of this.#entries) {
      if (entry.found.token.id === id) this.#entries.delete(digest);
    }
  }

  /** Forgets every token of a user (deactivated, changed, deleted, logged out everywhere). */
  forgetUser(id: number): void {
    this.#epoch++;
    for (const [digest, entry] of this.#entries) {
      if (entry.found.user.id === id) this.#entries.delete(digest);
    }
  }

  /** Applies a change notification. */
  apply(change: Change): void {
    if (change.kind === 'token') this.forgetToken(change.id);
    else this.forgetUser(change.id);
  }

  /** Trusts the cache (the feed just subscribed) or stops trusting it; either way it starts empty. */
  setTrusted(trusted: boolean): void {
    this.#epoch++;
    this.#entries.clear();
    this.#trusted = trusted && this.#max > 0;
  }
}
