/**
 * @module
 * The environment turned into one typed, validated Config. Every option, its default and its meaning
 * live here ({@link OPTIONS}; README's configuration table is generated from it). A bad value stops start-up with one line
 * naming the variable, so an operator never runs with a silently ignored setting.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { scopeNameProblem, splitScopes } from './auth/scopes.ts';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), 'expected true/false/1/0')
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** The longest cookie lifetime browsers keep (RFC 6265bis caps Max-Age at 400 days; Hono refuses more). */
export const MAX_COOKIE_AGE = 400 * 24 * 60 * 60;

/**
 * A URL (or any text holding one) with the password of its `user:password@` part replaced by `***`, for
 * every message that may show DATABASE_URL or DJANGO_DATABASE_URL.
 */
export function redactCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"']*):[^/\s"']*@/gi, '$1:***@');
}

/** Whole seconds, 0 allowed (0 disables the feature it times). */
const seconds = z.coerce.number().int('expected whole seconds').min(0, 'must be >= 0');

/** Whole seconds, at least 1 (a timeout of no time would fail everything). */
const positiveSeconds = z.coerce.number().int('expected whole seconds').min(1, 'must be >= 1');

/** cores - 1, at least 1: one core stays free for the event loop (and test_auth) during a login storm. */
export function defaultHashConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Comma-separated exact origins; `none` is the empty list (an empty variable means the default). */
const originList = z
  .string()
  .transform((v) =>
    v.trim().toLowerCase() === 'none'
      ? []
      : v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
  )
  .superRefine((list, ctx) => {
    for (const origin of list) {
      if (origin === '*') {
        ctx.addIssue({
          code: 'custom',
          message:
            'a wildcard cannot be combined with credentials (Authorization, cookies); list the origins',
        });
        continue;
      }
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port])` });
        continue;
      }
      if (url.origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin; did you mean "${url.origin}"?`,
        });
      }
    }
  });

/** Space- or comma-separated scope names, each well formed. */
const scopeList = z
  .string()
  .transform(splitScopes)
  .superRefine((names, ctx) => {
    for (const name of names) {
      const problem = scopeNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: `"${name}": ${problem}` });
    }
  });

/** One option: what it means and how its value is read (the zod schema carries the default). */
interface Option<S extends z.ZodType = z.ZodType> {
  /** README's "meaning" column (Markdown). */
  meaning: string;
  schema: S;
  /** Said after the default in README, e.g. `10 h` for 36000 seconds. */
  note?: string;
  /** README's default column when the default is not a fixed value (it depends on the machine). */
  shown?: string;
}

/** Declares an option: its meaning, its schema (with `.default()` unless it may stay unset), README extras. */
function option<S extends z.ZodType>(meaning: string, schema: S, extra: Pick<Option, 'note' | 'shown'> = {}) {
  return { meaning, schema, ...extra };
}

/**
 * Every option, in README's order: the single source of its parsing, default and meaning. README's
 * configuration table is generated from this (`npm run config-docs`) and checked for drift.
 */
