/**
 * @module
 * The environment turned into one typed, validated Config. Every option, its default and its meaning
 * live here (README's configuration table mirrors this file). A bad value stops start-up with one line
 * naming the variable, so an operator never runs with a silently ignored setting.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), 'expected true/false/1/0')
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

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

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// or postgresql:// URL'),
  LATCHKEY_DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL connections per instance (measured: 4 beat 10 on a 2-core machine, scripts/bench/README.md). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(4),
  /** Seconds to open a PostgreSQL connection before the request answers 503. */
  DATABASE_CONNECT_TIMEOUT: positiveSeconds.default(2),
  /** Seconds a query may wait for a free pooled connection before the request answers 503. */
  DATABASE_POOL_TIMEOUT: positiveSeconds.default(2),
  /** Seconds one statement may run (PostgreSQL's statement_timeout) before the request answers 503. */
  DATABASE_STATEMENT_TIMEOUT: positiveSeconds.default(2),
  /** Password hashes computed at once: cores - 1, at least 1 (each argon2id hash holds 19 MiB). */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(defaultHashConcurrency()),
  /** Password checks allowed to wait for a hashing slot; past it a login answers 503 + Retry-After. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).default(64),
  /** Seconds a shutdown may take to finish in-flight requests before the process exits anyway. */
  SHUTDOWN_TIMEOUT: positiveSeconds.default(10),
  CORS_ALLOWED_ORIGINS: originList.default(['http://127.0.0.1:8001', 'http://localhost:8001']),
  TOKEN_TTL: seconds.default(10 * 60 * 60),
  TOKEN_MAX_TTL: seconds.default(30 * 24 * 60 * 60),
  TOKEN_REFRESH_INTERVAL: seconds.default(60),
  TOKEN_LIMIT_PER_USER: z.coerce.number().int().min(0).default(0),
  TOKEN_LIMIT_POLICY: z.enum(['evict-oldest', 'reject']).default('evict-oldest'),
  TOKEN_PURGE_INTERVAL: seconds.default(60 * 60),
  SESSION_LOGIN: bool.default(false),
  SESSION_TTL: seconds
    .refine((v) => v > 0, 'must be > 0: a session cannot last no time')
    .default(14 * 24 * 60 * 60),
  TRUST_PROXY: bool.default(false),
  LOGIN_THROTTLE_USER: z.coerce.number().int().min(0).default(10),
  LOGIN_THROTTLE_IP: z.coerce.number().int().min(0).default(50),
  LOGIN_THROTTLE_WINDOW: seconds.default(15 * 60),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .default(64 * 1024),
  LOG_REQUESTS: bool.default(true),
  DEMO_USER: bool.default(true),
});

/** The validated configuration the entries hand to the database and the app. */
export type Config = z.output<typeof schema>;

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
    const shown = cleaned[name] === undefined ? '' : ` (got "${cleaned[name]}")`;
    throw new ConfigError(`invalid ${name}${shown}: ${issue?.message ?? 'invalid value'}`);
  }
  return result.data;
}
