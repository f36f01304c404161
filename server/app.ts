/**
 * @module
 * createApp: the whole HTTP surface as one OpenAPIHono app, a pure function of its services. Web-standard
 * only (no node:http, no process.env), so it runs unchanged on Node and Deno and in tests through
 * `app.request()`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { onError, validationHook } from './errors.ts';
import { frontDoor } from './front-door.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { registerSecuritySchemes } from './openapi.ts';
import { canonicalPath } from './paths.ts';
import { adminApiRoutes } from './routes/admin/index.ts';
import { adminPageRoutes } from './routes/admin-page/index.ts';
import { authRoutes } from './routes/auth/index.ts';
import { mountDocs } from './routes/docs/index.ts';
import { eventRoutes } from './routes/events/index.ts';
import { gatewayRoutes } from './routes/gateway/index.ts';
import { healthRoutes } from './routes/health/index.ts';
import { pageRoutes } from './routes/pages/index.ts';
import { sessionRoutes } from './routes/sessions/index.ts';
import { testAuthRoutes } from './routes/test-auth/index.ts';
import { tokenRoutes } from './routes/tokens/index.ts';
import { userRoutes } from './routes/user/index.ts';
import { pageHeaders } from './security-headers.ts';
import type { AppEnv, Services } from './services.ts';

/**
 * Every API operation (login, logout, tokens, user, password change, admin API, test_auth, health) in
 * one router with the security schemes they declare and DRF error rendering, for the standalone app
 * and for a developer's app to mount (`app.route(prefix, ...)` merges the operations into its contract).
 */
export function apiRoutes(services: Services): OpenAPIHono<AppEnv> {
  const routes = apiRouter(services);
  routes.onError(onError(services.log));
  return routes;
}

/**
 * The operations without an error handler of their own, for {@link createApp}, whose handler renders
 * errors the same way: Hono wraps every route of a sub-app that has its own error handler in one more
 * composed call, which the token check would pay on every request.
 */
function apiRouter(services: Services): OpenAPIHono<AppEnv> {
  const routes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, getPath: canonicalPath })
    .route('/', authRoutes(services))
    .route('/', testAuthRoutes(services))
    .route('/', tokenRoutes(services))
    .route('/', sessionRoutes(services))
    .route('/', userRoutes(services))
    .route('/', adminApiRoutes(services))
    .route('/', eventRoutes(services))
    .route('/', gatewayRoutes(services))
    .route('/', healthRoutes(services));
  registerSecuritySchemes(routes);
  return routes;
}

/** Builds the app for the given services. */
export function createApp(services: Services): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, getPath: canonicalPath });

  app.use(
    frontDoor({
      allowedOrigins: services.config.CORS_ALLOWED_ORIGINS,
      log: services.config.LOG_REQUESTS ? services.log : undefined,
    }),
  );
  // The pages that keep keys in storage, and the admin: strict CSP, no framing (canonical paths).
  const pages = pageHeaders(services.config.TRUST_PROXY);
  for (const path of ['/', '/docs/', '/admin/', '/admin/login/', '/admin/logout/']) app.use(path, pages);

  app.route('/', apiRouter(services));
  mountDocs(app);
  app.route('/', pageRoutes(services));
  app.route('/', adminPageRoutes(services));

  registerSecuritySchemes(app);
  app.notFound(methodNotAllowed(app as never));
  app.onError(onError(services.log));
  return app;
}

/** The app type (declared rather than inferred: the inferred route table is large in the package's types). */
export type App = OpenAPIHono<AppEnv>;
