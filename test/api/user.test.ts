/**
 * The account operations, as dj-rest-auth's clients call them: the caller's details with DRF field errors,
 * and the password change with its policy, its errors and the revocation of every other token.
 */
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const CHANGE = '/rest-auth/password/change/';
const TOO_SHORT = 'This password is too short. It must contain at least 8 characters.';
const TOO_COMMON = 'This password is too common.';
const OLD_WRONG = 'Your old password was entered incorrectly. Please enter it again.';

let t: TestApp;
let key: string;
let aliceId: number;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  aliceId = (await t.user('alice', PASSWORD, { email: 'alice@example.com', firstName: 'Alice' })).id;
  key = await t.login('alice', PASSWORD);
});

async function expectBody(res: Response, status: number, body: unknown): Promise<void> {
  expect({ status: res.status, body: await res.json() }).toEqual({ status, body });
}

describe('GET /rest-auth/user/', () => {
  it("shows the caller's details and nothing secret", async () => {
    await expectBody(await t.call('GET', '/rest-auth/user/', { token: key }), 200, {
      id: aliceId,
      username: 'alice',
      email: 'alice@example.com',
      first_name: 'Alice',
      last_name: '',
    });
  });

  it('needs a token', async () => {
    const res = await t.call('GET', '/rest-auth/user');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Token');
  });
});

