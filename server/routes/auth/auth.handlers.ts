/**
 * @module
 * Login, logout and logout-everywhere. With SESSION_LOGIN on, login also opens a cookie session
 * (`sessionid` + `csrftoken`) and logout/logoutall end it; with it off no operation here sets a cookie.
 */

import type { Context } from 'hono';
import { csrfFailed, originProblem } from '../../auth/csrf.ts';
import { eventOrigin } from '../../auth/events.ts';
import { checkLogin } from '../../auth/login.ts';
import { passwordHashing } from '../../auth/passwords.ts';
import { clearSessionCookies, csrfPolicy, requestSession, startSession } from '../../auth/session-cookies.ts';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { type AppRouteHandler, currentUser, validBody } from '../factory.ts';
import { publicUser } from '../schemas.ts';
import type { login, logout, logoutAll } from './auth.routes.ts';
import { LoginBody } from './auth.routes.ts';
import { issueLoginToken } from './login-token.ts';
import { labelFromUserAgent } from './user-agent.ts';

/** Handlers of the auth area, bound to the app's services. */
export function authHandlers(services: Services) {
  const sessionLogin = services.config.SESSION_LOGIN;
  const policy = csrfPolicy(services.config);

  /**
   * Ends the cookie session of this request: the one that authenticated it, or (token logout with
   * SESSION_LOGIN on) the caller's own session riding along in the cookie. Returns whether cookies
   * should be cleared.
   */
  async function endRequestSession(c: Context<AppEnv>, userId: number): Promise<boolean> {
    const current = c.get('session');
    if (current) {
      await services.sessions.end(current.digest);
      return true;
    }
    if (!sessionLogin) return false;
    const riding = await requestSession(c, services);
    if (riding && riding.user.id === userId) await services.sessions.end(riding.session.digest);
    return riding !== undefined;
  }

  const loginHandler: AppRouteHandler<typeof login> = async (c) => {
    // A login that opens a cookie session must come from a trusted origin, or a cross-site form could
    // log the victim's browser into the attacker's account (login CSRF).
    if (sessionLogin) {
      const problem = originProblem(c, policy);
      if (problem) {
        await services.events.record({
          type: 'csrf_failed',
          outcome: 'failure',
          ...eventOrigin(c, services.clientIp),
          detail: { reason: problem, path: c.req.path },
        });
        throw csrfFailed(problem);
      }
    }
    const body = validBody(c, LoginBody);
    // Admitted only while the hasher can take it (PASSWORD_HASH_CONCURRENCY + PASSWORD_HASH_QUEUE
    // logins at once): past that a login is answered 503 before it touches the database, so a storm
    // cannot hold the connection pool that token checks need.
    return passwordHashing.admit(async () => {
      // Undeclared scope names are refused before any credential is checked or counted.
      const scopes = body.scopes === undefined ? null : services.scopes.check(body.scopes);
      const origin = eventOrigin(c, services.clientIp);
      // Counted before the password is checked (429 when over a limit), refunded on success.
      const { user } = await checkLogin(services, {
        username: body.username,
        email: body.email,
        password: body.password,
        ip: services.clientIp(c),
        origin,
        via: 'api',
        recordTime: false,
      });
      if (!user) throw ApiError.validation({ non_field_errors: [MESSAGES.badCredentials] });
      void services.purger.kick();
      const label = body.label?.trim() || labelFromUserAgent(c.req.header('user-agent'));
      const issued = await issueLoginToken(services, user, { label, scopes, origin, session: sessionLogin });
      if (sessionLogin) await startSession(c, services, user.id);
      return c.json(
        {
          key: issued.key,
          expiry: issued.token.expiresAt?.toISOString() ?? null,
          user: publicUser(user),
        },
        200,
      );
    });
  };

  const logoutHandler: AppRouteHandler<typeof logout> = async (c) => {
    const tokenId = c.get('tokenId');
    const userId = currentUser(c).id;
    if (tokenId) await services.tokens.revoke(tokenId);
    if (await endRequestSession(c, userId)) {
      clearSessionCookies(c, services.config.TRUST_PROXY);
    }
    await services.events.record({
      type: 'logout',
      outcome: 'success',
      actor: userId,
      user: userId,
      token: tokenId,
      ...eventOrigin(c, services.clientIp),
    });
    return c.json({ detail: MESSAGES.loggedOut }, 200);
  };

  const logoutAllHandler: AppRouteHandler<typeof logoutAll> = async (c) => {
    const userId = currentUser(c).id;
    const tokens = await services.tokens.revokeAll(userId);
    const sessions = await services.sessions.endAll(userId);
    if (sessionLogin || c.get('session')) clearSessionCookies(c, services.config.TRUST_PROXY);
    await services.events.record({
      type: 'logout_all',
      outcome: 'success',
      actor: userId,
      user: userId,
      ...eventOrigin(c, services.clientIp),
      detail: { tokens, sessions },
    });
    return c.json({ detail: MESSAGES.loggedOut }, 200);
  };

  return { login: loginHandler, logout: logoutHandler, logoutAll: logoutAllHandler };
}
