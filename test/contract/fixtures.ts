/**
 * @module
 * What a contract entry (operations.ts) is handed: SDK clients wired to the app under test (in-process
 * or over a socket, the entry cannot tell), users with tokens, and ways to reach statuses that need
 * other settings or a database that does not answer. Every client records into the run's
 * ContractRecorder, so every response an entry receives is checked against openapi.yaml.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { expect } from 'vitest';
import { type ClientOptions, createClient, type LatchkeyClient } from '../../sdk/index.ts';
import { createApp } from '../../server/app.ts';
import type { Database } from '../../server/db/open.ts';
import { createServices } from '../../server/services.ts';
import { type TestApp, testApp } from '../support/app.ts';
import type { ContractRecorder } from '../support/contract.ts';

/** A user made for an entry, logged in, with a client sending their token. */
export interface FixtureUser {
  id: number;
  username: string;
  password: string;
  key: string;
  client: LatchkeyClient;
}

/** Everything a contract entry may use. */
export interface Fixtures {
  /** A client without credentials. */
  anon: LatchkeyClient;
  /** alice: an ordinary user, logged in. */
  alice: FixtureUser;
  /** A client sending `token` (or none). */
  client(token?: string, options?: Partial<ClientOptions>): LatchkeyClient;
  /** A client with a new token of `user` (default alice) narrowed to `scopes`. */
  narrowed(scopes: string[], user?: { id: number }): Promise<LatchkeyClient>;
  /** Creates a user (extra: isStaff, isActive, email, ...) and logs them in. */
  user(username: string, extra?: Record<string, unknown>): Promise<FixtureUser>;
  /**
   * Any method on any documented path through the SDK, for requests its types rule out (a 405, a
   * body of the wrong media type): `raw(fx.anon, 'GET', '/rest-auth/login/')`.
   */
  raw(
    client: LatchkeyClient,
    method: string,
    path: string,
    init?: Record<string, unknown>,
  ): Promise<{ response: Response; data?: unknown; error?: unknown }>;
  /** Runs `fn` against the app built with other settings (same database, same clients). */
  withSettings(env: Record<string, string>, fn: () => Promise<void>): Promise<void>;
  /** Runs `fn` against the app on a database server that does not answer. */
  withUnreachableDatabase(fn: () => Promise<void>): Promise<void>;
  /** The app and services behind the clients (for arranging state directly in the database). */
  app: TestApp;
}

/** Awaits an SDK call and asserts its status, showing the body when it differs. */
export async function expectStatus<T extends { response: Response; error?: unknown }>(
  call: Promise<T>,
  status: number,
): Promise<T> {
  const result = await call;
  expect(result.response.status, `body: ${JSON.stringify(result.error ?? '')}`).toBe(status);
  return result;
}

/** The app the clients talk to, swappable by withSettings. */
export interface ActiveApp {
  current: { fetch(request: Request): Response | Promise<Response> };
}

/** Port in this helper's range that nothing listens on: a database that does not answer. */
const DEAD_DATABASE = 'postgres://latchkey@127.0.0.1:8119/unreachable';

/** Builds the fixtures of one test: a fresh user alice and clients for `baseUrl`. */
export async function makeFixtures(options: {
  t: TestApp;
  active: ActiveApp;
  recorder: ContractRecorder;
  baseUrl: string;
  /** In-process: the fetch that calls the active app; socket: undefined (the global fetch). */
  fetch?: (request: Request) => Promise<Response>;
}): Promise<Fixtures> {
  const { t, active, recorder } = options;
  const client = (token?: string, extra: Partial<ClientOptions> = {}) => {
    const c = createClient({
      baseUrl: options.baseUrl,
      token,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...extra,
    });
    c.use(recorder.middleware);
    return c;
  };
  const user = async (username: string, extra: Record<string, unknown> = {}): Promise<FixtureUser> => {
    const password = `${username}-Contract-Pass-42`;
    const row = await t.user(username, password, extra);
    const key = (await t.services.tokens.issue(row.id, 'contract fixture')).key;
    return { id: row.id, username, password, key, client: client(key) };
  };
  const swap = async (app: ActiveApp['current'], fn: () => Promise<void>) => {
    const previous = active.current;
    active.current = app;
    try {
      await fn();
    } finally {
      active.current = previous;
    }
  };
  const alice = await user('alice');
  return {
    anon: client(),
    alice,
    narrowed: async (scopes, owner = alice) =>
      client((await t.services.tokens.issue(owner.id, 'narrowed fixture', { scopes })).key),
    client,
    user,
    raw: (c, method, path, init = {}) =>
      c.request(method.toLowerCase() as never, path as never, init as never) as never,
    withSettings: async (env, fn) => swap((await testApp(env)).app, fn),
    withUnreachableDatabase: async (fn) => {
      const sql = postgres(DEAD_DATABASE, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        const db = drizzle(sql) as unknown as Database;
        await swap(createApp(createServices(t.config, db, () => {})), fn);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    app: t,
  };
}