describe('PATCH /rest-auth/user/', () => {
  it('changes only the fields sent (JSON), trimmed as DRF does, and ignores read-only ones', async () => {
    const res = await t.call('PATCH', '/rest-auth/user/', {
      token: key,
      json: { first_name: ' Ada ', last_name: 'Lovelace', id: 999, password: 'ignored-field' },
    });
    await expectBody(res, 200, {
      id: aliceId,
      username: 'alice',
      email: 'alice@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    await expectBody(await t.call('GET', '/rest-auth/user/', { token: key }), 200, {
      id: aliceId,
      username: 'alice',
      email: 'alice@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    expect(await t.login('alice', PASSWORD)).toMatch(/^lk_/);
  });

  it('accepts form-encoded bodies and renames the user', async () => {
    const res = await t.call('PATCH', '/rest-auth/user', {
      token: key,
      body: `username=alice.b&email=&current_password=${PASSWORD}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ username: 'alice.b', email: '' });
    expect(await (await t.call('GET', '/test_auth/', { token: key })).json()).toBe('Hello alice.b!');
    expect(await t.login('alice.b', PASSWORD)).toMatch(/^lk_/);
  });

  it('answers an empty body with the unchanged user', async () => {
    const res = await t.call('PATCH', '/rest-auth/user/', { token: key, json: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ username: 'alice', first_name: 'Alice' });
  });

  it.each([
    [{ email: 'not-an-email' }, { email: ['Enter a valid email address.'] }],
    [{ username: '   ' }, { username: [MESSAGES.blank] }],
    [{ username: 'has space' }, { username: [expect.stringMatching(/^Enter a valid username\./)] }],
    [{ username: 'x'.repeat(151) }, { username: ['Ensure this field has no more than 150 characters.'] }],
    [{ first_name: null }, { first_name: ['This field may not be null.'] }],
    [{ last_name: 42 }, { last_name: ['Not a valid string.'] }],
    [
      { email: 'bad', first_name: 'y'.repeat(151) },
      {
        email: ['Enter a valid email address.'],
        first_name: ['Ensure this field has no more than 150 characters.'],
      },
    ],
  ])('rejects %j with DRF field errors', async (json, errors) => {
    const res = await t.call('PATCH', '/rest-auth/user/', { token: key, json });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(errors);
    expect(await (await t.call('GET', '/rest-auth/user/', { token: key })).json()).toMatchObject({
      username: 'alice',
      email: 'alice@example.com',
      first_name: 'Alice',
    });
  });

  it('refuses a username another user has, in any case, but allows re-casing your own', async () => {
    await t.user('bob');
    for (const username of ['bob', 'BOB']) {
      const json = { username, current_password: PASSWORD };
      await expectBody(await t.call('PATCH', '/rest-auth/user/', { token: key, json }), 400, {
        username: ['A user with that username already exists.'],
      });
    }
    const res = await t.call('PATCH', '/rest-auth/user/', {
      token: key,
      json: { username: 'Alice', current_password: PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ username: 'Alice' });
  });

  it('answers malformed bodies the DRF way', async () => {
    const bad = await t.call('PATCH', '/rest-auth/user/', {
      token: key,
      body: '{"email":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/^JSON parse error - /);
    const list = await t.call('PATCH', '/rest-auth/user/', { token: key, json: [1] });
    await expectBody(list, 400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    const text = await t.call('PATCH', '/rest-auth/user/', {
      token: key,
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    await expectBody(text, 415, { detail: 'Unsupported media type "text/plain" in request.' });
  });
});

describe('POST /rest-auth/password/change/', () => {
  const change = (json: unknown, token = key) => t.call('POST', CHANGE, { token, json });
  const body = (next: string, old = PASSWORD) => ({
    old_password: old,
    new_password1: next,
    new_password2: next,
  });

  it('saves the new password, keeps the current token and revokes every other one', async () => {
    const other = await t.login('alice', PASSWORD);
    const bob = await t.user('bob');
    const bobKey = await t.login('bob', bob.password);
    await t.services.sessions.open(aliceId);
    await t.services.sessions.open(bob.id);
    await expectBody(await change(body('purple elephant sings at dawn')), 200, {
      detail: 'New password has been saved.',
    });
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
    await expectBody(await t.call('GET', '/test_auth/', { token: other }), 401, {
      detail: MESSAGES.invalidToken,
    });
    expect((await t.call('GET', '/test_auth/', { token: bobKey })).status).toBe(200);
    // Cookie sessions are credentials too: alice's are ended, bob's are not.
    expect(await t.services.sessions.count(aliceId)).toBe(0);
    expect(await t.services.sessions.count(bob.id)).toBe(1);
    const oldLogin = await t.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: PASSWORD },
    });
    expect(oldLogin.status).toBe(400);
    expect(await t.login('alice', 'purple elephant sings at dawn')).toMatch(/^lk_/);
    const [row] = await t.services.db.select().from(users).where(eq(users.id, aliceId));
    expect(row?.password).toMatch(/^\$argon2id\$/);
  });

  it('requires every field', async () => {
    await expectBody(await change({}), 400, {
      old_password: [MESSAGES.required],
      new_password1: [MESSAGES.required],
      new_password2: [MESSAGES.required],
    });
    await expectBody(await change({ old_password: '', new_password1: 'abc', new_password2: 'abc' }), 400, {
      old_password: [MESSAGES.blank],
    });
  });

  it('checks the old password, and the new one too in the same answer', async () => {
    await expectBody(await change(body('purple elephant sings at dawn', 'wrong-password')), 400, {
      old_password: [OLD_WRONG],
    });
    await expectBody(await change(body('short', 'wrong-password')), 400, {
      old_password: [OLD_WRONG],
      new_password2: [TOO_SHORT],
    });
    expect(await t.login('alice', PASSWORD)).toMatch(/^lk_/);
  });

  it('requires the two new passwords to match', async () => {
    await expectBody(
      await change({
        old_password: PASSWORD,
        new_password1: 'purple elephant sings at dawn',
        new_password2: 'purple elephant sings at dusk',
      }),
      400,
      { new_password2: ['The two password fields didn’t match.'] },
    );
  });

  it.each([
    ['Seven77', [TOO_SHORT]],
    ['password', [TOO_COMMON]],
    ['Password1', [TOO_COMMON]],
    [' iloveyou ', [TOO_COMMON]],
    ['abc', [TOO_SHORT]],
    ['alice123', ['The password is too similar to the username.', TOO_COMMON]],
    ['Alice-99', ['The password is too similar to the username.']],
    ['Alice-2024', null],
    ['example.com!', ['The password is too similar to the email address.']],
  ])('applies the policy to %s', async (next, errors) => {
    if (errors === null) {
      // Django's similarity bound (quick_ratio >= 0.7): "alice-2024" is 0.67 away from "alice".
      expect((await change(body(next))).status).toBe(200);
      return;
    }
    await expectBody(await change(body(next)), 400, { new_password2: errors });
    expect(await t.login('alice', PASSWORD)).toMatch(/^lk_/);
  });

  it('accepts long passphrases (64 characters and far more) and any characters', async () => {
    const long = 'a long passphrase with spaces, ünïcödé and emoji 🔑 that keeps going on';
    expect([...long].length).toBeGreaterThan(64);
    expect((await change(body(long))).status).toBe(200);
    const longer = `${'z'.repeat(1000)}/horse`;
    expect((await change(body(longer, long))).status).toBe(200);
    expect(await t.login('alice', longer)).toMatch(/^lk_/);
  });

  it('caps passwords at 4096 characters', async () => {
    const huge = 'x'.repeat(4097);
    const limit = ['Ensure this field has no more than 4096 characters.'];
    await expectBody(
      await change({ old_password: PASSWORD, new_password1: huge, new_password2: huge }),
      400,
      {
        new_password1: limit,
        new_password2: limit,
      },
    );
  });

  it('takes passwords exactly as sent, without trimming', async () => {
    expect((await change(body('  purple elephant  '))).status).toBe(200);
    const trimmed = await t.call('POST', '/rest-auth/login/', {
      json: { username: 'alice', password: 'purple elephant' },
    });
    expect(trimmed.status).toBe(400);
    expect(await t.login('alice', '  purple elephant  ')).toMatch(/^lk_/);
  });

  it('throttles wrong old passwords like failed logins', async () => {
    t = await testApp({ LOGIN_THROTTLE_USER: '3' });
    for (let i = 0; i < 3; i++) {
      expect((await change(body('purple elephant sings', 'wrong'))).status).toBe(400);
    }
    const res = await change(body('purple elephant sings'));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /^Request was throttled\. Expected available in \d+ seconds\.$/,
    );
    // Login is a separate counter: the attacker holding a token cannot lock the owner out of logging in.
    expect(await t.login('alice', PASSWORD)).toMatch(/^lk_/);
  });

  it('needs a token', async () => {
    const res = await t.call('POST', CHANGE, { json: body('purple elephant sings') });
    expect(res.status).toBe(401);
  });
});
