/**
 * @module
 * Handlers of the account area. Every request reads the user afresh through the token middleware, so a
 * change made here (or by an admin) applies to the very next request on every instance.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { revokeOtherCredentials } from '../../auth/credentials.ts';
import { passwordProblems } from '../../auth/password-policy.ts';
import { hashPassword, verifyPassword } from '../../auth/passwords.ts';
import type { AuthUser } from '../../auth/token-store.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { users } from '../../db/schema.ts';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { publicUser } from '../auth/auth.handlers.ts';
import { validBody } from '../body.ts';
import type { changePassword, getUser, updateUser } from './user.routes.ts';
import { PASSWORD_SAVED, PasswordChangeBody, UserUpdateBody } from './user.routes.ts';

const TAKEN = 'A user with that username already exists.';
const OLD_WRONG = 'Your old password was entered incorrectly. Please enter it again.';
const MISMATCH = 'The two password fields didn’t match.';

function caller(c: { get(key: 'user'): AuthUser | undefined }): AuthUser {
  const user = c.get('user');
  if (!user) throw ApiError.unauthorized(MESSAGES.notAuthenticated);
  return user;
}

/** Handlers of the account area, bound to the app's services. */
export function userHandlers(services: Services) {
  const get: RouteHandler<typeof getUser, AppEnv> = (c) => c.json(publicUser(caller(c)), 200);

  const update: RouteHandler<typeof updateUser, AppEnv> = async (c) => {
    const me = caller(c);
    const body = validBody(c, UserUpdateBody);
    const changes: Partial<typeof users.$inferInsert> = {};
    if (body.username !== undefined) changes.username = body.username;
    if (body.email !== undefined) changes.email = body.email;
    if (body.first_name !== undefined) changes.firstName = body.first_name;
    if (body.last_name !== undefined) changes.lastName = body.last_name;
    if (changes.username !== undefined) {
      const holder = await services.users.byUsername(changes.username);
      if (holder && holder.id !== me.id) throw ApiError.validation({ username: [TAKEN] });
    }
    if (!Object.keys(changes).length) return c.json(publicUser(me), 200);
    try {
      const [row] = await services.db.update(users).set(changes).where(eq(users.id, me.id)).returning();
      if (!row) throw ApiError.unauthorized(MESSAGES.inactive);
      return c.json(publicUser(row), 200);
    } catch (err) {
      // Two renames to the same name at once: the unique index decides.
      if (isUniqueViolation(err)) throw ApiError.validation({ username: [TAKEN] });
      throw err;
    }
  };

  const change: RouteHandler<typeof changePassword, AppEnv> = async (c) => {
    const me = caller(c);
    const body = validBody(c, PasswordChangeBody);
    const ticket = await services.throttle.attempt([
      { scope: 'password:user', value: String(me.id), limit: services.config.LOGIN_THROTTLE_USER },
    ]);
    const [row] = await services.db
      .select({ password: users.password })
      .from(users)
      .where(eq(users.id, me.id))
      .limit(1);
    if (!row) throw ApiError.unauthorized(MESSAGES.inactive);
    const errors: Record<string, string[]> = {};
    const oldOk = await verifyPassword(body.old_password, row.password);
    if (!oldOk) errors.old_password = [OLD_WRONG];
    else await services.throttle.refund(ticket);
    if (body.new_password1 !== body.new_password2) {
      errors.new_password2 = [MISMATCH];
    } else {
      const problems = passwordProblems(body.new_password2, me);
      if (problems.length) errors.new_password2 = problems;
    }
    if (Object.keys(errors).length) throw ApiError.validation(errors);
    await services.db
      .update(users)
      .set({ password: await hashPassword(body.new_password1) })
      .where(eq(users.id, me.id));
    await revokeOtherCredentials(services, me.id, {
      tokenId: c.get('tokenId'),
      sessionDigest: c.get('session')?.digest,
    });
    return c.json({ detail: PASSWORD_SAVED }, 200);
  };

  return { get, update, change };
}
