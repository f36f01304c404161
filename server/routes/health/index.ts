/**
 * @module
 * Liveness and readiness probes for load balancers: /healthz answers while the process runs, /readyz
 * only while the database answers too.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { RETRY_AFTER_SECONDS } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { createRouter } from '../factory.ts';
import { errorResponses, errors, jsonResponse } from '../schemas.ts';

const Status = z.object({ status: z.string() }).openapi('HealthStatus');

const healthz = createRoute({
  method: 'get',
  path: '/healthz/',
  operationId: 'healthz',
  tags: ['health'],
  summary: 'Liveness: the process is up',
  security: [],
  responses: { 200: jsonResponse(Status, 'Alive', { status: 'ok' }), ...errorResponses(405) },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz/',
  operationId: 'readyz',
  tags: ['health'],
  summary: 'Readiness: the database answers',
  security: [],
  responses: {
    200: jsonResponse(Status, 'Ready to serve', { status: 'ok' }),
    405: errors[405],
    503: {
      ...jsonResponse(Status, 'The database does not answer (within DATABASE_*_TIMEOUT)', {
        status: 'database unavailable',
      }),
      headers: { 'Retry-After': { schema: { type: 'integer' as const, example: RETRY_AFTER_SECONDS } } },
    },
  },
});

/** Mounts /healthz and /readyz. */
export function healthRoutes(services: Services) {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' }, 200))
    .openapi(readyz, async (c) => {
      try {
        await services.db.execute(sql`select 1`);
        return c.json({ status: 'ok' }, 200);
      } catch {
        c.header('Retry-After', String(RETRY_AFTER_SECONDS));
        return c.json({ status: 'database unavailable' }, 503);
      }
    });
}
