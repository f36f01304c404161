/**
 * @module
 * `manage changepassword USERNAME [--password-stdin] [--revoke-tokens]`: sets a user's password.
 *
 * What else it revokes: every session of the user (cookie logins), as changing the password does in
 * Django, whose sessions carry a hash of the password. Tokens are kept by default, as with Django's
 * changepassword and DRF tokens, so scripts and devices keep working after a routine change;
 * `--revoke-tokens` revokes them all too, which is what to use after a suspected compromise.
 */
import { eq } from 'drizzle-orm';
import { sessions } from '../../server/db/schema.ts';
import { type Command, CommandError, parseCommandArgs } from './command.ts';
import { checkPasswordSource, passwordStdinOption, readNewPassword } from './password.ts';

export const changepassword: Command = {
  name: 'changepassword',
  usage: 'changepassword USERNAME [--password-stdin] [--revoke-tokens]',
  summary: "Set a user's password (signs out their sessions; tokens kept unless --revoke-tokens)",
  details: [
    'Options:',
    '  --password-stdin  read the password from stdin (one trailing newline is stripped);',
    '                    without it the password is asked twice on the terminal, not echoed',
    '  --revoke-tokens   also revoke every token of the user (after a suspected compromise)',
    "The user's sessions (cookie logins) always end, as in Django; tokens are kept by default.",
    'Exit status: 0 changed, 1 no such user, 2 bad arguments.',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...passwordStdinOption, 'revoke-tokens': { type: 'boolean' } },
      ['USERNAME'],
    );
    const username = positionals[0] as string;
    checkPasswordSource(ctx, values['password-stdin']);
    const store = await ctx.open();
    const user = await store.users.byUsername(username);
    if (!user) throw new CommandError(`user '${username}' does not exist`);
    if (!values['password-stdin']) ctx.err(`Changing password for user '${user.username}'`);
    const password = await readNewPassword(ctx, values['password-stdin']);
    await store.users.setPassword(user.id, password);
    const ended = await store.db
      .delete(sessions)
      .where(eq(sessions.userId, user.id))
      .returning({ userId: sessions.userId });
    const revoked = values['revoke-tokens'] ? await store.tokens.revokeAll(user.id) : 0;
    ctx.out(`Password changed successfully for user '${user.username}'.`);
    ctx.out(`  sessions ended: ${ended.length}`);
    ctx.out(
      values['revoke-tokens']
        ? `  tokens revoked: ${revoked}`
        : '  tokens kept (use --revoke-tokens to revoke them as well)',
    );
    return 0;
  },
};
