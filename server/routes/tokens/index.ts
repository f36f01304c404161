/**
 * @module
 * The tokens area: list and revoke the caller's own tokens.
 */
import type { Services } from '../../services.ts';
import { createRouter, mounted } from '../factory.ts';
import { tokenHandlers } from './tokens.handlers.ts';
import { listTokens, revokeToken } from './tokens.routes.ts';

/** Mounts GET /rest-auth/tokens/ and DELETE /rest-auth/tokens/{id}/. */
export function tokenRoutes(services: Services) {
  const handlers = tokenHandlers(services);
  return createRouter()
    .openapi(mounted(services, listTokens), handlers.list)
    .openapi(mounted(services, revokeToken), handlers.revoke);
}
