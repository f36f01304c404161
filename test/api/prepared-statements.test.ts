/**
 * Prepared statements on PostgreSQL (server/db/prepared.ts): the queries drizzle sends, in transactions
 * too, are prepared once per connection, as the database itself lists them (pg_prepared_statements);
 * DATABASE_PREPARED_STATEMENTS=false prepares none; and a process prepares no more than its bound of
 * distinct texts. Every other file of the PostgreSQL run exercises the prepared path end to end.
 */
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../server/db/open.ts';
import { withPreparedStatements } from '../../server/db/prepared.ts';
import { tokens, users } from '../../server/db/schema.ts';
import { testDatabase, testDriver } from '../support/db.ts';

const gap = testDriver.gap('connectionPool') ?? testDriver.gap('secondPool');

/** The statements this pool's one connection holds prepared. */
async function preparedTexts(database: OpenDatabase): Promise<string[]> {
  const rows = await database.db.execute(sql`select statement from pg_prepared_statements`);
  return (rows as unknown as { statement: string }[]).map((row) => row.statement);
}

/** A select drizzle builds with a parameter, and the text it sends. */
function userByName(database: OpenDatabase, username: string) {
  return database.db.select({ id: users.id }).from(users).where(eq(users.username, username));
}

describe.skipIf(gap)('prepared statements on PostgreSQL', () => {
  let pool: OpenDatabase | undefined;
  beforeAll(async () => {
    await testDatabase(); // the run's database, migrated: the second pools below do not migrate
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('prepares drizzle queries, in and out of transactions, once per connection', async () => {
    pool = await testDriver.openSecondPool(1);
    const query = userByName(pool, 'nobody');
    await query;
    await userByName(pool, 'someone else');
    const inTransaction = pool.db.select({ id: tokens.id }).from(tokens).where(eq(tokens.digest, 'x'));
    await pool.db.transaction(async (tx) => {
      await tx.select({ id: tokens.id }).from(tokens).where(eq(tokens.digest, 'x'));
    });
    const prepared = await preparedTexts(pool);
    expect(prepared.filter((text) => text === query.toSQL().sql)).toHaveLength(1);
    expect(prepared).toContain(inTransaction.toSQL().sql);
  });

  it('prepares nothing when DATABASE_PREPARED_STATEMENTS is off', async () => {
    pool = await testDriver.openSecondPool(1, { preparedStatements: false });
    const query = userByName(pool, 'nobody');
    await query;
    await userByName(pool, 'nobody');
    expect(await preparedTexts(pool)).not.toContain(query.toSQL().sql);
  });

  it('prepares at most its bound of distinct texts and runs the rest unprepared', async () => {
    const client = postgres(process.env.DATABASE_URL as string, { max: 1, onnotice: () => {} });
    try {
      const bounded = withPreparedStatements(client, 2);
      const texts = ['select $1::int as a', 'select $1::int as b', 'select $1::int as c'];
      for (const text of [...texts, ...texts]) {
        // postgres.js's unprepared path is Parse + Describe, then Bind + Execute: it still answers.
        const [row] = await bounded.unsafe(text, [7], { prepare: false });
        expect(Object.values(row ?? {})).toEqual([7]);
      }
      const rows = await client`select statement from pg_prepared_statements`;
      const prepared = rows.map((row) => row.statement as string);
      expect(prepared.filter((text) => texts.includes(text)).sort()).toEqual(texts.slice(0, 2));
    } finally {
      await client.end({ timeout: 5 });
    }
  });
});
