/**
 * @module
 * The environment turned into one typed, validated Config. Every option, its default and its meaning
 * live here (README's configuration table mirrors this file). A bad value stops start-up with one line
 * naming the variable, so an operator never runs with a silently ignored setting.
 */
import { z } from 'zod';

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
    .refine(
      (v) => v <= MAX_COOKIE_AGE,
      `must be <= ${MAX_COOKIE_AGE} (400 days, the longest cookie browsers keep)`,
    )
    .default(14 * 24 * 60 * 60),
  TRUST_PROXY: bool.default(false),
  LOGIN_THROTTLE_USER: z.coerce.number().int().min(0).default(10),
  LOGIN_THROTTLE_IP: z.coerce.number().int().min(0).default(50),
  LOGIN_THROTTLE_WINDOW: seconds
    .refine(
      (v) => v > 0,
      'must be > 0 (to turn throttling off, set LOGIN_THROTTLE_USER=0 and LOGIN_THROTTLE_IP=0)',
    )
    .default(15 * 60),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .default(64 * 1024),
  LOG_REQUESTS: bool.default(true),
  AUDIT_RETENTION: seconds.default(90 * 24 * 60 * 60),
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
    const shown = cleaned[name] === undefined ? '' : ` (got "${redactCredentials(cleaned[name])}")`;
    throw new ConfigError(`invalid ${name}${shown}: ${issue?.message ?? 'invalid value'}`);
  }
  return result.data;
}
