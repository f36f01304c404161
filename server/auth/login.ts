/**
 * @module
 * The credential check behind every login form (the REST login and the admin page's form), so both
 * throttle, verify and record the same way:
 *
 * 1. the account is looked up (username, or e-mail when that is what was sent);
 * 2. the attempt is counted against that account's id, the submitted identifier's canonical form and
 *    the client address (see loginKeys), and refused with 429 over a limit before any password work;
 * 3. the password is checked in the same work whatever the account's hash, or for no account at all;
 * 4. a success is refunded to the counters; a failure or throttled attempt is recorded in the audit
 *    trail with its reason kind (never the password). The caller records the success, with what it opened.
 */
import type { User } from '../db/schema.ts';
import type { EventOrigin, EventStore } from './events.ts';
import { loginKeys, type Throttle, ThrottledError } from './throttle.ts';
import type { LoginRefusal, UserStore } from './user-store.ts';

/** What the check needs from the app's services. */
export interface LoginDeps {
  users: UserStore;
  throttle: Throttle;
  events: EventStore;
  config: { LOGIN_THROTTLE_USER: number; LOGIN_THROTTLE_IP: number };
}

/** One login attempt. */
export interface LoginAttempt {
  username?: string | undefined;
  /** Used only when no username was sent. */
  email?: string | undefined;
  password: string;
  /** The client's address (throttling) and the request's facts (the audit trail). */
  ip: string;
  origin: EventOrigin;
  /** Where the attempt came from, for the trail: `api` (REST login) or `admin` (the admin's form). */
  via: 'api' | 'admin';
  /** A further condition on the account (the admin needs staff): the refusal kind, or undefined. */
  require?: ((user: User) => string | undefined) | undefined;
  /** False: the caller records the login's time itself, with its token (UserStore.lastLoginUpdate). */
  recordTime?: boolean;
}

/** A refused login: the reason kind, for the caller's own answer (never told to the client as such). */
export type LoginResult = { user: User; refused?: undefined } | { user?: undefined; refused: string };

/** Checks one login attempt; throws ThrottledError (429) over a limit. */
export async function checkLogin(deps: LoginDeps, attempt: LoginAttempt): Promise<LoginResult> {
  const identifier = attempt.username ? { username: attempt.username } : { email: attempt.email ?? '' };
  const submitted = identifier.username ?? identifier.email ?? '';
  const account = await deps.users.findForLogin(identifier);
  const record = (refused: string, type: 'login' | 'login_throttled' = 'login') =>
    deps.events.record({
      type,
      outcome: 'failure',
      user: account?.id,
      ...attempt.origin,
      detail: { reason: refused, via: attempt.via },
    });
  let ticket: Awaited<ReturnType<Throttle['attempt']>>;
  try {
    ticket = await deps.throttle.attempt(
      loginKeys(deps.config, { accountId: account?.id, submitted }, attempt.ip),
    );
  } catch (err) {
    if (err instanceof ThrottledError) await record('throttled', 'login_throttled');
    throw err;
  }
  const refusal: LoginRefusal | string | undefined =
    (await deps.users.checkLogin(account, attempt.password, { recordTime: attempt.recordTime })) ??
    (account && attempt.require ? attempt.require(account) : undefined);
  if (refusal || !account) {
    await record(refusal ?? 'unknown_user');
    return { refused: refusal ?? 'unknown_user' };
  }
  await deps.throttle.refund(ticket);
  return { user: account };
}
