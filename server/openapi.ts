/**
 * @module
 * The OpenAPI 3.1 document generated from the routes: the contract committed as openapi.yaml, served at
 * /openapi.yaml and /openapi.json, and the source of the SDK's types.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'yaml';
import { BUILTIN_SCOPES } from './auth/scopes.ts';
import { MESSAGES, RETRY_AFTER_SECONDS } from './errors.ts';
import type { AppEnv } from './services.ts';

/** The document's fixed header: identical for every configuration, so the committed file never drifts. */
const INFO: Parameters<OpenAPIHono['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'Latchkey',
    version: '0.1.0',
    description:
      'Token authentication compatible with Django REST Framework and dj-rest-auth clients. Send `Authorization: Token <key>` (or `Bearer <key>`) with the key returned by login. A query parameter sent more than once counts with its last value, as in Django.\n\n' +
      "Every path also answers the two methods HTTP defines for all resources (RFC 9110), not listed per operation: `OPTIONS` answers 204 with `Allow` naming the path's methods (or, from an allowed origin, the CORS preflight), and `HEAD` answers like the path's `GET` (same status and headers) without a body, or 405 where the path has no `GET`.",
    license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
  },
  servers: [{ url: 'http://127.0.0.1:8000', description: 'Local development server' }],
  tags: [
    { name: 'auth', description: 'Login and logout (dj-rest-auth compatible)' },
    { name: 'test-auth', description: "The tutorial's token check" },
    { name: 'tokens', description: "The caller's tokens: one per login, listed and revoked one by one" },
    { name: 'sessions', description: "The caller's cookie sessions, listed and ended one by one" },
    { name: 'account', description: "The caller's details and password (dj-rest-auth compatible)" },
    { name: 'gateway', description: 'For reverse proxies (forward auth) and services (introspection)' },
    { name: 'admin', description: 'Users and tokens, for staff (the API of the /admin/ page)' },
    { name: 'health', description: 'Probes for load balancers and orchestrators' },
    { name: 'docs', description: 'This contract' },
  ],
};

/** Registers the security schemes (token header, cookie session) on an app's registry. */
export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'Token', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'DRF TokenAuthentication: `Authorization: Token <key>` (`Bearer <key>` is accepted too). Keys come from login.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'Session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sessionid',
    description:
      "A cookie session (DRF SessionAuthentication), opened by the admin login form, or by login when SESSION_LOGIN is on. Over HTTPS the cookie is `__Host-sessionid`. Unsafe methods (POST, PATCH, DELETE) must send the `csrftoken` cookie's value in `X-CSRFToken` and, when Origin or Referer is sent, come from this server's origin or one in CORS_ALLOWED_ORIGINS; otherwise 403 `CSRF Failed: <reason>`.",
  });
}

/** Operations that answer without the database (readyz documents its own 503). */
const WITHOUT_DATABASE = new Set(['healthz', 'readyz', 'getOpenApiJson', 'getOpenApiYaml']);

/**
 * The 503 of every operation that needs the database (or hashes a password): documented here once
 * rather than in each route, so an operation added later is covered by default. errors.ts answers it.
 */
const UNAVAILABLE = {
  description:
    'The database does not answer (down, restarting, out of connections, too slow: DATABASE_*_TIMEOUT), or too many password checks are queued (PASSWORD_HASH_QUEUE). Nothing was changed; try again after Retry-After seconds.',
  headers: { 'Retry-After': { schema: { type: 'integer', example: RETRY_AFTER_SECONDS } } },
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/Detail' },
      example: { detail: MESSAGES.unavailable },
    },
  },
};

/**
 * The OpenAPI document object for an app. An operation whose Token requirement names scopes gets them
 * spelled out in its description and in `x-required-scopes` (alternatives, as in `security`), so the
 * docs console and the SDK's generated comments show them (Swagger UI shows scopes only for OAuth).
 */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  const document = app.getOpenAPI31Document(INFO);
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      const op = operation as { security?: Record<string, string[]>[]; description?: string };
      const alternatives = (op.security ?? []).flatMap((req) => (req.Token?.length ? [req.Token] : []));
      if (!alternatives.length) continue;
      const needed = alternatives.map((list) => list.map((s) => `\`${s}\``).join(' and ')).join(' or ');
      const note = `Requires scope ${needed} when called with a token narrowed by scopes (a full-access token has every scope).`;
      op.description = op.description ? `${op.description}\n\n${note}` : note;
      (op as Record<string, unknown>)['x-required-scopes'] = alternatives;
    }
  }
  document.info.description = `${document.info.description ?? ''}\n\n${SCOPES_NOTE}`;
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, unknown>)) {
      const op = operation as { operationId?: string; responses?: Record<string, unknown> };
      if (!op?.responses || WITHOUT_DATABASE.has(op.operationId ?? '')) continue;
      op.responses['503'] ??= UNAVAILABLE;
    }
  }
  return document;
}

const SCOPES_NOTE = `Scopes: a token may be narrowed to a set of scopes (login's \`scopes\`, or the admin API / CLI). Latchkey's own: ${Object.entries(
  BUILTIN_SCOPES,
)
  .map(([name, meaning]) => `\`${name}\` (${meaning})`)
  .join(
    ', ',
  )}; others are declared with TOKEN_SCOPES. A narrowed token without an operation's scope gets 403 with \`WWW-Authenticate: Token error="insufficient_scope", scope="..."\`.`;

/** The document as YAML, exactly as committed in openapi.yaml. */
export function openApiYaml(app: OpenAPIHono<AppEnv>): string {
  return stringify(openApiDocument(app), { lineWidth: 0, aliasDuplicateObjects: false });
}
