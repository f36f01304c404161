/**
 * @module
 * How an operation is added: the pieces every API area (and a developer's own routes on top of
 * Latchkey) builds with, so that no area repeats them.
 *
 * ```ts
 * const router = createRouter();
 * router.openapi(mounted(deps, myRoute), async (c) => c.json({ hello: currentUser(c).username }, 200));
 * ```
 *
 * - {@link createRouter}: an OpenAPIHono router whose failed validations answer DRF's 400.
 * - {@link mounted}: a route contract with the middleware it declares: authentication from its
 *   `security`, DRF body parsing and the size limit from its request body.
 * - {@link currentUser} and {@link AppRouteHandler}: typed handlers, no casts.
 * - {@link validBody}: the validated body, whatever its media type.
 */
import { OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { type AuthDeps, requireAuth, schemesOf } from '../auth/authenticate.ts';
import type { AuthUser } from '../auth/token-store.ts';
import type { Config } from '../config.ts';
import { ApiError, MESSAGES, validationHook } from '../errors.ts';
import type { AppEnv } from '../services.ts';
import { drfBody } from './body.ts';

export { validBody } from './body.ts';

/**
 * A router for one API area. Failed request validations become DRF 400s (`{"field": ["..."]}`);
 * `defaultHook` replaces that for an area that answers differently (the admin's 404 for a bad id).
 */
export function createRouter(defaultHook: typeof validationHook = validationHook): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook });
}

/**
 * What {@link mounted} needs: the stores that authenticate a request and the settings it reads. The
 * app's Services satisfy it; a library user can pass just these.
 */
export interface RouteDeps extends AuthDeps {
  config: AuthDeps['config'] & Pick<Config, 'MAX_BODY_BYTES'>;
}

/**
 * The route contract in its mounted form, for `router.openapi(mounted(deps, route), handler)`. The
 * middleware follows the contract, so the documentation and the server cannot disagree:
 * 1. `security` names schemes: {@link requireAuth} for exactly those (`security: []` is public);
 * 2. `guards`, in order, after authentication (e.g. a staff check that reads the user);
 * 3. a declared request body: DRF body parsing (JSON, form, multipart; DRF's 400/415 messages) under
 *    the MAX_BODY_BYTES limit (413), after authentication, so an anonymous caller learns nothing from
 *    validation errors.
 * Throws at start-up when the route leaves `security` out: a public route says so with `[]`.
 */
export function mounted<R extends RouteConfig>(
  deps: RouteDeps,
  route: R,
  ...guards: MiddlewareHandler<AppEnv>[]
): R & { middleware: MiddlewareHandler<AppEnv>[] } {
  if (route.security === undefined) {
    throw new Error(
      `mounted: ${route.method.toUpperCase()} ${route.path} declares no security ([] if public)`,
    );
  }
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (schemesOf(route.security).length)
    middleware.push(requireAuth(deps, route) as MiddlewareHandler<AppEnv>);
  middleware.push(...guards);
  if (route.request?.body) middleware.push(...drfBody(deps.config.MAX_BODY_BYTES));
  return { ...route, middleware };
}

/** A handler of `R` in this app's environment: `const get: AppRouteHandler<typeof getUser> = (c) => ...`. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/**
 * The authenticated user of a request that went through {@link mounted}'s authentication. On a route
 * without it (a contract mistake) answers 401 rather than acting for nobody.
 */
export function currentUser(c: Context<AppEnv>): AuthUser {
  const user = c.get('user');
  if (!user) throw ApiError.unauthorized(MESSAGES.notAuthenticated);
  return user;
}
