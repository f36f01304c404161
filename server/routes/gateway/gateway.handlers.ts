/**
 * @module
 * Handlers of forward auth and introspection. Both read the key through the same TokenStore lookup as
 * every authenticated request (verify cache included), so they agree with test_auth on what is valid.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { type AuthVariables, requireToken } from '../../auth/authenticate.ts';
import { hasAllScopes, insufficientScope, MAX_SCOPES, splitScopes } from '../../auth/scopes.ts';
import { isWellFormedKey } from '../../auth/tokens.ts';
import { ApiError } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { type AppRouteHandler, currentUser, validBody } from '../factory.ts';
import { IDENTITY_HEADERS, IntrospectionRequest, type introspect } from './gateway.routes.ts';

/** Text safe in a header value: printable ASCII kept, anything else (and `%`) percent-encoded as UTF-8. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x24\x26-\x7e]/gu, (ch) => encodeURIComponent(ch));
}

/** The method the client used: the proxy's forwarded one when it sends its own GET (nginx, Caddy, Traefik). */
function clientMethod(c: Context): string {
  return (
    c.req.header('x-forwarded-method') ??
    c.req.header('x-original-method') ??
    c.req.method
  ).toUpperCase();
}

/**
 * Lets a CORS preflight through without identity (204), so the upstream answers it; anything else goes
 * on to token authentication.
 */
export const passPreflight: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (clientMethod(c) === 'OPTIONS' && c.req.header('access-control-request-method')) {
    return c.body(null, 204);
  }
  await next();
};

/** The scopes a proxy asks for in `?scope=`, checked against the declared ones (400 otherwise). */
function requestedScopes(c: Context, services: Services): string[] {
  const names = c.req.queries('scope')?.flatMap(splitScopes) ?? [];
  if (names.length > MAX_SCOPES) {
    throw ApiError.validation({ scope: [`Ensure this field has no more than ${MAX_SCOPES} elements.`] });
  }
  return services.scopes.check(names, 'scope');
}

/** Handlers of the gateway area, bound to the app's services. */
export function gatewayHandlers(services: Services) {
  /** The middleware chain of /auth/verify/ for every method. */
  const verifyChain: MiddlewareHandler<AppEnv>[] = [
    passPreflight,
    requireToken(services.tokens) as unknown as MiddlewareHandler<AppEnv>,
  ];

  const verify = (c: Context<{ Variables: Partial<AuthVariables> }>) => {
    const required = requestedScopes(c, services);
    const granted = c.get('tokenScopes') ?? null;
    if (required.length && !hasAllScopes(granted, required)) throw insufficientScope(required);
    const user = currentUser(c as never);
    const scopes = [...services.scopes.effective(granted)];
    c.header(IDENTITY_HEADERS.userId, String(user.id));
    c.header(IDENTITY_HEADERS.username, headerSafe(user.username));
    c.header(IDENTITY_HEADERS.tokenId, c.get('tokenId') as string);
    c.header(IDENTITY_HEADERS.scopes, scopes.join(' '));
    c.header(IDENTITY_HEADERS.staff, String(user.isStaff));
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        user_id: user.id,
        username: user.username,
        token_id: c.get('tokenId') as string,
        scopes,
        is_staff: user.isStaff,
      },
      200,
    );
  };

  /** Introspection needs staff, or the `introspection` scope given explicitly (not by full access). */
  const introspectionCaller: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!currentUser(c).isStaff && !c.get('tokenScopes')?.includes('introspection')) {
      throw insufficientScope(['introspection']);
    }
    await next();
  };

  const inactive = { active: false } as const;

  const introspectHandler: AppRouteHandler<typeof introspect> = async (c) => {
    const body = validBody(c, IntrospectionRequest);
    const key = body.token.trim();
    if (!isWellFormedKey(key)) return c.json(inactive, 200);
    const found = await services.tokens.find(key);
    const now = new Date();
    if (!found || services.tokens.isExpired(found.token, now) || !found.user.isActive) {
      return c.json(inactive, 200);
    }
    await services.tokens.touch(found.token, now);
    const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
    return c.json(
      {
        active: true as const,
        scope: services.scopes.effective(found.token.scopes).join(' '),
        username: found.user.username,
        sub: String(found.user.id),
        jti: found.token.id,
        iat: seconds(found.token.createdAt),
        ...(found.token.expiresAt ? { exp: seconds(found.token.expiresAt) } : {}),
        token_type: 'Token' as const,
        is_staff: found.user.isStaff,
      },
      200,
    );
  };

  return { verifyChain, verify, introspectionCaller, introspect: introspectHandler };
}
