/**
 * Cross-origin clients in Chromium: the standalone demo (`npm run client-demo`) from an allowed origin
 * and from a refused one, and the classic tutorial's jQuery client, unmodified in its requests, from
 * another port. One API server allows exactly the origins listed in CORS_ALLOWED_ORIGINS.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { freePorts } from '../support/ports.ts';
import { expectAccessible } from './axe.ts';
import {
  describeBrowser,
  launchChromium,
  ROOT,
  type Running,
  screenshot,
  startDemo,
  startServer,
  type TestServer,
} from './support.ts';

const [API_PORT, DEMO_PORT, REFUSED_PORT, JQUERY_PORT] = await freePorts(4);
const origin = (port: number) => `http://127.0.0.1:${port}`;

/** Serves the tutorial's jQuery page and jQuery from node_modules on `port`. */
async function serveTutorialPage(port: number, api: string): Promise<Server> {
  const html = (await readFile(join(ROOT, 'test/browser/fixtures/tutorial-jquery.html'), 'utf8')).replaceAll(
    '__API__',
    api,
  );
  const jquery = await readFile(join(ROOT, 'node_modules/jquery/dist/jquery.min.js'));
  const server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    else if (req.url === '/jquery.min.js')
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(jquery);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describeBrowser('cross-origin clients', () => {
  let server: TestServer;
  let allowed: Running;
  let refused: Running;
  let tutorial: Server;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const api = origin(API_PORT);
    [server, allowed, refused, tutorial, browser] = await Promise.all([
      startServer(API_PORT, { CORS_ALLOWED_ORIGINS: `${origin(DEMO_PORT)},${origin(JQUERY_PORT)}` }),
      startDemo(DEMO_PORT, api),
      startDemo(REFUSED_PORT, api),
      serveTutorialPage(JQUERY_PORT, api),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (tutorial ? tutorial.close(resolve) : resolve(undefined)));
    await Promise.all([allowed?.stop(), refused?.stop(), server?.stop()]);
  });
  beforeEach(async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(20_000);
  });
  afterEach(async () => {
    await context?.close();
  });

  const loginDemo = async (page: Page) => {
    await page.click('#login-button');
    await page.fill('#input-username', server.username);
    await page.fill('#input-password', server.password);
    await page.click('#login-ok');
  };

  it('standalone demo from an allowed origin: login, GET and POST test auth, sessions, logout', async () => {
    const page = await context.newPage();
    await page.goto(`${origin(DEMO_PORT)}/`);
    expect(await page.textContent('#api-info')).toContain(`API: ${origin(API_PORT)}, called cross-origin`);
    await loginDemo(page);
    await page.locator('#logged-in').waitFor();
    await page.click('#test-auth-get');
    await expect
      .poll(() => page.textContent('#test-auth-response'))
      .toBe('Ok! Response: "Hello demo!" (status: 200)');
    await page.click('#test-auth-post');
    await expect
      .poll(() => page.textContent('#test-auth-response'))
      .toBe('Ok! Response: "Hello demo! Posted!" (status: 200)');
    await expect.poll(() => page.locator('#sessions-body tr.current').count()).toBe(1);
    await page.click('#logout-button');
    await page.locator('#non-logged-in').waitFor();
    await page.click('#test-auth-get');
    await expect.poll(() => page.textContent('#test-auth-response')).toContain('(status: 401)');
    expect(await page.isVisible('#network-error')).toBe(false);
    await screenshot(page, 'cross-origin-allowed');
  });

  it('standalone demo from an origin the server does not allow: the page says the browser blocked it', async () => {
    const page = await context.newPage();
    await page.goto(`${origin(REFUSED_PORT)}/`);
    await loginDemo(page);
    const error = page.locator('#network-error');
    await error.waitFor();
    const text = await error.textContent();
    expect(text).toContain('The browser blocked the call');
    expect(text).toContain(origin(REFUSED_PORT));
    expect(text).toContain(`CORS_ALLOWED_ORIGINS=${origin(REFUSED_PORT)}`);
    expect(await page.isVisible('#logged-in')).toBe(false);
    // The dialog says it too (the page behind it is inert), in its alert region.
    expect(await page.textContent('#modal-error-detail')).toContain('The browser blocked the call');
    await page.click('.close-modal.btn-link');
    await screenshot(page, 'cross-origin-refused');
    await expectAccessible(page, 'a11y-demo-network-error');
  });

  it("the tutorial's jQuery client works unmodified from another origin", async () => {
    const page = await context.newPage();
    const requests: { method: string; url: string; headers: Record<string, string>; body: string | null }[] =
      [];
    page.on('request', (request) => {
      if (request.url().startsWith(origin(API_PORT))) {
        requests.push({
          method: request.method(),
          url: request.url(),
          headers: request.headers(),
          body: request.postData(),
        });
      }
    });
    await page.goto(`${origin(JQUERY_PORT)}/`);
    const response = page.locator('#test-auth-response');

    await page.click('#testAuthButton');
    await expect
      .poll(() => response.textContent())
      .toBe('Fail! Response: {"detail":"Authentication credentials were not provided."} (status: 401)');

    await page.fill('#input-username', server.username);
    await page.fill('#input-password', 'wrong');
    await page.click('#loginOkButton');
    await page.locator('#modal-error').waitFor();

    await page.fill('#input-password', server.password);
    await page.click('#loginOkButton');
    await page.locator('#logged-in').waitFor();
    expect(await page.textContent('#span-username')).toBe('demo');
    const login = requests.findLast((r) => r.url.endsWith('/rest-auth/login/') && r.method === 'POST');
    expect(login?.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=UTF-8');
    expect(login?.body).toBe(`username=demo&password=${encodeURIComponent(server.password)}`);

    await page.click('#testAuthButton');
    await expect.poll(() => response.textContent()).toBe('Ok! Response: Hello demo!');
    await page.click('#testAuthPostButton');
    await expect.poll(() => response.textContent()).toBe('Ok! Response: Hello demo! Posted!');
    const key = JSON.parse((await page.evaluate(() => sessionStorage.getItem('auth'))) ?? '{}').key as string;
    expect(key).toMatch(/^lk_/);
    const authorized = requests.filter((r) => r.url.endsWith('/test_auth/') && r.headers.authorization);
    expect(authorized.map((r) => [r.method, r.headers.authorization])).toEqual([
      ['GET', `Token ${key}`],
      ['POST', `Token ${key}`],
    ]);

    await page.click('#logoutButton');
    await page.locator('#non-logged-in').waitFor();
    const logout = requests.find((r) => r.url.endsWith('/rest-auth/logout/') && r.method === 'POST');
    expect(logout?.headers.authorization).toBe(`Token ${key}`);
    await page.click('#testAuthButton');
    await expect
      .poll(() => response.textContent())
      .toBe('Fail! Response: {"detail":"Authentication credentials were not provided."} (status: 401)');
    await screenshot(page, 'tutorial-jquery-client');
  });
});
