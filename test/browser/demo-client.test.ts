/**
 * The demo client served by the server at / (same origin) and the /docs console, in Chromium: login with
 * and without remember me across tabs, GET and POST test auth, logout, a key revoked elsewhere, the
 * sessions panel, and authorizing the console to call test_auth.
 */
import { createClient } from '@latchkey/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { describeBrowser, launchChromium, screenshot, startServer, type TestServer } from './support.ts';

const PORT = await freePort();

describeBrowser('demo client (same origin)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(PORT), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    // Every test starts with no live tokens for the demo user.
    const api = createClient({ baseUrl: server.url });
    const { data } = await api.login({ username: server.username, password: server.password });
    await createClient({ baseUrl: server.url, token: data?.key }).POST('/rest-auth/logoutall/');
  });
  afterEach(async () => {
    await context?.close();
  });

  const open = async (path = '/') => {
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  };

  const login = async (page: Page, password: string, remember: boolean) => {
    await page.click('#login-button');
    await page.fill('#input-username', server.username);
    await page.fill('#input-password', password);
    // Spectre's styled checkbox: the label takes the click, as it does for a user.
    if ((await page.isChecked('#input-remember')) !== remember) await page.click('label[for=input-remember]');
    expect(await page.isChecked('#input-remember')).toBe(remember);
    await page.click('#login-ok');
  };

  const stored = (page: Page) =>
    page.evaluate(() => ({
      local: localStorage.getItem('latchkey.auth'),
      session: sessionStorage.getItem('latchkey.auth'),
    }));

  const testAuth = async (page: Page, method: 'get' | 'post') => {
    await page.click(`#test-auth-${method}`);
    const label = page.locator('#test-auth-response .label');
    await label.waitFor();
    return { text: await label.textContent(), ok: (await label.getAttribute('class'))?.includes('success') };
  };

  it('logs in without remember me: this tab only, GET and POST test auth, logout then 401', async () => {
    const page = await open();
    await expect.poll(() => page.locator('#non-logged-in').isVisible()).toBe(true);
    await login(page, server.password, false);
    await page.locator('#logged-in').waitFor();
    expect(await page.textContent('#span-username')).toBe('demo');
    const state = await stored(page);
    expect(state.local).toBeNull();
    expect(JSON.parse(state.session ?? '{}')).toMatchObject({ username: 'demo', remember_me: false });

    expect(await testAuth(page, 'get')).toEqual({
      text: 'Ok! Response: "Hello demo!" (status: 200)',
      ok: true,
    });
    expect(await testAuth(page, 'post')).toEqual({
      text: 'Ok! Response: "Hello demo! Posted!" (status: 200)',
      ok: true,
    });

    await page.reload();
    await page.locator('#logged-in').waitFor();

    const other = await open();
    await other.locator('#non-logged-in').waitFor();
    expect(await other.isVisible('#logged-in')).toBe(false);
    await other.close();

    await page.click('#logout-button');
    await page.locator('#non-logged-in').waitFor();
    expect(await stored(page)).toEqual({ local: null, session: null });
    expect(await testAuth(page, 'get')).toEqual({
      text: 'Fail! Response: {"detail":"Authentication credentials were not provided."} (status: 401)',
      ok: false,
    });
    await screenshot(page, 'same-origin-session-storage');
  });

  it('logs in with remember me: a new tab is logged in too, and logging out there logs out both', async () => {
    const page = await open();
    await login(page, server.password, true);
    await page.locator('#logged-in').waitFor();
    const state = await stored(page);
    expect(state.session).toBeNull();
    expect(JSON.parse(state.local ?? '{}')).toMatchObject({ username: 'demo', remember_me: true });

    const tab = await open();
    await tab.locator('#logged-in').waitFor();
    expect(await testAuth(tab, 'get')).toEqual({
      text: 'Ok! Response: "Hello demo!" (status: 200)',
      ok: true,
    });
    await tab.click('#logout-button');
    await tab.locator('#non-logged-in').waitFor();
    expect(await testAuth(tab, 'post')).toMatchObject({ ok: false });
    expect((await testAuth(tab, 'post')).text).toContain('(status: 401)');
    // The first tab follows localStorage.
    await page.locator('#non-logged-in').waitFor();
    await screenshot(tab, 'same-origin-remember-me');
  });

  it('shows "Unable to login!" with the server message for bad credentials', async () => {
    const page = await open();
    await login(page, 'not the password', false);
    const error = page.locator('#modal-error');
    await error.waitFor();
    expect((await error.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'Unable to login! Unable to log in with provided credentials.',
    );
    expect(await page.isVisible('#logged-in')).toBe(false);
    await screenshot(page, 'login-error');
  });

  it('forgets a stored key the server rejects (revoked elsewhere) instead of staying "logged in"', async () => {
    const page = await open();
    await login(page, server.password, true);
    await page.locator('#logged-in').waitFor();
    // The page settles first (sessions and activity listed), so the key is revoked while it sits idle.
    await page.locator('#activity-list li').first().waitFor();
    const key = JSON.parse((await stored(page)).local ?? '{}').key as string;
    await createClient({ baseUrl: server.url, token: key }).POST('/rest-auth/logout/');

    const result = await testAuth(page, 'get');
    expect(result).toEqual({ text: 'Fail! Response: {"detail":"Invalid token."} (status: 401)', ok: false });
    await page.locator('#non-logged-in').waitFor();
    expect(await page.textContent('#notice')).toContain(
      'the server rejected the stored key (401: Invalid token.)',
    );
    expect(await stored(page)).toEqual({ local: null, session: null });
    await screenshot(page, 'stale-key-cleared');
  });

  it('lists sessions, revokes another token, and logs out everywhere', async () => {
    const api = createClient({ baseUrl: server.url });
    const phone = (await api.login({ username: 'demo', password: server.password, label: 'Phone' })).data
      ?.key;
    const laptop = (await api.login({ username: 'demo', password: server.password, label: 'Laptop' })).data
      ?.key;
    const status = async (key: string | undefined) =>
      (await createClient({ baseUrl: server.url, token: key }).GET('/test_auth/')).response.status;

    const page = await open();
    await login(page, server.password, false);
    const rows = page.locator('#sessions-body tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator('#sessions-body tr.current').count()).toBe(1);
    expect(await page.textContent('#sessions-body tr.current')).toContain('this one');
    const phoneRow = rows.filter({ hasText: 'Phone' });
    expect(await phoneRow.textContent()).toContain(`${phone?.slice(0, 6)}`);

    await phoneRow.locator('button.revoke').click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'Phone' }).count()).toBe(0);
    expect(await status(phone)).toBe(401);
    expect(await status(laptop)).toBe(200);
    await screenshot(page, 'sessions-panel');

    await page.click('#logout-all');
    await page.locator('#non-logged-in').waitFor();
    expect(await page.textContent('#notice')).toContain('Logged out everywhere');
    expect(await status(laptop)).toBe(401);
    expect(await stored(page)).toEqual({ local: null, session: null });
    await screenshot(page, 'sessions-logged-out-everywhere');
  });

  it('shows the recent security activity in words: a failed login, then this login', async () => {
    await createClient({ baseUrl: server.url }).login({ username: server.username, password: 'wrong' });
    const page = await open();
    await login(page, server.password, false);
    const items = page.locator('#activity-list li');
    await items.first().waitFor();
    const failure = items.filter({ hasText: 'Failed login attempt' }).first();
    expect(await failure.getAttribute('data-outcome')).toBe('failure');
    expect(await failure.locator('.activity-text').textContent()).toBe(
      'Failed login attempt (wrong password)',
    );
    // Newest first: this page's own login, labelled by its browser.
    expect(await items.first().getAttribute('data-type')).toBe('login');
    expect(await items.first().getAttribute('data-outcome')).toBe('success');
    expect(await items.first().locator('.activity-text').textContent()).toMatch(/^Login( from .+)?$/);
    expect(await page.textContent('#activity-title')).toBe('Recent security activity');
    await screenshot(page, 'security-activity');
  });

  it('docs console: authorize with "Token <key>", call test_auth, see 200', async () => {
    const { data } = await createClient({ baseUrl: server.url }).login({
      username: 'demo',
      password: server.password,
      label: 'Docs console',
    });
    const page = await open('/docs');
    await page.locator('.swagger-ui .btn.authorize').click();
    // The Token scheme's box (the Session cookie scheme has its own).
    const box = page.locator('.auth-container').filter({ hasText: 'Name: Authorization' });
    await box.locator('input').fill(`Token ${data?.key}`);
    await box.locator('button.authorize').click();
    await box.locator('button.btn-done').click();

    const operation = page.locator('#operations-test-auth-testAuth');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    const body = operation.locator('.live-responses-table .response .response-col_description').first();
    expect(await body.textContent()).toContain('Hello demo!');
    // After a reload the authorization persists, and every file came from this server (works offline).
    const hosts = new Set<string>();
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    await page.reload();
    await operation.waitFor();
    expect([...hosts]).toEqual([`127.0.0.1:${PORT}`]);
    // Deep linking is off (its links fail axe): open the operation again if it is closed.
    if (!(await operation.locator('button.execute').isVisible()))
      await operation.locator('.opblock-summary').click();
    await operation.locator('button.execute').click();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    await operation.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await screenshot(page, 'docs-console-test-auth', false);
  });

  it('docs console: a login made in the console, or on the demo page, authorizes it', async () => {
    const page = await open('/docs');
    const loginOp = page.locator('#operations-auth-login');
    await loginOp.locator('.opblock-summary').click();
    await loginOp
      .locator('textarea.body-param__text')
      .fill(JSON.stringify({ username: 'demo', password: server.password }));
    await loginOp.locator('button.execute').click();
    await expect
      .poll(() => page.textContent('#lk-status'))
      .toContain('Authorized with the key from this login');

    const execute = async () => {
      const operation = page.locator('#operations-test-auth-testAuth');
      if (!(await operation.locator('button.execute').isVisible()))
        await operation.locator('.opblock-summary').click();
      await operation.locator('button.execute').click();
      const status = operation.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor();
      return (await status.textContent())?.trim();
    };
    expect(await execute()).toBe('200');

    // A fresh browser that logged in on the demo page finds the console already authorized.
    await context.close();
    context = await browser.newContext();
    const demo = await open('/');
    await login(demo, server.password, true);
    await demo.locator('#logged-in').waitFor();
    await demo.goto(`${server.url}/docs`);
    await expect.poll(() => demo.textContent('#lk-status')).toContain('the demo page’s login as demo');
    const operation = demo.locator('#operations-test-auth-testAuth');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    await demo.evaluate(() => window.scrollTo(0, 0));
    await screenshot(demo, 'docs-console-from-demo-login', false);
  });
});
