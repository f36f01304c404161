/**
 * The admin page in Chromium, against real servers (cookies, CSRF and redirects are the browser's): the
 * tutorial's session experiment in both settings (SESSION_LOGIN on: a REST login by a staff user opens
 * /admin/ without a second login; off: /admin/ asks to log in and the API set no cookie), the admin's own
 * login form and logout, and the admin flows: users listed and created; on a user's page, tokens listed
 * with prefix, label, dates, a token created with its key shown once and revoked, the user deactivated. The
 * user page's other flows are in admin-user.test.ts.
 */
import { createClient } from '@latchkey/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { freePorts } from '../support/ports.ts';
import { describeBrowser, launchChromium, screenshot, startServer, type TestServer } from './support.ts';

const [PORT_ON, PORT_OFF] = await freePorts(2);

/** Logs in through the demo page at / (a REST login with fetch, same origin). */
async function restLoginOnDemoPage(page: Page, server: TestServer): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.click('#login-button');
  await page.fill('#input-username', server.username);
  await page.fill('#input-password', server.password);
  await page.click('#login-ok');
  await page.locator('#logged-in').waitFor();
}

/** Logs in through the admin's own form. */
async function adminFormLogin(page: Page, server: TestServer): Promise<void> {
  await page.fill('#id_username', server.username);
  await page.fill('#id_password', server.password);
  await Promise.all([page.waitForURL(`${server.url}/admin/`), page.click('#login-form button[type=submit]')]);
}

const usersTable = (page: Page) => page.locator('#users-table tbody tr');

