/**
 * @module
 * Cookie sessions (session login and the admin page), kept server-side in the `sessions` table so that
 * ending one, deactivating its user or changing a password takes effect on every instance at once.
 *
 * A session id is 40 base62 characters from the CSPRNG (about 238 bits); only its SHA-256 digest is
 * stored, so a leaked table does not hand out live sessions. Each session has its own CSRF secret, the
 * value of the `csrftoken` cookie: a cookie-authenticated unsafe request must echo it in `X-CSRFToken`.
 * Sessions expire SESSION_TTL seconds after they are opened (fixed, as Django's default), and sooner
 * when unused for SESSION_IDLE_TIMEOUT (SESSION_IDLE_TIMEOUT_STAFF for staff and superusers). The last
 * use (`last_seen_at`) is written at most once per {@link SESSION_TOUCH_INTERVAL_MS}, so the cookie path
 * stays nearly free of writes.
 */
import { and, count, desc, eq, gt, like, lt, ne, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/open.ts';
import { sessions, users } from '../db/schema.ts';
import type { AuthUser } from './token-store.ts';
import { digestKey, randomBase62 } from './tokens.ts';

const SESSION_ID_LENGTH = 40;
/** Length of a CSRF secret (Django's CSRF_SECRET_LENGTH). */
export const CSRF_SECRET_LENGTH = 32;
const SESSION_ID_PATTERN = /^[0-9A-Za-z]{40}$/;
/** How stale `last_seen_at` may get before a use writes it again (capped at half the idle timeout). */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** A session just opened: the id (for the cookie, never stored) and its CSRF secret. */
export interface OpenedSession {
  id: string;
  digest: string;
  csrfSecret: string;
  expiresAt: Date;
}

/** A live session found by its id, with its user. */
export interface SessionWithUser {
  session: { digest: string; csrfSecret: string; expiresAt: Date; createdAt: Date; lastSeenAt: Date | null };
  user: AuthUser;
}

/** Length of a session's public id: the first characters of its digest (64 bits, hex). */
export const SESSION_PUBLIC_ID_LENGTH = 16;
const SESSION_PUBLIC_ID_PATTERN = new RegExp(`^[0-9a-f]{${SESSION_PUBLIC_ID_LENGTH}}$`);

/**
 * The id a session is shown and ended by: the start of its digest. Neither the session id (the cookie)
 * nor the whole digest (the row's key) ever leaves the server; this cannot be turned into either.
 */
export function sessionPublicId(digest: string): string {
  return digest.slice(0, SESSION_PUBLIC_ID_LENGTH);
}

/** A live session as listed (never its id or digest). */
export interface SessionInfo {
  digest: string;
  label: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date | null;
  /** When it ends if left unused from now on (see {@link SessionStore.idleExpiry}). */
  endsAt: Date;
}

/** A new CSRF secret (also used for the anonymous `csrftoken` cookie of the admin login form). */
export function newCsrfSecret(): string {
  return randomBase62(CSRF_SECRET_LENGTH);
}

/** Session data access bound to one database, SESSION_TTL and the idle timeouts. */
export class SessionStore {
  readonly #db: Database;
  readonly #ttlMs: number;
  readonly #idleMs: number;
  readonly #staffIdleMs: number;
  readonly #byDigest;

  constructor(
    db: Database,
    config: Pick<Config, 'SESSION_TTL' | 'SESSION_IDLE_TIMEOUT' | 'SESSION_IDLE_TIMEOUT_STAFF'>,
  ) {
    this.#db = db;
    this.#ttlMs = config.SESSION_TTL * 1000;
    this.#idleMs = config.SESSION_IDLE_TIMEOUT * 1000;
    this.#staffIdleMs = config.SESSION_IDLE_TIMEOUT_STAFF * 1000;
    this.#byDigest = db
      .select({
        session: {
          digest: sessions.digest,
          csrfSecret: sessions.csrfSecret,
          expiresAt: sessions.expiresAt,
          createdAt: sessions.createdAt,
          lastSeenAt: sessions.lastSeenAt,
        },
        user: {
          id: users.id,
          username: users.username,
          email: users.email,
          firstName: users.firstName,
          lastName: users.lastName,
          isActive: users.isActive,
          isStaff: users.isStaff,
          isSuperuser: users.isSuperuser,
        },
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(eq(sessions.digest, sql.placeholder('digest')), gt(sessions.expiresAt, sql.placeholder('now'))),
      )
      .limit(1)
      .prepare('latchkey_session_by_digest');
  }

  /** Seconds a session lives: the cookies' Max-Age. */
  get ttlSeconds(): number {
    return this.#ttlMs / 1000;
  }

  /** Milliseconds a session of this user may stay unused. */
  idleMs(user: Pick<AuthUser, 'isStaff' | 'isSuperuser'>): number {
    return user.isStaff || user.isSuperuser ? this.#staffIdleMs : this.#idleMs;
  }

  /** When a session ends if left unused from now on: its last use plus the idle timeout, or its expiry. */
  idleExpiry(
    session: { createdAt: Date; lastSeenAt: Date | null; expiresAt: Date },
    user: Pick<AuthUser, 'isStaff' | 'isSuperuser'>,
  ): Date {
    const lastUse = (session.lastSeenAt ?? session.createdAt).getTime();
    return new Date(Math.min(lastUse + this.idleMs(user), session.expiresAt.getTime()));
  }

  /** Opens a session for a user, labelled (e.g. from the User-Agent). The id is returned once, for the cookie. */
  async open(userId: number, now = new Date(), label = ''): Promise<OpenedSession> {
    const id = randomBase62(SESSION_ID_LENGTH);
    const opened = {
      id,
      digest: digestKey(id),
      csrfSecret: newCsrfSecret(),
      expiresAt: new Date(now.getTime() + this.#ttlMs),
    };
    await this.#db.insert(sessions).values({
      digest: opened.digest,
      userId,
      csrfSecret: opened.csrfSecret,
      createdAt: now,
      expiresAt: opened.expiresAt,
      label,
    });
    return opened;
  }

  /**
   * The live session with this id and its user (active or not: callers decide), or undefined for an
   * unknown, ended, expired or idle one. Ids that cannot be ours are refused without a database read.
   * A use records `last_seen_at` when the recorded one is older than the touch interval.
   */
  async find(id: string, now = new Date()): Promise<SessionWithUser | undefined> {
    if (!SESSION_ID_PATTERN.test(id)) return undefined;
    // postgres.js cannot serialise a Date bound to a prepared placeholder (PGlite can): send ISO text.
    const rows = await this.#byDigest.execute({ digest: digestKey(id), now: now.toISOString() });
    const found = rows[0];
    if (!found) return undefined;
    const idleMs = this.idleMs(found.user);
    const lastUse = (found.session.lastSeenAt ?? found.session.createdAt).getTime();
    // Refused exactly like an expired session (the row goes when its fixed expiry is purged).
    if (now.getTime() - lastUse > idleMs) return undefined;
    if (now.getTime() - lastUse >= Math.min(SESSION_TOUCH_INTERVAL_MS, idleMs / 2)) {
      await this.#db
        .update(sessions)
        .set({ lastSeenAt: now })
        .where(eq(sessions.digest, found.session.digest));
      found.session.lastSeenAt = now;
    }
    return found;
  }

  /** Ends one session by its digest; returns whether it existed. */
  async end(digest: string): Promise<boolean> {
    const gone = await this.#db
      .delete(sessions)
      .where(eq(sessions.digest, digest))
      .returning({ d: sessions.digest });
    return gone.length > 0;
  }

  /** Ends every session of a user, optionally keeping one (by digest). Returns how many went. */
  async endAll(userId: number, exceptDigest?: string): Promise<number> {
    const where =
      exceptDigest === undefined
        ? eq(sessions.userId, userId)
        : and(eq(sessions.userId, userId), ne(sessions.digest, exceptDigest));
    const gone = await this.#db.delete(sessions).where(where).returning({ d: sessions.digest });
    return gone.length;
  }

  /**
   * One page of a user's live sessions, newest first, and how many there are in all. Live as a request
   * would find them: neither expired nor idle longer than the user's idle timeout (rows not yet purged
   * are left out), each with its end if left unused ({@link idleExpiry}).
   */
  async listForUser(
    user: Pick<AuthUser, 'id' | 'isStaff' | 'isSuperuser'>,
    page: { limit: number; offset: number },
    now = new Date(),
  ): Promise<{ count: number; rows: SessionInfo[] }> {
    const usedSince = new Date(now.getTime() - this.idleMs(user));
    const live = and(
      eq(sessions.userId, user.id),
      gt(sessions.expiresAt, now),
      // A bare expression gets no column encoder: the time goes as text, as drizzle sends timestamps.
      sql`coalesce(${sessions.lastSeenAt}, ${sessions.createdAt}) >= ${usedSince.toISOString()}::timestamptz`,
    );
    const [total] = await this.#db.select({ n: count() }).from(sessions).where(live);
    const rows = await this.#db
      .select({
        digest: sessions.digest,
        label: sessions.label,
        createdAt: sessions.createdAt,
        expiresAt: sessions.expiresAt,
        lastSeenAt: sessions.lastSeenAt,
      })
      .from(sessions)
      .where(live)
      .orderBy(desc(sessions.createdAt), desc(sessions.digest))
      .limit(page.limit)
      .offset(page.offset);
    return {
      count: total?.n ?? 0,
      rows: rows.map((row) => ({ ...row, endsAt: this.idleExpiry(row, user) })),
    };
  }

  /**
   * Ends the user's session with this public id ({@link sessionPublicId}); returns the ended session's
   * digest, or undefined when the user has no such session (another user's id finds nothing).
   */
  async endByPublicId(userId: number, publicId: string): Promise<string | undefined> {
    if (!SESSION_PUBLIC_ID_PATTERN.test(publicId)) return undefined;
    const gone = await this.#db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), like(sessions.digest, `${publicId}%`)))
      .returning({ d: sessions.digest });
    return gone[0]?.d;
  }

  /** How many live sessions a user has (for the admin and tests). */
  async count(userId: number, now = new Date()): Promise<number> {
    const [row] = await this.#db
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)));
    return row?.n ?? 0;
  }

  /** Deletes expired sessions; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const gone = await this.#db
      .delete(sessions)
      .where(lt(sessions.expiresAt, now))
      .returning({ d: sessions.digest });
    return gone.length;
  }
}
