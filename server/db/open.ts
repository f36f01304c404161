/**
 * @module
 * Opens the database behind one Drizzle type: postgres.js when a URL is given, file-backed PGlite
 * otherwise. Migrations are applied here, under an advisory lock on PostgreSQL so several instances
 * starting together do not race.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { type ChangeFeed, pgliteChangeFeed, postgresChangeFeed } from './change-feed.ts';
import { withConnectionGate } from './connection-gate.ts';
import { reconnectBackoff, withPoolTimeout } from './failures.ts';
import { DataDirLockedError, lockDataDir } from './lock.ts';
import { withLostConnectionRetry } from './lost-connection.ts';
import { createPglite } from './pglite.ts';
import { withPreparedStatements } from './prepared.ts';
import * as schema from './schema.ts';

/** The Drizzle database both drivers provide. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database: the Drizzle handle, which driver, how to migrate it and how to close it. */
export interface OpenDatabase {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** Applies the pending drizzle-kit migrations (idempotent; done by openDatabase unless told not to). */
  migrate(): Promise<void>;
  /**
   * The change feed of this database (opened on first call, one per open database; closed by close()):
   * on PostgreSQL a dedicated listening connection, on PGlite the embedded database's own notifications.
   */
  changes(): Promise<ChangeFeed>;
  close(): Promise<void>;
}

/** Memoises a feed and closes it before the database. */
function feedOnce(open: () => Promise<ChangeFeed>) {
  let feed: Promise<ChangeFeed> | undefined;
  return {
    get: () => {
      feed ??= open();
      return feed;
    },
    close: async () => {
      if (feed) await (await feed.catch(() => undefined))?.close();
    },
  };
}

/** Where the drizzle-kit SQL lives, resolved from this file so any working directory works. */
export const migrationsFolder = new URL('./migrations', import.meta.url).pathname;

/** Options for {@link openDatabase}. */
export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** Who holds the PGlite lock, shown to a second opener. */
  holder?: string;
  /** postgres.js pool size (DATABASE_POOL_SIZE). */
  maxConnections?: number;
  /** Prepare drizzle's queries on PostgreSQL (DATABASE_PREPARED_STATEMENTS; default true; see prepared.ts). */
  preparedStatements?: boolean;
  /** Bounds on waiting for PostgreSQL, in seconds (DATABASE_*_TIMEOUT); see db/failures.ts. */
  timeouts?: { connect: number; pool: number; statement: number };
  migrate?: boolean;
}

const MIGRATION_LOCK = 7_441_523_001;

/** The defaults of config.ts, for callers (CLI, tests) that open a database without a Config. */
const DEFAULT_TIMEOUTS = { connect: 2, pool: 2, statement: 2 };

