/**
 * @module
 * `manage tokens purge`: deletes expired tokens and ended throttle windows now. The server also does
 * this by itself (see server/auth/purge.ts); the command is for cron-minded operators, one-off clean-ups
 * and TOKEN_PURGE_INTERVAL=0. Expired tokens are refused either way: purging only frees the rows.
 */
import { Purger } from '../../server/auth/purge.ts';
import { Throttle } from '../../server/auth/throttle.ts';
import { type Command, parseCommandArgs } from './command.ts';

export const tokensPurge: Command = {
  name: 'tokens purge',
  usage: 'tokens purge',
  summary: 'Delete expired tokens and ended login-throttle windows',
  details:
    'Runs at once, whatever TOKEN_PURGE_INTERVAL says, on a live database beside running servers (in\nbatches of 5000 rows). Exit status: 0, 2 bad arguments.',
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const store = await ctx.open();
    const throttle = new Throttle(store.db, store.config.LOGIN_THROTTLE_WINDOW);
    const purger = new Purger(store.db, { tokens: store.tokens, throttle }, store.config, () => {});
    const { tokens, counters } = await purger.run();
    ctx.out(
      `Deleted ${tokens} expired token${tokens === 1 ? '' : 's'} and ${counters} ended throttle window${counters === 1 ? '' : 's'}.`,
    );
    return 0;
  },
};
