/**
 * Sensitive changes to one's own account need the current password: a stolen token (staff or not)
 * cannot set a new password or e-mail, rename the account, or mint itself tokens that outlive
 * TOKEN_MAX_TTL. Wrong confirmations are throttled like wrong old passwords.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'correct-horse-battery';
const NEXT = 'purple elephant sings at dawn';
const REQUIRED = { current_password: ['This field is required.'] };
const WRONG = { current_password: ['Your password was entered incorrectly. Please enter it again.'] };

let t: TestApp;
let staffId: number;
let staff: string;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  staffId = (await t.user('root', PASSWORD, { isStaff: true, email: 'root@example.com' })).id;
  staff = await t.login('root', PASSWORD);
});

async function expect400(res: Response, body: unknown) {
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual(body);
}

describe('the admin API on oneself', () => {
  const patchSelf = (json: Record<string, unknown>) =>
    t.call('PATCH', `/admin/api/users/${staffId}/`, { token: staff, json });

  it('sets one’s own password only with the current one', async () => {
    await expect400(await patchSelf({ password: NEXT }), REQUIRED);
    await expect400(await patchSelf({ password: NEXT, current_password: 'a wrong guess' }), WRONG);
    expect((await patchSelf({ password: NEXT, current_password: PASSWORD })).status).toBe(200);
    expect(
      (await t.call('POST', '/rest-auth/login/', { json: { username: 'root', password: NEXT } })).status,
    ).toBe(200);
  });

  it('changes one’s own e-mail only with the password; names need none', async () => {
    await expect400(await patchSelf({ email: 'thief@example.com' }), REQUIRED);
    expect((await patchSelf({ email: 'root@example.com', first_name: 'Root' })).status).toBe(200);
    expect((await patchSelf({ email: 'new@example.com', current_password: PASSWORD })).status).toBe(200);
  });

  it('mints tokens for oneself only with the password; for others as before', async () => {
    const mint = (id: number, json: Record<string, unknown> = {}) =>
      t.call('POST', `/admin/api/users/${id}/tokens/`, { token: staff, json });
    await expect400(await mint(staffId), REQUIRED);
    expect((await mint(staffId, { current_password: PASSWORD })).status).toBe(201);
    const bob = await t.user('bob', PASSWORD);
    expect((await mint(bob.id)).status).toBe(201);
    // Another user's password needs no confirmation by the admin either.
    expect(
      (await t.call('PATCH', `/admin/api/users/${bob.id}/`, { token: staff, json: { password: NEXT } }))
        .status,
    ).toBe(200);
  });

  it('throttles wrong confirmations on the password-change counter', async () => {
    const limited = await testApp({ LOGIN_THROTTLE_USER: '2' });
    const key = await limited.login('root', PASSWORD);
    const patch = (current_password: string) =>
      limited.call('PATCH', `/admin/api/users/${staffId}/`, {
        token: key,
        json: { password: NEXT, current_password },
      });
    expect((await patch('guess one')).status).toBe(400);
    expect((await patch('guess two')).status).toBe(400);
    expect((await patch(PASSWORD)).status).toBe(429);
  });
});

describe('the account API', () => {
  it('renames or re-addresses the account only with the current password', async () => {
    await t.user('alice', PASSWORD, { email: 'alice@example.com' });
    const key = await t.login('alice', PASSWORD);
    const patch = (json: Record<string, unknown>) =>
      t.call('PATCH', '/rest-auth/user/', { token: key, json });
    await expect400(await patch({ username: 'mallory' }), REQUIRED);
    await expect400(await patch({ email: 'mallory@example.com', current_password: 'nope-nope' }), WRONG);
    expect((await patch({ first_name: 'Alice', username: 'alice' })).status).toBe(200);
    const renamed = await patch({ username: 'alice2', current_password: PASSWORD });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ username: 'alice2' });
  });
});
