/**
 * Unexpected errors are logged by class and SQLSTATE only (a query error's message carries its
 * parameters: hashes, typed usernames), and the race between two creations of one username is answered
 * with the documented 400, not a 500.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { errorSummary } from '../../server/db/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
let t: TestApp;
let staff: string;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  await t.user('root', PASSWORD, { isStaff: true });
  staff = await t.login('root', PASSWORD);
});

describe('creating one username twice at once', () => {
  it('gives one 201 and one documented 400, and logs no hash', async () => {
    for (const round of [1, 2]) {
      const create = (username: string) =>
        t.call('POST', '/admin/api/users/', {
          token: staff,
          json: { username, password: `a fresh passphrase ${round}` },
        });
      const [a, b] = await Promise.all([create(`carol${round}`), create(`Carol${round}`)]);
      expect([a.status, b.status].sort()).toEqual([201, 400]);
      const refused = a.status === 400 ? a : b;
      expect(await refused.json()).toEqual({ username: ['A user with that username already exists.'] });
    }
    const text = t.logged.map((line) => JSON.stringify(line)).join('\n');
    expect(text).not.toMatch(/argon2|a fresh passphrase|insert into/i);
    expect(t.logged.filter((line) => line.status === 500)).toEqual([]);
  });
});

describe('errorSummary', () => {
  it('keeps the class and the SQLSTATE, never the message', async () => {
    const { db } = t.services;
    const err = await db.execute('select * from no_such_table_x1 where secret = 1' as never).catch((e) => e);
    const summary = errorSummary(err);
    expect(summary.sqlstate).toBe('42P01');
    expect(JSON.stringify(summary)).not.toContain('secret');
    expect(errorSummary(new TypeError('postgres://u:pw@h/db'))).toEqual({ error: 'TypeError' });
  });
});
