/**
 * @module
 * The tokens area: list and revoke the caller's own tokens.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireAuth } from '../../auth/authenticate.ts';
import { validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { tokenHandlers } from './tokens.handlers.ts';
import { listTokens, revokeToken } from './tokens.routes.ts';

/** Mounts GET /rest-auth/tokens/ and DELETE /rest-auth/tokens/{id}/. */
export function tokenRoutes(services: Services) {
  const handlers = tokenHandlers(services);
  // Each operation accepts exactly the schemes its contract declares (`security`).
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi({ ...listTokens, middleware: [requireAuth(services, listTokens)] }, handlers.list)
    .openapi({ ...revokeToken, middleware: [requireAuth(services, revokeToken)] }, handlers.revoke);
}