export const OPTIONS = {
  PORT: option('port to listen on', z.coerce.number().int().min(0).max(65535).default(8000)),
  HOST: option(
    'address to listen on (`0.0.0.0` to listen on all interfaces)',
    z.string().min(1).default('127.0.0.1'),
  ),
  DATABASE_URL: option(
    '`postgres://...`: use PostgreSQL; unset: embedded PGlite',
    z
      .string()
      .optional()
      .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// or postgresql:// URL'),
  ),
  LATCHKEY_DATA_DIR: option(
    "PGlite's data directory (locked by one process at a time)",
    z.string().min(1).default('./data'),
  ),
  DATABASE_POOL_SIZE: option(
    'PostgreSQL connections per instance, each running one query at a time (see scripts/bench/README.md for what 4 and 8 measured)',
    z.coerce.number().int().min(1).max(1000).default(4),
  ),
  DATABASE_PREPARED_STATEMENTS: option(
    'prepare each query once per PostgreSQL connection (one round trip per query instead of two); `false` behind PgBouncer in transaction mode before 1.21',
    bool.default(true),
  ),
  DATABASE_CONNECT_TIMEOUT: option(
    'seconds to open a PostgreSQL connection before the request answers 503 (see [Failure behaviour](#failure-behaviour))',
    positiveSeconds.default(2),
  ),
  DATABASE_POOL_TIMEOUT: option(
    'seconds a query may wait for a free pooled connection before the request answers 503',
    positiveSeconds.default(2),
  ),
  DATABASE_STATEMENT_TIMEOUT: option(
    "seconds one statement may run (PostgreSQL's `statement_timeout`) before the request answers 503",
    positiveSeconds.default(2),
  ),
  PASSWORD_HASH_CONCURRENCY: option(
    'password hashes computed at once (each argon2id hash holds a core and 19 MiB)',
    z.coerce.number().int().min(1).max(256).default(defaultHashConcurrency()),
    { shown: 'cores - 1, at least 1' },
  ),
  PASSWORD_HASH_QUEUE: option(
    'password checks that may wait for a hashing slot, in arrival order; past it a login answers 503 + `Retry-After`',
    z.coerce.number().int().min(0).default(64),
  ),
  SHUTDOWN_TIMEOUT: option(
    'seconds a shutdown (SIGTERM/SIGINT) may take to finish in-flight requests before the process exits anyway (status 1)',
    positiveSeconds.default(10),
  ),
  CORS_ALLOWED_ORIGINS: option(
    'exact allow-list of browser origins (comma-separated), `none` for no cross-origin access; `*` is refused (see [CORS](#the-demo-client-cors-and-the-docs-console))',
    originList.default(['http://127.0.0.1:8001', 'http://localhost:8001']),
  ),
  TOKEN_TTL: option(
    'idle timeout: a token unused this long expires; renewed as it is used; `0` disables',
    seconds.default(10 * 60 * 60),
    { note: '10 h' },
  ),
  TOKEN_MAX_TTL: option(
    'absolute lifetime no renewal can pass; `0` disables',
    seconds.default(30 * 24 * 60 * 60),
    { note: '30 days' },
  ),
  TOKEN_REFRESH_INTERVAL: option(
    'the renewal is written at most this often per token (capped at `TOKEN_TTL`/2)',
    seconds.default(60),
  ),
  TOKEN_LIMIT_PER_USER: option('maximum live tokens per user', z.coerce.number().int().min(0).default(0), {
    note: 'unlimited',
  }),
  TOKEN_LIMIT_POLICY: option(
    'at the limit: `evict-oldest` (revoke the least recently used) or `reject` (403)',
    z.enum(['evict-oldest', 'reject']).default('evict-oldest'),
  ),
  TOKEN_PURGE_INTERVAL: option(
    'expired tokens and throttle windows are purged by one instance at most this often, triggered by logins; `0` disables (use `manage tokens purge`)',
    seconds.default(60 * 60),
  ),
  TOKEN_SCOPES: option(
    "scopes tokens may be narrowed to, besides Latchkey's own (space- or comma-separated names such as `notes:read notes:write`; see [scopes](#put-latchkey-in-front-of-any-api))",
    scopeList.default([]),
    { shown: 'none' },
  ),
  TOKEN_CUSTOM_MAX_TTL: option(
    'the longest lifetime a token made with its own (CLI `--expires-in`, admin `expires_in`) may have; `0`: no bound (such tokens may never expire)',
    seconds.default(365 * 24 * 60 * 60),
    { note: '365 days' },
  ),
  SESSION_LOGIN: option(
    'login also opens a cookie session (`sessionid` + `csrftoken`, see [sessions](#session-login-csrf-and-the-admin)); off: the API never sets a cookie',
    bool.default(false),
  ),
  SESSION_TTL: option(
    "lifetime of a cookie session (API session login and the admin's), from login; must be > 0 and at most 400 days (the longest cookie browsers keep)",
    seconds
      .refine((v) => v > 0, 'must be > 0: a session cannot last no time')
      .refine(
        (v) => v <= MAX_COOKIE_AGE,
        `must be <= ${MAX_COOKIE_AGE} (400 days, the longest cookie browsers keep)`,
      )
      .default(14 * 24 * 60 * 60),
    { note: '14 days' },
  ),
  SESSION_IDLE_TIMEOUT: option(
    'a cookie session unused this long ends (as if expired); its last use is recorded at most once a minute; must be > 0 and at most SESSION_TTL (a default above it is cut to it)',
    seconds.refine((v) => v > 0, 'must be > 0: a session cannot be idle no time').default(2 * 60 * 60),
    { note: '2 hours' },
  ),
  SESSION_IDLE_TIMEOUT_STAFF: option(
    'the idle timeout of the sessions of staff and superusers (admin power deserves a shorter one); must be > 0 and at most SESSION_TTL (a default above it is cut to it)',
    seconds.refine((v) => v > 0, 'must be > 0: a session cannot be idle no time').default(30 * 60),
    { note: '30 minutes' },
  ),
  TRUST_PROXY: option(
    'take the client IP from the last `X-Forwarded-For` entry and HTTPS from `X-Forwarded-Proto` (secure session cookies, CSRF origin) (only behind a proxy you control)',
    bool.default(false),
  ),
  LOGIN_THROTTLE_USER: option(
    'failed logins per username per window (also wrong old passwords per user); `0` off',
    z.coerce.number().int().min(0).default(10),
  ),
  LOGIN_THROTTLE_IP: option(
    'failed logins per client address (IPv6: per /64) per window; `0` off',
    z.coerce.number().int().min(0).default(50),
  ),
  LOGIN_THROTTLE_WINDOW: option(
    'throttle window in seconds; must be > 0 (turn throttling off with the two limits above)',
    seconds
      .refine(
        (v) => v > 0,
        'must be > 0 (to turn throttling off, set LOGIN_THROTTLE_USER=0 and LOGIN_THROTTLE_IP=0)',
      )
      .default(15 * 60),
  ),
  MAX_BODY_BYTES: option(
    'larger request bodies get 413',
    z.coerce
      .number()
      .int()
      .min(256)
      .default(64 * 1024),
  ),
  VERIFY_CACHE_SIZE: option(
    'verified tokens kept in memory per instance, so a busy key needs no database read; invalidated on every instance through PostgreSQL LISTEN/NOTIFY (PGlite: in-process) and not trusted while the listener is down; `0` turns it off',
    z.coerce.number().int().min(0).default(10_000),
  ),
  VERIFY_CACHE_MAX_AGE: option(
    'seconds a cached token may be served at most (a backstop: revocation never waits for it)',
    seconds.refine((v) => v > 0, 'must be > 0 (VERIFY_CACHE_SIZE=0 turns the cache off)').default(300),
  ),
  LOG_REQUESTS: option(
    'one JSON line per request (method, path, status, time, user id; never secrets)',
    bool.default(true),
  ),
  AUDIT_RETENTION: option(
    'security events (the audit trail) older than this are purged with expired tokens; `0` keeps them forever',
    seconds.default(90 * 24 * 60 * 60),
    { note: '90 days' },
  ),
  DEMO_USER: option('create the `demo` user on a fresh embedded database', bool.default(true)),
} satisfies Record<string, Option>;

