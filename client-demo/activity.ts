/**
 * @module
 * The demo page's "Recent security activity": the caller's latest events (GET /rest-auth/events/) in
 * human words, one line each ("Login from Firefox on Linux", "Password changed"). The wording follows
 * the event types of server/auth/events.ts; an unknown type is shown by its name.
 */
import type { components } from '@latchkey/sdk';

type AuthEvent = components['schemas']['AuthEvent'];

/** Why a login failed, in words (detail.reason). */
const LOGIN_FAILURES: Record<string, string> = {
  unknown_user: 'unknown user',
  bad_password: 'wrong password',
  inactive: 'account inactive',
  not_staff: 'not staff',
  token_limit: 'too many tokens',
};

/** One line of words for `event`. */
export function describeEvent(event: AuthEvent): string {
  const detail = event.detail ?? {};
  const label = typeof detail.label === 'string' && detail.label ? detail.label : '';
  const from = label ? ` from ${label}` : '';
  const failed = event.outcome === 'failure';
  switch (event.type) {
    case 'login': {
      if (!failed) return `Login${from}`;
      const reason = LOGIN_FAILURES[String(detail.reason)];
      return `Failed login attempt${from}${reason ? ` (${reason})` : ''}`;
    }
    case 'login_throttled':
      return `Login attempt blocked: too many attempts${from}`;
    case 'logout':
      return `Logged out${from}`;
    case 'logout_all':
      return 'Logged out everywhere';
    case 'token_created':
      return 'Token created by an administrator';
    case 'token_revoked':
      return 'Token revoked';
    case 'session_ended':
      return 'Browser session ended';
    case 'password_changed':
      return failed ? 'Password change refused: wrong old password' : 'Password changed';
    case 'user_created':
      return 'Account created';
    case 'user_changed':
      return 'Account changed by an administrator';
    case 'user_deleted':
      return 'Account deleted';
    case 'csrf_failed':
      return 'Request refused by the CSRF check';
    default:
      return `${event.type} (${event.outcome})`;
  }
}

/** A list item for `event`: its words, then when and from which address. */
export function activityItem(event: AuthEvent): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.type = event.type;
  item.dataset.outcome = event.outcome;
  if (event.outcome === 'failure') item.className = 'text-error';
  const words = document.createElement('span');
  words.className = 'activity-text';
  words.textContent = describeEvent(event);
  const facts = document.createElement('small');
  facts.className = 'text-gray';
  const where = event.client_ip ? `, ${event.client_ip}` : '';
  facts.textContent = ` — ${new Date(event.at).toLocaleString()}${where}`;
  item.append(words, facts);
  return item;
}
