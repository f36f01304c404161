/**
 * @module
 * The `latchkey` package: DRF-compatible token authentication for your own Hono / @hono/zod-openapi
 * API. Create it from options or the environment, mount its routes, guard your routes with its
 * middleware, and your OpenAPI document carries Latchkey's operations and security schemes too.
 *
 * @example
 * ```ts
 * import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
 * import { createLatchkey, type LatchkeyEnv } from 'latchkey';
 *
 * const latchkey = await createLatchkey({ config: { DATABASE_URL: process.env.DATABASE_URL } });
 * const app = new OpenAPIHono<LatchkeyEnv>();
 * app.route('/', latchkey.routes());
 * const hello = createRoute({
 *   method: 'get', path: '/hello/', security: [{ Token: [] }], middleware: [latchkey.auth()] as const,
 *   responses: { 200: { description: 'Hi', content: { 'application/json': { schema: z.string() } } } },
 * });
 * app.openapi(hello, (c) => c.json(`Hi ${c.var.user.username}`, 200));
 * ```
 *
 * Latchkey's own route factories are exported too, for routes built the way Latchkey builds its own:
 * `router.openapi(mounted(latchkey.services, route), handler)` derives authentication (and DRF body
 * parsing) from the contract, `currentUser(c)` reads the user; their errors need
 * `app.onError(latchkey.onError)`.
 */
export { type Config, ConfigError, type ConfigOptions, configFromOptions, loadConfig } from './config.ts';
export type { OpenDatabase } from './db/open.ts';
export { ApiError, MESSAGES, validationHook } from './errors.ts';
export {
  type AuthOptions,
  createLatchkey,
  type Latchkey,
  type LatchkeyEnv,
  type LatchkeyOptions,
  type LatchkeyToken,
  type LatchkeyUser,
  type LatchkeyVariables,
} from './latchkey.ts';
export { registerSecuritySchemes } from './openapi.ts';
export { canonicalPath as optionalTrailingSlash } from './paths.ts';
export {
  type AppRouteHandler,
  createRouter,
  currentUser,
  mounted,
  type RouteDeps,
  validBody,
} from './routes/factory.ts';
export type { AppEnv, Logger, Services } from './services.ts';
