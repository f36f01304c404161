/**
 * HEAD and OPTIONS on every path of the contract (openapi.yaml's description documents them for all
 * paths at once), and the API suite's own recording: every response a test app answers is checked
 * against openapi.yaml by test/support/contract-setup.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { apiRecorder, type TestApp, testApp } from '../support/app.ts';
import { operations } from '../support/contract.ts';
import { resetDatabase } from '../support/db.ts';

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

/** Every documented path with its parameters filled in. */
const paths = [...new Set(operations.map((op) => op.path))].map((path) => path.replace(/\{[^}]+\}/g, '1'));
const methodsOf = (path: string) =>
  operations.filter((op) => op.path.replace(/\{[^}]+\}/g, '1') === path).map((op) => op.method.toUpperCase());

describe('the methods HTTP defines for every path', () => {
  it.each(paths)('OPTIONS %s answers 204 with Allow naming its documented methods', async (path) => {
    const res = await t.call('OPTIONS', path);
    expect(res.status).toBe(204);
    const allow = (res.headers.get('allow') ?? '').split(', ').sort();
    const documented = methodsOf(path);
    const expected = [...documented, ...(documented.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort();
    expect(allow).toEqual(expected);
  });

  it.each(paths)('HEAD %s answers like its GET without a body, or 405', async (path) => {
    const admin = await t.user('root', 'root-Pass-123456', { isStaff: true });
    const key = await t.login(admin.username, admin.password);
    const head = await t.call('HEAD', path, { token: key });
    expect(await head.text()).toBe('');
    if (!methodsOf(path).includes('GET')) {
      expect(head.status).toBe(405);
      return;
    }
    const get = await t.call('GET', path, { token: key });
    expect(head.status).toBe(get.status);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
  });
});

describe('the API suite checks its own responses', () => {
  it('checks every response of call() and app.request() against the contract', async () => {
    const before = apiRecorder.checked;
    await t.call('GET', '/healthz/');
    await t.app.request('/rest-auth/user/');
    expect(apiRecorder.checked - before).toBe(2);
    expect(apiRecorder.failures).toEqual([]);
  });
});
