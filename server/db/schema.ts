/**
 * @module
 * The Drizzle pg-core schema, one for PGlite and PostgreSQL. Secrets are never stored: tokens and
 * sessions are kept as SHA-256 digests of their keys, passwords as encoded hashes.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull(),
    email: text('email').notNull().default(''),
    password: text('password').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    isStaff: boolean('is_staff').notNull().default(false),
    isSuperuser: boolean('is_superuser').notNull().default(false),
    dateJoined: at('date_joined').notNull().defaultNow(),
    lastLogin: at('last_login'),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    index('users_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

export const tokens = pgTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    digest: text('digest').notNull().unique(),
    prefix: text('prefix').notNull(),
    label: text('label').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at'),
    lastUsedAt: at('last_used_at'),
    /** The scopes this token may use; null: full access (every login token unless narrowed). */
    scopes: text('scopes').array(),
    /**
     * A lifetime of its own (tokens made for machines): when true, `idle_ttl` (seconds; null: no idle
     * timeout) and `max_expires_at` (null: never) replace TOKEN_TTL and TOKEN_MAX_TTL for this token.
     */
    customLifetime: boolean('custom_lifetime').notNull().default(false),
    idleTtl: integer('idle_ttl'),
    maxExpiresAt: at('max_expires_at'),
  },
  (t) => [index('tokens_user_id_idx').on(t.userId), index('tokens_expires_at_idx').on(t.expiresAt)],
);

export const sessions = pgTable(
  'sessions',
  {
    digest: text('digest').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfSecret: text('csrf_secret').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    /** Last request seen on this session (written at most once per refresh interval), for the idle timeout. */
    lastSeenAt: at('last_seen_at'),
    /** Where the session was opened ("Firefox on Linux"), so a user can tell their sessions apart. */
    label: text('label').notNull().default(''),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/** Fixed-window counters for failed logins, shared by every instance on the database. */
export const throttleCounters = pgTable(
  'throttle_counters',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull().default(0),
    windowStart: at('window_start').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/**
 * The audit trail: one row per security event (login, logout, token and password changes, admin
 * changes, CSRF failures, ...), kept for a retention period. No foreign keys: an event outlives the user
 * or token it names.
 */
export const authEvents = pgTable(
  'auth_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: at('at').notNull().defaultNow(),
    type: text('type').notNull(),
    outcome: text('outcome').notNull(),
    actorUserId: integer('actor_user_id'),
    targetUserId: integer('target_user_id'),
    targetTokenId: text('target_token_id'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    /** Event-specific facts (reason kind, fields changed, scopes); never a secret. */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('auth_events_at_idx').on(t.at),
    index('auth_events_actor_idx').on(t.actorUserId, t.at),
    index('auth_events_target_user_idx').on(t.targetUserId, t.at),
    index('auth_events_type_idx').on(t.type, t.at),
  ],
);

export type User = typeof users.$inferSelect;
export type Token = typeof tokens.$inferSelect;
export type AuthEvent = typeof authEvents.$inferSelect;
