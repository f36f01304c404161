/**
 * @module
 * What both entries (Node, Deno) do before serving: create Latchkey (the library entry), and
 * on a fresh embedded database create the `demo` user with a random password, printed once.
 */
import { count } from 'drizzle-orm';
import { randomBase62 } from './auth/tokens.ts';
import { type Config, ConfigError, redactCredentials } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { DataDirError } from './db/open.ts';
import { users } from './db/schema.ts';
import { createLatchkey } from './latchkey.ts';
import { jsonLogger } from './log.ts';
import { nodeAssets } from './routes/pages/node-assets.ts';
import type { Logger } from './services.ts';

export { jsonLogger } from './log.ts';

/**
 * Opens everything the standalone server needs through the library entry ({@link createLatchkey}, the
 * one way in): the database, the pages' files; `latchkey.close()` (or `database.close()`) releases it.
 */
export async function bootstrap(config: Config, holder: string, log: Logger = jsonLogger) {
  const latchkey = await createLatchkey({ config, holder, log, assets: nodeAssets() });
  const { database, services } = latchkey;
  let demo: { username: string; password: string } | undefined;
  try {
    if (database.driver === 'pglite' && config.DEMO_USER) {
      const [row] = await database.db.select({ n: count() }).from(users);
      if (row?.n === 0) {
        demo = { username: 'demo', password: randomBase62(16) };
        await services.users.create({ ...demo, isStaff: true });
      }
    }
  } catch (err) {
    await latchkey.close().catch(() => {});
    throw err;
  }
  return { latchkey, config, app: latchkey.app, database, demo };
}

/** The start-up banner: where to go, and the demo credentials when they were just created. */
export function banner(config: Config, port: number, demo?: { username: string; password: string }): string {
  const base = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  const lines = [
    `Latchkey listening on ${base}/ (database: ${config.DATABASE_URL ? 'PostgreSQL' : `PGlite in ${config.LATCHKEY_DATA_DIR}`})`,
    `  demo page: ${base}/`,
    `  API docs:  ${base}/docs`,
    `  admin:     ${base}/admin/ (staff only)`,
    `  contract:  ${base}/openapi.yaml`,
  ];
  if (demo) {
    lines.push(
      '',
      `Created the demo user on this fresh database (shown once, not stored in clear):`,
      `  username: ${demo.username}`,
      `  password: ${demo.password}`,
      `  it is STAFF: it can sign in to the admin page (${base}/admin/) and manage every user and token.`,
      `  Change its password or remove its staff status before exposing this server.`,
      `  try: curl -X POST -d 'username=${demo.username}&password=${demo.password}' ${base}/rest-auth/login/`,
    );
  }
  return lines.join('\n');
}

/** One line for a start-up failure: configuration and lock errors are the operator's to fix, so no stack. */
export function startupFailure(err: unknown): string {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof DataDirError) {
    return `latchkey: ${redactCredentials(err.message)}`;
  }
  // A driver's error may quote the connection string it was given: never print its password.
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `latchkey: failed to start: ${redactCredentials(text)}`;
}

/** What an entry gives {@link shutdownHandler}: its runtime's way to stop serving and to exit. */
export interface Lifecycle {
  /**
   * Stops accepting connections and resolves when in-flight requests are done (a login in the middle
   * of its password hash included). Called once; may wait for start-up to finish first.
   */
  stop(): Promise<void>;
  /** Closes the database (and releases the data-directory lock). */
  close(): Promise<void>;
  exit(code: number): void;
}

/**
 * The graceful shutdown both entries install on SIGTERM/SIGINT, before start-up even begins: stop
 * accepting, let in-flight requests finish, close the database, exit 0. A second signal, or a shutdown
 * still running after `graceMs` (SHUTDOWN_TIMEOUT), exits 1 at once rather than hang a deploy.
 */
export function shutdownHandler(life: Lifecycle, graceMs = 10_000): (signal: string) => void {
  let closing = false;
  return (signal) => {
    if (closing) {
      console.error(`latchkey: ${signal} received again, exiting now`);
      life.exit(1);
      return;
    }
    closing = true;
    console.log(`latchkey: ${signal} received, shutting down (finishing requests in flight)`);
    const force = setTimeout(() => {
      console.error(`latchkey: shutdown did not finish within ${graceMs / 1000} s, exiting`);
      life.exit(1);
    }, graceMs);
    life
      .stop()
      .then(() => life.close())
      .then(
        () => {
          clearTimeout(force);
          console.log('latchkey: stopped; database closed');
          life.exit(0);
        },
        (err) => {
          clearTimeout(force);
          console.error('latchkey: error while shutting down:', err);
          life.exit(1);
        },
      );
  };
}
