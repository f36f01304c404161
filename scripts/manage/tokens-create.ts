/**
 * @module
 * `manage tokens create USERNAME [--label L] [--scope S]... [--expires-in D | --expires-at DATE]
 * [--idle D | --no-idle]`: issues a token for a user. Without lifetime options it expires like a login
 * (TOKEN_TTL idle, TOKEN_MAX_TTL at most), so a forgotten deploy key dies on its own; with them it has
 * a lifetime of its own, bounded by TOKEN_CUSTOM_MAX_TTL. `--scope` narrows it to declared scopes
 * (Latchkey's own and TOKEN_SCOPES). The key alone goes to stdout, once (`KEY=$(npm run -s manage --
 * tokens create alice)`); what it is and that it is not shown again goes to stderr.
 */
import { LifetimeError, parseDuration, resolveLifetime } from '../../server/auth/lifetimes.ts';
import { ScopeRegistry } from '../../server/auth/scopes.ts';
import { TokenLimitError } from '../../server/auth/token-store.ts';
import { ApiError } from '../../server/errors.ts';
import { type Command, CommandError, parseCommandArgs, UsageError } from './command.ts';
import { formatTime } from './tokens-list.ts';

function duration(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined)
    throw new UsageError(`${option}: expected a duration such as 90d, 12h, 30m or 3600`);
  return seconds;
}

export const tokensCreate: Command = {
  name: 'tokens create',
  usage:
    'tokens create USERNAME [--label L] [--scope S]... [--expires-in D | --expires-at DATE] [--idle D | --no-idle]',
  summary: 'Create a token for a user and print its key once',
  details: [
    'Options:',
    '  --label L         what the token is for, shown in lists (default "cli")',
    '  --scope S         narrow the token to scope S (repeat for more); default: full access',
    '  --expires-in D    its own absolute lifetime: 90d, 12h, 30m, 2w or seconds',
    '  --expires-at DATE its own absolute end (ISO 8601, e.g. 2027-01-31T00:00:00Z)',
    '  --idle D          its own idle timeout (default TOKEN_TTL)',
    '  --no-idle         no idle timeout (a key used once a month keeps working until its end)',
    'Without lifetime options the token expires like a login (TOKEN_TTL idle, TOKEN_MAX_TTL at most).',
    'Lifetimes are bounded by TOKEN_CUSTOM_MAX_TTL. Scopes must be declared (TOKEN_SCOPES).',
    'The key is printed alone on stdout and never again; only its digest is stored.',
    'Exit status: 0, 1 no such user (or the per-user limit rejects it), 2 bad arguments.',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        label: { type: 'string' },
        scope: { type: 'string', multiple: true },
        'expires-in': { type: 'string' },
        'expires-at': { type: 'string' },
        idle: { type: 'string' },
        'no-idle': { type: 'boolean' },
      },
      ['USERNAME'],
    );
    if (values.idle !== undefined && values['no-idle'])
      throw new UsageError('give --idle or --no-idle, not both');
    const expiresAt = values['expires-at'] === undefined ? undefined : new Date(values['expires-at']);
    if (expiresAt && Number.isNaN(expiresAt.getTime())) {
      throw new UsageError('--expires-at: expected an ISO 8601 date such as 2027-01-31T00:00:00Z');
    }
    const request = {
      expiresIn: duration('--expires-in', values['expires-in']),
      expiresAt,
      idleTimeout: values['no-idle'] ? 0 : duration('--idle', values.idle),
    };
    const username = positionals[0] as string;
    const store = await ctx.open();
    let scopes: string[] | null = null;
    let lifetime: ReturnType<typeof resolveLifetime>;
    try {
      if (values.scope) scopes = new ScopeRegistry(store.config.TOKEN_SCOPES).check(values.scope, 'scope');
      lifetime = resolveLifetime(request, store.config);
    } catch (err) {
      if (err instanceof ApiError) throw new UsageError(Object.values(err.body).flat().join(' '));
      if (err instanceof LifetimeError)
        throw new UsageError(`--${err.field.replace('_', '-')}: ${err.message}`);
      throw err;
    }
    const user = await store.users.byUsername(username);
    if (!user) throw new CommandError(`user '${username}' does not exist`);
    let issued: Awaited<ReturnType<typeof store.tokens.issue>>;
    try {
      issued = await store.tokens.issue(user.id, values.label?.trim() || 'cli', { scopes, lifetime });
    } catch (err) {
      if (err instanceof TokenLimitError) throw new CommandError(err.message);
      throw err;
    }
    if (!user.isActive)
      ctx.err(`warning: ${user.username} is inactive; the token will be refused until reactivated`);
    const own = store.tokens.lifetime(issued.token);
    ctx.err(
      `Created token ${issued.token.id} for ${user.username} ` +
        `(scopes: ${scopes ? scopes.join(' ') || '(none)' : 'full access'}; ` +
        `idle timeout: ${own.idleTtl === null ? 'none' : `${own.idleTtl} s`}; ` +
        `expires: ${formatTime(issued.token.expiresAt, 'never')}; ` +
        `at the latest: ${formatTime(own.maxExpiresAt, 'never')}). ` +
        'Copy the key now: it is not shown again.',
    );
    ctx.out(issued.key);
    return 0;
  },
};
