/**
 * @module
 * A scratch PostgreSQL database for a process test, created next to the one DATABASE_URL names and
 * dropped afterwards. Process tests must not share DATABASE_URL's own database: the API suite runs at the
 * same time and truncates its tables between tests.
 */
import postgres from 'postgres';

/** Creates `<database>_<suffix>_<pid>` on DATABASE_URL's server; returns its URL and how to drop it. */
export async function scratchDatabase(
  url: string,
  suffix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'latchkey'}_${suffix}_${process.pid}`.replace(
    /[^a-z0-9_]/gi,
    '_',
  );
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const again = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await again.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}
