/**
 * @module
 * The one way into Latchkey: {@link createLatchkey} opens the database (PGlite or PostgreSQL, migrated),
 * validates the configuration (from code or the environment) and hands back the pieces: Latchkey's
 * routes to mount in a developer's app, the token middleware for their own routes, the standalone app
 * (what `npm start` serves) and `close()`. The Node and Deno entries and the test server are built on it.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { type App, apiRoutes, createApp } from './app.ts';
import { refuse, type ScopeRequirement, verifyToken } from './auth/authenticate.ts';
import type { AuthUser, TokenWithUser } from './auth/token-store.ts';
import { type Config, ConfigError, type ConfigOptions, configFromOptions } from './config.ts';
import { type OpenDatabase, openDatabase } from './db/open.ts';
import { onError } from './errors.ts';
import type { Assets } from './routes/pages/assets.ts';
import { type AppEnv, createServices, type Logger, type Services } from './services.ts';

/** The authenticated user, as the middleware puts it on the context (`c.var.user`). */
export type LatchkeyUser = AuthUser;
/** The token that authenticated the request (`c.var.token`): its public id and times, never the key. */
export type LatchkeyToken = TokenWithUser['token'];

/** What {@link Latchkey.auth} puts on the context of the routes it protects. */
export interface LatchkeyVariables {
  user: LatchkeyUser;
  token: LatchkeyToken;
}

/** The Hono environment of a route behind {@link Latchkey.auth}: `c.var.user` and `c.var.token` typed. */
export type LatchkeyEnv = { Variables: LatchkeyVariables };

/**
 * Options of {@link Latchkey.auth}. Without any, every valid token of an active user passes, exactly as
 * test_auth. With scopes, a token lacking them gets 403 `You do not have permission to perform this
 * action.` and `WWW-Authenticate: Token error="insufficient_scope", scope="..."`; the names must be
 * declared (Latchkey's own, TOKEN_SCOPES), or `auth()` throws.
 */
export interface AuthOptions {
  /** Scopes the token must all carry (a full-access token carries every scope). */
  allOf?: readonly string[];
  /** Scopes of which the token must carry at least one (on top of `allOf`). */
  anyOf?: readonly string[];
}

/** Options of {@link createLatchkey}. */
export interface LatchkeyOptions {
  /**
   * Configuration by the environment's names (README's table), e.g. `{ DATABASE_URL, TOKEN_TTL: 3600 }`;
   * validated like the environment. A bad value throws a `ConfigError` naming the option.
   */
  config?: ConfigOptions;
  /** An environment to read the same options from (`process.env`, `Deno.env.toObject()`); `config` wins. */
  env?: Record<string, string | undefined>;
  /** Where log lines go (JSON objects, never secrets). Default: nowhere. */
  log?: Logger;
  /** The demo page's, admin page's and docs console's files (the standalone server's); default: none. */
  assets?: Assets;
  /** Names this process to a second one opening the same PGlite directory, and on PostgreSQL. */
  holder?: string;
}

/** A running Latchkey: its pieces for a developer's app, and `close()`. */
export interface Latchkey {
  /** The validated configuration. */
  readonly config: Config;
  /** The stores and settings every route uses (advanced: users, tokens, sessions). */
  readonly services: Services;
  /** The open database (Drizzle handle `db`, `driver`), shared with your own tables if you like. */
  readonly database: OpenDatabase;
  /**
   * A router with every Latchkey operation, to mount in your @hono/zod-openapi app:
   * `app.route('/', latchkey.routes())` or under a prefix. Its operations and security schemes (`Token`,
   * `Session`) join your app's OpenAPI document. Each call builds a fresh router.
   */
  routes(): OpenAPIHono<AppEnv>;
  /**
   * Middleware for your own routes: test_auth's token check (DRF's messages, 401 with
   * `WWW-Authenticate: Token`, expiry, renewal, inactive users), then `c.var.user` and `c.var.token`.
   * Declare `security: [{ Token: [] }]` on the routes it guards.
   */
  auth(options?: AuthOptions): MiddlewareHandler<LatchkeyEnv>;
  /**
   * Latchkey's error rendering (DRF bodies; unexpected errors logged, answered 500 without a stack), for
   * `app.onError(latchkey.onError)` when your routes use {@link mounted} or throw `ApiError`.
   */
  readonly onError: ErrorHandler;
  /** The standalone server's whole app (API, docs, pages, 405s, CORS, request log), built once. */
  readonly app: App;
  /** Closes the database (and releases the PGlite directory). Safe to call twice. */
  close(): Promise<void>;
}

