/**
 * @module
 * Handlers of the audit trail's two views: the admin's (every event, filtered and paged) and the
 * caller's own recent events.
 */
import { publicEvent } from '../../auth/events.ts';
import type { Services } from '../../services.ts';
import { pageOf, pageRequest } from '../admin/paging.ts';
import { type AppRouteHandler, currentUser } from '../factory.ts';
import { type adminListEvents, type listMyEvents, OWN_EVENTS_LIMIT } from './events.routes.ts';

/** Handlers of the events area, bound to the app's services. */
export function eventHandlers(services: Services) {
  const adminList: AppRouteHandler<typeof adminListEvents> = async (c) => {
    const query = c.req.valid('query');
    const paging = pageRequest(query);
    const filter = {
      user: query.user ? Number(query.user) : undefined,
      type: query.type,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
    };
    const { count, rows } = await services.events.list(filter, paging.size, paging.offset);
    return c.json(pageOf(c, paging, count, rows.map(publicEvent)), 200);
  };

  const mine: AppRouteHandler<typeof listMyEvents> = async (c) => {
    const rows = await services.events.recentFor(currentUser(c).id, OWN_EVENTS_LIMIT);
    return c.json(rows.map(publicEvent), 200);
  };

  return { adminList, mine };
}
