/**
 * @module
 * The front door: the one app-wide middleware every request passes, doing in one step what would
 * otherwise be four middlewares on the token-check path (each `await next()` costs): the request log,
 * the headers every response carries (nosniff, no-store, `Vary: Origin`, CORS for an allowed origin),
 * CORS preflights, and repeated query parameters (query.ts).
 *
 * The common headers are computed before the handler as a plain record, the response head. The hot
 * answers (a token refused, test_auth's greeting) are built with it by {@link reply} as complete
 * responses with plain header records, which @hono/node-server writes without a `Headers` object; every
 * other answer gets the head added after its handler ran, without overriding a header the handler set
 * itself (static files and pages set their own Cache-Control). Nothing on this path calls `c.header()`
 * before the handler: Hono drops headers staged that way when a handler returns a `Response` of its own.
 */
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import { CORS_ANSWER, CORS_PREFLIGHT, corsAllowList, VARY_ORIGIN } from './cors.ts';
import { isRequestLogger, type RequestLogger } from './log.ts';
import { lastQueryValueWins } from './query.ts';
import { API_HEADERS } from './security-headers.ts';
import type { AppEnv, Logger } from './services.ts';

/** Response headers as a plain record (lower-case names). */
export type HeaderRecord = Readonly<Record<string, string>>;

/** The head of a request that carries no allowed Origin: shared, never mutated. */
const PLAIN_HEAD: HeaderRecord = Object.freeze({ ...API_HEADERS, ...VARY_ORIGIN });

const JSON_TYPE = 'application/json';

/** Marks a response built with the head already on it (see {@link reply}). */
const COMPLETE = Symbol('latchkey.completeResponse');

/** What the front door needs. */
export interface FrontDoorOptions {
  /** CORS_ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
  /** The request log; omitted: requests are not logged (LOG_REQUESTS=false). */
  log?: Logger | undefined;
}

/** The front door middleware (see the module comment). */
export function frontDoor(options: FrontDoorOptions): MiddlewareHandler<AppEnv> {
  const allowed = corsAllowList(options.allowedOrigins);
  const log = options.log && requestLine(options.log);
  return async (c, next) => {
    const start = log ? performance.now() : 0;
    const origin = c.req.header('origin');
    let head = PLAIN_HEAD;
    if (allowed(origin)) {
      head = { ...PLAIN_HEAD, 'access-control-allow-origin': origin as string, ...CORS_ANSWER };
      if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
        const { 'access-control-expose-headers': _, ...preflight } = head;
        c.res = complete(new Response(null, { status: 204, headers: { ...preflight, ...CORS_PREFLIGHT } }));
        if (log) logRequest(log, c, start);
        return;
      }
    }
    c.set('responseHead', head);
    lastQueryValueWins(c);
    await next();
    const res = c.res;
    if ((res as { [COMPLETE]?: true })[COMPLETE] !== true) addHead(res.headers, head);
    if (log) logRequest(log, c, start);
  };
}

/**
 * A complete JSON answer: `body` (already serialized), the request's head and `headers`. Used by the
 * answers on the token-check path; behind the front door it is written without a `Headers` object.
 * Without a front door (a developer's app mounting Latchkey's middleware) it is `c.json`, so headers
 * that app staged with `c.header()` (its own CORS, say) are kept.
 */
export function reply(c: Context, body: string, status: 200 | 401 | 403, headers?: HeaderRecord): Response {
  const head = (c as Context<AppEnv>).get('responseHead');
  if (head === undefined) {
    return c.body(body, status, { 'content-type': JSON_TYPE, ...headers });
  }
  return complete(
    new Response(body, { status, headers: { ...head, 'content-type': JSON_TYPE, ...headers } }),
  );
}

/**
 * {@link reply} for a value, typed as `c.json(value, status)` is, so a route handler's answer still
 * checks against its contract.
 */
export function replyJson<T, S extends 200 | 401 | 403>(
  c: Context,
  value: T,
  status: S,
): Response & TypedResponse<T, S, 'json'> {
  return reply(c, JSON.stringify(value), status) as Response & TypedResponse<T, S, 'json'>;
}

function complete(res: Response): Response {
  (res as { [COMPLETE]?: true })[COMPLETE] = true;
  return res;
}

/** Adds the head to a response built without it; a header the handler set stays as it set it. */
function addHead(headers: Headers, head: HeaderRecord): void {
  for (const name in head) {
    if (!headers.has(name)) headers.set(name, head[name] as string);
  }
}

/** How a request's line is written: the logger's own request-line writer, else the object form. */
type RequestLine = RequestLogger['request'];

function requestLine(log: Logger): RequestLine {
  if (isRequestLogger(log)) return log.request;
  return (method, path, status, ms, user) => log({ method, path, status, ms, user });
}

function logRequest(line: RequestLine, c: Context<AppEnv>, start: number): void {
  const ms = Math.round((performance.now() - start) * 10) / 10;
  line(c.req.method, c.req.path, c.res.status, ms, c.get('user')?.id);
}
