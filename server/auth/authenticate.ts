/**
 * @module
 * Authentication middleware. Each operation declares in its contract (`security`) which schemes it
 * accepts, and {@link requireAuth} enforces exactly those, tried in DRF's order (token, then session):
 *
 * - `Token`: `Authorization: Token <key>`, compatible with DRF's TokenAuthentication (the same parsing
 *   rules and messages, plus `Bearer` as an alias). Malformed keys and keys with a bad checksum are
 *   rejected before any database read. Hono's bearerAuth is not used: its messages and status handling
 *   differ from DRF's.
 * - `Session`: the `sessionid` cookie, as DRF's SessionAuthentication: an unknown, expired or inactive
 *   user's session counts as no credentials, and an unsafe method must pass the CSRF check.
 *
 * A token-only operation gets {@link requireToken} itself, so the token path costs what it always did.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { ApiError, MESSAGES } from '../errors.ts';
import { csrfFailed, csrfProblem } from './csrf.ts';
import { type EventStore, eventOrigin } from './events.ts';
import { csrfPolicy, readCsrfCookie, readCsrfHeader, requestSession } from './session-cookies.ts';
import type { SessionStore } from './sessions.ts';
import type { AuthUser, TokenStore } from './token-store.ts';
import { isWellFormedKey } from './tokens.ts';

/** What the middleware puts on the context for handlers. */
export interface AuthVariables {
  user: AuthUser;
  /** The id of the token that authenticated this request (token scheme only). */
  tokenId: string;
  /** The session that authenticated this request (session scheme only). */
  session: { digest: string; csrfSecret: string };
}

/** The authentication schemes an operation can declare. */
export type Scheme = 'token' | 'session';

/** The contract's security scheme names (components.securitySchemes) for each scheme. */
export const SCHEME_NAMES = { Token: 'token', Session: 'session' } as const satisfies Record<string, Scheme>;

/** What the middleware needs from the app's services. */
export interface AuthDeps {
  tokens: TokenStore;
  sessions: SessionStore;
  config: Pick<Config, 'TRUST_PROXY' | 'CORS_ALLOWED_ORIGINS'>;
  /** The audit trail, told of CSRF failures (optional for a library user's own routes). */
  events?: EventStore;
  clientIp?: (c: Context) => string;
}

const KEYWORDS = new Set(['token', 'bearer']);
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Extracts the key from an Authorization header the way DRF does. Returns undefined when the header
 * is absent or uses another scheme (then the request simply carries no token credentials); throws
 * a 401 for a malformed token header.
 */
export function parseAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // Python's bytes.split(): any ASCII whitespace separates (a tab inside the key means "spaces").
  const parts = header.split(/[ \t\v\f]+/).filter((part) => part !== '');
  if (!parts.length || !KEYWORDS.has((parts[0] as string).toLowerCase())) return undefined;
  if (parts.length === 1) throw ApiError.unauthorized(MESSAGES.noCredentials);
  if (parts.length > 2) throw ApiError.unauthorized(MESSAGES.spaces);
  const key = parts[1] as string;
  if (!PRINTABLE_ASCII.test(key)) throw ApiError.unauthorized(MESSAGES.invalidCharacters);
  return key;
}

/**
 * Requires a valid token. On success sets `user` and `tokenId`; otherwise answers 401 with DRF's
 * message and `WWW-Authenticate: Token`.
 */
export function requireToken(store: TokenStore): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const key = parseAuthorization(c.req.header('authorization'));
    if (key === undefined) throw ApiError.unauthorized(MESSAGES.notAuthenticated);
    if (!isWellFormedKey(key)) throw ApiError.unauthorized(MESSAGES.invalidToken);
    const found = await store.find(key);
    const now = new Date();
    if (!found || store.isExpired(found.token, now)) throw ApiError.unauthorized(MESSAGES.invalidToken);
    if (!found.user.isActive) throw ApiError.unauthorized(MESSAGES.inactive);
    await store.touch(found.token, now);
    c.set('user', found.user);
    c.set('tokenId', found.token.id);
    await next();
  };
}

/**
 * Requires credentials of one of `schemes`, tried in the order token, session (DRF's order in
 * dj-rest-auth setups): a request that sends a token is judged by it alone, so a token never needs CSRF.
 * Without usable credentials: 401 `Authentication credentials were not provided.`, with
 * `WWW-Authenticate: Token` when the token scheme is accepted (else 403, as DRF answers when no
 * accepted scheme has a challenge).
 */
export function authenticate(
  deps: AuthDeps,
  options: { schemes: readonly Scheme[] },
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const acceptsToken = options.schemes.includes('token');
  const acceptsSession = options.schemes.includes('session');
  if (!acceptsToken && !acceptsSession) throw new Error('authenticate: no scheme given');
  if (!acceptsSession) return requireToken(deps.tokens);
  const token = acceptsToken ? requireToken(deps.tokens) : undefined;
  const policy = csrfPolicy(deps.config);
  return async (c, next) => {
    if (token && parseAuthorization(c.req.header('authorization')) !== undefined) return token(c, next);
    const found = await requestSession(c, deps);
    if (found?.user.isActive) {
      const problem = csrfProblem(c, policy, {
        cookie: readCsrfCookie(c),
        submitted: readCsrfHeader(c),
        expected: found.session.csrfSecret,
      });
      if (problem) {
        await deps.events?.record({
          type: 'csrf_failed',
          outcome: 'failure',
          actor: found.user.id,
          user: found.user.id,
          ...(deps.clientIp ? eventOrigin(c, deps.clientIp) : {}),
          detail: { reason: problem, path: c.req.path },
        });
        throw csrfFailed(problem);
      }
      c.set('user', found.user);
      c.set('session', found.session);
      return next();
    }
    if (acceptsToken) throw ApiError.unauthorized(MESSAGES.notAuthenticated);
    throw ApiError.detail(403, MESSAGES.notAuthenticated);
  };
}

/** The schemes an operation's contract declares (`security: [{ Token: [] }, { Session: [] }]`). */
export function schemesOf(security: readonly Record<string, unknown>[] | undefined): Scheme[] {
  const schemes: Scheme[] = [];
  for (const requirement of security ?? []) {
    for (const name of Object.keys(requirement)) {
      const scheme = SCHEME_NAMES[name as keyof typeof SCHEME_NAMES];
      if (!scheme) throw new Error(`unknown security scheme "${name}" in a route contract`);
      if (!schemes.includes(scheme)) schemes.push(scheme);
    }
  }
  return schemes;
}

/**
 * The authentication an operation declares, enforced: the middleware for `route.security`, so the
 * contract and the server cannot disagree. Throws at start-up for a route that declares no scheme.
 */
export function requireAuth(
  deps: AuthDeps,
  route: { security?: readonly Record<string, unknown>[] | undefined },
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const schemes = schemesOf(route.security);
  if (!schemes.length) throw new Error('requireAuth: the route declares no security scheme');
  return authenticate(deps, { schemes });
}
