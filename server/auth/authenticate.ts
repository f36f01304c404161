/**
 * @module
 * The `Authorization: Token <key>` middleware, compatible with DRF's TokenAuthentication: the same
 * parsing rules and the same messages, plus `Bearer` as an alias. Malformed keys and keys with a bad
 * checksum are rejected before any database read. Hono's bearerAuth is not used: its messages and
 * status handling differ from DRF's.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, MESSAGES } from '../errors.ts';
import type { AuthUser, TokenStore } from './token-store.ts';
import { isWellFormedKey } from './tokens.ts';

/** What the middleware puts on the context for handlers. */
export interface AuthVariables {
  user: AuthUser;
  /** The id of the token that authenticated this request. */
  tokenId: string;
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
  const parts = header.split(' ').filter((part) => part !== '');
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
