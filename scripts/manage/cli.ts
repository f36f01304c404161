/**
 * @module
 * The dispatcher behind scripts/manage.ts: picks the command from argv (longest matching name, so
 * `tokens create` wins over a `tokens` group), gives it a {@link Context}, closes the database after it,
 * and turns errors into exit statuses: 0 success, 1 the command failed (unknown user, duplicate, data
 * directory locked, bad configuration), 2 bad arguments (unknown command or flag, missing argument,
 * `--password`), 130 cancelled at a prompt.
 */
import { TokenStore } from '../../server/auth/token-store.ts';
import { UserStore } from '../../server/auth/user-store.ts';
import { ConfigError, loadConfig, redactCredentials } from '../../server/config.ts';
import { DataDirLockedError } from '../../server/db/lock.ts';
import { type OpenDatabase, openDatabase } from '../../server/db/open.ts';
import { type Command, CommandError, type Context, type Store, UsageError } from './command.ts';
import { isPasswordFlag, PASSWORD_FLAG_REFUSED } from './password.ts';

/** How to invoke the CLI, for usage lines. */
export const INVOCATION = 'npm run manage --';

/** Finds the command named by the leading words of argv; returns it with the remaining arguments. */
export function resolveCommand(
  commands: readonly Command[],
  argv: string[],
): { command: Command; args: string[] } | undefined {
  let best: { command: Command; args: string[] } | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (
      words.every((word, i) => argv[i] === word) &&
      words.length > (best?.command.name.split(' ').length ?? 0)
    ) {
      best = { command, args: argv.slice(words.length) };
    }
  }
  return best;
}

/** Runs the CLI for `argv` (without node and script); resolves to the exit status. */
export async function runCli(
  argv: string[],
  commands: readonly Command[],
  env = process.env,
): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (argv.some(isPasswordFlag)) {
    err(`manage: ${PASSWORD_FLAG_REFUSED}`);
    return 2;
  }
  const found = resolveCommand(commands, argv);
  if (!found) {
    if (argv.length === 0) err(`manage: missing command; see \`${INVOCATION} help\``);
    else err(unknownCommand(commands, argv));
    return 2;
  }
  const { command, args } = found;
  if (args.includes('--help') || args.includes('-h')) {
    const help = commands.find((c) => c.name === 'help');
    if (help && command !== help) return (await help.run(command.name.split(' '), context())) ?? 0;
  }

  let opened: OpenDatabase | undefined;
  let store: Promise<Store> | undefined;
  function context(): Context {
    return {
      env,
      stdin: process.stdin,
      out,
      err,
      commands,
      open(options = {}) {
        store ??= (async () => {
          const config = loadConfig(env);
          opened = await openDatabase({
            databaseUrl: config.DATABASE_URL,
            dataDir: config.LATCHKEY_DATA_DIR,
            holder: `manage ${command.name} (pid ${process.pid})`,
            maxConnections: 2,
            migrate: options.migrate ?? true,
          });
          return {
            db: opened.db,
            driver: opened.driver,
            config,
            users: new UserStore(opened.db),
            tokens: new TokenStore(opened.db, config),
            migrate: () => (opened as OpenDatabase).migrate(),
          };
        })();
        return store;
      },
    };
  }

  try {
    return (await command.run(args, context())) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`manage ${command.name}: ${error.message}`);
      err(`usage: ${INVOCATION} ${command.usage}`);
      return 2;
    }
    if (error instanceof CommandError) {
      err(`manage ${command.name}: ${redactCredentials(error.message)}`);
      return error.status;
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      err(`manage: ${redactCredentials(error.message)}`);
      return 1;
    }
    const text = (error as Error).stack ?? String(error);
    err(`manage ${command.name}: unexpected error: ${redactCredentials(text)}`);
    return 1;
  } finally {
    await opened?.close().catch(() => {});
  }
}

function unknownCommand(commands: readonly Command[], argv: string[]): string {
  const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
  if (group.length > 0) {
    const subs = group.map((c) => c.name.split(' ')[1]).join(', ');
    const what = argv[1] === undefined ? 'missing subcommand' : `unknown command '${argv[0]} ${argv[1]}'`;
    return `manage: ${what}; ${argv[0]} commands: ${subs}`;
  }
  return `manage: unknown command '${argv[0]}'; see \`${INVOCATION} help\``;
}
