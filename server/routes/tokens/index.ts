/**
 * @module
 * The tokens area: list and revoke the caller's own tokens.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireToken } from '../../auth/authenticate.ts';
import { validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { tokenHandlers } from './tokens.handlers.ts';
import { listTokens, revokeToken } from './tokens.routes.ts';

/** Mounts GET /rest-auth/tokens/ and DELETE /rest-auth/tokens/{id}/. */
export function tokenRoutes(services: Services) {
  const handlers = tokenHandlers(services);
  const auth = requireToken(services.tokens);
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi({ ...listTokens, middleware: [auth] }, handlers.list)
    .openapi({ ...revokeToken, middleware: [auth] }, handlers.revoke);
}
