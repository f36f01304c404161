/**
 * @module
 * `manage tokens purge`: deletes expired tokens, expired cookie sessions and ended throttle windows now. The server also does
 * this by itself (see server/auth/purge.ts); the command is for cron-minded operators, one-off clean-ups
 * and TOKEN_PURGE_INTERVAL=0. Expired tokens are refused either way: purging only frees the rows.
 */
import { Purger } from '../../server/auth/purge.ts';
import { SessionStore } from '../../server/auth/sessions.ts';
import { Throttle } from '../../server/auth/throttle.ts';
import { type Command, parseCommandArgs } from './command.ts';

export const tokensPurge: Command = {
  name: 'tokens purge',
  usage: 'tokens purge',
  summary: 'Delete expired tokens and sessions, and ended login-throttle windows',
  details:
    'Runs at once, whatever TOKEN_PURGE_INTERVAL says, on a live database beside running servers (in\nbatches of 5000 rows). Exit status: 0, 2 bad arguments.',
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const store = await ctx.open();
    const throttle = new Throttle(store.db, store.config.LOGIN_THROTTLE_WINDOW);
    const sessions = new SessionStore(store.db, store.config);
    const purger = new Purger(store.db, { tokens: store.tokens, throttle, sessions }, store.config, () => {});
    const done = await purger.run();
    const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
    ctx.out(
      `Deleted ${n(done.tokens, 'expired token')}, ${n(done.sessions, 'expired session')} and ${n(done.counters, 'ended throttle window')}.`,
    );
    return 0;
  },
};
