/**
 * @module
 * Handlers of the token list: the caller's own tokens only, never the key.
 */
import { ApiError, MESSAGES } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { recordEvent } from '../events/record.ts';
import { type AppRouteHandler, currentUser } from '../factory.ts';
import { tokenReach } from '../schemas.ts';
import type { listTokens, revokeToken } from './tokens.routes.ts';

/** Handlers of the tokens area, bound to the app's services. */
export function tokenHandlers(services: Services) {
  const list: AppRouteHandler<typeof listTokens> = async (c) => {
    const user = currentUser(c);
    const current = c.get('tokenId');
    const now = new Date();
    const rows = await services.tokens.list(user.id);
    return c.json(
      rows
        .filter((row) => !services.tokens.isExpired(row, now))
        .map((row) => ({
          id: row.id,
          label: row.label,
          prefix: row.prefix,
          created: row.createdAt.toISOString(),
          last_used: row.lastUsedAt?.toISOString() ?? null,
          expiry: row.expiresAt?.toISOString() ?? null,
          current: row.id === current,
          ...tokenReach(row, services.tokens),
        })),
      200,
    );
  };

  const revoke: AppRouteHandler<typeof revokeToken> = async (c) => {
    const user = currentUser(c);
    // One statement scoped to the owner: someone else's id is indistinguishable from a missing one.
    const id = c.req.valid('param').id;
    if (!(await services.tokens.revoke(id, user.id))) {
      throw ApiError.detail(404, MESSAGES.notFound);
    }
    await recordEvent(c, services, { type: 'token_revoked', outcome: 'success', user: user.id, token: id });
    return c.body(null, 204);
  };

  return { list, revoke };
}
