/**
 * @module
 * A successful REST login's writes: its token, the user's last-login time and its `login` event, in one
 * statement (TokenStore.issue's `alongside`), so a login pays one database round trip for the three
 * instead of three. On a loaded host a round trip costs the event loop more than building its statement
 * does (scripts/bench/README.md, the login storm), and the event loop is what token checks share with
 * logins. If that statement fails for a reason other than the database being unavailable (the audit
 * table, say), the writes are made one by one as before, so a failed audit write never fails a login;
 * a warning says so (the combined statement's own failure would otherwise go unseen).
 */
import type { EventOrigin, NewEvent } from '../../auth/events.ts';
import { TokenLimitError } from '../../auth/token-store.ts';
import { errorSummary } from '../../db/errors.ts';
import { isDatabaseUnavailable } from '../../db/failures.ts';
import type { Token, User } from '../../db/schema.ts';
import type { Services } from '../../services.ts';

/** What the login's token and event say besides the user. */
export interface LoginToken {
  label: string;
  scopes: string[] | null;
  origin: EventOrigin;
  /** Whether the login also opened a cookie session (recorded in the event). */
  session: boolean;
}

/** Issues a logged-in user's token and records the login; the key is returned once, with the row. */
export async function issueLoginToken(
  services: Pick<Services, 'tokens' | 'users' | 'events' | 'log'>,
  user: User,
  login: LoginToken,
): Promise<{ key: string; token: Token }> {
  const { tokens, users, events, log } = services;
  const now = new Date();
  const success = (token: Token): NewEvent => ({
    type: 'login',
    outcome: 'success',
    actor: user.id,
    user: user.id,
    token: token.id,
    ...login.origin,
    detail: { via: 'api', label: token.label, session: login.session, scopes: login.scopes },
  });
  const alongside = (token: Token) => [
    users.lastLoginUpdate(user.id, now),
    events.prepare(success(token), now),
  ];
  try {
    const issued = await tokens.issue(user.id, login.label, { scopes: login.scopes, alongside }, now);
    events.logStored(success(issued.token), now);
    return issued;
  } catch (err) {
    if (err instanceof TokenLimitError) {
      await events.record({
        type: 'login',
        outcome: 'failure',
        user: user.id,
        ...login.origin,
        detail: { reason: 'token_limit', via: 'api' },
      });
      throw err;
    }
    if (isDatabaseUnavailable(err)) throw err;
    log({ level: 'warn', msg: 'login writes made one by one', ...errorSummary(err) });
    const issued = await tokens.issue(user.id, login.label, { scopes: login.scopes }, now);
    await users.recordLoginTime(user.id, now);
    await events.record(success(issued.token), now);
    return issued;
  }
}
