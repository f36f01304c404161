/**
 * @module
 * The audit trail's area: GET /admin/api/events/ (staff) and GET /rest-auth/events/ (the caller's own).
 */
import type { Services } from '../../services.ts';
import { staffOnly } from '../admin/index.ts';
import { createRouter, mounted } from '../factory.ts';
import { eventHandlers } from './events.handlers.ts';
import { adminListEvents, listMyEvents } from './events.routes.ts';

/** Mounts the two event lists. */
export function eventRoutes(services: Services) {
  const handlers = eventHandlers(services);
  return createRouter()
    .openapi(mounted(services, adminListEvents, staffOnly), handlers.adminList)
    .openapi(mounted(services, listMyEvents), handlers.mine);
}
