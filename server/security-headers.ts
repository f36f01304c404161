/**
 * @module
 * Response headers that keep browsers from misusing what the server sends:
 *
 * - every response: `X-Content-Type-Options: nosniff` and `Cache-Control: no-store` (API answers carry
 *   keys, usernames and e-mails; a shared cache or the browser's disk must not keep them). Part of
 *   the front door's plain header record (front-door.ts), so they cost no `Headers` object on the
 *   token-check path; static files, the contract and the pages set their own Cache-Control, which is
 *   kept.
 * - the pages that hold keys in storage (`/`, `/docs`) and the admin: a strict Content-Security-Policy
 *   (scripts and styles from this origin only, no inline code, no framing), X-Frame-Options DENY,
 *   Referrer-Policy, and (hono/secure-headers) the cross-origin isolation headers; HSTS when the page
 *   was served over HTTPS (the request's scheme, or X-Forwarded-Proto with TRUST_PROXY).
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { isHttps } from './auth/csrf.ts';

/** The CSP of the pages: nothing inline, nothing from elsewhere, never framed. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/** HSTS for pages served over HTTPS: a year, subdomains included. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** nosniff and no-store on every response (added by the front door; a handler may set its own Cache-Control). */
export const API_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

/** The headers of an HTML page (demo, docs console, admin). */
export function pageHeaders(trustProxy: boolean): MiddlewareHandler {
  const base = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: false,
  });
  return async (c, next) => {
    await base(c, next);
    if (isHttps(c, trustProxy)) c.header('Strict-Transport-Security', HSTS);
  };
}
