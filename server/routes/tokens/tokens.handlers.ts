/**
 * @module
 * Handlers of the token list: the caller's own tokens only, never the key.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { tokenReach } from '../schemas.ts';
import type { listTokens, revokeToken } from './tokens.routes.ts';

/** Handlers of the tokens area, bound to the app's services. */
export function tokenHandlers(services: Services) {
  const list: RouteHandler<typeof listTokens, AppEnv> = async (c) => {
    const user = c.get('user');
    const current = c.get('tokenId');
    if (!user) throw ApiError.unauthorized(MESSAGES.notAuthenticated);
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

  const revoke: RouteHandler<typeof revokeToken, AppEnv> = async (c) => {
    const user = c.get('user');
    if (!user) throw ApiError.unauthorized(MESSAGES.notAuthenticated);
    // One statement scoped to the owner: someone else's id is indistinguishable from a missing one.
    if (!(await services.tokens.revoke(c.req.valid('param').id, user.id))) {
      throw ApiError.detail(404, MESSAGES.notFound);
    }
    return c.body(null, 204);
  };

  return { list, revoke };
}
