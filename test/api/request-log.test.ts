/**
 * The request log as the server writes it (LOG_REQUESTS, the batched JSON-lines logger and its
 * request-line writer): one line per request with its time, method, path, status, duration and, for an
 * authenticated request, the user's id; never the key.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { batchedJsonLogger } from '../../server/log.ts';
import { createServices } from '../../server/services.ts';
import { resetDatabase, testDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';

beforeEach(async () => {
  await resetDatabase();
});

describe('the request log', () => {
  it('writes a line per request with method, path, status, ms and the user, never the key', async () => {
    const database = await testDatabase();
    const writes: string[] = [];
    const log = batchedJsonLogger((text) => writes.push(text));
    const services = createServices(loadConfig({ LOG_REQUESTS: 'true' }), database.db, log);
    const app = createApp(services);
    const user = await services.users.create({ username: 'lena', password: PASSWORD });
    const { key } = await services.tokens.issue(user.id, 'request log test');
    const auth = { Authorization: `Token ${key}` };

    expect((await app.request('/test_auth/', { headers: auth })).status).toBe(200);
    expect((await app.request('/test_auth/')).status).toBe(401);
    expect((await app.request('/test_auth/', { method: 'POST', headers: auth })).status).toBe(200);
    expect((await app.request('/no/such/"path"/')).status).toBe(404);
    log.flush();

    const text = writes.join('');
    expect(text).not.toContain(key);
    const requests = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => 'method' in line);
    expect(requests.map(({ time: _, ms: __, ...rest }) => rest)).toEqual([
      { method: 'GET', path: '/test_auth/', status: 200, user: user.id },
      { method: 'GET', path: '/test_auth/', status: 401 },
      { method: 'POST', path: '/test_auth/', status: 200, user: user.id },
      { method: 'GET', path: '/no/such/"path"/', status: 404 },
    ]);
    for (const line of requests) {
      expect(Object.keys(line).slice(0, 5)).toEqual(['time', 'method', 'path', 'status', 'ms']);
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
      expect(line.ms).toBeGreaterThanOrEqual(0);
    }
  });
});
