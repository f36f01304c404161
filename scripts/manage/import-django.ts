/**
 * @module
 * `manage import-django --database-url URL`: moves a Django REST Framework deployment to Latchkey.
 * Reads `auth_user` and `authtoken_token` from the Django PostgreSQL database (read-only) and writes,
 * in one transaction, the users with their ids, flags, dates and password hashes (pbkdf2_sha256 as is,
 * upgraded to argon2id at each user's next login; Django's argon2 hashes rewritten to standard PHC
 * strings) and each DRF key as a token stored by its SHA-256 digest, so the clients' 40-hex keys keep
 * working. Imported keys follow Latchkey's expiry policy from the moment of the import.
 *
 * Idempotent: a user already here with the same id and username is left as it is, tokens included (a
 * key revoked in Latchkey since stays revoked). A user whose id or username belongs to someone else
 * here is a conflict: nothing is written unless `--skip-conflicts` is given.
 */
import { sql } from 'drizzle-orm';
import { expiryFor } from '../../server/auth/token-store.ts';
import { digestKey, displayPrefix, isWellFormedKey, newTokenId } from '../../server/auth/tokens.ts';
import type { Config } from '../../server/config.ts';
import type { Database } from '../../server/db/open.ts';
import { tokens, users } from '../../server/db/schema.ts';
import { type Command, CommandError, parseCommandArgs, UsageError } from './command.ts';

/** A row of Django's auth_user. */
export interface DjangoUser {
  id: number;
  username: string;
  password: string;
  email: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  date_joined: Date;
  last_login: Date | null;
}

/** A row of DRF's authtoken_token. */
export interface DjangoToken {
  key: string;
  user_id: number;
  created: Date;
}

/** What an import did (or, with dry run, would do). */
export interface ImportReport {
  imported: number;
  skipped: number;
  tokens: number;
  conflicts: string[];
  /** Users whose hash Latchkey cannot verify (they need a new password). */
  unverifiable: string[];
  /** Keys Latchkey would not accept (not 40 lowercase hex digits). */
  badKeys: number;
}

/**
 * Django's encoded password as Latchkey stores it: pbkdf2_sha256 unchanged; `argon2$argon2id$...`
 * (Django's Argon2PasswordHasher) is a PHC string behind Django's algorithm name. Anything else
 * (bcrypt, unsalted or unusable `!` hashes) is kept but cannot be verified.
 */
export function convertHash(encoded: string): { password: string; verifiable: boolean } {
  if (encoded.startsWith('pbkdf2_sha256$')) return { password: encoded, verifiable: true };
  if (/^argon2\$argon2(id|i|d)\$/.test(encoded))
    return { password: encoded.slice('argon2'.length), verifiable: true };
  return { password: encoded, verifiable: encoded.startsWith('$argon2') };
}

/** Reads users and tokens from a Django database (read-only queries). */
export async function readDjango(url: string): Promise<{ users: DjangoUser[]; tokens: DjangoToken[] }> {
  const { default: postgres } = await import('postgres');
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [tables] = await client<{ users: string | null; tokens: string | null }[]>`
      select to_regclass('auth_user')::text as users, to_regclass('authtoken_token')::text as tokens`;
    if (!tables?.users)
      throw new CommandError('no auth_user table in that database: is it a Django database?');
    const djangoUsers = await client<DjangoUser[]>`
      select id, username, password, email, first_name, last_name, is_active, is_staff, is_superuser,
             date_joined, last_login
      from auth_user order by id`;
    const djangoTokens = tables.tokens
      ? await client<DjangoToken[]>`select key, user_id, created from authtoken_token order by created`
      : [];
    return { users: [...djangoUsers], tokens: [...djangoTokens] };
  } finally {
    await client.end({ timeout: 5 });
  }
}

class DryRun extends Error {}

