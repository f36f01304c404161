/**
 * @module
 * What a `manage` command is: the {@link Command} shape each scripts/manage/<command>.ts exports, the
 * {@link Context} the dispatcher hands it, the two errors that set the exit status, and
 * {@link parseCommandArgs}, the strict argument parser every command uses.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { TokenStore } from '../../server/auth/token-store.ts';
import type { UserStore } from '../../server/auth/user-store.ts';
import type { Config } from '../../server/config.ts';
import type { Database } from '../../server/db/open.ts';

/** One CLI command. `name` may hold a space for a subcommand ("tokens create"). */
export interface Command {
  /** The words that select it: `migrate`, `tokens create`. */
  name: string;
  /** Its synopsis after `npm run manage --`, e.g. `tokens create USERNAME [--label L]`. */
  usage: string;
  /** One line for `help`. */
  summary: string;
  /** Optional longer text for `help <command>`: options, behaviour. */
  details?: string;
  /** Runs with the arguments after the command's name; resolves to the exit status (default 0). */
  run(args: string[], ctx: Context): Promise<number | undefined>;
}

/** The database as commands see it: opened, migrated and locked exactly like the server's. */
export interface Store {
  db: Database;
  driver: 'pglite' | 'postgres';
  config: Config;
  users: UserStore;
  tokens: TokenStore;
  /** Applies pending migrations (already done by {@link Context.open} unless `migrate: false`). */
  migrate(): Promise<void>;
}

/** What the dispatcher gives every command. */
export interface Context {
  /** The environment (process.env): DATABASE_URL, LATCHKEY_DATA_DIR and the rest of server/config.ts. */
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadStream;
  /** A line on stdout: the command's result (keys, tables), what scripts capture. */
  out(line: string): void;
  /** A line on stderr: prompts, notices, warnings. */
  err(line: string): void;
  /** Every registered command (for `help`). */
  commands: readonly Command[];
  /**
   * Opens the database like the server does (postgres.js at DATABASE_URL, else PGlite in
   * LATCHKEY_DATA_DIR under its lock), migrated unless `migrate: false`. Opened once per run; the
   * dispatcher closes it when the command returns.
   */
  open(options?: { migrate?: boolean }): Promise<Store>;
}

/** Bad arguments: the dispatcher prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command could not do its job (unknown user, duplicate, ...): message, exit `status` (1). */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/**
 * node:util parseArgs with strict: true, plus a fixed list of positional names: unknown flags, missing
 * values and a wrong number of positionals become {@link UsageError}s. Positional values are never
 * echoed back, since a misplaced password must not end up in a log.
 */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  positionals: readonly string[],
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    // Node's messages continue with advice about `--`; the first sentence is the useful part.
    throw new UsageError((err as Error).message.split(/\.\s/)[0] ?? String(err));
  }
  const got = parsed.positionals.length;
  if (got < positionals.length) throw new UsageError(`missing argument ${positionals[got]}`);
  if (got > positionals.length) {
    const expected = positionals.length === 0 ? 'none' : positionals.join(' ');
    throw new UsageError(`too many arguments: expected ${expected}, got ${got}`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}
