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

/**
 * Everything any test app logged during this run, and every password and key the suite used: the
 * secrets check (test/support/no-secrets-in-logs.ts) greps the one for the other after each file.
 */
export interface RunRecord {
  lines: string[];
  secrets: Set<string>;
}

const recordKey = Symbol.for('latchkey.test.run-record');
const store = globalThis as unknown as Record<symbol, RunRecord | undefined>;

/** The run's record (one per worker: the API suite runs its files in one). */
export function runRecord(): RunRecord {
  store[recordKey] ??= { lines: [], secrets: new Set() };
  return store[recordKey];
}

/**
 * Remembers a password or key the suite used: only strings that cannot match by chance (8 characters or
 * more, and not a bare lower-case word such as `password`, which log lines hold as field names).
 */
export function usedSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 8 && !/^[a-z]+$/.test(value)) {
    runRecord().secrets.add(value);
  }
}

const SECRET_FIELDS = ['password', 'old_password', 'new_password1', 'new_password2', 'current_password'];

/** A built app with its services and a request helper. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  services: Services;
  config: Config;
  /** The lines this app logged. */
  logged: Record<string, unknown>[];
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
  const config = loadConfig({ LOG_REQUESTS: 'true', ...env });
  const logged: Record<string, unknown>[] = [];
  const record = runRecord();
  const changes = await database.changes();
  const log = (line: Record<string, unknown>) => {
    logged.push(line);
    record.lines.push(JSON.stringify(line));
  };
  const services = createServices(config, db, log, changes);
  const app = recordCalls(createApp(services));
  const call: TestApp['call'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Token ${options.token}`;
    usedSecret(options.token);
    if (options.json && typeof options.json === 'object') {
      for (const field of SECRET_FIELDS) usedSecret((options.json as Record<string, unknown>)[field]);
    }
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
    logged,
    call,
    changesDelivered: () => changes.sync(),
    async user(username = 'alice', password = 'correct-horse-battery', extra = {}) {
      usedSecret(password);
      const row = await services.users.create({ username, password, ...extra });
      return { id: row.id, username: row.username, password };
    },
    async login(username, password, label) {
      const res = await call('POST', '/rest-auth/login/', { json: { username, password, label } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      const { key } = (await res.json()) as { key: string };
      usedSecret(key);
      return key;
    },
  };
}