/** Writes the Django data into Latchkey in one transaction (rolled back when `dryRun`). */
export async function importDjango(
  db: Database,
  config: Config,
  data: { users: DjangoUser[]; tokens: DjangoToken[] },
  options: { skipConflicts?: boolean; dryRun?: boolean; now?: Date } = {},
): Promise<ImportReport> {
  const now = options.now ?? new Date();
  const report: ImportReport = {
    imported: 0,
    skipped: 0,
    tokens: 0,
    conflicts: [],
    unverifiable: [],
    badKeys: 0,
  };
  try {
    await db.transaction(async (tx) => {
      // Serialise with concurrent imports and sign-ups: ids and usernames are decided below.
      await tx.execute(sql`lock table ${users} in share row exclusive mode`);
      const present = await tx.select({ id: users.id, username: users.username }).from(users);
      const byId = new Map(present.map((u) => [u.id, u.username]));
      const byName = new Map(present.map((u) => [u.username.toLowerCase(), u.id]));
      const djangoNames = new Map<string, DjangoUser>();
      const fresh: DjangoUser[] = [];
      for (const d of data.users) {
        const lower = d.username.toLowerCase();
        const twin = djangoNames.get(lower);
        djangoNames.set(lower, d);
        if (twin) {
          report.conflicts.push(
            `Django users '${twin.username}' (id ${twin.id}) and '${d.username}' (id ${d.id}) differ only in case; Latchkey usernames are case-insensitive`,
          );
          continue;
        }
        const here = byId.get(d.id);
        const owner = byName.get(lower);
        if (here !== undefined && here.toLowerCase() === lower) {
          report.skipped++;
        } else if (here === undefined && owner === undefined) {
          fresh.push(d);
        } else if (here !== undefined) {
          report.conflicts.push(`Django user '${d.username}' has id ${d.id}, which is '${here}' here`);
        } else {
          report.conflicts.push(`Django user '${d.username}' (id ${d.id}) is user id ${owner} here`);
        }
      }
      if (report.conflicts.length && !options.skipConflicts) return;
      for (const d of fresh) {
        const { password, verifiable } = convertHash(d.password);
        if (!verifiable) report.unverifiable.push(d.username);
        await tx.insert(users).values({
          id: d.id,
          username: d.username,
          password,
          email: d.email ?? '',
          firstName: d.first_name ?? '',
          lastName: d.last_name ?? '',
          isActive: d.is_active,
          isStaff: d.is_staff,
          isSuperuser: d.is_superuser,
          dateJoined: d.date_joined,
          lastLogin: d.last_login,
        });
        report.imported++;
      }
      if (fresh.length) {
        // Explicit ids leave the sequence behind: the next sign-up must not collide with them.
        await tx.execute(
          sql`select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from ${users}))`,
        );
      }
      const freshIds = new Set(fresh.map((d) => d.id));
      const rows = data.tokens
        .filter((k) => freshIds.has(k.user_id))
        .filter((k) => {
          if (isWellFormedKey(k.key)) return true;
          report.badKeys++;
          return false;
        })
        .map((k) => ({
          id: newTokenId(),
          userId: k.user_id,
          digest: digestKey(k.key),
          prefix: displayPrefix(k.key),
          label: `Django REST framework token (created ${k.created.toISOString().slice(0, 10)})`,
          createdAt: now,
          expiresAt: expiryFor(now, now, config),
        }));
      if (rows.length) {
        const inserted = await tx
          .insert(tokens)
          .values(rows)
          .onConflictDoNothing({ target: tokens.digest })
          .returning({ id: tokens.id });
        report.tokens = inserted.length;
      }
      if (options.dryRun) throw new DryRun();
    });
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
  }
  return report;
}

/** Keeps the password out of messages that echo a URL. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

export const importDjangoCommand: Command = {
  name: 'import-django',
  usage: 'import-django --database-url URL [--skip-conflicts] [--dry-run]',
  summary: 'Import users and DRF tokens from a Django PostgreSQL database',
  details: [
    'Options:',
    '  --database-url URL  the Django database (postgres://...); or set DJANGO_DATABASE_URL, which keeps',
    '                      the password out of the process list',
    '  --skip-conflicts    import the others when some users clash with users already here',
    '  --dry-run           report what would be imported, write nothing',
    'Users keep their ids, flags, dates and password hashes (pbkdf2_sha256 is upgraded to argon2id at the',
    'next login); DRF keys keep working, stored as SHA-256 digests. Re-running skips users imported before.',
    'Exit status: 0, 1 conflicts or an unreachable database, 2 bad arguments.',
  ].join('\n'),
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        'database-url': { type: 'string' },
        'skip-conflicts': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
      [],
    );
    const url = values['database-url'] ?? ctx.env.DJANGO_DATABASE_URL;
    if (!url) throw new UsageError('missing --database-url (or DJANGO_DATABASE_URL)');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must be a postgres:// URL');
    let data: Awaited<ReturnType<typeof readDjango>>;
    try {
      data = await readDjango(url);
    } catch (err) {
      if (err instanceof CommandError) throw err;
      throw new CommandError(`cannot read the Django database at ${redact(url)}: ${(err as Error).message}`);
    }
    const store = await ctx.open();
    const dryRun = values['dry-run'] === true;
    const report = await importDjango(store.db, store.config, data, {
      skipConflicts: values['skip-conflicts'] === true,
      dryRun,
    });
    for (const line of report.conflicts.slice(0, 20)) ctx.err(`conflict: ${line}`);
    if (report.conflicts.length > 20) ctx.err(`... and ${report.conflicts.length - 20} more conflicts`);
    if (report.conflicts.length && values['skip-conflicts'] !== true) {
      throw new CommandError(
        `${report.conflicts.length} conflicting user(s); nothing imported. Resolve them, or pass --skip-conflicts.`,
      );
    }
    if (report.unverifiable.length) {
      ctx.err(
        `warning: ${report.unverifiable.length} user(s) have password hashes Latchkey cannot verify (not pbkdf2_sha256 or argon2) and need a new password: ${report.unverifiable.slice(0, 10).join(', ')}`,
      );
    }
    if (report.badKeys) ctx.err(`warning: ${report.badKeys} token(s) skipped: not 40-hex DRF keys`);
    ctx.out(
      `${dryRun ? 'Would import' : 'Imported'} ${report.imported} user(s) and ${report.tokens} token(s) from Django; ${report.skipped} user(s) already here were left unchanged.`,
    );
    return 0;
  },
};
