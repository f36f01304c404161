/**
 * @module
 * The admin pages (hidden from the contract), in the spirit of Django's admin: /admin/ is the cookie
 * session's real user and needs staff status; /admin/login/ is a plain form POST, CSRF-protected like
 * Django's (the `csrftoken` cookie is set when the form is shown and must come back in the hidden field,
 * and a present Origin/Referer must be trusted), that opens a session for staff only; /admin/logout/
 * (POST) ends it. With SESSION_LOGIN on, the session a REST login opened is the same kind of session,
 * so a staff user who logged in through the API is already in.
 */
import type { Context } from 'hono';
import { csrfProblem, isHttps } from '../../auth/csrf.ts';
import { eventOrigin } from '../../auth/events.ts';
import { checkLogin } from '../../auth/login.ts';
import {
  clearSessionCookies,
  csrfPolicy,
  readCsrfCookie,
  readSubmittedCsrf,
  requestSession,
  setCsrfCookie,
  startSession,
} from '../../auth/session-cookies.ts';
import { CSRF_SECRET_LENGTH, newCsrfSecret } from '../../auth/sessions.ts';
import { ThrottledError } from '../../auth/throttle.ts';
import { MESSAGES } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { boundedBody } from '../body.ts';
import { createRouter } from '../factory.ts';
import {
  ADMIN_LOGIN_ERROR,
  csrfFailurePage,
  escapeHtml,
  fallbackAdminPage,
  loggedOutPage,
  loginPage,
} from './views.ts';

/** Markers in client-demo/admin.html that the server fills in. */
export const ADMIN_USER_MARKER = '<meta name="latchkey-admin-user" content="">';
export const ADMIN_SUPERUSER_MARKER = '<meta name="latchkey-admin-superuser" content="">';
export const ADMIN_CSRF_MARKER = '<input type="hidden" name="csrfmiddlewaretoken" value="">';

const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  Vary: 'Cookie',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
};

const CSRF_COOKIE_PATTERN = new RegExp(`^[0-9A-Za-z]{${CSRF_SECRET_LENGTH}}$`);

/** Only a path inside the admin may be a redirect target (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin\/[A-Za-z0-9_\-./?=&%]*$/.test(next) && !next.includes('..')
    ? next
    : '/admin/';
}

function page(c: Context, html: string, status: 200 | 403 | 429 = 200) {
  return c.html(html, status, PAGE_HEADERS);
}

/** Mounts /admin/, /admin/login/ and /admin/logout/. */
export function adminPageRoutes(services: Services) {
  const { config } = services;
  const policy = csrfPolicy(config);
  const limit = boundedBody(config.MAX_BODY_BYTES, (c) => c.text('Request body is too large.', 413));
  const router = createRouter();

  /** The request's live session of an active user, if any. */
  const activeSession = async (c: Context) => {
    const found = await requestSession(c, services);
    return found?.user.isActive ? found : undefined;
  };

  /** The admin shell (the script picks the view from the path), for a staff user's live session. */
  const shell = async (c: Context) => {
    const found = await activeSession(c);
    if (!found?.user.isStaff) {
      return c.redirect(`/admin/login/?next=${safeNext(c.req.path)}`, 302);
    }
    // The page's scripts read the token from the cookie; re-set it if the browser lost it.
    if (readCsrfCookie(c) !== found.session.csrfSecret) {
      setCsrfCookie(
        c,
        found.session.csrfSecret,
        services.sessions.ttlSeconds,
        isHttps(c, config.TRUST_PROXY),
      );
    }
    const template = services.assets ? await services.assets.adminHtml() : fallbackAdminPage();
    const html = template
      .replace(
        ADMIN_USER_MARKER,
        `<meta name="latchkey-admin-user" content="${escapeHtml(found.user.username)}">`,
      )
      .replace(
        ADMIN_SUPERUSER_MARKER,
        `<meta name="latchkey-admin-superuser" content="${found.user.isSuperuser}">`,
      )
      .replace(
        ADMIN_CSRF_MARKER,
        `<input type="hidden" name="csrfmiddlewaretoken" value="${escapeHtml(found.session.csrfSecret)}">`,
      );
    return page(c, html);
  };
  router.get('/admin/', shell);
  // A user's page; a malformed id names no page (the script finds out whether the user exists).
  router.get('/admin/users/:id/', (c) =>
    /^[0-9]{1,9}$/.test(c.req.param('id')) ? shell(c) : c.json({ detail: MESSAGES.notFound }, 404),
  );

  /** The anonymous CSRF token of the login form: the cookie's, or a new one set now. */
  const formToken = (c: Context): string => {
    const existing = readCsrfCookie(c);
    if (existing && CSRF_COOKIE_PATTERN.test(existing)) return existing;
    const fresh = newCsrfSecret();
    setCsrfCookie(c, fresh, services.sessions.ttlSeconds, isHttps(c, config.TRUST_PROXY));
    return fresh;
  };

  router.get('/admin/login/', async (c) => {
    const next = safeNext(c.req.query('next'));
    const found = await activeSession(c);
    if (found?.user.isStaff) return c.redirect(next, 302);
    return page(c, loginPage({ csrfToken: formToken(c), next, signedInAs: found?.user.username }));
  });

  router.post('/admin/login/', limit, async (c) => {
    const submitted = await readSubmittedCsrf(c);
    const problem = csrfProblem(c, policy, { cookie: readCsrfCookie(c), submitted });
    if (problem) return page(c, csrfFailurePage(problem), 403);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next ?? c.req.query('next'));
    const again = (error: string, status: 200 | 429 = 200) =>
      page(c, loginPage({ csrfToken: formToken(c), next, username, error }), status);
    if (!username || !password || username.length > 150 || password.length > 4096) {
      return again(ADMIN_LOGIN_ERROR);
    }
    const origin = eventOrigin(c, services.clientIp);
    let user: Awaited<ReturnType<typeof checkLogin>>['user'];
    try {
      // Valid credentials without staff status are refused with the same words (Django's admin does).
      ({ user } = await checkLogin(services, {
        username,
        password,
        ip: services.clientIp(c),
        origin,
        via: 'admin',
        require: (account) => (account.isStaff ? undefined : 'not_staff'),
      }));
    } catch (err) {
      if (err instanceof ThrottledError) {
        c.header('Retry-After', String(err.wait));
        return again(err.message, 429);
      }
      throw err;
    }
    if (!user) return again(ADMIN_LOGIN_ERROR);
    await startSession(c, services, user.id);
    await services.events.record({
      type: 'login',
      outcome: 'success',
      actor: user.id,
      user: user.id,
      ...origin,
      detail: { via: 'admin', session: true },
    });
    return c.redirect(next, 302);
  });

  router.post('/admin/logout/', limit, async (c) => {
    const found = await requestSession(c, services);
    if (!found) return c.redirect('/admin/login/', 302);
    const problem = csrfProblem(c, policy, {
      cookie: readCsrfCookie(c),
      submitted: await readSubmittedCsrf(c),
      expected: found.session.csrfSecret,
    });
    if (problem) return page(c, csrfFailurePage(problem), 403);
    await services.sessions.end(found.session.digest);
    clearSessionCookies(c, config.TRUST_PROXY);
    return page(c, loggedOutPage());
  });

  return router;
}
