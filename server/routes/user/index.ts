/**
 * @module
 * The account area: the caller's details and password change.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireAuth } from '../../auth/authenticate.ts';
import { validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { drfBody } from '../body.ts';
import { userHandlers } from './user.handlers.ts';
import { changePassword, getUser, updateUser } from './user.routes.ts';

/** Mounts GET|PATCH /rest-auth/user/ and POST /rest-auth/password/change/. */
export function userRoutes(services: Services) {
  const handlers = userHandlers(services);
  const body = drfBody(services.config.MAX_BODY_BYTES);
  // Each operation accepts exactly the schemes its contract declares (`security`).
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi({ ...getUser, middleware: [requireAuth(services, getUser)] }, handlers.get)
    .openapi({ ...updateUser, middleware: [requireAuth(services, updateUser), ...body] }, handlers.update)
    .openapi(
      { ...changePassword, middleware: [requireAuth(services, changePassword), ...body] },
      handlers.change,
    );
}
