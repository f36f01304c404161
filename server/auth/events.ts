/**
 * @module
 * The audit trail (ASVS 16.3): every security event (logins and their failures, throttled attempts,
 * logouts, tokens created and revoked, password changes, admin changes to users, CSRF failures) is
 * stored in `auth_events` and written as one JSON line to the log, always, whatever LOG_REQUESTS says.
 *
 * Recording never fails the request that caused it: a failed write is logged (without its message,
 * which would hold the row's values) and the request goes on. The token check (test_auth with a valid
 * key) records nothing, so the hot path pays nothing for the trail. Rows older than AUDIT_RETENTION
 * are deleted by the same purge that deletes expired tokens. An event holds no secret: no password,
 * key or hash, only ids, the client's address and user agent, and a small `detail` (a reason kind,
 * the names of changed fields, flags before and after).
 */
import { and, count, desc, eq, gte, inArray, lt, lte, or, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Context } from 'hono';
import { errorSummary } from '../db/errors.ts';
import type { Database } from '../db/open.ts';
import { type AuthEvent, authEvents } from '../db/schema.ts';

/** Every event type, with what it records. */
export const EVENT_TYPES = {
  login:
    'a login (REST or the admin form); failure detail.reason: unknown_user, bad_password, inactive, not_staff, token_limit',
  login_throttled: 'a login refused with 429 before the password was checked',
  logout: 'the presented token (and cookie session) ended',
  logout_all: "all of the user's tokens and sessions ended",
  token_created: 'a token issued by an admin (logins record `login` with their token)',
  token_revoked: 'a token revoked by its owner or an admin',
  session_ended: 'a cookie session ended by its owner or at the admin page',
  password_changed: 'a password changed by its owner (failure: wrong old password) or set by an admin',
  user_created: 'a user created by an admin',
  user_changed: 'a user changed (detail.fields; detail.before/after for the flags)',
  user_deleted: 'a user deleted by an admin',
  csrf_failed: 'a cookie request or session login refused by the CSRF check',
} as const;

/** The name of an event type. */
export type EventType = keyof typeof EVENT_TYPES;

/** What happened to the attempt the event records. */
export type EventOutcome = 'success' | 'failure';

/** The request facts every event carries. */
export interface EventOrigin {
  clientIp?: string | undefined;
  userAgent?: string | undefined;
}

/** One event to record. */
export interface NewEvent extends EventOrigin {
  type: EventType;
  outcome: EventOutcome;
  /** Who did it (the authenticated caller); null for anonymous attempts. */
  actor?: number | null | undefined;
  /** The user the event is about (the one logging in, the one changed). */
  user?: number | null | undefined;
  /** The token the event is about (issued, revoked). */
  token?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** Filters of the admin's list. */
export interface EventFilter {
  /** Events by or about this user. */
  user?: number | undefined;
  type?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** The longest user agent kept (they can be long, and are written on every event). */
const MAX_USER_AGENT = 300;

/** The client address and user agent of a request, for its events. */
export function eventOrigin(c: Context, clientIp: (c: Context) => string): EventOrigin {
  return { clientIp: clientIp(c), userAgent: c.req.header('user-agent')?.slice(0, MAX_USER_AGENT) };
}

/** An event's row as stored. */
function eventRow(event: NewEvent, now: Date) {
  return {
    at: now,
    type: event.type,
    outcome: event.outcome,
    actorUserId: event.actor ?? null,
    targetUserId: event.user ?? null,
    targetTokenId: event.token ?? null,
    clientIp: event.clientIp ?? null,
    userAgent: event.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    detail: event.detail ?? null,
  };
}
type EventRow = ReturnType<typeof eventRow>;

/** The audit trail bound to one database, log and retention. */
export class EventStore {
  readonly #db: Database;
  readonly #log: (line: Record<string, unknown>) => void;
  readonly #retentionMs: number;