type Shape = { [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K]['schema'] };

const schema = z.object(
  Object.fromEntries(Object.entries(OPTIONS).map(([name, o]) => [name, o.schema])) as Shape,
);

/** The validated configuration the entries hand to the database and the app. */
export type Config = z.output<typeof schema>;

/** The option names, as in the environment. */
export const CONFIG_KEYS = Object.keys(schema.shape) as (keyof Config)[];

/**
 * Options given in code (the library entry) rather than the environment: the same names, with typed
 * values (numbers, booleans, lists of origins) or the environment's strings.
 */
export type ConfigOptions = {
  [K in keyof Config]?: (Config[K] extends readonly string[] ? readonly string[] : Config[K]) | string;
};

/** Thrown with a one-line message naming the variable and what is wrong with it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses configuration from an environment-like record (process.env, Deno.env.toObject()).
 * Empty strings count as unset so `PORT= npm start` means "default", as in most twelve-factor tools.
 * So do blank ones: coerced, `TOKEN_TTL=" "` would be 0 and silently disable expiry.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const shown = cleaned[name] === undefined ? '' : ` (got "${redactCredentials(cleaned[name])}")`;
    throw new ConfigError(`invalid ${name}${shown}: ${issue?.message ?? 'invalid value'}`);
  }
  // Rules across options: an idle timeout longer than the session's whole life would mean nothing. A
  // default one is cut to a shorter SESSION_TTL; one set explicitly is an error.
  for (const name of ['SESSION_IDLE_TIMEOUT', 'SESSION_IDLE_TIMEOUT_STAFF'] as const) {
    if (result.data[name] <= result.data.SESSION_TTL) continue;
    if (cleaned[name] === undefined) result.data[name] = result.data.SESSION_TTL;
    else {
      throw new ConfigError(
        `invalid ${name} (got "${cleaned[name]}"): must be <= SESSION_TTL (${result.data.SESSION_TTL})`,
      );
    }
  }
  return result.data;
}

/** A default as README shows it: `unset` for none, lists comma-joined, in code quotes. */
function shownDefault(value: unknown): string {
  if (value === undefined) return 'unset';
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

/** README's configuration table (Markdown), generated from {@link OPTIONS}. */
export function configTable(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]: [string, Option]) => {
    const value = o.shown ?? shownDefault(o.schema.safeParse(undefined).data);
    return `| \`${name}\` | ${o.note ? `${value} (${o.note})` : value} | ${o.meaning} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * An option value as the environment would spell it: lists comma-separated; an empty list is unset when
 * that is the option's default, else `none` (CORS_ALLOWED_ORIGINS: `[]` means no origin at all).
 */
function asEnvironmentValue(key: keyof typeof OPTIONS, value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  if (value.length) return value.join(',');
  const fallback = OPTIONS[key].schema.safeParse(undefined).data;
  return Array.isArray(fallback) && fallback.length === 0 ? '' : 'none';
}

/**
 * Validates options given in code exactly as {@link loadConfig} validates the environment (same rules,
 * same one-line {@link ConfigError}), on top of `env` (default: nothing, so code alone decides). An
 * unknown option name is an error too: a typo must not silently fall back to a default.
 */
export function configFromOptions(
  options: ConfigOptions,
  env: Record<string, string | undefined> = {},
): Config {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [key, value] of Object.entries(options)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      throw new ConfigError(`invalid ${key}: unknown option (expected one of ${CONFIG_KEYS.join(', ')})`);
    }
    if (value !== undefined) merged[key] = asEnvironmentValue(key as keyof typeof OPTIONS, value);
  }
  return loadConfig(merged);
}
