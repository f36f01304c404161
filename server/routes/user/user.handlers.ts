/**
 * @module
 * Handlers of the account area. Every request reads the user afresh through the token middleware, so a
 * change made here (or by an admin) applies to the very next request on every instance.
 */
import { revokeOtherCredentials } from '../../auth/credentials.ts';
import { passwordProblems } from '../../auth/password-policy.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import type { UserChanges } from '../../auth/user-store.ts';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { recordEvent } from '../events/record.ts';
import { type AppRouteHandler, currentUser, validBody } from '../factory.ts';
import { publicUser } from '../schemas.ts';
import type { changePassword, getUser, updateUser } from './user.routes.ts';
import { PASSWORD_SAVED, PasswordChangeBody, UserUpdateBody } from './user.routes.ts';

const OLD_WRONG = 'Your old password was entered incorrectly. Please enter it again.';
const MISMATCH = 'The two password fields didn’t match.';

/** Handlers of the account area, bound to the app's services. */
export function userHandlers(services: Services) {
  const get: AppRouteHandler<typeof getUser> = (c) => c.json(publicUser(currentUser(c)), 200);

  const update: AppRouteHandler<typeof updateUser> = async (c) => {
    const me = currentUser(c);
    const body = validBody(c, UserUpdateBody);
    const changes: UserChanges = {};
    if (body.username !== undefined) changes.username = body.username;
    if (body.email !== undefined) changes.email = body.email;
    if (body.first_name !== undefined) changes.firstName = body.first_name;
    if (body.last_name !== undefined) changes.lastName = body.last_name;
    // Nothing to change: the user as the middleware just read them, without another query.
    if (!Object.keys(changes).length) return c.json(publicUser(me), 200);
    const row = await services.users.update(me.id, changes);
    if (!row) throw ApiError.unauthorized(MESSAGES.inactive);
    await recordEvent(c, services, {
      type: 'user_changed',
      outcome: 'success',
      user: me.id,
      detail: { fields: Object.keys(changes) },
    });
    return c.json(publicUser(row), 200);
  };

  const change: AppRouteHandler<typeof changePassword> = async (c) => {
    const me = currentUser(c);
    const body = validBody(c, PasswordChangeBody);
    const ticket = await services.throttle.attempt([
      { scope: 'password:user', value: String(me.id), limit: services.config.LOGIN_THROTTLE_USER },
    ]);
    const row = await services.users.byId(me.id);
    if (!row) throw ApiError.unauthorized(MESSAGES.inactive);
    const errors: Record<string, string[]> = {};
    const oldOk = await verifyPassword(body.old_password, row.password);
    if (!oldOk) {
      errors.old_password = [OLD_WRONG];
      await recordEvent(c, services, {
        type: 'password_changed',
        outcome: 'failure',
        user: me.id,
        detail: { reason: 'bad_old_password' },
      });
    } else await services.throttle.refund(ticket);
    if (body.new_password1 !== body.new_password2) {
      errors.new_password2 = [MISMATCH];
    } else {
      const problems = passwordProblems(body.new_password2, me);
      if (problems.length) errors.new_password2 = problems;
    }
    if (Object.keys(errors).length) throw ApiError.validation(errors);
    await services.users.setPassword(me.id, body.new_password1);
    await revokeOtherCredentials(services, me.id, {
      tokenId: c.get('tokenId'),
      sessionDigest: c.get('session')?.digest,
    });
    await recordEvent(c, services, { type: 'password_changed', outcome: 'success', user: me.id });
    return c.json({ detail: PASSWORD_SAVED }, 200);
  };

  return { get, update, change };
}
