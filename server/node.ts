/**
 * @module
 * The Node entry: configuration from process.env, database, migrations, @hono/node-server, and a
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the database).
 */
import { serve } from '@hono/node-server';
import { banner, bootstrap } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { app, database, demo } = await bootstrap(config, `latchkey server (node, pid ${process.pid})`);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(banner(config, info.port, demo));
  });
  server.on('error', async (err: NodeJS.ErrnoException) => {
    console.error(`latchkey: cannot listen on ${config.HOST}:${config.PORT}: ${err.code ?? err.message}`);
    await database.close();
    process.exit(1);
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`latchkey: ${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await database.close();
      process.exit(0);
    });
    if ('closeIdleConnections' in server) (server as { closeIdleConnections(): void }).closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(`latchkey: ${err.message}`);
  } else {
    console.error('latchkey: failed to start:', err);
  }
  process.exit(1);
});
