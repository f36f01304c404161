/**
 * @module
 * One database per test run and driver (LATCHKEY_TEST_DRIVER: pglite in memory, or postgres at
 * DATABASE_URL), shared by every file of the run, with {@link resetDatabase} between tests.
 */
import { sql } from 'drizzle-orm';
import { type OpenDatabase, openDatabase } from '../../server/db/open.ts';

/** The driver this test run exercises. */
export const driver = (process.env.LATCHKEY_TEST_DRIVER ?? 'pglite') as 'pglite' | 'postgres';

const key = Symbol.for('latchkey.test.database');
const store = globalThis as unknown as Record<symbol, Promise<OpenDatabase> | undefined>;

/** The run's shared database, opened and migrated on first use. */
export function testDatabase(): Promise<OpenDatabase> {
  store[key] ??= openDatabase(
    driver === 'postgres'
      ? { databaseUrl: requiredUrl(), holder: 'vitest', maxConnections: 5 }
      : { dataDir: 'memory://', holder: 'vitest' },
  );
  return store[key];
}

function requiredUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('LATCHKEY_TEST_DRIVER=postgres needs DATABASE_URL');
  return url;
}

/** Empties every table (users, tokens, sessions, counters) and restarts id sequences. */
export async function resetDatabase(): Promise<void> {
  const { db } = await testDatabase();
  await db.execute(
    sql`truncate table users, tokens, sessions, throttle_counters, auth_events restart identity cascade`,
  );
}
