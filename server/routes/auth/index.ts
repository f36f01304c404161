/**
 * @module
 * The auth area: login, logout, logout everywhere.
 */
import type { Services } from '../../services.ts';
import { createRouter, mounted } from '../factory.ts';
import { authHandlers } from './auth.handlers.ts';
import * as routes from './auth.routes.ts';

/** Mounts the auth operations. */
export function authRoutes(services: Services) {
  const handlers = authHandlers(services);
  return createRouter()
    .openapi(mounted(services, routes.login), handlers.login)
    .openapi(mounted(services, routes.logout), handlers.logout)
    .openapi(mounted(services, routes.logoutAll), handlers.logoutAll);
}
