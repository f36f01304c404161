/**
 * Accessibility of the pages people see (issue 15), in Chromium with axe-core: every state of the demo
 * page (logged out, the login dialog, a failed login, logged in with the sessions panel, logged out by a
 * rejected key) and of the admin (login form and its error, users, the security events filtered, the
 * add-user form with field errors, a user's page with its events, a confirmation, password errors,
 * logged out, the CSRF failure page) has no violation of WCAG 2.x A/AA nor of axe's best practices;
 * /docs has none in the page around Swagger UI and none serious or critical inside it (what remains is
 * recorded). And
 * keyboard-only use: the login dialog opens with Enter, traps Tab, closes on Escape and gives the focus
 * back; every action of a page is reached by Tab; a confirmation cancels on Escape. Screenshots and axe
 * results of each state go to test-results/.
 */
import { createClient } from '@latchkey/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { axeViolations, expectAccessible, saveAudit, summarize, tabOrder } from './axe.ts';
import { describeBrowser, launchChromium, startServer, type TestServer } from './support.ts';

const PORT = await freePort();

describeBrowser('accessibility (axe-core) and keyboard use', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(PORT, { SESSION_LOGIN: 'true' }), launchChromium()]);
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

  const open = async (path: string) => {
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  };
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  const inDialog = (page: Page) =>
    page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]')));

  it('demo page: every state passes axe; the login dialog works by keyboard alone', async () => {
    const page = await open('/');
    await page.locator('#non-logged-in').waitFor();
    await expectAccessible(page, 'a11y-demo-logged-out');

    // Open the dialog from the keyboard: focus lands in it, Tab and Shift+Tab stay in it.
    await page.focus('#login-button');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('input-username');
    await expectAccessible(page, 'a11y-demo-login-dialog');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await inDialog(page)).toBe(true);
    }
    await page.focus('#input-username');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await inDialog(page)).toBe(true);
    }
    // Escape closes it and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#login-modal').isVisible()).toBe(false);
    expect(await focused(page)).toBe('login-button');

    // A failed login, typed: the message is in the dialog's alert region.
    await page.keyboard.press('Enter');
    await page.keyboard.type(server.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.locator('#modal-error').waitFor();
    expect(await page.locator('[role=alert] #modal-error').textContent()).toContain(
      'Unable to log in with provided credentials.',
    );
    await expectAccessible(page, 'a11y-demo-login-error');

    // The right password: logged in, the sessions panel and a test result showing.
    await page.fill('#input-password', server.password);
    await page.keyboard.press('Enter');
    await page.locator('#sessions-body tr').first().waitFor();
    await page.locator('#activity-list li').first().waitFor();
    await expect.poll(() => focused(page)).toBe('logout-button');
    await page.focus('#test-auth-get');
    await page.keyboard.press('Enter');
    await page.locator('#test-auth-response .label').waitFor();
    await expectAccessible(page, 'a11y-demo-logged-in');
    const order = await tabOrder(page);
    for (const id of [
      'docs-link',
      'logout-button',
      'test-auth-get',
      'test-auth-post',
      'sessions-refresh',
      'logout-all',
    ]) {
      expect(order).toContain(id);
    }
    expect(order.some((name) => name.startsWith('button:Log out ('))).toBe(true);

    // The key revoked elsewhere: the page logs out and says why, in a status region.
    const key = await page.evaluate(() => JSON.parse(sessionStorage.getItem('latchkey.auth') ?? '{}').key);
    await createClient({ baseUrl: server.url, token: key }).POST('/rest-auth/logout/');
    await page.click('#test-auth-get');
    await page.locator('#notice').waitFor();
    expect(await page.locator('[role=status] #notice').textContent()).toContain('You have been logged out');
    await expectAccessible(page, 'a11y-demo-key-rejected');
  });

  it('admin: login form, its error, users, security events, add-user errors, logged out, CSRF failure', async () => {
    const page = await open('/admin/');
    await page.locator('#login-form').waitFor();
    await expectAccessible(page, 'a11y-admin-login');
    await page.fill('#id_username', server.username);
    await page.fill('#id_password', 'not the password');
    await page.keyboard.press('Enter');
    await page.locator('#login-error').waitFor();
    await expectAccessible(page, 'a11y-admin-login-error');

    await page.fill('#id_password', server.password);
    await Promise.all([page.waitForURL(`${server.url}/admin/`), page.keyboard.press('Enter')]);
    await page.locator('#users-table tbody tr').first().waitFor();
    await expectAccessible(page, 'a11y-admin-users');
    // The security events view, filtered to logins (the failed one above and this one).
    await page.selectOption('#events-type', 'login');
    await page.click('#events-filter-button');
    await page.locator('#events-table tbody tr[data-outcome=failure]').first().waitFor();
    await expectAccessible(page, 'a11y-admin-events');
    const order = await tabOrder(page);
    for (const id of ['search', 'logout-button']) expect(order).toContain(id);
    expect(order).toContain('a:demo');
    expect(order.some((name) => name.startsWith('summary:'))).toBe(true);

    // The add-user form, opened and sent by keyboard, with the password policy's message by its field.
    await page.focus('#add-user summary');
    await page.keyboard.press('Enter');
    await page.fill('#new-username', 'carol');
    await page.fill('#new-password', 'password');
    await page.focus('#add-user-button');
    await page.keyboard.press('Enter');
    await page.locator('#new-password[aria-invalid=true]').waitFor();
    expect(await page.textContent('#new-password-error')).toContain('This password is too common.');
    expect(await focused(page)).toBe('new-password');
    await expectAccessible(page, 'a11y-admin-add-user-errors');

    await Promise.all([page.waitForURL(`${server.url}/admin/logout/`), page.click('#logout-button')]);
    await expectAccessible(page, 'a11y-admin-logged-out');

    // A login form posted without its CSRF cookie: Django's failure page.
    await page.goto(`${server.url}/admin/login/`);
    await context.clearCookies();
    await page.fill('#id_username', server.username);
    await page.fill('#id_password', server.password);
    await page.keyboard.press('Enter');
    await page.locator('#csrf-failure').waitFor();
    await expectAccessible(page, 'a11y-admin-csrf-failure');
  });

  it("admin: a user's page, a confirmation (Escape cancels, focus returns), password errors", async () => {
    const api = createClient({ baseUrl: server.url });
    const { data: login } = await api.login({ username: server.username, password: server.password });
    const admin = createClient({ baseUrl: server.url, token: login?.key });
    const created = await admin.POST('/admin/api/users/', {
      body: { username: 'dora', password: 'dora has a long passphrase', email: 'dora@example.com' },
    });
    await api.login({ username: 'dora', password: 'dora has a long passphrase', label: 'Laptop' });

    const page = await open('/admin/login/');
    await page.fill('#id_username', server.username);
    await page.fill('#id_password', server.password);
    await Promise.all([page.waitForURL(`${server.url}/admin/`), page.keyboard.press('Enter')]);
    await page.goto(`${server.url}/admin/users/${created.data?.id}/`);
    await page.locator('#tokens-table tbody tr').first().waitFor();
    await expectAccessible(page, 'a11y-admin-user');
    const order = await tabOrder(page, 120);
    for (const id of [
      'user-first-name',
      'user-email',
      'user-save',
      'password1',
      'password-save',
      'token-label',
      'user-delete',
    ]) {
      expect(order).toContain(id);
    }
    expect(order.some((name) => name.startsWith('button:Revoke token'))).toBe(true);

    // A confirmation: it passes axe, Escape cancels (the token stays), the focus returns to Revoke.
    const revoke = page.locator('#tokens-table tbody tr button', { hasText: 'Revoke' }).first();
    await revoke.focus();
    await page.keyboard.press('Enter');
    await page.locator('#confirm-dialog').waitFor();
    expect(await focused(page)).toBe('confirm-cancel');
    await expectAccessible(page, 'a11y-admin-confirm');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#confirm-dialog').isVisible()).toBe(false);
    expect(await revoke.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.locator('#tokens-table tbody tr').count()).toBe(1);

    // Password errors from the policy, shown by the field and announced.
    await page.fill('#password1', 'dora@example.com');
    await page.fill('#password2', 'dora@example.com');
    await page.click('#password-save');
    await page.click('#confirm-ok');
    await page.locator('#password1[aria-invalid=true]').waitFor();
    expect(await page.textContent('#password1-error')).toContain('The password is too similar to the');
    expect(await page.locator('[role=alert] #admin-error').textContent()).toContain('No password was set.');
    await expectAccessible(page, 'a11y-admin-password-errors');

    // A token created: the key shown once, in a status region.
    await page.fill('#token-label', 'CI deploy key');
    await page.click('#create-token-button');
    await page.locator('[role=status] #new-key').waitFor();
    await expectAccessible(page, 'a11y-admin-token-created');
  });

  it('/docs: the page around Swagger UI passes axe; what remains inside Swagger UI is recorded', async () => {
    const page = await open('/docs');
    await page.locator('.opblock').first().waitFor();
    await expectAccessible(page, 'a11y-docs-page', ['#swagger-ui']);
    const inside = await axeViolations(page);
    await saveAudit('a11y-docs-swagger-ui', inside);
    console.info(`[axe] /docs with Swagger UI: ${summarize(inside).join('; ') || 'no violations'}`);
    const severe = (found: typeof inside) =>
      summarize(found.filter((v) => v.impact === 'serious' || v.impact === 'critical'));
    // With the page's colours and settings, Swagger UI itself has nothing serious or critical left.
    expect(severe(inside)).toEqual([]);
    // An operation opened, tried and answered: recorded for README's list of what remains.
    const operation = page.locator('#operations-auth-login');
    await operation.locator('.opblock-summary-control').click();
    await operation.locator('button.execute').click();
    await operation.locator('.live-responses-table .response').first().waitFor();
    await expectAccessible(page, 'a11y-docs-page-operation', ['#swagger-ui']);
    const opened = await axeViolations(page);
    await saveAudit('a11y-docs-swagger-ui-operation', opened);
    console.info(`[axe] /docs, an operation executed: ${summarize(opened).join('; ') || 'no violations'}`);
    expect(severe(opened)).toEqual([]);
  });
});
