/**
 * @module
 * Contract pieces shared by several API areas: the error responses every operation documents, request
 * bodies as DRF reads them, and the public user shape.
 */
import { z } from '@hono/zod-openapi';
import type { TokenStore } from '../auth/token-store.ts';
import type { Token, User } from '../db/schema.ts';
import { BadRequestSchema, DetailSchema, MESSAGES } from '../errors.ts';

/** The user as the API shows it (dj-rest-auth's UserDetailsSerializer). */
export const UserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
  })
  .openapi('User', { example: { id: 1, username: 'demo', email: '', first_name: '', last_name: '' } });

/** What every token listing shows about a token's reach and lifetime (the caller's list, the admin's). */
export const TokenReachFields = {
  scopes: z
    .array(z.string())
    .nullable()
    .openapi({ description: 'The scopes this token may use; null: full access (every scope)' }),
  idle_timeout: z
    .number()
    .int()
    .nullable()
    .openapi({ description: 'Seconds of non-use after which it expires; null: no idle timeout' }),
  max_expiry: z
    .string()
    .datetime()
    .nullable()
    .openapi({ description: 'When it expires however much it is used; null: never' }),
};

/** The {@link TokenReachFields} of a token row. */
export function tokenReach(
  row: Pick<Token, 'scopes' | 'createdAt' | 'customLifetime' | 'idleTtl' | 'maxExpiresAt'>,
  store: Pick<TokenStore, 'lifetime'>,
) {
  const lifetime = store.lifetime(row);
  return {
    scopes: row.scopes,
    idle_timeout: lifetime.idleTtl,
    max_expiry: lifetime.maxExpiresAt?.toISOString() ?? null,
  };
}

/** A user row in the {@link UserSchema} shape. */
export function publicUser(user: Pick<User, 'id' | 'username' | 'email' | 'firstName' | 'lastName'>) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
  };
}

/**
 * A request body as DRF reads it: JSON, form-encoded and (unless `multipart: false`) multipart, all
 * validated by `schema`. Not `required: true`: zod-openapi would then run the form validator on JSON too.
 */
export function requestBody<T extends z.ZodType>(
  schema: T,
  options?: { multipart: true },
): {
  content: {
    'application/json': { schema: T };
    'application/x-www-form-urlencoded': { schema: T };
    'multipart/form-data': { schema: T };
  };
};
export function requestBody<T extends z.ZodType>(
  schema: T,
  options: { multipart: false },
): {
  content: { 'application/json': { schema: T }; 'application/x-www-form-urlencoded': { schema: T } };
};
export function requestBody<T extends z.ZodType>(schema: T, { multipart = true } = {}) {
  const content = {
    'application/json': { schema },
    'application/x-www-form-urlencoded': { schema },
  };
  return { content: multipart ? { ...content, 'multipart/form-data': { schema } } : content };
}

const json = <T extends z.ZodType>(schema: T, description: string, example?: unknown) => ({
  description,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});

const detail = (description: string, message: string) => json(DetailSchema, description, { detail: message });

/** Responses shared across operations, keyed by status. */
export const errors = {
  400: json(BadRequestSchema, 'Invalid input: field errors, or `detail` for a malformed body', {
    password: [MESSAGES.required],
  }),
  401: {
    ...detail('Missing, malformed, unknown, revoked or expired credentials', MESSAGES.invalidToken),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' as const, example: 'Token' } } },
  },
  403: detail('Authenticated but not allowed', MESSAGES.permissionDenied),
  404: detail('No such resource (or not yours)', MESSAGES.notFound),
  405: {
    ...detail('Method not allowed on this path', 'Method "GET" not allowed.'),
    headers: { Allow: { schema: { type: 'string' as const, example: 'POST, OPTIONS' } } },
  },
  413: detail('Request body larger than MAX_BODY_BYTES', MESSAGES.tooLarge),
  415: detail('Unsupported Content-Type', 'Unsupported media type "text/plain" in request.'),
  429: {
    ...detail('Too many attempts', 'Request was throttled. Expected available in 60 seconds.'),
    headers: { 'Retry-After': { schema: { type: 'integer' as const, example: 60 } } },
  },
} as const;

const challenge = {
  description:
    'On a refusal for a missing scope: the scopes that would have been enough (with alternatives, all of them)',
  schema: { type: 'string' as const, example: 'Token error="insufficient_scope", scope="tokens:read"' },
};

/**
 * The challenge header of a 403 that may be a missing scope (RFC 6750's insufficient_scope); other
 * refusals under the same status (not staff, CSRF) have none, hence `required: false`.
 */
export const scopeChallengeHeader = { 'WWW-Authenticate': { ...challenge, required: false } };

/** 403 of an operation that requires scopes: the token lacks one (only narrowed tokens can). */
export const insufficientScopeResponse = {
  ...detail(
    'The token lacks a scope this operation requires (a narrowed token); `WWW-Authenticate` names it',
    MESSAGES.permissionDenied,
  ),
  headers: { 'WWW-Authenticate': { ...challenge, required: true } },
};

/** Picks shared error responses by status. */
export function errorResponses<K extends keyof typeof errors>(...statuses: K[]): Pick<typeof errors, K> {
  return Object.fromEntries(statuses.map((s) => [s, errors[s]])) as Pick<typeof errors, K>;
}

/** A JSON response documentation entry. */
export { json as jsonResponse };
