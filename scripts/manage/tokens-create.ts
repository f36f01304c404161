/**
 * @module
 * `manage tokens create USERNAME [--label L]`: issues a token for a user, under the same expiry and
 * per-user limit settings as login. The key alone goes to stdout, once (`KEY=$(npm run -s manage --
 * tokens create alice)`); what it is and that it is not shown again goes to stderr.
 */
import { TokenLimitError } from '../../server/auth/token-store.ts';
import { type Command, CommandError, parseCommandArgs } from './command.ts';
import { formatTime } from './tokens-list.ts';

export const tokensCreate: Command = {
  name: 'tokens create',
  usage: 'tokens create USERNAME [--label L]',
  summary: 'Create a token for a user and print its key once',
  details: [
    'Options:',
    '  --label L  what the token is for, shown in lists (default "cli")',
    'The key is printed alone on stdout and never again; only its digest is stored.',
    'Exit status: 0, 1 no such user (or the per-user limit rejects it), 2 bad arguments.',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { label: { type: 'string' } }, ['USERNAME']);
    const username = positionals[0] as string;
    const store = await ctx.open();
    const user = await store.users.byUsername(username);
    if (!user) throw new CommandError(`user '${username}' does not exist`);
    let issued: Awaited<ReturnType<typeof store.tokens.issue>>;
    try {
      issued = await store.tokens.issue(user.id, values.label?.trim() || 'cli');
    } catch (err) {
      if (err instanceof TokenLimitError) throw new CommandError(err.message);
      throw err;
    }
    if (!user.isActive)
      ctx.err(`warning: ${user.username} is inactive; the token will be refused until reactivated`);
    ctx.err(
      `Created token ${issued.token.id} for ${user.username} (expires: ${formatTime(issued.token.expiresAt, 'never')}). ` +
        'Copy the key now: it is not shown again.',
    );
    ctx.out(issued.key);
    return 0;
  },
};
