/**
 * @module
 * CORS with an exact allow-list, as plain header records the front door (front-door.ts) puts on every
 * response. A request without Origin (curl, same-origin GET, server-to-server), or from an origin not
 * on the list, gets only `Vary: Origin`; an allowed origin gets its Access-Control-Allow-* headers on
 * every answer, error responses (401, 429, ...) included: a browser client needs them to read the error.
 */

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, x-csrftoken, x-requested-with, accept';
const EXPOSED_HEADERS = 'retry-after, www-authenticate';
const MAX_AGE = '86400';

/** What CORS adds to an answer for an allowed origin (the origin itself comes on top). */
export const CORS_ANSWER = {
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': EXPOSED_HEADERS,
} as const;

/** What a preflight for an allowed origin answers (204), besides the origin and credentials. */
export const CORS_PREFLIGHT = {
  'access-control-allow-methods': ALLOWED_METHODS,
  'access-control-allow-headers': ALLOWED_HEADERS,
  'access-control-max-age': MAX_AGE,
} as const;

/**
 * `Vary: Origin` on every response, not only those to cross-origin requests: otherwise a cache could
 * store an answer without CORS headers and serve it to an allowed origin, whose browser then blocks it.
 */
export const VARY_ORIGIN = { vary: 'Origin' } as const;

/** Whether `origin` is on the allow-list (exact scheme://host:port matches). */
export function corsAllowList(allowed: readonly string[]): (origin: string | undefined) => boolean {
  const origins = new Set(allowed);
  if (origins.size === 0) return () => false;
  return (origin) => origin !== undefined && origins.has(origin);
}
