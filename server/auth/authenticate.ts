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
 *
 * Scopes: the Token requirement's list names the scopes a token needs (`[{ Token: ['tokens:read'] }]`;
 * several Token requirements are alternatives, as in OpenAPI). Only operations that declare scopes pay
 * for the check: a set lookup on the row already read. A full-access token (scopes null) and a cookie
 * session (the real user in a browser) pass; a narrowed token without them gets 403 with the RFC 6750
 * challenge (see scopes.ts).
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Config } from '../config.ts';
import { ApiError, MESSAGES } from '../errors.ts';
import { reply } from '../front-door.ts';
import { csrfFailed, csrfProblem } from './csrf.ts';
import { type EventStore, eventOrigin } from './events.ts';
import { hasAllScopes, insufficientScope } from './scopes.ts';
import { csrfPolicy, readCsrfCookie, readCsrfHeader, requestSession } from './session-cookies.ts';
import type { SessionStore } from './sessions.ts';
import type { AuthUser, TokenStore, TokenWithUser } from './token-store.ts';
import { isWellFormedKey } from './tokens.ts';

/** What the middleware puts on the context for handlers. */
export interface AuthVariables {
  user: AuthUser;
  /** The id of the token that authenticated this request (token scheme only). */
  tokenId: string;
  /** That token's scopes; null: full access (token scheme only). */
  tokenScopes: readonly string[] | null;
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
  /** The declared scopes, to catch a contract naming an undeclared one (optional for library callers). */
  scopes?: { has(name: string): boolean };
  config: Pick<Config, 'TRUST_PROXY' | 'CORS_ALLOWED_ORIGINS'>;
  /** The audit trail, told of CSRF failures (optional for a library user's own routes). */
  events?: EventStore;
  clientIp?: (c: Context) => string;
}

const KEYWORDS = new Set(['token', 'bearer']);
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** The separators of Python's bytes.split() besides the space that a header value can hold. */
const OTHER_SEPARATORS = /[\t\v\f]/;

/**
 * Extracts the key from an Authorization header the way DRF does. Returns undefined when the header
 * is absent or uses another scheme (then the request simply carries no token credentials); throws
 * a 401 for a malformed token header.
 */
