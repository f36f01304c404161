/**
 * @module
 * Where a command's new password comes from: all of stdin with `--password-stdin` (one trailing newline
 * stripped, as `echo` and `printf '%s\n'` add it), or a prompt with hidden echo and confirmation when
 * stdin is a terminal. Never from argv: a password there is visible to every user in the process list
 * and stays in shell history and CI logs.
 */
import { type PolicyUser, passwordProblems } from '../../server/auth/password-policy.ts';
import { CommandError, type Context, UsageError } from './command.ts';

/** The option every password-taking command declares. */
export const passwordStdinOption = { 'password-stdin': { type: 'boolean' } } as const;

/** Shown when someone tries `--password`: why it is refused and what to do instead. */
export const PASSWORD_FLAG_REFUSED =
  '--password is not accepted: a password on the command line is visible to other users in the process ' +
  'list and is kept in shell history and CI logs; pipe it with --password-stdin ' +
  '(printf \'%s\\n\' "$PW" | npm run manage -- createuser alice --password-stdin) or omit it to be prompted';

/** Whether argv tries to pass a password as an argument (`--password`, `--password=...`). */
export function isPasswordFlag(arg: string): boolean {
  return arg === '--password' || arg.startsWith('--password=');
}

/** Thrown when the person at the prompt gives up (Ctrl-C, Ctrl-D). */
export class PromptCancelled extends CommandError {
  constructor() {
    super('Operation cancelled.', 130);
  }
}

/** Fails early (before opening the database) when there is no way to get a password. */
export function checkPasswordSource(ctx: Context, fromStdin: boolean | undefined): void {
  if (!fromStdin && !ctx.stdin.isTTY) {
    throw new UsageError(
      'no password given: pipe it with --password-stdin, or run in a terminal to be prompted',
    );
  }
}

/**
 * Reads a new password from stdin or the terminal, per `--password-stdin`, and holds it to the policy
 * the API applies (server/auth/password-policy.ts, Django's validators): at the prompt the problems are
 * shown and the question asked again, as Django's changepassword does; from stdin they are an error.
 */
export async function readNewPassword(
  ctx: Context,
  fromStdin: boolean | undefined,
  user: PolicyUser,
): Promise<string> {
  if (fromStdin) {
    const password = stripOneNewline(await readAll(ctx.stdin));
    if (/[\r\n]/.test(password)) {
      throw new UsageError(
        'the password read from stdin contains a line break (only one trailing newline is stripped)',
      );
    }
    if (password === '') throw new UsageError('blank passwords are not allowed (stdin was empty)');
    const problems = passwordProblems(password, user);
    if (problems.length > 0) throw new UsageError(`password refused: ${problems.join(' ')}`);
    return password;
  }
  checkPasswordSource(ctx, fromStdin);
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await promptHidden(ctx.stdin, 'Password: ');
    const second = await promptHidden(ctx.stdin, 'Password (again): ');
    if (first !== second) ctx.err("Error: Your passwords didn't match.");
    else if (first === '') ctx.err("Error: Blank passwords aren't allowed.");
    else {
      const problems = passwordProblems(first, user);
      if (problems.length === 0) return first;
      for (const problem of problems) ctx.err(problem);
    }
  }
  throw new CommandError('giving up after 3 attempts');
}

function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One line from the terminal with echo off (raw mode, so nothing reaches the screen), like Python's
 * getpass. Handles Backspace, Ctrl-U (clear), Ctrl-C and Ctrl-D (cancel); escape sequences from arrow
 * keys are dropped. The prompt goes to stderr so stdout stays clean for scripts.
 */
export function promptHidden(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  // Echo goes off before the prompt shows, so nothing typed after seeing it can reach the screen.
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003' || (ch === '\u0004' && value === ''))
          return finish(() => reject(new PromptCancelled()));
        if (ch === '\u001b') return; // an escape sequence (arrow keys): ignore the rest of this chunk
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
