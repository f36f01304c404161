/**
 * @module
 * Contracts of the caller's own cookie sessions (session login, the admin page): list them and end one,
 * as with tokens. A session is shown by a public id, never by its cookie value.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AdminSession } from '../admin/admin.schemas.ts';
import {
  errorResponses,
  errors,
  insufficientScopeResponse,
  jsonResponse,
  scopeChallengeHeader,
} from '../schemas.ts';

export const listSessions = createRoute({
  method: 'get',
  path: '/rest-auth/sessions/',
  operationId: 'listSessions',
  tags: ['sessions'],
  summary: "List the caller's live cookie sessions, newest first",
  description:
    'Sessions opened by the admin login form or by a REST login with SESSION_LOGIN on. `expiry` is when the session ends if left unused from now on (SESSION_IDLE_TIMEOUT, shorter for staff, never past its fixed SESSION_TTL). Expired and idle sessions are left out.',
  security: [{ Token: ['tokens:read'] }, { Session: [] }],
  responses: {
    200: jsonResponse(z.array(AdminSession).openapi('SessionList'), "The caller's live sessions"),
    ...errorResponses(401),
    403: insufficientScopeResponse,
    ...errorResponses(405),
  },
});

const writeSecurity: Record<string, string[]>[] = [{ Token: ['tokens:write'] }, { Session: [] }];

export const endSession = createRoute({
  method: 'delete',
  path: '/rest-auth/sessions/{id}/',
  operationId: 'endSession',
  tags: ['sessions'],
  summary: "End one of the caller's cookie sessions (e.g. a forgotten browser)",
  description:
    "The session's cookie stops working at once, on every instance; ending the current one also expires its cookies. Another user's session id answers 404 exactly like an unknown id. Cookie-authenticated, it needs X-CSRFToken.",
  security: writeSecurity,
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '9f2c4e1a7b3d5c60' }),
    }),
  },
  responses: {
    204: { description: 'Ended: the session no longer authenticates' },
    ...errorResponses(401),
    403: {
      ...errors[403],
      description: 'A cookie request that failed the CSRF check, or a token without `tokens:write`',
      headers: scopeChallengeHeader,
    },
    ...errorResponses(404, 405),
  },
});
