/**
 * @module
 * The admin API area (/admin/api/): users and tokens, for staff. Each operation authenticates with the
 * schemes its contract declares (token or cookie session), then requires staff; bodies are parsed
 * after that, so an anonymous request learns nothing from validation errors.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ApiError, MESSAGES, validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { createRouter, mounted } from '../factory.ts';
import { adminHandlers } from './admin.handlers.ts';
import * as routes from './admin.routes.ts';
import { AdminStore } from './admin.store.ts';

/** 403 unless the authenticated user is staff. */
export const staffOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('user')?.isStaff) throw ApiError.detail(403, MESSAGES.permissionDenied);
  await next();
};

/** A malformed id in the path names nothing: 404, as Django's URL converters answer. */
const adminHook: typeof validationHook = (result, c) => {
  if (!result.success && (result as { target?: string }).target === 'param') {
    throw ApiError.detail(404, MESSAGES.notFound);
  }
  return validationHook(result, c);
};

/** Mounts the admin API. */
export function adminApiRoutes(services: Services) {
  const handlers = adminHandlers(services, new AdminStore(services.db, services.verifyCache));
  const staff = <R extends RouteConfig>(route: R) => mounted(services, route, staffOnly);
  return createRouter(adminHook)
    .openapi(staff(routes.adminListUsers), handlers.listUsers)
    .openapi(staff(routes.adminCreateUser), handlers.createUser)
    .openapi(staff(routes.adminGetUser), handlers.getUser)
    .openapi(staff(routes.adminUpdateUser), handlers.updateUser)
    .openapi(staff(routes.adminDeleteUser), handlers.deleteUser)
    .openapi(staff(routes.adminListUserTokens), handlers.listUserTokens)
    .openapi(staff(routes.adminCreateUserToken), handlers.createUserToken)
    .openapi(staff(routes.adminRevokeToken), handlers.revokeToken)
    .openapi(staff(routes.adminListUserSessions), handlers.listUserSessions)
    .openapi(staff(routes.adminEndUserSession), handlers.endUserSession);
}
