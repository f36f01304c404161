/**
 * @module
 * The account area: the caller's details and password change.
 */
import type { Services } from '../../services.ts';
import { createRouter, mounted } from '../factory.ts';
import { userHandlers } from './user.handlers.ts';
import { changePassword, getUser, updateUser } from './user.routes.ts';

/** Mounts GET|PATCH /rest-auth/user/ and POST /rest-auth/password/change/. */
export function userRoutes(services: Services) {
  const handlers = userHandlers(services);
  return createRouter()
    .openapi(mounted(services, getUser), handlers.get)
    .openapi(mounted(services, updateUser), handlers.update)
    .openapi(mounted(services, changePassword), handlers.change);
}