export function parseAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // Nearly every header is "<keyword> <key>": one space, not first or last, and no other whitespace.
  // It splits into exactly those two parts, without the general split's arrays.
  const space = header.indexOf(' ');
  if (
    space > 0 &&
    space < header.length - 1 &&
    header.indexOf(' ', space + 1) === -1 &&
    !OTHER_SEPARATORS.test(header)
  ) {
    if (!KEYWORDS.has(header.slice(0, space).toLowerCase())) return undefined;
    const key = header.slice(space + 1);
    if (!PRINTABLE_ASCII.test(key)) throw ApiError.unauthorized(MESSAGES.invalidCharacters);
    return key;
  }
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
 * The scope lists of which a token must satisfy one (OpenAPI's alternatives); empty: no scope needed.
 * A list that is itself empty means no scope is needed at all.
 */
export type ScopeRequirement = readonly (readonly string[])[];

/** Whether `granted` (null: full access) satisfies one of the alternatives of `required`. */
export function satisfies(granted: readonly string[] | null, required: ScopeRequirement): boolean {
  if (granted === null || required.length === 0) return true;
  return required.some((scopes) => hasAllScopes(granted, scopes));
}

/** Every scope named by a requirement, for the challenge of a refusal. */
export function namedScopes(required: ScopeRequirement): string[] {
  return [...new Set(required.flat())];
}

const CHALLENGE = { 'www-authenticate': 'Token' } as const;

/** The 401 bodies, serialized once per message (there are a handful). */
const REFUSAL_BODIES = new Map<string, string>();

/** DRF's 401 for a token failure, exactly as {@link ApiError.unauthorized} renders it. */
export function refuse(c: Context, detail: string): Response {
  let body = REFUSAL_BODIES.get(detail);
  if (body === undefined) {
    body = JSON.stringify({ detail });
    if (REFUSAL_BODIES.size < 64) REFUSAL_BODIES.set(detail, body);
  }
  return reply(c, body, 401, CHALLENGE);
}

/**
 * Requires a valid token, and with `scopes`, one with those scopes. On success sets `user`, `tokenId`
 * and `tokenScopes`; otherwise answers 401 with DRF's message and `WWW-Authenticate: Token`, or 403
 * with the insufficient_scope challenge.
 */
export function requireToken(
  store: TokenStore,
  scopes: ScopeRequirement = [],
): MiddlewareHandler<{ Variables: AuthVariables }> {
  type Answer = Response | Promise<unknown>;
  const admit = (
    c: Context<{ Variables: AuthVariables }>,
    next: Next,
    found: TokenWithUser | string,
  ): Answer => {
    if (typeof found === 'string') return refuse(c, found);
    c.set('user', found.user);
    c.set('tokenId', found.token.id);
    c.set('tokenScopes', found.token.scopes);
    return next();
  };
  // Not async: a cached key is admitted, and a refusal answered, without a promise of this middleware's
  // own. Hono awaits whatever a middleware returns; its type asks for a promise only.
  const middleware = (c: Context<{ Variables: AuthVariables }>, next: Next): Answer => {
    const found = verifyToken(store, c.req.header('authorization'), scopes);
    return found instanceof Promise ? found.then((result) => admit(c, next, result)) : admit(c, next, found);
  };
  return middleware as unknown as MiddlewareHandler<{ Variables: AuthVariables }>;
}

/**
 * The token check itself, shared by {@link requireToken} and the library's middleware: parses the
 * Authorization header, finds the key, rejects expired keys and inactive users (and, given `scopes`,
 * tokens without them), renews the sliding expiry. The common refusals come back as the 401's DRF
 * message (answer it with {@link refuse}) rather than thrown, so forged keys and missing credentials
 * never unwind through the middleware chain; a malformed header (401) or missing scope (403) throws
 * its {@link ApiError}. A key served from the verify cache, with no renewal due, is answered
 * synchronously; anything that needs the database comes back as a promise.
 */
export function verifyToken(
  store: TokenStore,
  header: string | undefined,
  scopes: ScopeRequirement = [],
): TokenWithUser | string | Promise<TokenWithUser | string> {
  const key = parseAuthorization(header);
  if (key === undefined) return MESSAGES.notAuthenticated;
  if (!isWellFormedKey(key)) return MESSAGES.invalidToken;
  const found = store.lookup(key);
  return found instanceof Promise
    ? found.then((row) => judge(store, row, scopes))
    : judge(store, found, scopes);
}

/** The verdict on a looked-up token: refusal message, or the token after its renewal (if one is due). */
function judge(
  store: TokenStore,
  found: TokenWithUser | undefined,
  scopes: ScopeRequirement,
): TokenWithUser | string | Promise<TokenWithUser> {
  const now = new Date();
  if (!found || store.isExpired(found.token, now)) return MESSAGES.invalidToken;
  if (!found.user.isActive) return MESSAGES.inactive;
  if (scopes.length > 0 && !satisfies(found.token.scopes, scopes)) {
    throw insufficientScope(namedScopes(scopes));
  }
  const renewal = store.touch(found.token, now);
  return renewal === undefined ? found : renewal.then(() => found);
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
  options: { schemes: readonly Scheme[]; scopes?: ScopeRequirement },
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const acceptsToken = options.schemes.includes('token');
  const acceptsSession = options.schemes.includes('session');
  if (!acceptsToken && !acceptsSession) throw new Error('authenticate: no scheme given');
  if (!acceptsSession) return requireToken(deps.tokens, options.scopes);
  const token = acceptsToken ? requireToken(deps.tokens, options.scopes) : undefined;
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
 * The scopes a token needs for an operation: the lists of its Token requirements (alternatives).
 * `[{ Token: ['a', 'b'] }]`: a and b; `[{ Token: ['a'] }, { Token: ['b'] }]`: a or b; `[{ Token: [] }]`:
 * none. `known` (the declared scopes) catches a typo in a contract at start-up.
 */
export function scopesOf(
  security: readonly Record<string, unknown>[] | undefined,
  known?: { has(name: string): boolean },
): ScopeRequirement {
  const lists: string[][] = [];
  for (const requirement of security ?? []) {
    const scopes = requirement.Token;
    if (!Array.isArray(scopes)) continue;
    for (const name of scopes) {
      if (known && !known.has(String(name))) {
        throw new Error(`a route contract requires scope "${name}", which is not declared`);
      }
    }
    lists.push(scopes.map(String));
  }
  return lists.some((list) => list.length === 0) ? [] : lists;
}

/**
 * The authentication an operation declares, enforced: the middleware for `route.security` (schemes,
 * and the Token requirement's scopes), so the contract and the server cannot disagree. Throws at
 * start-up for a route that declares no scheme.
 */
export function requireAuth(
  deps: AuthDeps,
  route: { security?: readonly Record<string, unknown>[] | undefined },
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const schemes = schemesOf(route.security);
  if (!schemes.length) throw new Error('requireAuth: the route declares no security scheme');
  return authenticate(deps, { schemes, scopes: scopesOf(route.security, deps.scopes) });
}
