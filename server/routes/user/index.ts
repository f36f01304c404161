/**
 * @module
 * The account area: the caller's details and password change.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireToken } from '../../auth/authenticate.ts';
import { validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { drfBody } from '../body.ts';
import { userHandlers } from './user.handlers.ts';
import { changePassword, getUser, updateUser } from './user.routes.ts';

/** Mounts GET|PATCH /rest-auth/user/ and POST /rest-auth/password/change/. */
export function userRoutes(services: Services) {
  const handlers = userHandlers(services);
  const auth = requireToken(services.tokens);
  const body = drfBody(services.config.MAX_BODY_BYTES);
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi({ ...getUser, middleware: [auth] }, handlers.get)
    .openapi({ ...updateUser, middleware: [auth, ...body] }, handlers.update)
    .openapi({ ...changePassword, middleware: [auth, ...body] }, handlers.change);
}
