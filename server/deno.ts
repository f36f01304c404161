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

async function main(): Promise<void> {
  const { app, config, latchkey, demo } = await bootstrap(
    Deno.env.toObject(),
    `latchkey server (deno, pid ${Deno.pid})`,
  );
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
    await latchkey.close();
    Deno.exit(1);
  }
  const shutdown = shutdownHandler({
    stop: () => server.shutdown(),
    close: () => latchkey.close(),
    exit: (code) => Deno.exit(code),
  });
  Deno.addSignalListener('SIGTERM', () => shutdown('SIGTERM'));
  Deno.addSignalListener('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(startupFailure(err));
  Deno.exit(1);
});
