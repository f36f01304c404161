/**
 * @module
 * `latchkey/testing`: a real Latchkey for other projects' test suites. {@link createTestServer} starts
 * the standalone app in this process on an in-memory PGlite (nothing on disk, nothing to clean up),
 * listening on a free port or only as a `fetch` function, with helpers to create users and log in.
 *
 * @example
 * ```ts
 * import { createTestServer } from 'latchkey/testing';
 * const latchkey = await createTestServer();           // http://127.0.0.1:<free port>
 * const { key } = await latchkey.createUserAndLogin({ username: 'alice' });
 * await fetch(`${latchkey.url}/test_auth/`, { headers: { Authorization: `Token ${key}` } });
 * await latchkey.close();
 * ```
 */
import { randomBase62 } from './auth/tokens.ts';
import type { ConfigOptions } from './config.ts';
import { createLatchkey, type Latchkey } from './latchkey.ts';

/** Options of {@link createTestServer}. */
export interface TestServerOptions {
  /**
   * Configuration overrides (the environment's names). Defaults for tests: an in-memory PGlite
   * (`LATCHKEY_DATA_DIR: 'memory://'`) and no request log. The environment is never read, so a
   * DATABASE_URL in CI does not change what the tests get; pass one here for PostgreSQL.
   */
  config?: ConfigOptions;
  /** Listen on a port (`0`, the default: a free one) or not at all (`false`: use `fetch`). */
  port?: number | false;
  /** The address to listen on (default 127.0.0.1). */
  hostname?: string;
  /**
   * Your API instead of Latchkey's standalone app: built from the test server's Latchkey (for example
   * `(latchkey) => createMyApi(latchkey)`, which mounts `latchkey.routes()`), then served and closed
   * with it.
   */
  app?: (latchkey: Latchkey) => Servable | Promise<Servable>;
  /** Where your app mounts Latchkey's routes (default `/`), for {@link TestServer.login}. */
  prefix?: string;
}

/** Anything with a fetch handler: a Hono app, or your own. */
export interface Servable {
  fetch(request: Request): Response | Promise<Response>;
}

/** What {@link TestServer.createUser} takes; everything has a default. */
export interface TestUserOptions {
  username?: string;
  password?: string;
  email?: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
  isActive?: boolean;
}

/** A user the test server created, with the password it was given (for logging in). */
export interface TestUser {
  id: number;
  username: string;
  password: string;
}

/** A Latchkey running for tests. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` (no trailing slash); undefined with `port: false`. */
  readonly url: string | undefined;
  /** Calls the app in-process, no network: for `createClient({ baseUrl, fetch })` or your own requests. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** The Latchkey underneath (configuration, services, database). */
  readonly latchkey: Latchkey;
  /** Creates a user (random unique username and password unless given). */
  createUser(options?: TestUserOptions): Promise<TestUser>;
  /** Logs in through the API (POST /rest-auth/login/, under `prefix`) and returns the key. */
  login(username: string, password: string): Promise<string>;
  /** Both: a new user and a key for it. */
  createUserAndLogin(options?: TestUserOptions): Promise<{ user: TestUser; key: string }>;
  /** Stops listening and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** A listening server, runtime-neutral: Deno.serve on Deno, @hono/node-server elsewhere. */
interface Listening {
  port: number;
  stop(): Promise<void>;
}

async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  hostname: string,
): Promise<Listening> {
  const deno = (globalThis as { Deno?: DenoServe }).Deno;
  if (deno) {
    const server = deno.serve({ port, hostname, onListen: () => {} }, fetch);
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, (info) =>
      resolve({
        port: info.port,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      }),
    );
    server.once('error', reject);
  });
}

/** The slice of Deno's API {@link listen} uses (this file also compiles without Deno's types). */
interface DenoServe {
  serve(
    options: { port: number; hostname: string; onListen: () => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

/** Starts Latchkey for a test suite: in-memory database, migrations applied, listening unless told not to. */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const latchkey = await createLatchkey({
    config: { LATCHKEY_DATA_DIR: 'memory://', LOG_REQUESTS: false, ...options.config },
    holder: 'latchkey test server',
  });
  const { services } = latchkey;
  const hostname = options.hostname ?? '127.0.0.1';
  const loginPath = `${(options.prefix ?? '/').replace(/\/+$/, '')}/rest-auth/login/`;
  let app: Servable;
  let server: Listening | undefined;
  try {
    app = options.app ? await options.app(latchkey) : latchkey.app;
    const handler = (request: Request) => app.fetch(request);
    if (options.port !== false) server = await listen(handler, options.port ?? 0, hostname);
  } catch (err) {
    await latchkey.close();
    throw err;
  }
  const url = server
    ? `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${server.port}`
    : undefined;
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(
      typeof input === 'string' && input.startsWith('/') ? `http://latchkey.test${input}` : input,
      init,
    );
    return app.fetch(request);
  };

  const createUser = async (user: TestUserOptions = {}): Promise<TestUser> => {
    const username = user.username ?? `user_${randomBase62(8)}`;
    const password = user.password ?? randomBase62(20);
    const row = await services.users.create({
      username,
      password,
      email: user.email ?? '',
      isStaff: user.isStaff ?? false,
      isSuperuser: user.isSuperuser ?? false,
      isActive: user.isActive ?? true,
    });
    return { id: row.id, username: row.username, password };
  };
  const login = async (username: string, password: string): Promise<string> => {
    const res = await fetch(loginPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { key: string }).key;
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    fetch,
    latchkey,
    createUser,
    login,
    async createUserAndLogin(options) {
      const user = await createUser(options);
      return { user, key: await login(user.username, user.password) };
    },
    close() {
      closed ??= (async () => {
        try {
          await server?.stop();
        } finally {
          await latchkey.close();
        }
      })();
      return closed;
    },
  };
}
