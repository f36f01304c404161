/**
 * @module
 * Token rows: issue, look up by key, renew (sliding expiry), revoke, purge. The key is returned once by
 * {@link TokenStore.issue} and never stored: rows hold its SHA-256 digest and a short display prefix.
 *
 * Expiry: `expires_at = min(last use + TOKEN_TTL, created + TOKEN_MAX_TTL)`, either term dropped when its
 * setting is 0 (both 0: never expires). Renewal is written at most once per TOKEN_REFRESH_INTERVAL, so a
 * busy token costs one indexed read per request and an occasional write. The interval is capped at half
 * the idle timeout: a token in steady use must never expire between two renewals.
 *
 * A token may carry its own lifetime instead (`custom_lifetime`: tokens made for machines by the CLI or
 * the admin): `idle_ttl` seconds (null: no idle timeout) under `max_expires_at` (null: never), bounded
 * at creation by TOKEN_CUSTOM_MAX_TTL; it is renewed under the same once-per-interval rule. And it may
 * carry scopes (null: full access), see scopes.ts.
 *
 * Lookups go through the verify cache when one is given (see verify-cache.ts): a busy key costs no
 * database round trip, and every write here that ends a token forgets it there at once.
 */
import { and, asc, desc, eq, inArray, lt, ne, type SQLWrapper, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/open.ts';
import { type Token, tokens, users } from '../db/schema.ts';
import { digestKey, displayPrefix, makeKey, newTokenId, TOKEN_ID } from './tokens.ts';
import type { VerifyCache } from './verify-cache.ts';

/** The expiry settings a store needs (a slice of Config). */
export type ExpiryPolicy = Pick<
  Config,
  'TOKEN_TTL' | 'TOKEN_MAX_TTL' | 'TOKEN_REFRESH_INTERVAL' | 'TOKEN_LIMIT_PER_USER' | 'TOKEN_LIMIT_POLICY'
>;

/** The user fields the auth layer carries on the request. */
export interface AuthUser {
  id: number;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
}

/** The token fields the authentication middleware reads (and a verify cache must carry). */
export type FoundToken = Pick<
  Token,
  'id' | 'createdAt' | 'expiresAt' | 'lastUsedAt' | 'scopes' | 'customLifetime' | 'idleTtl' | 'maxExpiresAt'
>;

/** A token row joined with its user, as the authentication middleware sees it. */
export interface TokenWithUser {
  token: FoundToken;
  user: AuthUser;
}

/** A lifetime of a token's own: idle timeout in seconds (null: none) under an absolute end (null: never). */
export interface TokenLifetime {
  idleTtl: number | null;
  maxExpiresAt: Date | null;
}

/** What a new token may carry besides its label. */
export interface IssueOptions {
  /** The scopes it may use; null or omitted: full access. */
  scopes?: readonly string[] | null;
  /** Its own lifetime; omitted: TOKEN_TTL and TOKEN_MAX_TTL like a login. */
  lifetime?: TokenLifetime;
  /**
   * Writes stored with the token, all or none (a login's time and its audit event; see
   * {@link UserStore.lastLoginUpdate} and {@link EventStore.prepare}): each a data-modifying statement,
   * not yet run. Without a per-user limit they go in the token's own statement, as CTEs, so a login
   * pays one round trip for all of them (on a loaded host each round trip costs the event loop more
   * than building the statement); with one, in its transaction.
   */
  alongside?: (token: Token) => readonly SQLWrapper[];
}

/** Thrown by {@link TokenStore.issue} when the per-user limit is reached under the `reject` policy. */
export class TokenLimitError extends Error {
  override name = 'TokenLimitError';
}

const userColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  isActive: users.isActive,
  isStaff: users.isStaff,
  isSuperuser: users.isSuperuser,
};

/** When a token used (or created) at `usedAt` expires under `policy`; null when it never does. */
export function expiryFor(createdAt: Date, usedAt: Date, policy: ExpiryPolicy): Date | null {
  const idle = policy.TOKEN_TTL > 0 ? usedAt.getTime() + policy.TOKEN_TTL * 1000 : Number.POSITIVE_INFINITY;
  const absolute =
    policy.TOKEN_MAX_TTL > 0 ? createdAt.getTime() + policy.TOKEN_MAX_TTL * 1000 : Number.POSITIVE_INFINITY;
  const at = Math.min(idle, absolute);
  return Number.isFinite(at) ? new Date(at) : null;
}

