/**
 * @module
 * The Node entry: configuration from process.env, database, migrations, @hono/node-server, and a
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the database).
 * Everything but the runtime's server and signal APIs is shared with the Deno entry in bootstrap.ts.
 */
import { serve } from '@hono/node-server';
import { banner, bootstrap, shutdownHandler, startupFailure } from './bootstrap.ts';

async function main(): Promise<void> {
  const { app, config, latchkey, demo } = await bootstrap(
    process.env,
    `latchkey server (node, pid ${process.pid})`,
  );
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(banner(config, info.port, demo));
  });
  server.on('error', async (err: NodeJS.ErrnoException) => {
    console.error(`latchkey: cannot listen on ${config.HOST}:${config.PORT}: ${err.code ?? err.message}`);
    await latchkey.close();
    process.exit(1);
  });
  const shutdown = shutdownHandler({
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would otherwise hold close() open until they time out.
        if ('closeIdleConnections' in server)
          (server as { closeIdleConnections(): void }).closeIdleConnections();
      }),
    close: () => latchkey.close(),
    exit: (code) => process.exit(code),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(startupFailure(err));
  process.exit(1);
});
