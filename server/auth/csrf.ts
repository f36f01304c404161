/**
 * @module
 * CSRF protection for cookie-authenticated requests, with Django's rules and messages: a request with
 * an unsafe method must carry the `csrftoken` cookie's value in `X-CSRFToken` (or, for an HTML form,
 * the `csrfmiddlewaretoken` field), and when it says where it comes from (Origin, else Referer) that
 * must be this server's own origin or one in CORS_ALLOWED_ORIGINS. Failures are 403
 * `CSRF Failed: <reason>`. Token-authenticated requests never get here: a browser never attaches an
 * Authorization header on its own, so they cannot be forged cross-site.
 *
 * Django's masked tokens (BREACH mitigation) are not used: the token is never reflected in a
 * compressed response body next to attacker-chosen text, and the cookie value is compared as is.
 */
import type { Context } from 'hono';
import { ApiError } from '../errors.ts';

/** Methods that must not change state, so need no CSRF check (RFC 9110 safe methods). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Name of the script-readable cookie that carries the CSRF token (Django's CSRF_COOKIE_NAME). */
export const CSRF_COOKIE = 'csrftoken';
/** The header a script echoes the token in (Django's CSRF_HEADER_NAME). */
export const CSRF_HEADER = 'x-csrftoken';
/** The hidden field of an HTML form that carries the token. */
export const CSRF_FORM_FIELD = 'csrfmiddlewaretoken';

/** Django's reasons. */
export const CSRF_REASONS = {
  noCookie: 'CSRF cookie not set.',
  missing: 'CSRF token missing.',
  incorrect: 'CSRF token incorrect.',
  badOrigin: (origin: string) => `Origin checking failed - ${origin} does not match any trusted origins.`,
  badReferer: (referer: string) => `Referer checking failed - ${referer} does not match any trusted origins.`,
  malformedReferer: 'Referer checking failed - Referer is malformed.',
} as const;

/** The 403 a failed check answers with. */
export function csrfFailed(reason: string): ApiError {
  return ApiError.detail(403, `CSRF Failed: ${reason}`);
}

/** Whether a method needs the check. */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Whether the request reached us over HTTPS: the URL's scheme, or, behind a trusted proxy only, the
 * first X-Forwarded-Proto value (a client could send anything there when no proxy overwrites it).
 */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (forwarded) return forwarded === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}

/** This server's origin as the browser sees it (scheme per {@link isHttps}, host from the request). */
export function requestOrigin(c: Context, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  const scheme = isHttps(c, trustProxy) ? 'https' : url.protocol.replace(':', '');
  const defaultPort = (scheme === 'https' && url.port === '443') || (scheme === 'http' && url.port === '80');
  return `${scheme}://${url.hostname}${url.port && !defaultPort ? `:${url.port}` : ''}`;
}

/** What a check needs to know about the deployment. */
export interface CsrfPolicy {
  /** Origins other than our own that may send unsafe requests (CORS_ALLOWED_ORIGINS). */
  trustedOrigins: ReadonlySet<string>;
  trustProxy: boolean;
}

/**
 * The origin part of Django's check: a present Origin must be trusted; without Origin, a present
 * Referer must point at a trusted origin. Returns the reason of a failure, or undefined.
 */
export function originProblem(c: Context, policy: CsrfPolicy): string | undefined {
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    if (origin === requestOrigin(c, policy.trustProxy) || policy.trustedOrigins.has(origin)) return undefined;
    return CSRF_REASONS.badOrigin(origin);
  }
  const referer = c.req.header('referer');
  if (referer === undefined || referer === '') return undefined;
  let from: string;
  try {
    from = new URL(referer).origin;
  } catch {
    return CSRF_REASONS.malformedReferer;
  }
  if (from === 'null') return CSRF_REASONS.malformedReferer;
  if (from === requestOrigin(c, policy.trustProxy) || policy.trustedOrigins.has(from)) return undefined;
  return CSRF_REASONS.badReferer(referer);
}

/**
 * The whole check for an unsafe request, in Django's order: origin, cookie, token, comparison.
 * `cookie` is the `csrftoken` cookie's value; `submitted` the header's or form field's; `expected`,
 * when the request is authenticated by a session, that session's secret (so a cookie planted by a
 * sibling subdomain cannot stand in for it). Returns the reason of a failure, or undefined.
 */
export function csrfProblem(
  c: Context,
  policy: CsrfPolicy,
  token: { cookie: string | undefined; submitted: string | undefined; expected?: string | undefined },
): string | undefined {
  if (!isUnsafeMethod(c.req.method)) return undefined;
  const origin = originProblem(c, policy);
  if (origin) return origin;
  if (!token.cookie) return CSRF_REASONS.noCookie;
  if (!token.submitted) return CSRF_REASONS.missing;
  if (!constantTimeEqual(token.submitted, token.cookie)) return CSRF_REASONS.incorrect;
  if (token.expected !== undefined && !constantTimeEqual(token.submitted, token.expected)) {
    return CSRF_REASONS.incorrect;
  }
  return undefined;
}
