/**
 * @module
 * Re-authentication before sensitive changes to one's own account (ASVS 6.2.3, 7.5.1): a stolen token
 * or session alone must not set a new password or e-mail, rename the account, or mint new tokens that
 * outlive TOKEN_MAX_TTL. The caller sends `current_password`; wrong guesses are counted on the same
 * per-user counter as the password change's wrong old passwords (429 over LOGIN_THROTTLE_USER), so the
 * confirmation cannot be used to guess the password either.
 */
import { verifyPassword } from '../auth/passwords.ts';
import { ApiError, MESSAGES } from '../errors.ts';
import type { Services } from '../services.ts';

/** The field error of a wrong current password (Django's wording for the old password). */
export const CURRENT_PASSWORD_WRONG = 'Your password was entered incorrectly. Please enter it again.';

/** Throws 400 `{"current_password": [...]}` unless `supplied` is the user's password (429 when throttled). */
export async function confirmCurrentPassword(
  services: Pick<Services, 'throttle' | 'users' | 'config'>,
  userId: number,
  supplied: string | undefined,
): Promise<void> {
  if (!supplied) throw ApiError.validation({ current_password: [MESSAGES.required] });
  const ticket = await services.throttle.attempt([
    { scope: 'password:user', value: String(userId), limit: services.config.LOGIN_THROTTLE_USER },
  ]);
  const row = await services.users.byId(userId);
  if (!row || !(await verifyPassword(supplied, row.password))) {
    throw ApiError.validation({ current_password: [CURRENT_PASSWORD_WRONG] });
  }
  await services.throttle.refund(ticket);
}
