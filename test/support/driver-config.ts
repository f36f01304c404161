/**
 * @module
 * Where a test that creates its own Latchkey (the library entry, the test server, the notes example)
 * puts its database for this run's driver: an in-memory PGlite, or a scratch PostgreSQL database beside
 * DATABASE_URL's (never DATABASE_URL's own: the shared API suite truncates it between tests).
 */
import { scratchDatabase } from '../e2e/support/postgres.ts';
import { driver } from './db.ts';

/** The database options for the driver, and how to drop the scratch database afterwards. */
export async function driverDatabase(
  suffix: string,
): Promise<{ config: { DATABASE_URL?: string; LATCHKEY_DATA_DIR?: string }; drop(): Promise<void> }> {
  if (driver === 'pglite') return { config: { LATCHKEY_DATA_DIR: 'memory://' }, drop: async () => {} };
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('LATCHKEY_TEST_DRIVER=postgres needs DATABASE_URL');
  const scratch = await scratchDatabase(url, suffix);
  return { config: { DATABASE_URL: scratch.url }, drop: scratch.drop };
}
