/**
 * @module
 * `manage migrate`: applies the pending drizzle-kit migrations (server/db/migrations) and lists them,
 * as `manage.py migrate` does. The server also migrates at start-up; this is for deploy pipelines that
 * migrate a PostgreSQL database once before rolling out new instances.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../server/db/open.ts';
import { migrationsFolder } from '../../server/db/open.ts';
import { type Command, parseCommandArgs } from './command.ts';

interface JournalEntry {
  tag: string;
  when: number;
}

/** Journal timestamps of the migrations the database has recorded (drizzle's own bookkeeping table). */
async function appliedMigrations(db: Database): Promise<Set<number>> {
  try {
    const result = await db.execute(sql`select created_at from drizzle.__drizzle_migrations`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      created_at: string | number;
    }[];
    return new Set(rows.map((row) => Number(row.created_at)));
  } catch {
    return new Set(); // no bookkeeping table yet: nothing applied
  }
}

export const migrate: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply pending database migrations',
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const store = await ctx.open({ migrate: false });
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: JournalEntry[];
    };
    const before = await appliedMigrations(store.db);
    const pending = journal.entries.filter((entry) => !before.has(entry.when));
    const where = store.driver === 'postgres' ? 'PostgreSQL' : `PGlite in ${store.config.LATCHKEY_DATA_DIR}`;
    if (pending.length === 0) {
      ctx.out(`No migrations to apply (${where}).`);
      return 0;
    }
    ctx.out(`Applying ${pending.length} migration(s) to ${where}:`);
    await store.migrate();
    const after = await appliedMigrations(store.db);
    for (const entry of pending) ctx.out(`  ${entry.tag}... ${after.has(entry.when) ? 'OK' : 'skipped'}`);
    return 0;
  },
};
