/**
 * @module
 * The sessions area: list and end the caller's own cookie sessions.
 */
import type { Services } from '../../services.ts';
import { createRouter, mounted } from '../factory.ts';
import { sessionHandlers } from './sessions.handlers.ts';
import { endSession, listSessions } from './sessions.routes.ts';

/** Mounts GET /rest-auth/sessions/ and DELETE /rest-auth/sessions/{id}/. */
export function sessionRoutes(services: Services) {
  const handlers = sessionHandlers(services);
  return createRouter()
    .openapi(mounted(services, listSessions), handlers.list)
    .openapi(mounted(services, endSession), handlers.end);
}
