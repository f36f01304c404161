/**
 * @module
 * `manage help [COMMAND]`: the list of commands, or one command's usage and details. Also what
 * `<command> --help` shows.
 */
import { INVOCATION, resolveCommand } from './cli.ts';
import { type Command, UsageError } from './command.ts';
import { formatTable } from './tokens-list.ts';

export const help: Command = {
  name: 'help',
  usage: 'help [COMMAND]',
  summary: 'Show the commands, or how to use one',
  async run(args, ctx) {
    if (args.length > 0) {
      const found = resolveCommand(ctx.commands, args);
      if (!found || found.args.length > 0) throw new UsageError(`unknown command '${args.join(' ')}'`);
      ctx.out(`usage: ${INVOCATION} ${found.command.usage}`);
      ctx.out('');
      ctx.out(found.command.summary);
      if (found.command.details) ctx.out(`\n${found.command.details}`);
      return 0;
    }
    ctx.out(`usage: ${INVOCATION} <command> [arguments]`);
    ctx.out('');
    ctx.out('Commands:');
    for (const line of formatTable(
      ['', ''],
      ctx.commands.map((c: Command) => [c.name, c.summary]),
    ).slice(1)) {
      ctx.out(`  ${line}`);
    }
    ctx.out('');
    ctx.out(
      "The database is the server's: PostgreSQL at DATABASE_URL, else PGlite in LATCHKEY_DATA_DIR (default ./data),",
    );
    ctx.out('which one process may open at a time (stop `npm start` first, or use PostgreSQL).');
    ctx.out('Passwords are read from stdin (--password-stdin) or a hidden prompt, never from arguments.');
    ctx.out(
      `Exit status: 0 ok, 1 the command failed, 2 bad arguments. \`${INVOCATION} help COMMAND\` for details.`,
    );
    return 0;
  },
};
