/**
 * @module
 * Login, logout and logout-everywhere.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import { loginIdentity, loginKeys } from '../../auth/throttle.ts';
import { TokenLimitError } from '../../auth/token-store.ts';
import type { User } from '../../db/schema.ts';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { validBody } from '../body.ts';
import type { login, logout, logoutAll } from './auth.routes.ts';
import { LoginBody } from './auth.routes.ts';
import { labelFromUserAgent } from './user-agent.ts';

/** The public view of a user. */
export function publicUser(user: Pick<User, 'id' | 'username' | 'email' | 'firstName' | 'lastName'>) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
  };
}

/** Handlers of the auth area, bound to the app's services. */
export function authHandlers(services: Services) {
  const loginHandler: RouteHandler<typeof login, AppEnv> = async (c) => {
    const body = validBody(c, LoginBody);
    // Counted before the password is checked (429 when over a limit), refunded on success.
    const identity = await loginIdentity(services.users, body);
    const ticket = await services.throttle.attempt(
      loginKeys(services.config, identity, services.clientIp(c)),
    );
    const user = await services.users.authenticate(
      { username: body.username, email: body.username ? undefined : body.email },
      body.password,
    );
    if (!user) throw ApiError.validation({ non_field_errors: [MESSAGES.badCredentials] });
    await services.throttle.refund(ticket);
    void services.purger.kick();
    const label = body.label?.trim() || labelFromUserAgent(c.req.header('user-agent'));
    let issued: Awaited<ReturnType<Services['tokens']['issue']>>;
    try {
      issued = await services.tokens.issue(user.id, label);
    } catch (err) {
      if (err instanceof TokenLimitError) throw ApiError.detail(403, err.message);
      throw err;
    }
    return c.json(
      {
        key: issued.key,
        expiry: issued.token.expiresAt?.toISOString() ?? null,
        user: publicUser(user),
      },
      200,
    );
  };

  const logoutHandler: RouteHandler<typeof logout, AppEnv> = async (c) => {
    await services.tokens.revoke(c.get('tokenId') as string);
    return c.json({ detail: MESSAGES.loggedOut }, 200);
  };

  const logoutAllHandler: RouteHandler<typeof logoutAll, AppEnv> = async (c) => {
    await services.tokens.revokeAll((c.get('user') as { id: number }).id);
    return c.json({ detail: MESSAGES.loggedOut }, 200);
  };

  return { login: loginHandler, logout: logoutHandler, logoutAll: logoutAllHandler };
}
