/**
 * @module
 * One database per test run and driver (LATCHKEY_TEST_DRIVER: pglite in memory, or postgres at
 * DATABASE_URL), shared by every file of the run, with {@link resetDatabase} between tests. Tests ask
 * the typed {@link testDriver} what the driver offers, and what it cannot do is listed, with the
 * reason, in {@link KNOWN_GAPS}: no test branches on the driver's name.
 */
import { sql } from 'drizzle-orm';
import { type OpenDatabase, type OpenOptions, openDatabase } from '../../server/db/open.ts';

/** The drivers the API suite runs on. */
export type DriverName = 'pglite' | 'postgres';

/** Things a test may need beyond the shared database. */
export type Capability = 'secondPool' | 'connectionPool';

/** What each driver cannot do, with the reason; a test needing it runs in a reduced form or is skipped. */
export const KNOWN_GAPS: Record<DriverName, Partial<Record<Capability, string>>> = {
  pglite: {
    secondPool: 'an in-memory PGlite is one connection in this process: no second instance can share it',
    connectionPool:
      'PGlite is one connection in this process: no pool to share, no round trip to save (nothing is prepared)',
  },
  postgres: {},
};

/** The driver this run exercises, typed. */
export interface TestDriver {
  name: DriverName;
  /** Why the driver lacks `capability` (from {@link KNOWN_GAPS}), or undefined when it has it. */
  gap(capability: Capability): string | undefined;
  /**
   * Another connection pool on the run's database, as a second app instance serving the same PostgreSQL
   * has (not migrated again). Throws on a driver with the `secondPool` gap.
   */
  openSecondPool(maxConnections: number, options?: Partial<OpenOptions>): Promise<OpenDatabase>;
}

const name = (process.env.LATCHKEY_TEST_DRIVER ?? 'pglite') as DriverName;

function requiredUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('LATCHKEY_TEST_DRIVER=postgres needs DATABASE_URL');
  return url;
}

/** How each driver opens the run's database. */
const OPEN_OPTIONS: Record<DriverName, () => OpenOptions> = {
  pglite: () => ({ dataDir: 'memory://', holder: 'vitest' }),
  postgres: () => ({ databaseUrl: requiredUrl(), holder: 'vitest', maxConnections: 5 }),
};

/** This run's driver. */
export const testDriver: TestDriver = {
  name,
  gap: (capability) => KNOWN_GAPS[name][capability],
  async openSecondPool(maxConnections, options) {
    const missing = KNOWN_GAPS[name].secondPool;
    if (missing) throw new Error(`${name}: ${missing}`);
    return openDatabase({ ...OPEN_OPTIONS[name](), ...options, maxConnections, migrate: false });
  },
};

/** The driver's name. Prefer {@link testDriver}'s capabilities to branching on it. */
export const driver = name;

const key = Symbol.for('latchkey.test.database');
const store = globalThis as unknown as Record<symbol, Promise<OpenDatabase> | undefined>;

/** The run's shared database, opened and migrated on first use. */
export function testDatabase(): Promise<OpenDatabase> {
  store[key] ??= openDatabase(OPEN_OPTIONS[name]());
  return store[key];
}

/** Empties every table (users, tokens, sessions, counters) and restarts id sequences. */
export async function resetDatabase(): Promise<void> {
  const { db } = await testDatabase();
  await db.execute(
    sql`truncate table users, tokens, sessions, throttle_counters, auth_events restart identity cascade`,
  );
}
