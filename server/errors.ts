/**
 * @module
 * Every error response in Django REST Framework's shape: `{"detail": "..."}` for request-level errors,
 * `{"<field>": ["..."]}` / `{"non_field_errors": ["..."]}` for validation errors. Handlers throw
 * {@link ApiError}; stores throw domain errors (a taken username, the token limit, a throttled attempt)
 * that {@link asApiError} maps to their responses here, in one place; `onError` renders both, and turns
 * framework errors (malformed bodies, body limits) into the same shape, so no input ever produces a 500
 * with a stack trace.
 */
import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { HashQueueFullError } from './auth/hash-limiter.ts';
import { LifetimeError } from './auth/lifetimes.ts';
import { ThrottledError } from './auth/throttle.ts';
import { TokenLimitError } from './auth/token-store.ts';
import { DuplicateUserError } from './auth/user-store.ts';
import { errorSummary } from './db/errors.ts';
import { databaseErrorCode, isDatabaseUnavailable } from './db/failures.ts';

/** DRF's exact messages, shared by middleware, handlers and tests. */
export const MESSAGES = {
  notAuthenticated: 'Authentication credentials were not provided.',
  noCredentials: 'Invalid token header. No credentials provided.',
  spaces: 'Invalid token header. Token string should not contain spaces.',
  invalidCharacters: 'Invalid token header. Token string should not contain invalid characters.',
  invalidToken: 'Invalid token.',
  inactive: 'User inactive or deleted.',
  permissionDenied: 'You do not have permission to perform this action.',
  badCredentials: 'Unable to log in with provided credentials.',
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  notNull: 'This field may not be null.',
  nullCharacters: 'Null characters are not allowed.',
  notFound: 'Not found.',
  loggedOut: 'Successfully logged out.',
  tooLarge: 'Request body is too large.',
  unavailable: 'The service is temporarily unavailable, try again shortly.',
} as const;

/** Seconds a 503 asks the client to wait (Retry-After): reconnecting takes well under this. */
export const RETRY_AFTER_SECONDS = 1;

type Body = Record<string, unknown>;

/** An error response with a DRF body; thrown anywhere below a route, rendered by {@link onError}. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: Body,
    readonly headers: Record<string, string> = {},
  ) {
    // An ApiError is an answer, not a bug: no stack trace to capture (it was the main cost of a 401).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${status}`);
    Error.stackTraceLimit = stackTraceLimit;
  }

  /** A `{"detail": message}` error. */
  static detail(status: ContentfulStatusCode, message: string, headers?: Record<string, string>): ApiError {
    return new ApiError(status, { detail: message }, headers);
  }

  /** 401 with `WWW-Authenticate: Token`, as DRF's TokenAuthentication answers. */
  static unauthorized(message: string): ApiError {
    return ApiError.detail(401, message, { 'WWW-Authenticate': 'Token' });
  }

  /** 503 with Retry-After: the database (or the password hasher) cannot take the request now. */
  static unavailable(message: string = MESSAGES.unavailable): ApiError {
    return ApiError.detail(503, message, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }

  /** 400 with DRF validation errors (`{"field": ["..."]}`). */
  static validation(errors: Record<string, string[]>): ApiError {
    return new ApiError(400, errors);
  }
}

/**
 * Maps zod issues to DRF's `{"field": ["message"]}` (path-less issues become `non_field_errors`).
 * `input` is the validated value: zod 4 does not report inputs, and DRF tells a missing field
 * ("This field is required.") from a wrong one.
 */
export function validationErrors(error: ZodError, input: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const record = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : undefined;
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    const message =
      issue.path.length === 0 && issue.code === 'invalid_type'
        ? `Invalid data. Expected a dictionary, but got ${describe(input)}.`
        : issue.code === 'invalid_type' && record?.[field] === undefined
          ? MESSAGES.required
          : issue.code === 'invalid_type' && record?.[field] === null
            ? MESSAGES.notNull
            : issue.message;
    out[field] = [...(out[field] ?? []), message];
  }
  return out;
}

/** DRF's (Python's) name for the type of a JSON value, for "Expected a dictionary, but got ...". */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'string' ? 'str' : typeof value;
}

/** The zod-openapi default hook: a failed request validation becomes a DRF 400. */
export function validationHook(
  result: { success: boolean; error?: ZodError; data?: unknown },
  _c: Context,
): undefined {
  // @hono/zod-validator passes the raw input as `data` on failure too (not in its types).
  if (!result.success && result.error) throw ApiError.validation(validationErrors(result.error, result.data));
  return undefined;
}

/**
 * The response an error stands for: an {@link ApiError} as it is, a domain error as the API answers it
 * (DRF's words and statuses); undefined for anything else.
 */
export function asApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof ThrottledError) {
    return ApiError.detail(429, err.message, { 'Retry-After': String(err.wait) });
  }
  if (err instanceof TokenLimitError) return ApiError.detail(403, err.message);
  if (err instanceof LifetimeError) return ApiError.validation({ [err.field]: [err.message] });
  if (err instanceof DuplicateUserError) return ApiError.validation({ username: [err.message] });
  if (err instanceof HashQueueFullError) return ApiError.unavailable(err.message);
  if (isDatabaseUnavailable(err)) return ApiError.unavailable();
  return undefined;
}

/** Renders any thrown error as a DRF response; unexpected errors are logged and answered with a plain 500. */
export function onError(log: (line: Record<string, unknown>) => void): ErrorHandler {
  return (thrown, c) => {
    if (isDatabaseUnavailable(thrown)) {
      // One line per failed request, without the query or its parameters (they may hold digests).
      log({ level: 'warn', msg: 'database unavailable', path: c.req.path, error: databaseErrorCode(thrown) });
    }
    const err = asApiError(thrown) ?? thrown;
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      return c.json(err.body, err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      if (status === 413) return c.json({ detail: MESSAGES.tooLarge }, 413);
      if (status === 415) {
        const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
        return c.json({ detail: `Unsupported media type "${type}" in request.` }, 415);
      }
      return c.json({ detail: err.message || 'Bad request.' }, status);
    }
    // Class and SQLSTATE only: a query error's message holds its parameters (hashes, typed passwords).
    log({ level: 'error', msg: 'unhandled error', path: c.req.path, ...errorSummary(err) });
    return c.json({ detail: 'A server error occurred.' }, 500);
  };
}

/** `{"detail": "..."}`, for the contract. */
export const DetailSchema = z
  .object({ detail: z.string() })
  .openapi('Detail', { example: { detail: MESSAGES.invalidToken } });

/** `{"field": ["..."], "non_field_errors": ["..."]}`, for the contract. */
export const ValidationErrorSchema = z
  .record(z.string(), z.array(z.string()))
  .openapi('ValidationError', { example: { non_field_errors: [MESSAGES.badCredentials] } });

/**
 * Any 400 of an operation with a body: field errors, or `{"detail": "JSON parse error - ..."}` when the
 * body could not be read at all (DRF answers both with 400).
 */
export const BadRequestSchema = z
  .union([ValidationErrorSchema, DetailSchema])
  .openapi('BadRequest', { example: { password: [MESSAGES.required] } });
