/**
 * @module
 * Benchmark set-up (not part of the server): migrates the database named by DATABASE_URL (or, without
 * it, the PGlite data directory LATCHKEY_DATA_DIR, created when missing), makes sure the
 * `bench` user exists, is active and has the peer's password (`bench-password-123`, or BENCH_PASSWORD),
 * and revokes the tokens earlier runs left, so every run starts from the same table sizes. Goes through
 * the server's own UserStore and TokenStore, so the password is hashed exactly as at a real sign-up.
 *
 * Prints one line on stdout: a forged key (the `lk_` format with a wrong checksum), which the server
 * must refuse without a database read; run.sh measures it as the `get_forged` scenario.
 *
 * usage: DATABASE_URL=postgres://... npx tsx scripts/bench/setup.ts
 *        LATCHKEY_DATA_DIR=/tmp/latchkey-bench/pglite npx tsx scripts/bench/setup.ts
 */
import { eq } from 'drizzle-orm';
import { TokenStore } from '../../server/auth/token-store.ts';
import { isWellFormedKey, makeKey } from '../../server/auth/tokens.ts';
import { UserStore } from '../../server/auth/user-store.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/open.ts';
import { users } from '../../server/db/schema.ts';

const username = process.env.BENCH_USER || 'bench';
const password = process.env.BENCH_PASSWORD || 'bench-password-123';

/** A key in Latchkey's format whose checksum does not match its body. */
function forgedKey(): string {
  const key = makeKey();
  const body = key.slice(0, -6);
  const checksum = key.slice(-6);
  // Changing one checksum character always breaks it: the checksum is a pure function of the body.
  const last = checksum.endsWith('A') ? 'B' : 'A';
  const forged = `${body}${checksum.slice(0, 5)}${last}`;
  if (isWellFormedKey(forged)) throw new Error('forged key unexpectedly passes the checksum');
  return forged;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.DATABASE_URL && !process.env.LATCHKEY_DATA_DIR) {
    // Never the default ./data: that is a developer's own database.
    throw new Error('DATABASE_URL or LATCHKEY_DATA_DIR must name the benchmark database');
  }
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.LATCHKEY_DATA_DIR,
    holder: 'latchkey bench setup',
  });
  try {
    const userStore = new UserStore(database.db);
    const tokenStore = new TokenStore(database.db, config);
    let user = await userStore.byUsername(username);
    if (user) {
      await userStore.setPassword(user.id, password);
      await database.db.update(users).set({ isActive: true }).where(eq(users.id, user.id));
    } else {
      user = await userStore.create({ username, password });
    }
    const revoked = await tokenStore.revokeAll(user.id);
    console.error(`bench setup: user ${username} (id ${user.id}) ready; revoked ${revoked} old token(s)`);
    console.log(forgedKey());
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error('bench setup failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
