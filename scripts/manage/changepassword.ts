/**
 * @module
 * `manage changepassword USERNAME [--password-stdin] [--keep-tokens]`: sets a user's password.
 *
 * What else it revokes: by default every token and session of the user, exactly as a password set
 * through the admin API or the user's own password change does (server/auth/credentials.ts): whoever
 * held the old password, or anything obtained with it, is logged out everywhere. Django's changepassword
 * leaves DRF tokens alone; `--keep-tokens` does that for a routine rotation where scripts hold tokens
 * (sessions still end, as in Django, whose sessions carry a hash of the password).
 */
import { revokeOtherCredentials } from '../../server/auth/credentials.ts';
import { SessionStore } from '../../server/auth/sessions.ts';
import { type Command, CommandError, parseCommandArgs } from './command.ts';
import { checkPasswordSource, passwordStdinOption, readNewPassword } from './password.ts';

export const changepassword: Command = {
  name: 'changepassword',
  usage: 'changepassword USERNAME [--password-stdin] [--keep-tokens]',
  summary: "Set a user's password and revoke their tokens and sessions",
  details: [
    'Options:',
    '  --password-stdin  read the password from stdin (one trailing newline is stripped);',
    '                    without it the password is asked twice on the terminal, not echoed',
    "  --keep-tokens     keep the user's tokens (sessions still end), as Django's changepassword does",
    'By default every token and session of the user is revoked, as the API does on a password change.',
    'The password must pass the same policy as the API.',
    'Exit status: 0 changed, 1 no such user, 2 bad arguments (or a refused password).',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...passwordStdinOption, 'keep-tokens': { type: 'boolean' } },
      ['USERNAME'],
    );
    const username = positionals[0] as string;
    checkPasswordSource(ctx, values['password-stdin']);
    const store = await ctx.open();
    const user = await store.users.byUsername(username);
    if (!user) throw new CommandError(`user '${username}' does not exist`);
    if (!values['password-stdin']) ctx.err(`Changing password for user '${user.username}'`);
    const password = await readNewPassword(ctx, values['password-stdin'], user);
    await store.users.setPassword(user.id, password);
    const sessions = new SessionStore(store.db, store.config);
    const revoked = values['keep-tokens']
      ? { tokens: 0, sessions: await sessions.endAll(user.id) }
      : await revokeOtherCredentials({ tokens: store.tokens, sessions }, user.id, {});
    ctx.out(`Password changed successfully for user '${user.username}'.`);
    ctx.out(
      `Revoked ${revoked.tokens} token(s) and ${revoked.sessions} session(s)` +
        (values['keep-tokens'] ? '; tokens kept (--keep-tokens).' : '.'),
    );
    return 0;
  },
};
