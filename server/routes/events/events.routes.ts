/**
 * @module
 * Contracts of the audit trail: the admin's view of every security event (filters, paging) and each
 * user's own recent security activity. Events never hold a secret.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../../auth/events.ts';
import { DetailSchema, MESSAGES } from '../../errors.ts';
import { PageQuery, page } from '../admin/admin.schemas.ts';
import { errorResponses, jsonResponse } from '../schemas.ts';

const types = Object.keys(EVENT_TYPES) as [keyof typeof EVENT_TYPES, ...(keyof typeof EVENT_TYPES)[]];

/** One security event. */
export const AuthEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string().datetime().openapi({ description: 'When it happened' }),
    type: z.string().openapi({
      description: `One of: ${Object.entries(EVENT_TYPES)
        .map(([name, meaning]) => `\`${name}\` (${meaning})`)
        .join('; ')}`,
      example: 'login',
    }),
    outcome: z.string().openapi({ description: '`success` or `failure`', example: 'success' }),
    actor: z.number().int().nullable().openapi({ description: 'Who did it; null: anonymous' }),
    user: z.number().int().nullable().openapi({ description: 'The user it is about' }),
    token: z.string().nullable().openapi({ description: 'The token it is about (public id)' }),
    client_ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).openapi({
      description:
        'Facts of the event: `reason` of a failure, `via` (api or admin), `label`, `fields` changed, flags `before`/`after`',
    }),
  })
  .openapi('AuthEvent', {
    example: {
      id: 41,
      at: '2026-11-02T17:45:12.000Z',
      type: 'login',
      outcome: 'success',
      actor: 2,
      user: 2,
      token: '3kTz9QmWp0aXcV7b',
      client_ip: '192.0.2.10',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      detail: { via: 'api', label: 'Firefox on Linux' },
    },
  });

const staffSecurity: Record<string, string[]>[] = [{ Token: [] }, { Session: [] }];
const tokenSecurity: Record<string, string[]>[] = [{ Token: [] }];

const forbidden = {
  description: 'Not staff, or a cookie request that failed the CSRF check',
  content: { 'application/json': { schema: DetailSchema, example: { detail: MESSAGES.permissionDenied } } },
};

const when = (name: string, description: string) =>
  z
    .string()
    .datetime({ offset: true, message: 'Enter a valid date/time.' })
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: '2026-11-01T00:00:00Z' });

export const adminListEvents = createRoute({
  method: 'get',
  path: '/admin/api/events/',
  operationId: 'adminListEvents',
  tags: ['admin'],
  summary: 'The audit trail: security events, newest first, with filters and paging',
  description:
    'Kept for AUDIT_RETENTION. `user` matches events by or about that user. A page past the end answers 404 `Invalid page.`',
  security: staffSecurity,
  request: {
    query: z.object({
      user: z
        .string()
        .regex(/^[1-9][0-9]{0,8}$/, 'A valid integer is required.')
        .optional()
        .openapi({ param: { name: 'user', in: 'query' }, description: 'A user id', example: '2' }),
      type: z
        .string()
        .refine((v) => (types as string[]).includes(v), 'Not a known event type.')
        .optional()
        .openapi({ param: { name: 'type', in: 'query' }, example: 'login' }),
      since: when('since', 'Only events at or after this time'),
      until: when('until', 'Only events at or before this time'),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(page(AuthEventSchema, 'AuthEventPage'), 'One page of events'),
    400: jsonResponse(z.record(z.string(), z.array(z.string())), 'A bad filter', {
      type: ['Not a known event type.'],
    }),
    401: errorResponses(401)[401],
    403: forbidden,
    404: jsonResponse(DetailSchema, 'No such page', { detail: 'Invalid page.' }),
    ...errorResponses(405),
  },
});

/** How many of their own events a user sees. */
export const OWN_EVENTS_LIMIT = 50;

export const listMyEvents = createRoute({
  method: 'get',
  path: '/rest-auth/events/',
  operationId: 'listMyEvents',
  tags: ['tokens'],
  summary: "The caller's recent security activity (logins, failed logins, password and token changes)",
  description: `The ${OWN_EVENTS_LIMIT} latest events by or about the caller, newest first, kept for AUDIT_RETENTION.`,
  security: tokenSecurity,
  responses: {
    200: jsonResponse(z.array(AuthEventSchema).openapi('AuthEventList'), "The caller's recent events"),
    ...errorResponses(401, 405),
  },
});
