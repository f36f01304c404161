/**
 * @module
 * The Node entry: configuration from process.env, database, migrations, @hono/node-server, and a
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the database),
 * installed before start-up so a signal during it is honoured too. `npm start` execs this file under
 * `node --import tsx` (no intermediate shell or tsx process), so a signal sent to `npm start` reaches it.
 * Everything but the runtime's server and signal APIs is shared with the Deno entry in bootstrap.ts.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { banner, bootstrap, shutdownHandler, startupFailure } from './bootstrap.ts';
import { loadConfig } from './config.ts';

/** Stops accepting, and resolves once every connection has finished its request and closed. */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // A keep-alive connection becomes idle once its in-flight request is answered; close it then
    // rather than wait for the keep-alive timeout.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.once('close', () => clearInterval(idle));
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  let serving: (value: Awaited<ReturnType<typeof bootstrap>> & { server: Server }) => void = () => {};
  const started = new Promise<Parameters<typeof serving>[0]>((resolve) => {
    serving = resolve;
  });
  const shutdown = shutdownHandler(
    {
      stop: async () => closeServer((await started).server),
      close: async () => (await started).database.close(),
      exit: (code) => process.exit(code),
    },
    config.SHUTDOWN_TIMEOUT * 1000,
  );
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const opened = await bootstrap(config, `latchkey server (node, pid ${process.pid})`);
  const server = serve({ fetch: opened.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(banner(config, info.port, opened.demo));
  }) as Server;
  server.on('error', async (err: NodeJS.ErrnoException) => {
    console.error(`latchkey: cannot listen on ${config.HOST}:${config.PORT}: ${err.code ?? err.message}`);
    await opened.database.close();
    process.exit(1);
  });
  serving({ ...opened, server });
}

main().catch((err) => {
  console.error(startupFailure(err));
  process.exit(1);
});