/** Opens (and by default migrates) the database chosen by the options. */
export async function openDatabase(options: OpenOptions): Promise<OpenDatabase> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const url = options.databaseUrl;
    const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    const poolSize = options.maxConnections ?? 4;
    const client = postgres(url, {
      max: poolSize,
      onnotice: () => {},
      connect_timeout: timeouts.connect,
      backoff: reconnectBackoff,
      connection: {
        application_name: options.holder ?? 'latchkey',
        statement_timeout: timeouts.statement * 1000,
      },
    });
    const statements = options.preparedStatements === false ? client : withPreparedStatements(client);
    // A query that lost its connection runs again (when safe) through the whole chain: gate, pool timeout.
    let pool: object = client;
    const retrying = withLostConnectionRetry(statements, () => pool);
    pool = withPoolTimeout(withConnectionGate(retrying, poolSize), timeouts.pool * 1000);
    const db = drizzle(pool as typeof client, { schema }) as unknown as Database;
    const feed = feedOnce(() => postgresChangeFeed(url, `${options.holder ?? 'latchkey'} (changes)`));
    const opened: OpenDatabase = {
      db,
      driver: 'postgres',
      changes: feed.get,
      async migrate() {
        const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
        // One dedicated connection takes a session-level advisory lock, which serialises concurrent
        // start-ups, and runs the migrations itself: they need no connection from the pool, so a pool of
        // one (maxConnections: 1) cannot deadlock against the lock holder.
        // No statement timeout here: a migration may rightly take long, and nothing waits on it.
        const session = postgres(url, {
          max: 1,
          onnotice: () => {},
          connect_timeout: timeouts.connect,
          connection: { application_name: `${options.holder ?? 'latchkey'} (migrations)` },
        });
        try {
          await session`select pg_advisory_lock(${MIGRATION_LOCK})`;
          await run(drizzle(session, { schema }), { migrationsFolder });
        } finally {
          await session`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
          await session.end({ timeout: 5 });
        }
      },
      close: async () => {
        await feed.close();
        await client.end({ timeout: 5 });
      },
    };
    if (migrate) {
      try {
        await opened.migrate();
      } catch (err) {
        await opened.close().catch(() => {});
        throw err;
      }
    }
    return opened;
  }

  const dataDir = options.dataDir ?? './data';
  // An in-memory database belongs to this process alone: there is no directory to lock.
  let release: () => void;
  try {
    release = dataDir.startsWith('memory://') ? () => {} : lockDataDir(dataDir, options.holder ?? 'latchkey');
  } catch (err) {
    if (err instanceof DataDirLockedError) throw err;
    throw new DataDirError(dataDir, err);
  }
  try {
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = await createPglite(dataDir.startsWith('memory://') ? dataDir : `${dataDir}/pgdata`).catch(
      (err: unknown) => {
        throw new DataDirError(dataDir, err);
      },
    );
    const db = drizzle(client, { schema }) as unknown as Database;
    const feed = feedOnce(() => pgliteChangeFeed(client));
    const opened: OpenDatabase = {
      db,
      driver: 'pglite',
      changes: feed.get,
      async migrate() {
        const { migrate: run } = await import('drizzle-orm/pglite/migrator');
        await run(drizzle(client, { schema }), { migrationsFolder });
      },
      close: async () => {
        try {
          await feed.close();
          await client.close();
        } finally {
          release();
        }
      },
    };
    if (migrate) {
      try {
        await opened.migrate();
      } catch (err) {
        await client.close().catch(() => {});
        throw new DataDirError(dataDir, err);
      }
    }
    return opened;
  } catch (err) {
    release();
    throw err;
  }
}

/** Emscripten's errno numbers PGlite reports for its file system (ErrnoError), by name. */
const ERRNO: Record<number, string> = {
  2: 'permission denied',
  31: 'a directory where a file belongs',
  44: 'a file is missing',
  51: 'no space left on the device',
  54: 'a file where a directory belongs',
  63: 'the file system is read-only',
  69: 'the file system is read-only',
};

/** What an error from PGlite or the file system says, in words (PGlite sometimes throws plain objects). */
function describeFailure(err: unknown): string {
  const errno = (err as { errno?: unknown })?.errno;
  if (typeof errno === 'number') return ERRNO[errno] ?? `file system error ${errno}`;
  // A WebAssembly abort is how PGlite reacts to files it cannot make sense of.
  if (err instanceof Error && err.message.startsWith('Aborted(')) return 'its files could not be read';
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/**
 * The PGlite data directory cannot be used: damaged, not a database, read-only, on a full disk. Start-up
 * stops with this one line, before serving anything, so no request ever meets a half-working database
 * and nothing is written over what is there.
 */
export class DataDirError extends Error {
  override name = 'DataDirError';
  constructor(dir: string, cause: unknown) {
    super(
      `the data directory ${dir} cannot be used as a database (${describeFailure(cause)}): it may be damaged, not a Latchkey data directory, read-only or on a full disk. Nothing was changed; restore it from a backup, free space, or set LATCHKEY_DATA_DIR to another directory`,
      { cause },
    );
  }
}
