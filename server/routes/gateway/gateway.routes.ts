/**
 * @module
 * Contracts of the gateway operations: forward auth for reverse proxies (nginx `auth_request`, Caddy
 * `forward_auth`, Traefik ForwardAuth, Envoy ext_authz) and RFC 7662 token introspection for services
 * that receive a key and must check it.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { MESSAGES } from '../../errors.ts';
import { errorResponses, errors, insufficientScopeResponse, jsonResponse, requestBody } from '../schemas.ts';

const identityHeader = (description: string, example: string) => ({
  description,
  required: true,
  schema: { type: 'string' as const, example },
});

/** The identity headers of a successful verification (the proxy copies them to the upstream request). */
export const IDENTITY_HEADERS = {
  userId: 'X-Auth-User-Id',
  username: 'X-Auth-Username',
  tokenId: 'X-Auth-Token-Id',
  scopes: 'X-Auth-Scopes',
  staff: 'X-Auth-Staff',
} as const;

/** The body of a successful verification: the same facts as the identity headers. */
export const VerifiedIdentity = z
  .object({
    user_id: z.number().int(),
    username: z.string(),
    token_id: z.string(),
    scopes: z
      .array(z.string())
      .openapi({ description: "The token's scopes (full access: every declared one)" }),
    is_staff: z.boolean(),
  })
  .openapi('VerifiedIdentity', {
    example: {
      user_id: 2,
      username: 'alice',
      token_id: '3kTz9QmWp0aXcV7b',
      scopes: ['notes:read'],
      is_staff: false,
    },
  });

const verifyContract = {
  path: '/auth/verify/',
  tags: ['gateway'],
  summary: "Forward auth: a reverse proxy checks the client's key before passing a request upstream",
  description: [
    "The proxy calls this with the client's `Authorization` header. Every method answers alike (GET, HEAD, POST, PUT, PATCH, DELETE; a plain OPTIONS gets 204): Envoy keeps the client's method.",
    '2xx: pass the request on; 200 carries the identity headers, which the proxy must copy to the upstream request after removing any the client sent (the README configs do).',
    'A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`, seen in `X-Forwarded-Method` or `X-Original-Method` when the proxy sends a GET) passes with 204 and no identity, so the upstream can answer it.',
    '`scope` (space- or comma-separated, or repeated) names scopes the protected route requires, all of them: a narrowed token without one gets 403 with the insufficient_scope challenge.',
    'A malformed Authorization header answers as test_auth does. `X-Auth-Username` is percent-encoded outside printable ASCII.',
  ].join('\n\n'),
  security: [{ Token: [] }],
  request: {
    query: z.object({
      scope: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .openapi({
          param: { name: 'scope', in: 'query' },
          description: 'Scopes the protected route requires (declared names), all of them',
          example: 'notes:write',
        }),
    }),
  },
  responses: {
    200: {
      ...jsonResponse(
        VerifiedIdentity,
        'The key is valid (and has the scopes asked for): pass the request on',
      ),
      headers: {
        [IDENTITY_HEADERS.userId]: identityHeader("The user's id", '2'),
        [IDENTITY_HEADERS.username]: identityHeader(
          'The username (percent-encoded outside printable ASCII)',
          'alice',
        ),
        [IDENTITY_HEADERS.tokenId]: identityHeader("The token's public id", '3kTz9QmWp0aXcV7b'),
        [IDENTITY_HEADERS.scopes]: identityHeader(
          "The token's scopes, space-separated (full access: every declared one)",
          'notes:read',
        ),
        [IDENTITY_HEADERS.staff]: identityHeader('`true` or `false`', 'false'),
      },
    },
    204: { description: 'A CORS preflight: pass it on without identity' },
    400: jsonResponse(
      z.record(z.string(), z.array(z.string())),
      'The proxy asked for an undeclared or malformed scope (a configuration error)',
      {
        scope: ['Unknown scope "notes:delete".'],
      },
    ),
    ...errorResponses(401),
    403: insufficientScopeResponse,
  },
};

/** GET /auth/verify/: what nginx, Caddy and Traefik send (HEAD answers alike, without a body). */
export const verify = createRoute({ ...verifyContract, method: 'get', operationId: 'verify' });
/** The other methods answer alike: Envoy's ext_authz keeps the client's method. */
export const verifyPost = createRoute({ ...verifyContract, method: 'post', operationId: 'verifyPost' });
export const verifyPut = createRoute({ ...verifyContract, method: 'put', operationId: 'verifyPut' });
export const verifyPatch = createRoute({ ...verifyContract, method: 'patch', operationId: 'verifyPatch' });
export const verifyDelete = createRoute({ ...verifyContract, method: 'delete', operationId: 'verifyDelete' });

/** Body of an introspection request (RFC 7662 section 2.1). */
export const IntrospectionRequest = z
  .object({
    token: z
      .string({ error: 'Not a valid string.' })
      .min(1, MESSAGES.blank)
      .max(512, 'Ensure this field has no more than 512 characters.')
      .openapi({ description: 'The key to check' }),
    token_type_hint: z
      .string({ error: 'Not a valid string.' })
      .max(64)
      .optional()
      .openapi({ description: 'Ignored (only one kind of token exists)' }),
  })
  .openapi('IntrospectionRequest', { example: { token: 'lk_4Vq8yTzR2mXo0bN7cLk5HsPe9uWd1FaGj3Q0aZb' } });

const ActiveToken = z
  .object({
    active: z.literal(true),
    scope: z.string().openapi({ description: 'Space-separated scopes (full access: every declared one)' }),
    username: z.string(),
    sub: z.string().openapi({ description: "The user's id" }),
    jti: z.string().openapi({ description: "The token's public id" }),
    iat: z.number().int().openapi({ description: 'Issued at (seconds since the epoch)' }),
    exp: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Expires at unless used again (seconds); absent: never' }),
    token_type: z.literal('Token'),
    is_staff: z.boolean(),
  })
  .openapi('ActiveToken');

const InactiveToken = z.object({ active: z.literal(false) }).openapi('InactiveToken');

export const introspect = createRoute({
  method: 'post',
  path: '/auth/introspect/',
  operationId: 'introspect',
  tags: ['gateway'],
  summary: 'Token introspection (RFC 7662): is this key active, whose is it, what may it do',
  description:
    'The caller authenticates with its own token, which needs the `introspection` scope given explicitly (admin API or CLI), or belongs to staff. Anything unknown, malformed, expired, revoked or of an inactive user answers exactly `{"active": false}`. Counts as a use of the key (renews its idle timeout).',
  security: [{ Token: ['introspection'] }],
  request: { body: requestBody(IntrospectionRequest, { multipart: false }) },
  responses: {
    200: jsonResponse(
      z.union([ActiveToken, InactiveToken]).openapi('Introspection'),
      'The state of the key',
      {
        active: true,
        scope: 'notes:read',
        username: 'alice',
        sub: '2',
        jti: '3kTz9QmWp0aXcV7b',
        iat: 1_793_000_000,
        exp: 1_793_036_000,
        token_type: 'Token',
        is_staff: false,
      },
    ),
    400: jsonResponse(errors[400].content['application/json'].schema, 'No `token`, or a malformed body', {
      token: [MESSAGES.required],
    }),
    ...errorResponses(401),
    403: {
      ...insufficientScopeResponse,
      description: 'The caller is neither staff nor holds an explicit `introspection` scope',
    },
    ...errorResponses(405, 413, 415),
  },
});
