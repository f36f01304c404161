/**
 * @module
 * Request bodies the DRF way: JSON, form-encoded (any charset parameter) or multipart, chosen by
 * Content-Type. Runs before zod-openapi's validators so that malformed JSON, a JSON body that is not an
 * object, and unsupported media types get DRF's messages instead of the framework's.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { ApiError, describe, MESSAGES, validationErrors } from '../errors.ts';

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isJson(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Hono's bodyLimit with its common case decided from the headers alone: a request without a body (GET,
 * HEAD) or with a Content-Length and no Transfer-Encoding is judged by that length, as bodyLimit judges
 * it, without touching `c.req.raw.body`. Reading that property makes @hono/node-server build a full
 * `Request` with a web stream over the socket, and the body is then read through that stream: about a
 * tenth of a login's own work on the event loop. A chunked body still goes through bodyLimit, which
 * counts its bytes as they arrive.
 */
export function boundedBody(
  maxSize: number,
  onError: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const counted = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    return Number.parseInt(length, 10) > maxSize ? onError(c) : next();
  };
}

/** Enforces the body size limit and reads the body per its Content-Type, with DRF's errors. */
export function drfBody(maxBytes: number): MiddlewareHandler[] {
  const limit = boundedBody(maxBytes, () => {
    throw ApiError.detail(413, MESSAGES.tooLarge);
  });
  const parse: MiddlewareHandler = async (c, next) => {
    const type = mediaType(c);
    if (type === '') {
      const text = await c.req.text();
      if (text.length > 0) throw ApiError.detail(415, 'Unsupported media type "" in request.');
    } else if (isJson(type)) {
      const text = await c.req.text();
      let parsed: unknown;
      try {
        parsed = text.trim() === '' ? {} : JSON.parse(text);
      } catch (err) {
        throw ApiError.detail(400, `JSON parse error - ${(err as Error).message}`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw ApiError.validation({
          non_field_errors: [`Invalid data. Expected a dictionary, but got ${describe(parsed)}.`],
        });
      }
      // zod-openapi's json validator reads c.req.json(), which re-parses the cached text: an empty
      // body must read as the empty object it stands for (DRF: "This field is required.").
      c.req.bodyCache.json = Promise.resolve(parsed);
      if (text.trim() === '') (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve('{}');
    } else if (!FORM_TYPES.has(type)) {
      throw ApiError.detail(415, `Unsupported media type "${type}" in request.`);
    }
    await next();
  };
  return [limit, parse];
}

/**
 * The validated body whatever its media type. zod-openapi validates JSON and form bodies; a request
 * with no body at all is validated here as an empty object (so missing fields get "This field is required.").
 */
export function validBody<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const type = mediaType(c);
  // The validated target depends on the runtime Content-Type, which the static route types cannot know.
  const req = c.req as unknown as { valid(target: 'json' | 'form'): z.output<S> };
  if (isJson(type)) return withoutNulls(req.valid('json'));
  if (FORM_TYPES.has(type)) return withoutNulls(req.valid('form'));
  const result = schema.safeParse({});
  if (!result.success) throw ApiError.validation(validationErrors(result.error, {}));
  return result.data;
}

/**
 * Django's ProhibitNullCharactersValidator: a NUL in a text field is a 400 on that field. PostgreSQL
 * cannot store one (the query would fail), and no legitimate username, password or label has one.
 */
function withoutNulls<T>(body: T): T {
  const errors: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string' && value.includes('\u0000')) errors[field] = [MESSAGES.nullCharacters];
  }
  if (Object.keys(errors).length) throw ApiError.validation(errors);
  return body;
}