  constructor(db: Database, log: (line: Record<string, unknown>) => void, retentionSeconds: number) {
    this.#db = db;
    this.#log = log;
    this.#retentionMs = retentionSeconds * 1000;
  }

  /** Records an event: one log line, one row. Never throws; a failed write is logged. */
  async record(event: NewEvent, now = new Date()): Promise<void> {
    const row = eventRow(event, now);
    this.#logLine(row);
    try {
      await this.#db.insert(authEvents).values(row);
    } catch (err) {
      this.#log({ level: 'error', msg: 'audit event not stored', event: row.type, ...errorSummary(err) });
    }
  }

  /**
   * The INSERT of an event's row, not yet run, to be stored in another write's statement, all or none
   * (a login's token: TokenStore.issue's `alongside`). It fails with that write, unlike {@link record}:
   * the caller decides what then. Once stored, {@link logStored} writes its log line.
   */
  prepare(event: NewEvent, now: Date): SQLWrapper {
    return this.#db.insert(authEvents).values(eventRow(event, now));
  }

  /** The log line of an event stored through {@link prepare}, once its statement has run. */
  logStored(event: NewEvent, now: Date): void {
    this.#logLine(eventRow(event, now));
  }

  #logLine(row: EventRow): void {
    this.#log({
      msg: 'auth event',
      event: row.type,
      outcome: row.outcome,
      actor: row.actorUserId,
      user: row.targetUserId,
      token: row.targetTokenId,
      ip: row.clientIp,
      user_agent: row.userAgent,
      ...(row.detail ? { detail: row.detail } : {}),
    });
  }

  /** One page of events matching `filter`, newest first, and how many match in all. */
  async list(filter: EventFilter, limit: number, offset: number) {
    const where = and(...conditions(filter));
    const [total] = await this.#db.select({ n: count() }).from(authEvents).where(where);
    const rows = await this.#db
      .select()
      .from(authEvents)
      .where(where)
      .orderBy(desc(authEvents.at), desc(authEvents.id))
      .limit(limit)
      .offset(offset);
    return { count: total?.n ?? 0, rows };
  }

  /** A user's own recent events (by them or about them), newest first. */
  recentFor(userId: number, limit: number): Promise<AuthEvent[]> {
    return this.#db
      .select()
      .from(authEvents)
      .where(or(eq(authEvents.targetUserId, userId), eq(authEvents.actorUserId, userId)))
      .orderBy(desc(authEvents.at), desc(authEvents.id))
      .limit(limit);
  }

  /**
   * Deletes events older than the retention (at most `batch` per call; 0 retention keeps them
   * forever). Returns how many went.
   */
  async purgeExpired(now: Date, batch: number): Promise<number> {
    if (this.#retentionMs <= 0) return 0;
    const cutoff = new Date(now.getTime() - this.#retentionMs);
    const old = this.#db.select({ id: authEvents.id }).from(authEvents).where(lt(authEvents.at, cutoff));
    const gone = await this.#db
      .delete(authEvents)
      .where(inArray(authEvents.id, old.limit(batch)))
      .returning({ id: authEvents.id });
    return gone.length;
  }
}

function conditions(filter: EventFilter): SQL[] {
  const out: SQL[] = [];
  if (filter.user !== undefined) {
    out.push(or(eq(authEvents.targetUserId, filter.user), eq(authEvents.actorUserId, filter.user)) as SQL);
  }
  if (filter.type) out.push(eq(authEvents.type, filter.type));
  if (filter.since) out.push(gte(authEvents.at, filter.since));
  if (filter.until) out.push(lte(authEvents.at, filter.until));
  return out;
}

/** An event as the APIs show it (snake_case, ISO times). */
export function publicEvent(row: AuthEvent) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    type: row.type,
    outcome: row.outcome,
    actor: row.actorUserId,
    user: row.targetUserId,
    token: row.targetTokenId,
    client_ip: row.clientIp,
    user_agent: row.userAgent,
    detail: row.detail ?? {},
  };
}
