/**
 * @module
 * The Deno entry: the same start-up as the Node entry (configuration from Deno.env, database,
 * migrations, demo user, banner) served by Deno.serve, with the same graceful shutdown on SIGTERM/SIGINT.
 * npm dependencies resolve from node_modules (package.json, no import map), so `npm install` is all the
 * setup Deno needs. Run with `npm run start:deno`, which passes the permissions:
 * --allow-net (listen, PostgreSQL), --allow-env (configuration), --allow-read/--allow-write (migrations,
 * PGlite data directory), --allow-ffi (the @node-rs/argon2 native addon), --allow-sys (os facts asked by
 * npm modules), --allow-run (only to check whether the holder of a data-directory lock is still alive).
 */
import { banner, bootstrap, shutdownHandler, startupFailure } from './bootstrap.ts';
import { loadConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadConfig(Deno.env.toObject());
  let serving: (value: { server: Deno.HttpServer; close(): Promise<void> }) => void = () => {};
  const started = new Promise<Parameters<typeof serving>[0]>((resolve) => {
    serving = resolve;
  });
  // Installed before start-up, as in the Node entry: a signal during it is honoured once serving.
  const shutdown = shutdownHandler(
    {
      // Deno's shutdown stops accepting and resolves once in-flight requests are answered.
      stop: async () => (await started).server.shutdown(),
      close: async () => (await started).close(),
      exit: (code) => Deno.exit(code),
    },
    config.SHUTDOWN_TIMEOUT * 1000,
  );
  Deno.addSignalListener('SIGTERM', () => shutdown('SIGTERM'));
  Deno.addSignalListener('SIGINT', () => shutdown('SIGINT'));

  const { app, database, demo } = await bootstrap(config, `latchkey server (deno, pid ${Deno.pid})`);
  let server: Deno.HttpServer;
  try {
    server = Deno.serve(
      {
        port: config.PORT,
        hostname: config.HOST,
        onListen: ({ port }) => console.log(banner(config, port, demo)),
      },
      app.fetch,
    );
  } catch (err) {
    console.error(`latchkey: cannot listen on ${config.HOST}:${config.PORT}: ${(err as Error).name}`);
    await database.close();
    Deno.exit(1);
  }
  serving({ server, close: () => database.close() });
}

main().catch((err) => {
  console.error(startupFailure(err));
  Deno.exit(1);
});