/** Creates Latchkey: validates the options, opens and migrates the database. */
export async function createLatchkey(options: LatchkeyOptions = {}): Promise<Latchkey> {
  const config = configFromOptions(options.config ?? {}, options.env ?? {});
  const log = options.log ?? (() => {});
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.LATCHKEY_DATA_DIR,
    holder: options.holder ?? 'latchkey',
    maxConnections: config.DATABASE_POOL_SIZE,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    timeouts: {
      connect: config.DATABASE_CONNECT_TIMEOUT,
      pool: config.DATABASE_POOL_TIMEOUT,
      statement: config.DATABASE_STATEMENT_TIMEOUT,
    },
  });
  // The verify cache is trusted only while subscribed to the database's change feed (see services.ts).
  const changes = await database.changes().catch(async (err) => {
    await database.close().catch(() => {});
    throw err;
  });
  const services: Services = {
    ...createServices(config, database.db, log, changes),
    ...(options.assets ? { assets: options.assets } : {}),
  };
  const renderError = onError(log);
  let app: App | undefined;
  let closed: Promise<void> | undefined;
  return {
    config,
    services,
    database,
    routes: () => apiRoutes(services),
    auth: (options = {}) => tokenMiddleware(services, renderError, scopeRequirement(services, options)),
    onError: renderError,
    get app() {
      app ??= createApp(services);
      return app;
    },
    close() {
      closed ??= database.close();
      return closed;
    },
  };
}

/**
 * `allOf` / `anyOf` as the token check's requirement (alternatives, each a list the token must all
 * carry). A name nobody declared (Latchkey's own scopes, TOKEN_SCOPES) is a mistake in the app: it
 * throws at start-up rather than refuse every token later.
 */
function scopeRequirement(services: Services, options: AuthOptions): string[][] {
  const allOf = [...(options.allOf ?? [])];
  const anyOf = [...(options.anyOf ?? [])];
  for (const name of [...allOf, ...anyOf]) {
    if (!services.scopes.has(name)) {
      throw new ConfigError(`latchkey.auth(): scope "${name}" is not declared (add it to TOKEN_SCOPES)`);
    }
  }
  if (anyOf.length === 0) return allOf.length ? [allOf] : [];
  return anyOf.map((name) => [...allOf, name]);
}

/**
 * The middleware behind {@link Latchkey.auth}. Its failures are answered here, in DRF's shape, rather
 * than thrown: the developer's app has its own error handler, which knows nothing of Latchkey's errors
 * (a database outage must answer as it does on Latchkey's own routes). Errors of the routes it guards are not touched.
 */
function tokenMiddleware(
  services: Services,
  renderError: ReturnType<typeof onError>,
  scopes: ScopeRequirement,
): MiddlewareHandler<LatchkeyEnv> {
  return async (c, next) => {
    let found: TokenWithUser | string;
    try {
      found = await verifyToken(services.tokens, c.req.header('authorization'), scopes);
    } catch (err) {
      return renderError(err as Error, c as unknown as Context) as Response;
    }
    if (typeof found === 'string') return refuse(c as unknown as Context, found);
    c.set('user', found.user);
    c.set('token', found.token);
    await next();
  };
}
