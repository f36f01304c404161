/**
 * @module
 * Contracts of the caller's own token list and single-token revocation. Keys are never shown again
 * after login: a token is named by its public id, its label and the key's first characters.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, insufficientScopeResponse, jsonResponse, TokenReachFields } from '../schemas.ts';

const when = (description: string) => z.string().datetime().openapi({ description });

/** One of the caller's tokens, as listed. */
export const TokenInfo = z
  .object({
    id: z.string().openapi({ description: 'Public identifier (not secret): use it to revoke the token' }),
    label: z.string().openapi({ description: 'Given at login, or derived from the User-Agent' }),
    prefix: z.string().openapi({ description: "The key's first characters, to recognise it" }),
    created: when('When the token was issued'),
    last_used: when(
      'When the token was last used (recorded at most once per TOKEN_REFRESH_INTERVAL); null: never',
    ).nullable(),
    expiry: when('When the token expires unless used again; null: never').nullable(),
    current: z.boolean().openapi({ description: 'Whether this is the token that made this request' }),
    ...TokenReachFields,
  })
  .openapi('TokenInfo');

const example = [
  {
    id: '3kTz9QmWp0aXcV7b',
    label: 'Firefox on Linux',
    prefix: 'lk_4Vq8y',
    created: '2026-11-01T09:00:00.000Z',
    last_used: '2026-11-02T17:45:12.000Z',
    expiry: '2026-11-03T03:45:12.000Z',
    current: true,
    scopes: null,
    idle_timeout: 36000,
    max_expiry: '2026-12-01T09:00:00.000Z',
  },
  {
    id: 'Q1w2E3r4T5y6U7i8',
    label: 'deploy',
    prefix: 'lk_9Hd2k',
    created: '2026-10-28T12:00:00.000Z',
    last_used: null,
    expiry: '2027-01-26T12:00:00.000Z',
    current: false,
    scopes: ['notes:read'],
    idle_timeout: null,
    max_expiry: '2027-01-26T12:00:00.000Z',
  },
];

export const listTokens = createRoute({
  method: 'get',
  path: '/rest-auth/tokens/',
  operationId: 'listTokens',
  tags: ['tokens'],
  summary: "List the caller's tokens (one per login), newest first",
  description:
    'Never shows a key. `current` marks the token this request was made with. Expired tokens are left out.',
  security: [{ Token: ['tokens:read'] }],
  responses: {
    200: jsonResponse(z.array(TokenInfo).openapi('TokenList'), "The caller's live tokens", example),
    ...errorResponses(401),
    403: insufficientScopeResponse,
    ...errorResponses(405),
  },
});

export const revokeToken = createRoute({
  method: 'delete',
  path: '/rest-auth/tokens/{id}/',
  operationId: 'revokeToken',
  tags: ['tokens'],
  summary: "Revoke one of the caller's tokens (e.g. a lost device)",
  description:
    "Revoking the current token logs this client out. Another user's token id answers 404 exactly like an unknown id.",
  security: [{ Token: ['tokens:write'] }],
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'Q1w2E3r4T5y6U7i8' }),
    }),
  },
  responses: {
    204: { description: 'Revoked: the token no longer authenticates' },
    ...errorResponses(401),
    403: insufficientScopeResponse,
    ...errorResponses(404, 405),
  },
});
