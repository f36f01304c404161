/**
 * Login hardening: the throttle counts against the account actually found (whatever case mapping
 * reached it) and against the submitted identifier whatever it resolves to (no e-mail oracle), and
 * every login path does the same password work whatever the account's stored hash, or no account.
 */
import { pbkdf2Sync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { verificationWork } from '../../server/auth/passwords.ts';
import { users } from '../../server/db/schema.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  await t.user('alice', PASSWORD, { email: 'alice@example.com' });
});

const login = (body: Record<string, string>) => t.call('POST', '/rest-auth/login/', { json: body });

async function failTimes(n: number, body: Record<string, string>) {
  for (let i = 0; i < n; i++) expect((await login(body)).status).toBe(400);
}

describe('the login throttle', () => {
  it('counts against the account found, however the name was spelled (İ maps to i in SQL only)', async () => {
    await failTimes(10, { username: 'alice', password: 'wrong-password' });
    expect((await login({ username: 'alice', password: PASSWORD })).status).toBe(429);
    // JavaScript lower-cases İ to "i̇" (two code points), PostgreSQL to "i": the same account.
    expect((await login({ username: 'alİce', password: PASSWORD })).status).toBe(429);
    expect((await login({ username: 'ALİCE', password: 'wrong-password' })).status).toBe(429);
  });

  it('charges one budget per account across usernames and e-mails', async () => {
    await failTimes(5, { username: 'alice', password: 'wrong-password' });
    await failTimes(5, { email: 'alice@example.com', password: 'wrong-password' });
    expect((await login({ username: 'alice', password: PASSWORD })).status).toBe(429);
  });

  it('tells nothing about which e-mails are registered', async () => {
    await t.user('bob', PASSWORD, { email: 'bob@example.com' });
    // Ten failures by e-mail, then one with the same string as a username: the same answer whether
    // the e-mail belongs to someone (bob) or to nobody.
    const probe = async (email: string) => {
      await failTimes(10, { email, password: 'wrong-password' });
      return (await login({ username: email, password: 'wrong-password' })).status;
    };
    expect(await probe('bob@example.com')).toBe(429);
    expect(await probe('nobody@example.com')).toBe(429);
  });
});

describe('the password work of a login', () => {
  function django(password: string, iterations: number): string {
    const salt = 'NqK1bH7yP0sWcX3vZ9aLrT';
    return `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64')}`;
  }
  async function workOf(body: Record<string, string>) {
    const before = { ...verificationWork };
    const res = await login(body);
    return {
      status: res.status,
      argon2id: verificationWork.argon2id - before.argon2id,
      pbkdf2Iterations: verificationWork.pbkdf2Iterations - before.pbkdf2Iterations,
    };
  }

  it('is one argon2id verification for every kind of account, or none', async () => {
    for (const [name, hash] of [
      ['unusable', '!Q2uOv6aZ4sd9yLJ0pVd4Kk9fQ3TmRzE1'],
      ['bcrypt', 'bcrypt_sha256$$2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ] as const) {
      const { id } = await t.user(name, PASSWORD);
      await t.services.db.update(users).set({ password: hash }).where(eq(users.id, id));
    }
    t.services.users.forgetLegacyWork();
    for (const username of ['alice', 'unusable', 'bcrypt', 'nobody']) {
      expect(await workOf({ username, password: 'a guess' }), username).toEqual({
        status: 400,
        argon2id: 1,
        pbkdf2Iterations: 0,
      });
    }
  });

  it('while imported PBKDF2 hashes remain, every login does their PBKDF2 work too', async () => {
    const { id } = await t.user('imported', PASSWORD);
    await t.services.db
      .update(users)
      .set({ password: django(PASSWORD, 2000) })
      .where(eq(users.id, id));
    t.services.users.forgetLegacyWork();
    for (const username of ['alice', 'imported', 'nobody']) {
      expect(await workOf({ username, password: 'a guess' }), username).toEqual({
        status: 400,
        argon2id: 1,
        pbkdf2Iterations: 2000,
      });
    }
    // The right password upgrades the hash to argon2id; once none is left, the extra work stops.
    expect((await workOf({ username: 'imported', password: PASSWORD })).status).toBe(200);
    expect(await workOf({ username: 'nobody', password: 'a guess' })).toEqual({
      status: 400,
      argon2id: 1,
      pbkdf2Iterations: 0,
    });
  });
});