describeBrowser('admin page, SESSION_LOGIN on', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer(PORT_ON, { SESSION_LOGIN: 'true' }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(20_000);
  });
  afterEach(async () => {
    await context?.close();
  });

  it('a REST login by a staff user opens /admin/ without a second login', async () => {
    const page = await context.newPage();
    await restLoginOnDemoPage(page, server);
    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));
    expect(cookies.sessionid?.httpOnly).toBe(true);
    expect(cookies.sessionid?.sameSite).toBe('Lax');
    expect(cookies.csrftoken?.httpOnly).toBe(false);
    // Scripts can read the CSRF token, never the session id.
    expect(await page.evaluate(() => document.cookie)).toMatch(/^csrftoken=\w+$/);
    await page.goto(`${server.url}/admin/`);
    expect(page.url()).toBe(`${server.url}/admin/`);
    await usersTable(page).first().waitFor();
    expect(await page.textContent('#admin-username')).toBe('demo');
    expect(await page.locator('#users-table tbody tr[data-username="demo"]').count()).toBe(1);
    await screenshot(page, 'admin-session-login-on');
  });

  it('manages users and tokens: create, deactivate, token created once and revoked', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/`);
    expect(page.url()).toBe(`${server.url}/admin/login/?next=/admin/`);
    await adminFormLogin(page, server);
    await usersTable(page).first().waitFor();

    // Create a user.
    await page.click('#add-user summary');
    await page.fill('#new-username', 'alice');
    await page.fill('#new-password', 'a long passphrase');
    await page.fill('#new-email', 'alice@example.com');
    await page.click('#add-user-button');
    const alice = page.locator('#users-table tbody tr[data-username="alice"]');
    await alice.waitFor();
    expect(await page.textContent('#admin-notice')).toBe('User alice was added.');
    expect(await alice.locator('td').nth(1).textContent()).toBe('alice@example.com');

    // Alice logs in elsewhere; her token shows up on her page with prefix and label.
    const api = createClient({ baseUrl: server.url });
    const { data: login } = await api.login({
      username: 'alice',
      password: 'a long passphrase',
      label: 'Phone',
    });
    await Promise.all([page.waitForURL(/\/admin\/users\/\d+\/$/), alice.locator('a').click()]);
    const tokens = page.locator('#tokens-table tbody tr');
    await tokens.first().waitFor();
    expect(await page.textContent('#page-title')).toBe('Change user: alice');
    const first = await tokens.first().locator('td').allTextContents();
    expect(first[0]).toBe(`${login?.key.slice(0, 8)}…`);
    expect(first[1]).toBe('Phone');
    expect(first[2]).toBe('full access');
    expect(first[4]).toBe('—'); // never used yet

    // Create a token for alice: the key is shown once and works.
    await page.fill('#token-label', 'CI deploy key');
    await page.click('#create-token-button');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    const key = (await page.textContent('#new-key-value')) ?? '';
    expect(key).toMatch(/^lk_[0-9A-Za-z]{36}$/);
    await expect.poll(() => tokens.count()).toBe(2);
    expect(await tokens.first().locator('td').nth(1).textContent()).toBe('CI deploy key');
    const asAlice = createClient({ baseUrl: server.url, token: key });
    expect((await asAlice.GET('/test_auth/')).data).toBe('Hello alice!');
    await screenshot(page, 'admin-token-created');
    // After a reload the key is gone for good.
    await page.reload();
    await tokens.first().waitFor();
    expect(await page.content()).not.toContain(key);

    // Revoke it, after confirming.
    await tokens.filter({ hasText: 'CI deploy key' }).locator('button', { hasText: 'Revoke' }).click();
    await page.click('#confirm-ok');
    await expect.poll(() => tokens.count()).toBe(1);
    expect((await asAlice.GET('/test_auth/')).response.status).toBe(401);

    // A token for a machine: narrowed to one scope, its own 90-day lifetime, no idle timeout.
    await page.fill('#token-scopes', 'no-such:scope');
    await page.click('#create-token-button');
    await expect.poll(() => page.textContent('#token-error')).toMatch(/^scopes: /);
    await page.fill('#token-label', 'reader');
    await page.fill('#token-scopes', 'tokens:read');
    await page.fill('#token-expires-days', '90');
    await page.click('label:has(#token-no-idle)');
    await page.click('#create-token-button');
    await expect.poll(() => tokens.count()).toBe(2);
    const reader = await tokens.filter({ hasText: 'reader' }).locator('td').allTextContents();
    expect(reader[2]).toBe('tokens:read');
    const readerKey = (await page.textContent('#new-key-value')) ?? '';
    const asReader = createClient({ baseUrl: server.url, token: readerKey });
    expect((await asReader.GET('/rest-auth/tokens/')).response.status).toBe(200);
    expect((await asReader.GET('/rest-auth/user/')).response.status).toBe(403);
    const listed = (await asReader.GET('/rest-auth/tokens/')).data?.find((t) => t.current);
    expect(listed?.idle_timeout).toBeNull(); // no idle timeout
    expect(Date.parse(listed?.max_expiry ?? '')).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    await screenshot(page, 'admin-token-scoped');

    // Deactivate alice: her remaining token stops working at once.
    await page.click('label:has(#user-active)');
    await page.click('#user-save');
    await page.click('#confirm-ok');
    await expect.poll(() => page.textContent('#admin-notice')).toBe('alice was changed: is_active.');
    const phone = createClient({ baseUrl: server.url, token: login?.key });
    expect((await phone.GET('/test_auth/')).response.status).toBe(401);
    await page.goto(`${server.url}/admin/`);
    await expect
      .poll(() => page.locator('#users-table tbody tr[data-username="alice"] td').nth(2).textContent())
      .toBe('no');
    await screenshot(page, 'admin-users');

    // Log out of the admin: the session is gone.
    await Promise.all([page.waitForURL(`${server.url}/admin/logout/`), page.click('#logout-button')]);
    expect(await page.textContent('#logged-out')).toContain('Thanks for spending some quality time');
    await page.goto(`${server.url}/admin/`);
    expect(page.url()).toBe(`${server.url}/admin/login/?next=/admin/`);
  });
});

describeBrowser('admin page, SESSION_LOGIN off', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(PORT_OFF), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a REST login sets no cookie, so /admin/ asks to log in; the admin form then opens it', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await restLoginOnDemoPage(page, server);
    expect((await context.cookies()).map((c) => c.name)).toEqual([]);
    await page.goto(`${server.url}/admin/`);
    expect(page.url()).toBe(`${server.url}/admin/login/?next=/admin/`);
    await page.locator('#login-form').waitFor();
    await screenshot(page, 'admin-session-login-off');
    await adminFormLogin(page, server);
    await usersTable(page).first().waitFor();
    expect(await page.textContent('#admin-username')).toBe('demo');
    await context.close();
  });
});
