/**
 * @module
 * The auth area: login, logout, logout everywhere.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireAuth } from '../../auth/authenticate.ts';
import { validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { drfBody } from '../body.ts';
import { authHandlers } from './auth.handlers.ts';
import * as routes from './auth.routes.ts';

/** Mounts the auth operations. */
export function authRoutes(services: Services) {
  const handlers = authHandlers(services);
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi({ ...routes.login, middleware: drfBody(services.config.MAX_BODY_BYTES) }, handlers.login)
    .openapi({ ...routes.logout, middleware: [requireAuth(services, routes.logout)] }, handlers.logout)
    .openapi(
      { ...routes.logoutAll, middleware: [requireAuth(services, routes.logoutAll)] },
      handlers.logoutAll,
    );
}
