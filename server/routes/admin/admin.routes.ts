/**
 * @module
 * Contracts of the admin API under /admin/api/: users and their tokens, for staff only. Every operation
 * accepts a token or the admin page's cookie session (with CSRF on unsafe methods).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { DetailSchema, MESSAGES } from '../../errors.ts';
import { errorResponses, jsonResponse, requestBody, scopeChallengeHeader } from '../schemas.ts';
import {
  AdminSession,
  AdminToken,
  AdminTokenCreate,
  AdminTokenCreated,
  AdminUser,
  AdminUserCreate,
  AdminUserUpdate,
  PageQuery,
  page,
  TokenIdParam,
  UserIdParam,
  UserSessionParams,
} from './admin.schemas.ts';

/** A token needs the `admin` scope (a full-access token has it); the user must be staff either way. */
const security: Record<string, string[]>[] = [{ Token: ['admin'] }, { Session: [] }];
const tags = ['admin'];

/**
 * 403 of the admin: not staff, a superuser-only change, a token without the `admin` scope, or (cookie
 * session) a failed CSRF check.
 */
const forbidden = {
  description:
    'Not staff, a change only a superuser may make, a token without the `admin` scope (named in `WWW-Authenticate`), or a cookie request that failed the CSRF check',
  headers: scopeChallengeHeader,
  content: {
    'application/json': {
      schema: DetailSchema,
      examples: {
        notStaff: { value: { detail: MESSAGES.permissionDenied } },
        csrf: { value: { detail: 'CSRF Failed: CSRF token missing.' } },
      },
    },
  },
};

/** The admin page's forms and scripts send JSON or form-encoded bodies; the contract never offered multipart. */
const body = <T extends z.ZodType>(schema: T) => requestBody(schema, { multipart: false });

