/**
 * @module
 * Builds the real app on the run's shared database, with configuration overrides, and small helpers
 * shared by the API suite: creating users, logging in, sending requests.
 */
import { createApp } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import { createServices, type Services } from '../../server/services.ts';
import { ContractRecorder } from './contract.ts';
import { testDatabase } from './db.ts';

/**
 * Every response the API suite receives through a test app, checked against openapi.yaml; the
 * suite's setup file (contract-setup.ts) fails a test whose responses depart from it.
 */
export const apiRecorder = new ContractRecorder({ undocumentedPaths: 'pages' });

/** Makes `app.request` check and record every response in {@link apiRecorder}; returns the app. */
export function recordCalls<T extends { request: ReturnType<typeof createApp>['request'] }>(app: T): T {
  const request = app.request;
  app.request = async (input, init, ...rest) => {
    const response = await request(input, init, ...rest);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const target = input instanceof Request ? input.url : String(input);
    await apiRecorder.record(method, target, response.clone());
    return response;
  };
  return app;
}

/** A built app with its services and a request helper. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  services: Services;
  config: Config;
  /** `app.request` with a JSON body and an optional token. */
  call(
    method: string,
    path: string,
    options?: { token?: string; json?: unknown; headers?: Record<string, string>; body?: BodyInit },
  ): Promise<Response>;
  /** Creates a user (argon2id hash) and returns it. */
  user(
    username?: string,
    password?: string,
    extra?: Record<string, unknown>,
  ): Promise<{ id: number; username: string; password: string }>;
  /**
   * Waits until every change committed so far reached this app's verify cache: for tests that write the
   * database directly, as another process would (the app's own writes take effect at once).
   */
  changesDelivered(): Promise<void>;
  /** Logs in through the API and returns the key. */
  login(username: string, password: string, label?: string): Promise<string>;
}

/** Environment-style overrides (as strings, validated by loadConfig like the real entries). */
export async function testApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await testDatabase();
  const { db } = database;
  const config = loadConfig({ LOG_REQUESTS: 'false', ...env });
  const logged: Record<string, unknown>[] = [];
  const changes = await database.changes();
  const services = createServices(config, db, (line) => logged.push(line), changes);
  const app = recordCalls(createApp(services));
  const call: TestApp['call'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Token ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    return Promise.resolve(app.request(path, { method, headers, body }));
  };
  return {
    app,
    services,
    config,
    call,
    changesDelivered: () => changes.sync(),
    async user(username = 'alice', password = 'correct-horse-battery', extra = {}) {
      const row = await services.users.create({ username, password, ...extra });
      return { id: row.id, username: row.username, password };
    },
    async login(username, password, label) {
      const res = await call('POST', '/rest-auth/login/', { json: { username, password, label } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { key: string }).key;
    },
  };
}
