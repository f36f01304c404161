/**
 * @module
 * Handlers of the caller's own session list: only their sessions, never a session id or digest.
 */
import { clearSessionCookies } from '../../auth/session-cookies.ts';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { adminSession } from '../admin/admin.handlers.ts';
import { recordEvent } from '../events/record.ts';
import { type AppRouteHandler, currentUser } from '../factory.ts';
import type { endSession, listSessions } from './sessions.routes.ts';

/** More live sessions than anyone keeps; the list is not paged (as the token list). */
const MAX_LISTED = 1000;

/** Handlers of the sessions area, bound to the app's services. */
export function sessionHandlers(services: Services) {
  const list: AppRouteHandler<typeof listSessions> = async (c) => {
    const user = currentUser(c);
    const now = new Date();
    const { rows } = await services.sessions.listForUser(user, { limit: MAX_LISTED, offset: 0 }, now);
    const current = c.get('session')?.digest;
    return c.json(
      rows.map((row) => adminSession(row, current)),
      200,
    );
  };

  const end: AppRouteHandler<typeof endSession> = async (c) => {
    const user = currentUser(c);
    const id = c.req.valid('param').id;
    // One statement scoped to the owner: someone else's id is indistinguishable from a missing one.
    const digest = await services.sessions.endByPublicId(user.id, id);
    if (!digest) throw ApiError.detail(404, MESSAGES.notFound);
    if (digest === c.get('session')?.digest) clearSessionCookies(c, services.config.TRUST_PROXY);
    await recordEvent(c, services, {
      type: 'session_ended',
      outcome: 'success',
      user: user.id,
      detail: { via: 'api', session: id },
    });
    return c.body(null, 204);
  };

  return { list, end };
}
