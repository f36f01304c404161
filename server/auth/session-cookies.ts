/**
 * @module
 * The cookies of a cookie session: `sessionid` (HttpOnly, so scripts and XSS cannot read it) and
 * `csrftoken` (readable by scripts, which echo it in X-CSRFToken). Both are SameSite=Lax and Path=/.
 * Over HTTPS both are Secure and the session cookie takes the `__Host-` prefix, which browsers accept
 * only from the host itself over HTTPS (no Domain), so a sibling subdomain cannot plant a session. Over
 * HTTPS only the prefixed cookie is read, for the same reason.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.ts';
import { labelFromUserAgent } from '../routes/auth/user-agent.ts';
import { CSRF_COOKIE, CSRF_FORM_FIELD, CSRF_HEADER, type CsrfPolicy, isHttps } from './csrf.ts';
import type { OpenedSession, SessionStore, SessionWithUser } from './sessions.ts';

/** The session cookie's name without the HTTPS prefix (Django's SESSION_COOKIE_NAME). */
export const SESSION_COOKIE = 'sessionid';

/** What the session helpers need from the app's services. */
export interface SessionDeps {
  sessions: SessionStore;
  config: Pick<Config, 'TRUST_PROXY' | 'CORS_ALLOWED_ORIGINS'>;
}

/** The session cookie's name for this request's scheme. */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** The CSRF policy of a configuration (computed once per app). */
export function csrfPolicy(config: SessionDeps['config']): CsrfPolicy {
  return { trustedOrigins: new Set(config.CORS_ALLOWED_ORIGINS), trustProxy: config.TRUST_PROXY };
}

/** The raw session id the request carries, if any. */
export function readSessionId(c: Context, trustProxy: boolean): string | undefined {
  return getCookie(c, sessionCookieName(isHttps(c, trustProxy))) || undefined;
}

/** The `csrftoken` cookie's value, if any. */
export function readCsrfCookie(c: Context): string | undefined {
  return getCookie(c, CSRF_COOKIE) || undefined;
}

/** The token a script sent in X-CSRFToken, if any. */
export function readCsrfHeader(c: Context): string | undefined {
  return c.req.header(CSRF_HEADER) || undefined;
}

/** The token an HTML form sent (hidden field), else the header's. Reads a form body once. */
export async function readSubmittedCsrf(c: Context): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const field = body[CSRF_FORM_FIELD];
    if (typeof field === 'string' && field !== '') return field;
  }
  return readCsrfHeader(c);
}

/** Sets the script-readable CSRF cookie. */
export function setCsrfCookie(c: Context, value: string, maxAge: number, secure: boolean): void {
  setCookie(c, CSRF_COOKIE, value, { path: '/', sameSite: 'Lax', secure, maxAge });
}

/** Sets both cookies for a session just opened. */
export function setSessionCookies(
  c: Context,
  opened: OpenedSession,
  maxAge: number,
  trustProxy: boolean,
): void {
  const secure = isHttps(c, trustProxy);
  if (secure) {
    setCookie(c, SESSION_COOKIE, opened.id, { prefix: 'host', httpOnly: true, sameSite: 'Lax', maxAge });
  } else {
    setCookie(c, SESSION_COOKIE, opened.id, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge });
  }
  setCsrfCookie(c, opened.csrfSecret, maxAge, secure);
}

/** Expires both cookies in the browser. */
export function clearSessionCookies(c: Context, trustProxy: boolean): void {
  const secure = isHttps(c, trustProxy);
  if (secure) {
    setCookie(c, SESSION_COOKIE, '', { prefix: 'host', httpOnly: true, sameSite: 'Lax', maxAge: 0 });
  } else {
    setCookie(c, SESSION_COOKIE, '', { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 0 });
  }
  setCsrfCookie(c, '', 0, secure);
}

/** The live session of the request with its user (inactive users included), if any. */
export async function requestSession(c: Context, deps: SessionDeps): Promise<SessionWithUser | undefined> {
  const id = readSessionId(c, deps.config.TRUST_PROXY);
  return id === undefined ? undefined : deps.sessions.find(id);
}

/**
 * Opens a session for a user and sets its cookies. Any session the request already carried is ended
 * first (Django's cycle_key on login), so a planted session id cannot be promoted by logging in.
 */
export async function startSession(c: Context, deps: SessionDeps, userId: number): Promise<OpenedSession> {
  const previous = await requestSession(c, deps);
  if (previous) await deps.sessions.end(previous.session.digest);
  const opened = await deps.sessions.open(userId, new Date(), labelFromUserAgent(c.req.header('user-agent')));
  setSessionCookies(c, opened, deps.sessions.ttlSeconds, deps.config.TRUST_PROXY);
  return opened;
}
