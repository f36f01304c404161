/**
 * @module
 * Recording an event from a handler: the caller (if authenticated), the client address and the user
 * agent are taken from the request, so each handler names only what happened.
 */
import type { Context } from 'hono';
import { eventOrigin, type NewEvent } from '../../auth/events.ts';
import type { AppEnv, Services } from '../../services.ts';

/** Records an event caused by this request (never throws; see EventStore.record). */
export function recordEvent(
  c: Context<AppEnv>,
  services: Pick<Services, 'events' | 'clientIp'>,
  event: Omit<NewEvent, 'actor' | 'clientIp' | 'userAgent'>,
): Promise<void> {
  return services.events.record({
    actor: c.get('user')?.id ?? null,
    ...eventOrigin(c, services.clientIp),
    ...event,
  });
}
