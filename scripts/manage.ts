/**
 * @module
 * `npm run manage -- <command> [arguments]`: Latchkey's administration CLI, in the spirit of Django's
 * manage.py. It opens the database exactly like the server (DATABASE_URL, else PGlite in
 * LATCHKEY_DATA_DIR under the same lock, so it refuses to run beside `npm start` on PGlite) and applies
 * pending migrations first. `npm run manage -- help` lists the commands.
 *
 * Exit status: 0 success; 1 the command failed (no such user, username taken, no such token, data
 * directory in use, bad configuration); 2 bad arguments (unknown command or flag, missing argument,
 * `--password`); 130 cancelled at a password prompt.
 *
 * Adding a command (the registration point is {@link COMMANDS} below):
 * 1. Write scripts/manage/<name>.ts exporting a `Command` (scripts/manage/command.ts):
 *    `{ name, usage, summary, details?, run(args, ctx) }`. `name` holds a space for a subcommand
 *    (`'tokens purge'`); the dispatcher picks the longest name matching argv and passes the rest as
 *    `args`. Parse them with `parseCommandArgs(args, options, ['POSITIONAL'])` (node:util parseArgs,
 *    strict); get the database with `await ctx.open()`; print results with `ctx.out`, notices with
 *    `ctx.err`; throw `UsageError` (exit 2) or `CommandError` (exit 1); return 0.
 * 2. Import it here and add it to COMMANDS: one line each. The order is the order `help` lists.
 */
import { changepassword } from './manage/changepassword.ts';
import { runCli } from './manage/cli.ts';
import type { Command } from './manage/command.ts';
import { createuser } from './manage/createuser.ts';
import { help } from './manage/help.ts';
import { importDjangoCommand } from './manage/import-django.ts';
import { migrate } from './manage/migrate.ts';
import { tokensCreate } from './manage/tokens-create.ts';
import { tokensList } from './manage/tokens-list.ts';
import { tokensPurge } from './manage/tokens-purge.ts';
import { tokensRevoke } from './manage/tokens-revoke.ts';

/** Every command, in the order `help` lists them. Register new commands here. */
export const COMMANDS: readonly Command[] = [
  migrate,
  createuser,
  changepassword,
  tokensList,
  tokensCreate,
  tokensRevoke,
  tokensPurge,
  importDjangoCommand,
  help,
];

process.exit(await runCli(process.argv.slice(2), COMMANDS));
