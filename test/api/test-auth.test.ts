import { beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

describe('GET|POST /test_auth/', () => {
  it('greets the owner of a valid token', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const get = await t.call('GET', '/test_auth/', { token: key });
    expect(get.status).toBe(200);
    expect(await get.json()).toBe('Hello alice!');
    const post = await t.call('POST', '/test_auth', { token: key });
    expect(await post.json()).toBe('Hello alice! Posted!');
  });

  it.each([
    [undefined, MESSAGES.notAuthenticated],
    ['Token', MESSAGES.noCredentials],
    ['Token a b', MESSAGES.spaces],
    ['Token caf\u00e9', MESSAGES.invalidCharacters],
    ['Token lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', MESSAGES.invalidToken],
    ['Token 0123456789abcdef0123456789abcdef01234567', MESSAGES.invalidToken],
  ])('answers 401 for Authorization %j with DRF message', async (header, detail) => {
    const res = await t.call('GET', '/test_auth/', { headers: header ? { Authorization: header } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Token');
    expect(await res.json()).toEqual({ detail });
  });
});
