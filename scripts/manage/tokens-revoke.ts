/**
 * @module
 * `manage tokens revoke ID`: revokes one token by its public id (from `tokens list`). The next request
 * with its key gets 401 `Invalid token.` on every instance, since the row is gone from the database.
 */
import { eq } from 'drizzle-orm';
import { tokens, users } from '../../server/db/schema.ts';
import { type Command, CommandError, parseCommandArgs } from './command.ts';

export const tokensRevoke: Command = {
  name: 'tokens revoke',
  usage: 'tokens revoke ID',
  summary: 'Revoke a token by its id (see tokens list)',
  details: 'Exit status: 0 revoked, 1 no token with that id, 2 bad arguments.',
  async run(args, ctx) {
    const { positionals } = parseCommandArgs(args, {}, ['ID']);
    const id = positionals[0] as string;
    const store = await ctx.open();
    const [row] = await store.db
      .select({ prefix: tokens.prefix, username: users.username })
      .from(tokens)
      .innerJoin(users, eq(users.id, tokens.userId))
      .where(eq(tokens.id, id))
      .limit(1);
    if (!row || !(await store.tokens.revoke(id))) throw new CommandError(`no token with id '${id}'`);
    ctx.out(`Revoked token ${id} (${row.prefix}..., user ${row.username}).`);
    return 0;
  },
};
