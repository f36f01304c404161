/**
 * @module
 * `manage createuser USERNAME [--email E] [--staff] [--superuser] [--password-stdin]`: creates an
 * active user with an argon2id password (Django's createsuperuser, without the superuser assumption).
 * `--superuser` implies `--staff`, as Django requires of superusers.
 */
import { DuplicateUserError } from '../../server/auth/user-store.ts';
import { type Command, CommandError, parseCommandArgs, UsageError } from './command.ts';
import { checkPasswordSource, passwordStdinOption, readNewPassword } from './password.ts';

/** Django's default username rule (UnicodeUsernameValidator) and length. */
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;
const USERNAME_MAX = 150;

/** Checks a username as Django's auth would; the message says what is allowed. */
export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new UsageError(
      'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
    );
  }
  if (username.length > USERNAME_MAX) {
    throw new UsageError(`Ensure the username has at most ${USERNAME_MAX} characters.`);
  }
}

export const createuser: Command = {
  name: 'createuser',
  usage: 'createuser USERNAME [--email E] [--staff] [--superuser] [--password-stdin]',
  summary: 'Create a user (password from stdin or a hidden prompt)',
  details: [
    'Options:',
    '  --email E         e-mail address (login accepts it in place of the username)',
    '  --staff           may use the admin page and /admin/api',
    '  --superuser       all permissions; implies --staff',
    '  --password-stdin  read the password from stdin (one trailing newline is stripped);',
    '                    without it the password is asked twice on the terminal, not echoed',
    'The password must pass the same policy as the API (at least 8 characters, not common, not like',
    'the username or e-mail).',
    'Exit status: 0 created, 1 the username is taken, 2 bad arguments (or a refused password).',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        email: { type: 'string' },
        staff: { type: 'boolean' },
        superuser: { type: 'boolean' },
        ...passwordStdinOption,
      },
      ['USERNAME'],
    );
    const username = positionals[0] as string;
    checkUsername(username);
    const email = values.email?.trim() ?? '';
    if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email))
      throw new UsageError('Enter a valid email address.');

    checkPasswordSource(ctx, values['password-stdin']);
    const store = await ctx.open();
    // Fail before asking for a password that would be thrown away.
    if (await store.users.byUsername(username)) throw new CommandError('That username is already taken.');
    const password = await readNewPassword(ctx, values['password-stdin'], { username, email });
    const superuser = values.superuser ?? false;
    try {
      const user = await store.users.create({
        username,
        password,
        email,
        isStaff: superuser || (values.staff ?? false),
        isSuperuser: superuser,
      });
      const roles = [user.isStaff && 'staff', user.isSuperuser && 'superuser'].filter(Boolean);
      ctx.out(`Created user ${user.username} (id ${user.id}${roles.length ? `, ${roles.join(', ')}` : ''}).`);
      return 0;
    } catch (err) {
      if (err instanceof DuplicateUserError) throw new CommandError('That username is already taken.');
      throw err;
    }
  },
};
