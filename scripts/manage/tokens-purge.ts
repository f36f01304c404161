/**
 * @module
 * `manage tokens purge`: deletes expired tokens, expired cookie sessions, ended throttle windows and audit
 * events past AUDIT_RETENTION now. The server also does
 * this by itself (see server/auth/purge.ts); the command is for cron-minded operators, one-off clean-ups
 * and TOKEN_PURGE_INTERVAL=0. Expired tokens are refused either way: purging only frees the rows.
 */
import { EventStore } from '../../server/auth/events.ts';
import { Purger } from '../../server/auth/purge.ts';
import { SessionStore } from '../../server/auth/sessions.ts';
import { Throttle } from '../../server/auth/throttle.ts';
import { type Command, parseCommandArgs } from './command.ts';

export const tokensPurge: Command = {
  name: 'tokens purge',
  usage: 'tokens purge',
  summary: 'Delete expired tokens and sessions, ended login-throttle windows and old audit events',
  details:
    'Runs at once, whatever TOKEN_PURGE_INTERVAL says, on a live database beside running servers (in\nbatches of 5000 rows). Exit status: 0, 2 bad arguments.',
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const store = await ctx.open();
    const throttle = new Throttle(store.db, store.config.LOGIN_THROTTLE_WINDOW);
    const sessions = new SessionStore(store.db, store.config);
    const events = new EventStore(store.db, () => {}, store.config.AUDIT_RETENTION);
    const stores = { tokens: store.tokens, throttle, sessions, events };
    const purger = new Purger(store.db, stores, store.config, () => {});
    const done = await purger.run();
    const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
    ctx.out(
      `Deleted ${n(done.tokens, 'expired token')}, ${n(done.sessions, 'expired session')}, ${n(done.counters, 'ended throttle window')} and ${n(done.events, 'old audit event')}.`,
    );
    return 0;
  },
};
