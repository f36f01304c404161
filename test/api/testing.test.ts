/**
 * @module
 * `latchkey/testing` as another project's suite uses it: a Latchkey listening on a free port (or only a
 * fetch function), users and keys from its helpers, the SDK against it, close() freeing the port.
 * Runs once per driver (in-memory PGlite by default; a scratch PostgreSQL database when given one).
 */
import { createClient } from '@latchkey/sdk';
import { createTestServer, type TestServer } from 'latchkey/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driver } from '../support/db.ts';
import { driverDatabase } from '../support/driver-config.ts';

describe('createTestServer', () => {
  let server: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await driverDatabase('testing');
    drop = database.drop;
    server = await createTestServer(driver === 'postgres' ? { config: database.config } : {});
  }, START);
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it('runs on an in-memory database unless told otherwise, and listens on a free port', () => {
    expect(server.latchkey.database.driver).toBe(driver);
    if (driver === 'pglite') expect(server.latchkey.config.LATCHKEY_DATA_DIR).toBe('memory://');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates users and logs them in; the SDK works against its URL', async () => {
    const { user, key } = await server.createUserAndLogin({ username: 'alice' });
    expect(user.username).toBe('alice');
    const api = createClient({ baseUrl: server.url as string, token: key });
    expect((await api.GET('/test_auth/')).data).toBe('Hello alice!');
    await api.logout();
    const after = await api.GET('/test_auth/');
    expect(after.response.status).toBe(401);
    expect(after.error).toEqual({ detail: 'Invalid token.' });
  });

  it('serves the same app in-process through fetch', async () => {
    const staff = await server.createUser({ isStaff: true });
    const key = await server.login(staff.username, staff.password);
    const api = createClient({ baseUrl: 'http://in-process', token: key, fetch: server.fetch });
    const users = await api.GET('/admin/api/users/');
    expect(users.response.status).toBe(200);
    const inactive = await server.createUser({ isActive: false });
    await expect(server.login(inactive.username, inactive.password)).rejects.toThrow(
      /login of .* failed: 400/,
    );
    const res = await server.fetch('/test_auth/');
    expect(res.status).toBe(401);
  });
});

/** Each of these starts its own in-memory PGlite: seconds, tens of seconds on a loaded machine. */
const START = 120_000;

describe('createTestServer without a port', () => {
  it(
    'serves only fetch, and close() is final and idempotent',
    async () => {
      const server = await createTestServer({ port: false });
      expect(server.url).toBeUndefined();
      const { key } = await server.createUserAndLogin();
      const res = await server.fetch('/test_auth/', { headers: { Authorization: `Token ${key}` } });
      expect(res.status).toBe(200);
      await server.close();
      await server.close();
    },
    START,
  );

  it(
    'closes the port it listened on',
    async () => {
      const server = await createTestServer();
      const url = server.url as string;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await server.close();
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
    START,
  );
});
