/**
 * @module
 * The admin API area (/admin/api/): users and tokens, for staff. Each operation authenticates with the
 * schemes its contract declares (token or cookie session), then requires staff; bodies are parsed
 * after that, so an anonymous request learns nothing from validation errors.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireAuth } from '../../auth/authenticate.ts';
import { ApiError, MESSAGES, validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { drfBody } from '../body.ts';
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
  const guard = (route: { security?: Record<string, unknown>[] }, withBody = false) => [
    requireAuth(services, route) as MiddlewareHandler,
    staffOnly,
    ...(withBody ? drfBody(services.config.MAX_BODY_BYTES) : []),
  ];
  return new OpenAPIHono<AppEnv>({ defaultHook: adminHook })
    .openapi({ ...routes.adminListUsers, middleware: guard(routes.adminListUsers) }, handlers.listUsers)
    .openapi(
      { ...routes.adminCreateUser, middleware: guard(routes.adminCreateUser, true) },
      handlers.createUser,
    )
    .openapi({ ...routes.adminGetUser, middleware: guard(routes.adminGetUser) }, handlers.getUser)
    .openapi(
      { ...routes.adminUpdateUser, middleware: guard(routes.adminUpdateUser, true) },
      handlers.updateUser,
    )
    .openapi({ ...routes.adminDeleteUser, middleware: guard(routes.adminDeleteUser) }, handlers.deleteUser)
    .openapi(
      { ...routes.adminListUserTokens, middleware: guard(routes.adminListUserTokens) },
      handlers.listUserTokens,
    )
    .openapi(
      { ...routes.adminCreateUserToken, middleware: guard(routes.adminCreateUserToken, true) },
      handlers.createUserToken,
    )
    .openapi(
      { ...routes.adminRevokeToken, middleware: guard(routes.adminRevokeToken) },
      handlers.revokeToken,
    );
}
