/**
 * The last resort of server/errors.ts: an unexpected exception becomes a plain 500 in the DRF shape,
 * with no stack trace or message in the body, and a log line that carries no secret of the request.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { apiRecorder, recordCalls, type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

describe('an unexpected error', () => {
  it('answers 500 {"detail": "A server error occurred."} and logs the error without secrets', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const logged: Record<string, unknown>[] = [];
    // A defect below the handler: the user store fails in a way no handler anticipates.
    const users = Object.create(t.services.users) as typeof t.services.users;
    users.checkLogin = () =>
      Promise.reject(new TypeError("Cannot read properties of undefined (reading 'hash')"));
    const app = recordCalls(createApp({ ...t.services, users, log: (line) => logged.push(line) }));
    const res = await app.request('/rest-auth/login/?next=/x', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Token ${key}`,
        Cookie: 'sessionid=s3cr3t',
      },
      body: JSON.stringify({ username: 'alice', password: alice.password }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ detail: 'A server error occurred.' });
    const errors = logged.filter((line) => line.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        msg: 'unhandled error',
        path: '/rest-auth/login/',
        // The class only: messages of query errors carry their parameters (hashes, typed passwords).
        error: 'TypeError',
      },
    ]);
    const everything = JSON.stringify(logged);
    for (const secret of [alice.password, key, 's3cr3t']) expect(everything).not.toContain(secret);
    // A 500 is documented nowhere: the suite's recorder caught it (and this test expects it).
    expect(apiRecorder.failures).toEqual([
      expect.stringMatching(/login .* -> 500: status 500 is not documented/),
    ]);
    apiRecorder.reset();
  });
});