export const adminListUsers = createRoute({
  method: 'get',
  path: '/admin/api/users/',
  operationId: 'adminListUsers',
  tags,
  summary: 'List users, with search and paging',
  description:
    '`search` matches username, e-mail, first and last name (case-insensitive; every word must match somewhere). Ordered by id. A page past the end answers 404 `Invalid page.`',
  security,
  request: {
    query: z.object({
      search: z
        .string()
        .optional()
        .openapi({ param: { name: 'search', in: 'query' }, example: 'alice' }),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(page(AdminUser, 'AdminUserPage'), 'One page of users'),
    401: errorResponses(401)[401],
    403: forbidden,
    404: jsonResponse(DetailSchema, 'No such page', { detail: 'Invalid page.' }),
    ...errorResponses(405),
  },
});

export const adminCreateUser = createRoute({
  method: 'post',
  path: '/admin/api/users/',
  operationId: 'adminCreateUser',
  tags,
  summary: 'Create a user',
  security,
  request: { body: body(AdminUserCreate) },
  responses: {
    201: jsonResponse(AdminUser, 'Created'),
    ...errorResponses(400, 401),
    403: forbidden,
    ...errorResponses(405, 413, 415),
  },
});

export const adminGetUser = createRoute({
  method: 'get',
  path: '/admin/api/users/{id}/',
  operationId: 'adminGetUser',
  tags,
  summary: 'Read a user',
  security,
  request: { params: UserIdParam },
  responses: {
    200: jsonResponse(AdminUser, 'The user'),
    401: errorResponses(401)[401],
    403: forbidden,
    ...errorResponses(404, 405),
  },
});

export const adminUpdateUser = createRoute({
  method: 'patch',
  path: '/admin/api/users/{id}/',
  operationId: 'adminUpdateUser',
  tags,
  summary: 'Change a user: active, staff, superuser, password, names, e-mail',
  description:
    "Deactivating a user makes their tokens and sessions fail at once, on every instance (they work again if the user is reactivated, as in DRF). A new password ends all of the user's tokens and sessions except the caller's own. Staff cannot deactivate themselves.",
  security,
  request: { params: UserIdParam, body: body(AdminUserUpdate) },
  responses: {
    200: jsonResponse(AdminUser, 'The changed user'),
    ...errorResponses(400, 401),
    403: forbidden,
    ...errorResponses(404, 405, 413, 415),
  },
});

export const adminDeleteUser = createRoute({
  method: 'delete',
  path: '/admin/api/users/{id}/',
  operationId: 'adminDeleteUser',
  tags,
  summary: 'Delete a user with their tokens and sessions',
  description: 'Staff cannot delete themselves.',
  security,
  request: { params: UserIdParam },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses(400, 401),
    403: forbidden,
    ...errorResponses(404, 405),
  },
});

export const adminListUserTokens = createRoute({
  method: 'get',
  path: '/admin/api/users/{id}/tokens/',
  operationId: 'adminListUserTokens',
  tags,
  summary: "List a user's tokens, newest first, with paging",
  description: 'Never shows a key. Expired tokens not yet purged are listed with their past expiry.',
  security,
  request: { params: UserIdParam, query: z.object(PageQuery) },
  responses: {
    200: jsonResponse(page(AdminToken, 'AdminTokenPage'), 'One page of tokens'),
    401: errorResponses(401)[401],
    403: forbidden,
    404: jsonResponse(DetailSchema, 'No such user, or no such page', { detail: MESSAGES.notFound }),
    ...errorResponses(405),
  },
});

export const adminCreateUserToken = createRoute({
  method: 'post',
  path: '/admin/api/users/{id}/tokens/',
  operationId: 'adminCreateUserToken',
  tags,
  summary: 'Create a token for a user: the key is shown once, in this response',
  description:
    'For scripts and service accounts. By default the token expires like a login (TOKEN_TTL, TOKEN_MAX_TTL); `expires_in` or `expires_at` and `idle_timeout` give it a lifetime of its own, bounded by TOKEN_CUSTOM_MAX_TTL. `scopes` narrows what it may do (declared names only; omitted: full access). It counts towards TOKEN_LIMIT_PER_USER.',
  security,
  request: { params: UserIdParam, body: body(AdminTokenCreate) },
  responses: {
    201: jsonResponse(AdminTokenCreated, 'Created: the key, shown only here'),
    ...errorResponses(400, 401),
    403: forbidden,
    ...errorResponses(404, 405, 413, 415),
  },
});

export const adminRevokeToken = createRoute({
  method: 'delete',
  path: '/admin/api/tokens/{id}/',
  operationId: 'adminRevokeToken',
  tags,
  summary: 'Revoke any token',
  security,
  request: { params: TokenIdParam },
  responses: {
    204: { description: 'Revoked: the token no longer authenticates' },
    401: errorResponses(401)[401],
    403: forbidden,
    ...errorResponses(404, 405),
  },
});

export const adminListUserSessions = createRoute({
  method: 'get',
  path: '/admin/api/users/{id}/sessions/',
  operationId: 'adminListUserSessions',
  tags,
  summary: "List a user's live cookie sessions, newest first, with paging",
  description:
    'Sessions opened by the admin login form or by a REST login with SESSION_LOGIN on. Never shows a session id; `id` is a public identifier to end it with.',
  security,
  request: { params: UserIdParam, query: z.object(PageQuery) },
  responses: {
    200: jsonResponse(page(AdminSession, 'AdminSessionPage'), 'One page of sessions'),
    401: errorResponses(401)[401],
    403: forbidden,
    404: jsonResponse(DetailSchema, 'No such user, or no such page', { detail: MESSAGES.notFound }),
    ...errorResponses(405),
  },
});

export const adminEndUserSession = createRoute({
  method: 'delete',
  path: '/admin/api/users/{id}/sessions/{session_id}/',
  operationId: 'adminEndUserSession',
  tags,
  summary: "End one of a user's cookie sessions",
  description:
    "The session's cookie stops working at once, on every instance. Only a superuser may end a superuser's session.",
  security,
  request: { params: UserSessionParams },
  responses: {
    204: { description: 'Ended: the session no longer authenticates' },
    401: errorResponses(401)[401],
    403: forbidden,
    ...errorResponses(404, 405),
  },
});
