/**
 * @module
 * CORS with an exact allow-list. Lighter than hono/cors on the hot path: a request without Origin
 * (curl, same-origin GET, server-to-server) costs one header lookup and a `Vary` header, and headers
 * are staged on the context before the handler runs, so the response is never rebuilt. Being staged
 * before `next()`, they are on error responses (401, 429, ...) too: a browser client needs them to
 * read the error.
 */
import type { MiddlewareHandler } from 'hono';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, x-csrftoken, x-requested-with, accept';
const EXPOSED_HEADERS = 'retry-after, www-authenticate';
const MAX_AGE = '86400';

/** CORS for the origins in `allowed` (exact scheme://host:port matches). */
export function cors(allowed: readonly string[]): MiddlewareHandler {
  const origins = new Set(allowed);
  return async (c, next) => {
    // Vary on every response, not only those to cross-origin requests: otherwise a cache could store
    // an answer without CORS headers and serve it to an allowed origin, whose browser then blocks it.
    c.header('Vary', 'Origin');
    const origin = c.req.header('origin');
    if (origin === undefined || !origins.has(origin)) return next();
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Credentials', 'true');
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      c.header('Access-Control-Allow-Methods', ALLOWED_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      c.header('Access-Control-Max-Age', MAX_AGE);
      return c.body(null, 204);
    }
    c.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    return next();
  };
}
