/**
 * A user's page in the admin (/admin/users/{id}/), in Chromium, on PGlite and (with DATABASE_URL, on a
 * scratch database of that server) on PostgreSQL: a superuser edits names, e-mail, staff and superuser
 * status, with the API's field errors by their fields; staff see a superuser's page read-only, cannot
 * grant superuser status nor deactivate or delete themselves, and the page's requests carry the CSRF
 * token; a password is set through the policy (mismatch, policy message, then success ending the user's
 * credentials); sessions are listed and ended, tokens revoked, the user deleted, each after a
 * confirmation that can be cancelled. Users are made with the CLI, as an operator would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type LatchkeyClient } from '@latchkey/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { scratchDatabase } from '../e2e/support/postgres.ts';
import { freePort } from '../support/ports.ts';
import {
  describeBrowser,
  launchChromium,
  manage,
  screenshot,
  startServer,
  type TestServer,
} from './support.ts';

const PORT = await freePort();
const PASSWORD = 'a long admin passphrase';
const DRIVER = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A database for the server: a scratch PostgreSQL database, or a PGlite data directory. */
async function database(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const db = await scratchDatabase(process.env.DATABASE_URL, 'browser_admin');
    return { env: { DATABASE_URL: db.url }, drop: db.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-admin-user-'));
  return { env: { LATCHKEY_DATA_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
}

describeBrowser(
  `admin user page (${DRIVER})`,
  () => {
    let db: Awaited<ReturnType<typeof database>>;
    let server: TestServer;
    let browser: Browser;
    let context: BrowserContext;
    /** The superuser's token, for arranging and checking through the admin API. */
    let root: LatchkeyClient;
    let counter = 0;

    beforeAll(async () => {
      db = await database();
      await manage(['createuser', 'root', '--superuser', '--password-stdin'], db.env, PASSWORD);
      await manage(['createuser', 'staff', '--staff', '--password-stdin'], db.env, PASSWORD);
      [server, browser] = await Promise.all([
        startServer(PORT, { ...db.env, DEMO_USER: 'false', SESSION_LOGIN: 'true' }),
        launchChromium(),
      ]);
      const { data } = await createClient({ baseUrl: server.url }).login({
        username: 'root',
        password: PASSWORD,
      });
      root = createClient({ baseUrl: server.url, token: data?.key });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await db?.drop();
    });
    beforeEach(async () => {
      context = await browser.newContext();
      context.setDefaultTimeout(20_000);
    });
    afterEach(async () => {
      await context?.close();
    });

    /** A new ordinary user (unique name) with a token; returns its id, name and key. */
    const newUser = async (extra: { email?: string } = {}) => {
      const username = `user${++counter}`;
      const password = `${username} has a long passphrase`;
      const { data } = await root.POST('/admin/api/users/', { body: { username, password, ...extra } });
      const { data: login } = await createClient({ baseUrl: server.url }).login({ username, password });
      return { id: data?.id as number, username, password, key: login?.key as string };
    };

    /** Logs in through the admin form as `username` and opens `path`. */
    const adminAs = async (username: string, path: string): Promise<Page> => {
      const page = await context.newPage();
      await page.goto(`${server.url}/admin/login/?next=${path}`);
      await page.fill('#id_username', username);
      await page.fill('#id_password', PASSWORD);
      await Promise.all([
        page.waitForURL(`${server.url}${path}`),
        page.click('#login-form button[type=submit]'),
      ]);
      await page.locator('#user-view:not([hidden]), #users-section:not([hidden])').waitFor();
      return page;
    };
    const notice = (page: Page) => page.locator('#admin-notice');
    const getUser = async (id: number) =>
      (await root.GET('/admin/api/users/{id}/', { params: { path: { id } } })).data;

    it('a superuser edits names, e-mail, staff and superuser status; a bad e-mail is shown by its field', async () => {
      const user = await newUser();
      const page = await adminAs('root', `/admin/users/${user.id}/`);
      expect(await page.textContent('#page-title')).toBe(`Change user: ${user.username}`);
      expect(await page.isEnabled('#user-superuser')).toBe(true);
      await page.fill('#user-first-name', 'Ada');
      await page.fill('#user-last-name', 'Lovelace');
      await page.fill('#user-email', 'ada@example.com');
      await page.click('label:has(#user-staff)');
      await page.click('label:has(#user-superuser)');
      await page.click('#user-save');
      await expect
        .poll(() => notice(page).textContent())
        .toBe(`${user.username} was changed: first_name, last_name, email, is_staff, is_superuser.`);
      expect(await getUser(user.id)).toMatchObject({
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@example.com',
        is_staff: true,
        is_superuser: true,
      });
      await screenshot(page, `admin-user-edited-${DRIVER}`);

      await page.fill('#user-email', 'not an address');
      await page.click('#user-save');
      await page.locator('#user-email[aria-invalid=true]').waitFor();
      expect(await page.textContent('#user-email-error')).toBe('Enter a valid email address.');
      expect(await page.getAttribute('#user-email', 'aria-describedby')).toContain('user-email-error');
      expect(await page.textContent('#admin-error')).toContain(`${user.username} was not changed.`);
      expect((await getUser(user.id))?.email).toBe('ada@example.com');
      await screenshot(page, `admin-user-field-error-${DRIVER}`);

      // After a reload the page shows what is stored.
      await page.reload();
      await expect.poll(() => page.inputValue('#user-first-name')).toBe('Ada');
      expect(await page.isChecked('#user-superuser')).toBe(true);
    });

    it('staff: a superuser is read-only, superuser status is not theirs to give, no self-deactivation, CSRF', async () => {
      const { data: rootUser } = await root.GET('/admin/api/users/', {
        params: { query: { search: 'root' } },
      });
      const rootId = rootUser?.results[0]?.id as number;
      const page = await adminAs('staff', `/admin/users/${rootId}/`);
      await page.locator('#user-readonly').waitFor();
      for (const id of [
        '#user-first-name',
        '#user-email',
        '#user-active',
        '#user-save',
        '#password1',
        '#create-token-button',
      ]) {
        expect(await page.isDisabled(id), id).toBe(true);
      }
      await page.locator('#tokens-table tbody tr').first().waitFor();
      expect(await page.locator('#tokens-table button, #user-sessions-table button').count()).toBe(0);
      expect(await page.isVisible('#user-delete')).toBe(false);
      await screenshot(page, `admin-user-read-only-${DRIVER}`);

      // An ordinary user: editable, but the superuser box stays disabled.
      const user = await newUser();
      await page.goto(`${server.url}/admin/users/${user.id}/`);
      await page.locator('#user-view:not([hidden])').waitFor();
      await expect.poll(() => page.inputValue('#user-email')).toBe('');
      expect(await page.isDisabled('#user-superuser')).toBe(true);
      await page.fill('#user-email', `${user.username}@example.com`);
      await page.click('#user-save');
      await expect.poll(() => notice(page).textContent()).toBe(`${user.username} was changed: email.`);

      // The page's requests carry the CSRF token; the same request without it is refused.
      const forged = await page.evaluate(async (id) => {
        const res = await fetch(`/admin/api/users/${id}/`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ first_name: 'Forged' }),
        });
        return { status: res.status, body: await res.json() };
      }, user.id);
      expect(forged).toEqual({ status: 403, body: { detail: 'CSRF Failed: CSRF token missing.' } });
      expect((await getUser(user.id))?.first_name).toBe('');

      // Their own page: the active box is disabled and says why, and there is no Delete.
      const { data: staffUser } = await root.GET('/admin/api/users/', {
        params: { query: { search: 'staff' } },
      });
      await page.goto(`${server.url}/admin/users/${staffUser?.results[0]?.id}/`);
      await page.locator('#user-view:not([hidden])').waitFor();
      await expect.poll(() => page.isDisabled('#user-active')).toBe(true);
      expect(await page.textContent('#user-active-hint')).toBe('You cannot deactivate your own account.');
      expect(await page.isVisible('#user-delete')).toBe(false);
    });

    it('sets a password through the policy: mismatch, policy message, then success ends the credentials', async () => {
      const user = await newUser({ email: 'pat@example.com' });
      const page = await adminAs('root', `/admin/users/${user.id}/`);
      await page.locator('#tokens-table tbody tr').first().waitFor();

      await page.fill('#password1', 'one long passphrase');
      await page.fill('#password2', 'another long passphrase');
      await page.click('#password-save');
      await expect
        .poll(() => page.textContent('#password2-error'))
        .toBe('The two password fields didn’t match.');

      await page.fill('#password1', 'password');
      await page.fill('#password2', 'password');
      await page.click('#password-save');
      await page.click('#confirm-ok');
      await expect.poll(() => page.textContent('#password1-error')).toContain('This password is too common.');
      await screenshot(page, `admin-user-password-policy-${DRIVER}`);

      // Cancelled: nothing happens.
      await page.fill('#password1', 'a brand new passphrase');
      await page.fill('#password2', 'a brand new passphrase');
      await page.click('#password-save');
      expect(await page.textContent('#confirm-message')).toContain(
        `Every token and session of ${user.username} ends`,
      );
      await page.click('#confirm-cancel');
      const asUser = createClient({ baseUrl: server.url, token: user.key });
      expect((await asUser.GET('/test_auth/')).response.status).toBe(200);

      await page.click('#password-save');
      await page.click('#confirm-ok');
      await expect
        .poll(() => notice(page).textContent())
        .toContain(`The password of ${user.username} was set`);
      expect((await asUser.GET('/test_auth/')).response.status).toBe(401);
      await expect.poll(() => page.locator('#tokens-table tbody tr').count()).toBe(0);
      const { response } = await createClient({ baseUrl: server.url }).login({
        username: user.username,
        password: 'a brand new passphrase',
      });
      expect(response.status).toBe(200);
    });

    it('one’s own password is set only with the current one, asked for on one’s own page only', async () => {
      const username = `self${++counter}`;
      const { data } = await root.POST('/admin/api/users/', {
        body: { username, password: PASSWORD, is_staff: true },
      });
      const page = await adminAs(username, `/admin/users/${(await newUser()).id}/`);
      expect(await page.isHidden('#current-password-group')).toBe(true);
      await page.goto(`${server.url}/admin/users/${data?.id}/`);
      await page.locator('#user-view:not([hidden])').waitFor();
      expect(await page.isVisible('#current-password')).toBe(true);
      await page.fill('#password1', 'my own new passphrase');
      await page.fill('#password2', 'my own new passphrase');
      await page.fill('#current-password', 'not my password');
      await page.click('#password-save');
      await page.click('#confirm-ok');
      await expect
        .poll(() => page.textContent('#current-password-error'))
        .toBe('Your password was entered incorrectly. Please enter it again.');
      await page.fill('#current-password', PASSWORD);
      await page.click('#password-save');
      await page.click('#confirm-ok');
      await expect.poll(() => notice(page).textContent()).toContain(`The password of ${username} was set`);
      const login = (password: string) => createClient({ baseUrl: server.url }).login({ username, password });
      expect((await login('my own new passphrase')).response.status).toBe(200);
    });

    it("shows a user's recent security events, and the events view filters by type and user", async () => {
      const user = await newUser();
      await createClient({ baseUrl: server.url }).login({ username: user.username, password: 'wrong' });
      const page = await adminAs('root', `/admin/users/${user.id}/`);
      const rows = page.locator('#user-events-table tbody tr');
      // Newest first: the failed login, then newUser's login, then the admin creating the user.
      await expect.poll(() => rows.count()).toBe(3);
      const facts = (row: number) =>
        rows
          .nth(row)
          .evaluate((tr) => [(tr as HTMLElement).dataset.type, (tr as HTMLElement).dataset.outcome]);
      expect([await facts(0), await facts(1), await facts(2)]).toEqual([
        ['login', 'failure'],
        ['login', 'success'],
        ['user_created', 'success'],
      ]);
      expect(await rows.nth(0).locator('td').nth(4).textContent()).toBe(`#${user.id}`);
      expect(await page.textContent('#user-events-count')).toBe('3 events');
      await screenshot(page, `admin-user-events-${DRIVER}`);

      await page.goto(`${server.url}/admin/`);
      const events = page.locator('#events-table tbody tr');
      await events.first().waitFor();
      await page.selectOption('#events-type', 'login');
      await page.fill('#events-user', String(user.id));
      await page.click('#events-filter-button');
      await expect.poll(() => page.textContent('#events-count')).toBe('2 events');
      await expect.poll(() => events.count()).toBe(2);
      expect(await events.first().getAttribute('data-outcome')).toBe('failure');
      expect(await events.nth(1).getAttribute('data-outcome')).toBe('success');
      await screenshot(page, `admin-events-filtered-${DRIVER}`);
    });

    it('ends a session and revokes a token after confirming (Cancel keeps them), then deletes the user', async () => {
      const user = await newUser();
      // Two browser sessions of the user (SESSION_LOGIN is on): their cookies, as their browsers hold them.
      const sessionCookie = async () => {
        const res = await fetch(`${server.url}/rest-auth/login/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: user.username, password: user.password, label: 'Laptop' }),
        });
        return res.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
      };
      const cookies = [await sessionCookie(), await sessionCookie()];
      // A non-staff user's live session gets 403 from the admin API; an ended one 401.
      const status = async (cookie: string) =>
        (await fetch(`${server.url}/admin/api/users/`, { headers: { Cookie: cookie } })).status;

      const page = await adminAs('root', `/admin/users/${user.id}/`);
      // Three: newUser's login opened one too. Newest first.
      const sessions = page.locator('#user-sessions-table tbody tr');
      await expect.poll(() => sessions.count()).toBe(3);
      await sessions.first().locator('button', { hasText: 'End' }).click();
      await page.click('#confirm-cancel');
      expect(await sessions.count()).toBe(3);
      await sessions.first().locator('button', { hasText: 'End' }).click();
      await screenshot(page, `admin-user-confirm-end-session-${DRIVER}`);
      await page.click('#confirm-ok');
      await expect.poll(() => sessions.count()).toBe(2);
      expect([await status(cookies[0] as string), await status(cookies[1] as string)].sort()).toEqual([
        401, 403,
      ]);

      // Each login of the user (2 sessions above, plus newUser's) made a token: revoke one.
      const tokens = page.locator('#tokens-table tbody tr');
      await expect.poll(() => tokens.count()).toBe(3);
      await tokens.last().locator('button', { hasText: 'Revoke' }).click();
      await page.click('#confirm-ok');
      await expect.poll(() => tokens.count()).toBe(2);
      expect(
        (await createClient({ baseUrl: server.url, token: user.key }).GET('/test_auth/')).response.status,
      ).toBe(401);
      await screenshot(page, `admin-user-credentials-${DRIVER}`);

      await page.click('#user-delete');
      expect(await page.textContent('#confirm-title')).toBe(`Delete ${user.username}?`);
      await page.click('#confirm-ok');
      await expect.poll(() => notice(page).textContent()).toBe(`User ${user.username} was deleted.`);
      expect(
        (await root.GET('/admin/api/users/{id}/', { params: { path: { id: user.id } } })).response.status,
      ).toBe(404);
      await screenshot(page, `admin-user-deleted-${DRIVER}`);
    });
  },
  { postgres: true },
);