/** When `token` used at `usedAt` expires: its own lifetime when it has one, else the policy's. */
export function tokenExpiry(
  token: Pick<Token, 'createdAt' | 'customLifetime' | 'idleTtl' | 'maxExpiresAt'>,
  usedAt: Date,
  policy: ExpiryPolicy,
): Date | null {
  if (!token.customLifetime) return expiryFor(token.createdAt, usedAt, policy);
  const idle = token.idleTtl === null ? Number.POSITIVE_INFINITY : usedAt.getTime() + token.idleTtl * 1000;
  const at = Math.min(idle, token.maxExpiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
  return Number.isFinite(at) ? new Date(at) : null;
}

/** Token data access bound to one database and expiry policy. */
export class TokenStore {
  readonly #db: Database;
  readonly #policy: ExpiryPolicy;
  readonly #byDigest;
  readonly #refreshMs: number;
  readonly #cache: VerifyCache | undefined;
  /** Ids of the tokens whose renewal is being written now. */
  readonly #renewing = new Set<string>();

  constructor(db: Database, policy: ExpiryPolicy, cache?: VerifyCache) {
    this.#db = db;
    this.#policy = policy;
    this.#cache = cache;
    const interval = policy.TOKEN_REFRESH_INTERVAL * 1000;
    this.#refreshMs = policy.TOKEN_TTL > 0 ? Math.min(interval, (policy.TOKEN_TTL * 1000) / 2) : interval;
    this.#byDigest = db
      .select({
        token: {
          id: tokens.id,
          createdAt: tokens.createdAt,
          expiresAt: tokens.expiresAt,
          lastUsedAt: tokens.lastUsedAt,
          scopes: tokens.scopes,
          customLifetime: tokens.customLifetime,
          idleTtl: tokens.idleTtl,
          maxExpiresAt: tokens.maxExpiresAt,
        },
        user: userColumns,
      })
      .from(tokens)
      .innerJoin(users, eq(users.id, tokens.userId))
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .limit(1)
      .prepare('latchkey_token_by_digest');
  }

  /** Creates a token for a user and returns the key (shown once) with its row. */
  async issue(
    userId: number,
    label: string,
    options: IssueOptions = {},
    now = new Date(),
  ): Promise<{ key: string; token: Token }> {
    const limit = this.#policy.TOKEN_LIMIT_PER_USER;
    const insert = async (db: Pick<Database, 'insert' | 'execute'>) => {
      const key = makeKey();
      const lifetime = options.lifetime;
      const own = {
        createdAt: now,
        customLifetime: lifetime !== undefined,
        idleTtl: lifetime?.idleTtl ?? null,
        maxExpiresAt: lifetime?.maxExpiresAt ?? null,
      };
      const row = {
        id: newTokenId(),
        userId,
        digest: digestKey(key),
        prefix: displayPrefix(key),
        label: label.slice(0, 200),
        ...own,
        scopes: options.scopes ? [...options.scopes] : null,
        expiresAt: tokenExpiry(own, now, this.#policy),
      };
      if (!options.alongside) {
        const [token] = await db.insert(tokens).values(row).returning();
        return { key, token: token as Token };
      }
      // The row is known in full here (no column is left to a default but last_used_at, null), so the
      // combined statement needs no RETURNING, whose rows each driver would shape its own way.
      const token: Token = { ...row, lastUsedAt: null };
      const ctes = sql.join(
        options.alongside(token).map((write, i) => sql`${sql.raw(`alongside_${i}`)} as ${write}`),
        sql`, `,
      );
      await db.execute(sql`with ${ctes} ${db.insert(tokens).values(row).getSQL()}`);
      return { key, token };
    };
    // Without a per-user limit the insert is the whole write: one statement, no transaction (two round
    // trips fewer on every login).
    if (limit <= 0) return insert(this.#db);
    return this.#db.transaction(async (tx) => {
      // Serialise concurrent logins of one user so the limit cannot be overrun.
      await tx.execute(sql`select id from ${users} where ${users.id} = ${userId} for update`);
      await tx.delete(tokens).where(and(eq(tokens.userId, userId), lt(tokens.expiresAt, now)));
      const live = await tx
        .select({ id: tokens.id })
        .from(tokens)
        .where(eq(tokens.userId, userId))
        .orderBy(asc(sql`coalesce(${tokens.lastUsedAt}, ${tokens.createdAt})`));
      if (live.length >= limit) {
        if (this.#policy.TOKEN_LIMIT_POLICY === 'reject') {
          throw new TokenLimitError('Maximum amount of tokens allowed per user exceeded.');
        }
        for (const old of live.slice(0, live.length - limit + 1)) {
          await tx.delete(tokens).where(eq(tokens.id, old.id));
        }
      }
      return insert(tx);
    });
  }

  /** Finds a token by its key (any state); undefined when no row has that digest. */
  async find(key: string): Promise<TokenWithUser | undefined> {
    return this.lookup(key);
  }

  /**
   * {@link find} for the token check: a verify-cache hit is returned as it is, not as a promise, so a
   * busy key costs no promise and no microtask turn.
   */
  lookup(key: string): TokenWithUser | undefined | Promise<TokenWithUser | undefined> {
    const digest = digestKey(key);
    const cache = this.#cache;
    if (cache === undefined) return this.#read(digest);
    const cached = cache.get(digest, Date.now());
    if (cached !== undefined) return cached;
    const epoch = cache.epoch;
    return this.#read(digest).then((found) => {
      if (found !== undefined) cache.set(digest, found, epoch, Date.now());
      return found;
    });
  }

  async #read(digest: string): Promise<TokenWithUser | undefined> {
    return (await this.#byDigest.execute({ digest }))[0];
  }

  /** A token's lifetime as lists show it: its own, or TOKEN_TTL and created + TOKEN_MAX_TTL (0: none). */
  lifetime(token: Pick<Token, 'createdAt' | 'customLifetime' | 'idleTtl' | 'maxExpiresAt'>): TokenLifetime {
    if (token.customLifetime) return { idleTtl: token.idleTtl, maxExpiresAt: token.maxExpiresAt };
    const { TOKEN_TTL: idle, TOKEN_MAX_TTL: max } = this.#policy;
    return {
      idleTtl: idle > 0 ? idle : null,
      maxExpiresAt: max > 0 ? new Date(token.createdAt.getTime() + max * 1000) : null,
    };
  }

  /** Whether a found token is past its expiry at `now`. */
  isExpired(token: TokenWithUser['token'], now = new Date()): boolean {
    return token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime();
  }

  /**
   * Records a use: renews the sliding expiry and last-used time, at most once per refresh interval (for a
   * token with its own idle timeout, at most half of that, as for TOKEN_TTL). Returns undefined, not a
   * promise, when nothing is written (nearly every request); one renewal of a token at a time, so the
   * requests that arrive while it is being written do not write it again.
   */
  touch(token: TokenWithUser['token'], now = new Date()): Promise<void> | undefined {
    const last = token.lastUsedAt?.getTime() ?? 0;
    const elapsed = now.getTime() - last;
    if (elapsed < this.#refreshMs && !(token.idleTtl !== null && elapsed >= token.idleTtl * 500)) return;
    if (this.#renewing.has(token.id)) return;
    return this.#renew(token, now);
  }

  async #renew(token: TokenWithUser['token'], now: Date): Promise<void> {
    this.#renewing.add(token.id);
    try {
      const expiresAt = tokenExpiry(token, now, this.#policy);
      await this.#db.update(tokens).set({ lastUsedAt: now, expiresAt }).where(eq(tokens.id, token.id));
      // The row may be the cached one: renew it in place, or every later request would write again.
      token.lastUsedAt = now;
      token.expiresAt = expiresAt;
    } finally {
      this.#renewing.delete(token.id);
    }
  }

  /** Revokes one token; with `userId`, only if it belongs to that user. Returns whether a row went. */
  async revoke(id: string, userId?: number): Promise<boolean> {
    if (!TOKEN_ID.test(id)) return false;
    const where =
      userId === undefined ? eq(tokens.id, id) : and(eq(tokens.id, id), eq(tokens.userId, userId));
    const gone = await this.#db.delete(tokens).where(where).returning({ id: tokens.id });
    if (gone.length > 0) this.#cache?.forgetToken(id);
    return gone.length > 0;
  }

  /** Revokes every token of a user, optionally keeping one. Returns how many went. */
  async revokeAll(userId: number, exceptId?: string): Promise<number> {
    const where =
      exceptId === undefined
        ? eq(tokens.userId, userId)
        : and(eq(tokens.userId, userId), ne(tokens.id, exceptId));
    const gone = await this.#db.delete(tokens).where(where).returning({ id: tokens.id });
    this.#cache?.forgetUser(userId);
    return gone.length;
  }

  /** A user's tokens, newest first (or every token when `userId` is undefined). */
  list(userId?: number, page?: { limit: number; offset: number }) {
    const query = this.#db
      .select({
        id: tokens.id,
        userId: tokens.userId,
        username: users.username,
        prefix: tokens.prefix,
        label: tokens.label,
        createdAt: tokens.createdAt,
        lastUsedAt: tokens.lastUsedAt,
        expiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        customLifetime: tokens.customLifetime,
        idleTtl: tokens.idleTtl,
        maxExpiresAt: tokens.maxExpiresAt,
      })
      .from(tokens)
      .innerJoin(users, eq(users.id, tokens.userId))
      .where(userId === undefined ? undefined : eq(tokens.userId, userId))
      .orderBy(desc(tokens.createdAt), asc(tokens.id));
    return page ? query.limit(page.limit).offset(page.offset) : query;
  }

  /**
   * Deletes expired tokens; returns how many. With `batch`, deletes at most that many, so a purge that
   * runs beside live traffic holds its row locks briefly; call again until it returns less than `batch`.
   */
  async purgeExpired(now = new Date(), batch?: number): Promise<number> {
    const expired = lt(tokens.expiresAt, now);
    const where =
      batch === undefined
        ? expired
        : inArray(tokens.id, this.#db.select({ id: tokens.id }).from(tokens).where(expired).limit(batch));
    const gone = await this.#db.delete(tokens).where(where).returning({ id: tokens.id });
    return gone.length;
  }
}
