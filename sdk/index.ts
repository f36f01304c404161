/**
 * @module
 * The Latchkey SDK: a typed client for every operation in openapi.yaml, on openapi-fetch. Paths,
 * parameters, bodies and responses are typed from `schema.d.ts`, generated from the contract; this
 * file only adds the `Authorization: Token <key>` header and a few conveniences.
 *
 * @example
 * ```ts
 * import { createClient } from '@latchkey/sdk';
 * const api = createClient({ baseUrl: 'http://127.0.0.1:8000' });
 * const { data } = await api.login({ username: 'demo', password: '...' });
 * const authed = createClient({ baseUrl: 'http://127.0.0.1:8000', token: data?.key });
 * const { data: greeting } = await authed.GET('/test_auth/');
 * ```
 */
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };

/** Request body of login. */
export type LoginRequest = components['schemas']['LoginRequest'];
/** Response of a successful login: the key (shown once), its expiry and the user. */
export type LoginResponse = components['schemas']['LoginResponse'];
/** The user as the API shows it. */
export type User = components['schemas']['User'];
/** A user as the admin API shows it. */
export type AdminUser = components['schemas']['AdminUser'];
/** A token as the admin API lists it (never the key). */
export type AdminToken = components['schemas']['AdminToken'];
/** A token just created in the admin: the only response that carries its key. */
export type AdminTokenCreated = components['schemas']['AdminTokenCreated'];
/** A user's cookie session as the admin API lists it (never the session id). */
export type AdminSession = components['schemas']['AdminSession'];
/** An introspection answer: `{active: true, scope, username, sub, ...}` or exactly `{active: false}`. */
export type Introspection = components['schemas']['Introspection'];

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the API lives, e.g. `http://127.0.0.1:8000` (no trailing slash needed). */
  baseUrl: string;
  /** A fixed token key to send with every request. */
  token?: string | null | undefined;
  /** Called before every request for the current key (e.g. from storage); wins over `token`. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** A fetch implementation (tests pass `app.fetch` to call the app in-process). */
  fetch?: (request: Request) => Promise<Response>;
  /** Header keyword: DRF's `Token` (default) or `Bearer`. */
  scheme?: 'Token' | 'Bearer';
  /** Passed to every fetch (e.g. `'include'` to send cookies cross-origin). */
  credentials?: RequestCredentials;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /**
   * For cookie sessions: returns the CSRF token, sent as `X-CSRFToken` on unsafe methods (POST, PATCH,
   * DELETE, ...). In a page served by the API, pass {@link csrfTokenFromCookie}. Not needed with tokens.
   */
  csrfToken?: () => string | null | undefined;
}

/** The `csrftoken` cookie's value in a browser page (undefined elsewhere or when unset). */
export function csrfTokenFromCookie(): string | undefined {
  const cookies = (globalThis as { document?: { cookie?: string } }).document?.cookie ?? '';
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'csrftoken') return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The conveniences on top of openapi-fetch, typed by the operations they call. */
function helpers(client: Client<paths>) {
  return {
    /** POST /rest-auth/login/ with JSON credentials. */
    login: (body: LoginRequest) => client.POST('/rest-auth/login/', { body }),
    /** POST /rest-auth/logout/ with the current token. */
    logout: () => client.POST('/rest-auth/logout/'),
    /**
     * POST /auth/introspect/ (RFC 7662, form-encoded): whether `token` is active and what it may do. The
     * client's own token must carry the `introspection` scope (or belong to staff). `data.active`
     * narrows the answer: `{active: false}` carries nothing else.
     */
    introspect: (token: string) =>
      client.POST('/auth/introspect/', {
        body: { token },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
  };
}

/**
 * The typed client: openapi-fetch's GET/POST/... plus login, logout and introspect helpers. `P` is Latchkey's own
 * `paths` by default; an API that mounts Latchkey at its root passes its own generated `paths` (which
 * include Latchkey's operations) to get one client for both.
 */
export type LatchkeyClient<P extends {} = paths> = Client<P> & ReturnType<typeof helpers>;

/**
 * Creates a client for a Latchkey server, or (with your own generated `paths` as `P`) for your API that
 * mounts Latchkey's routes at its root.
 */
export function createClient<P extends {} = paths>(options: ClientOptions): LatchkeyClient<P> {
  const client = createFetchClient<P>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const scheme = options.scheme ?? 'Token';
  const auth: Middleware = {
    async onRequest({ request, schemaPath }) {
      // Login ignores a stale key anyway; not sending it keeps it out of logs along the way.
      if (schemaPath.endsWith('/rest-auth/login/')) return undefined;
      const key = options.getToken ? await options.getToken() : options.token;
      if (key && !request.headers.has('authorization'))
        request.headers.set('Authorization', `${scheme} ${key}`);
      const csrf = options.csrfToken && !SAFE_METHODS.has(request.method) ? options.csrfToken() : undefined;
      if (csrf && !request.headers.has('x-csrftoken')) request.headers.set('X-CSRFToken', csrf);
      return request;
    },
  };
  client.use(auth);
  return Object.assign(client, helpers(client as unknown as Client<paths>));
}
