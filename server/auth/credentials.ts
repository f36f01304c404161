/**
 * @module
 * The one place that ends a user's other credentials when their password changes: every token but the
 * one the request used. Any new kind of credential (cookie sessions) is revoked here too, so a
 * password change can never leave a stolen credential alive.
 */
import type { SessionStore } from './sessions.ts';
import type { TokenStore } from './token-store.ts';

/** The credentials a user may hold, as stores. */
export interface CredentialStores {
  tokens: TokenStore;
  sessions: SessionStore;
}

/** The credentials of the current request, which survive. */
export interface KeptCredentials {
  /** The token that authenticated the request, if it was a token. */
  tokenId?: string | undefined;
  /** The digest of the cookie session that authenticated the request, if it was a session. */
  sessionDigest?: string | undefined;
}

/** Revokes every credential of `userId` except those in `keep`. Returns how many of each went. */
export async function revokeOtherCredentials(
  stores: CredentialStores,
  userId: number,
  keep: KeptCredentials,
): Promise<{ tokens: number; sessions: number }> {
  const tokens = await stores.tokens.revokeAll(userId, keep.tokenId);
  const sessions = await stores.sessions.endAll(userId, keep.sessionDigest);
  return { tokens, sessions };
}
