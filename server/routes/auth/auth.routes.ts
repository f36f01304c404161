/**
 * @module
 * Contracts of the dj-rest-auth compatible login and logout operations.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ScopesField } from '../../auth/scopes.ts';
import { BadRequestSchema, DetailSchema, MESSAGES } from '../../errors.ts';
import {
  errorResponses,
  errors,
  jsonResponse,
  requestBody,
  scopeChallengeHeader,
  UserSchema,
} from '../schemas.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = () => z.string({ error: 'Not a valid string.' });

/**
 * DRF's CharField takes a JSON number as its text (`"username": 123` looks up user "123"); other
 * non-strings are refused. The contract still documents a string.
 */
const charField = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v), schema);

/** Login credentials. `username` or `email` identifies the user (dj-rest-auth accepts either). */
export const LoginBody = z
  .object({
    username: charField(text().max(150)).optional().openapi({ example: 'demo' }),
    email: charField(text())
      .optional()
      .refine((v) => !v || EMAIL.test(v), 'Enter a valid email address.')
      .openapi({ description: 'Alternative to username' }),
    password: charField(
      text().min(1, MESSAGES.blank).max(4096, 'Ensure this field has no more than 4096 characters.'),
    ).openapi({ example: 'correct horse battery staple' }),
    label: z
      .string({ error: 'Not a valid string.' })
      .max(200, 'Ensure this field has no more than 200 characters.')
      .optional()
      .openapi({ description: 'Names this token (device); defaults to one derived from the User-Agent' }),
    scopes: ScopesField.optional(),
  })
  .openapi('LoginRequest');

export const LoginResponse = z
  .object({
    key: z
      .string()
      .openapi({ description: 'The token key, shown only here. Send it as `Authorization: Token <key>`.' }),
    expiry: z
      .string()
      .datetime()
      .nullable()
      .openapi({ description: 'When the token expires unless used; null: never' }),
    user: UserSchema,
  })
  .openapi('LoginResponse', {
    example: {
      key: 'lk_4Vq8yTzR2mXo0bN7cLk5HsPe9uWd1FaGj3Q0aZb',
      expiry: '2026-11-30T03:00:00.000Z',
      user: { id: 1, username: 'demo', email: '', first_name: '', last_name: '' },
    },
  });

export const login = createRoute({
  method: 'post',
  path: '/rest-auth/login/',
  operationId: 'login',
  tags: ['auth'],
  summary: 'Log in and get a new token',
  description:
    'Checks the credentials and issues a new token for this client. JSON, form-encoded and multipart bodies are accepted, as by DRF. Any Authorization header is ignored.',
  security: [],
  request: { body: requestBody(LoginBody) },
  responses: {
    200: jsonResponse(LoginResponse, 'Logged in: the new token (shown once) and the user'),
    400: jsonResponse(BadRequestSchema, 'Bad credentials, inactive user, invalid fields, or malformed JSON', {
      non_field_errors: [MESSAGES.badCredentials],
    }),
    ...errorResponses(403, 405, 413, 415, 429),
  },
});

const loggedOut = jsonResponse(DetailSchema, 'The token is revoked', { detail: MESSAGES.loggedOut });

export const logout = createRoute({
  method: 'post',
  path: '/rest-auth/logout/',
  operationId: 'logout',
  tags: ['auth'],
  summary: 'Log out: revoke the presented token (and end the cookie session)',
  description:
    'Revokes the token that made the request. A cookie session that came with the request (SESSION_LOGIN, or the admin page) is ended too and its cookies expired; a cookie-authenticated logout needs X-CSRFToken.',
  security: [{ Token: [] }, { Session: [] }],
  responses: { 200: loggedOut, ...errorResponses(401, 403, 405) },
});

export const logoutAll = createRoute({
  method: 'post',
  path: '/rest-auth/logoutall/',
  operationId: 'logoutAll',
  tags: ['auth'],
  summary: "Log out everywhere: revoke all of the caller's tokens and end all their sessions",
  description: 'A narrowed token needs the `tokens:write` scope (logout of the token itself needs none).',
  security: [{ Token: ['tokens:write'] }, { Session: [] }],
  responses: {
    200: loggedOut,
    ...errorResponses(401),
    403: {
      ...errors[403],
      description: 'A cookie request that failed the CSRF check, or a token without `tokens:write`',
      headers: scopeChallengeHeader,
    },
    ...errorResponses(405),
  },
});
