/**
 * @module
 * `manage tokens list [--user U]`: every token (or one user's) as a table: id, user, prefix, label,
 * scopes (`*`: full access, `-`: none), created, last used, expires. Keys are never stored, so never shown; the prefix tells them apart.
 */
import { type Command, CommandError, parseCommandArgs } from './command.ts';

/** A timestamp in UTC to the second, unambiguous in any locale. */
export function formatTime(at: Date | null, none: string): string {
  return at ? `${at.toISOString().slice(0, 19).replace('T', ' ')}Z` : none;
}

/** Left-aligned columns separated by two spaces, header first. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

export const tokensList: Command = {
  name: 'tokens list',
  usage: 'tokens list [--user U]',
  summary: 'List tokens (never the keys), newest first',
  details:
    'Options:\n  --user U  only the tokens of user U\nTimes are UTC. Exit status: 0, 1 no such user, 2 bad arguments.',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { user: { type: 'string' } }, []);
    const store = await ctx.open();
    let userId: number | undefined;
    if (values.user !== undefined) {
      const user = await store.users.byUsername(values.user);
      if (!user) throw new CommandError(`user '${values.user}' does not exist`);
      userId = user.id;
    }
    const rows = await store.tokens.list(userId);
    if (rows.length === 0) {
      ctx.out(values.user === undefined ? 'No tokens.' : `No tokens for ${values.user}.`);
      return 0;
    }
    const now = Date.now();
    const table = formatTable(
      ['ID', 'USER', 'PREFIX', 'LABEL', 'SCOPES', 'CREATED', 'LAST USED', 'EXPIRES'],
      rows.map((t) => [
        t.id,
        t.username,
        `${t.prefix}...`,
        clip(t.label, 32),
        t.scopes === null ? '*' : clip(t.scopes.join(' ') || '-', 40),
        formatTime(t.createdAt, '-'),
        formatTime(t.lastUsedAt, 'never'),
        formatTime(t.expiresAt, 'never') + (t.expiresAt && t.expiresAt.getTime() <= now ? ' (expired)' : ''),
      ]),
    );
    for (const line of table) ctx.out(line);
    return 0;
  },
};
