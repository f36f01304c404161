/**
 * @module
 * The server-rendered pages around the admin: its login form (a plain HTML form, so it works without
 * scripts, with the CSRF token in a hidden field as Django's `{% csrf_token %}`), the CSRF failure page,
 * the logged-out page, and the fallback shell used when the app has no static files. Every value put
 * in a page is HTML-escaped.
 */
import { CSRF_FORM_FIELD } from '../../auth/csrf.ts';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );
}

/** Django's message for a failed admin login (also for valid credentials of a non-staff user). */
export const ADMIN_LOGIN_ERROR =
  'Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.';

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} | Latchkey administration</title>
<link rel="icon" href="/static/favicon.png">
<link rel="stylesheet" href="/static/spectre.min.css">
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<main class="container grid-xs my-2">
<h1 class="h3 text-center">Latchkey administration</h1>
${body}
</main>
</body>
</html>`;
}

/** What the login form shows. */
export interface LoginView {
  csrfToken: string;
  next: string;
  username?: string;
  error?: string;
  /** Set when a logged-in user without staff status was sent here. */
  signedInAs?: string;
}

/** The admin login form. */
export function loginPage(view: LoginView): string {
  const notice = view.signedInAs
    ? `<div class="toast toast-warning" id="not-staff">You are authenticated as ${escapeHtml(view.signedInAs)}, but are not authorized to access this page. Would you like to login to a different account?</div>`
    : '';
  const error = view.error
    ? `<div class="toast toast-error" id="login-error" role="alert">${escapeHtml(view.error)}</div>`
    : '';
  return layout(
    'Log in',
    `${notice}${error}
<form class="card" method="post" action="/admin/login/?next=${encodeURIComponent(view.next)}" id="login-form">
<div class="card-body">
<input type="hidden" name="${CSRF_FORM_FIELD}" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(view.next)}">
<div class="form-group">
<label class="form-label" for="id_username">Username</label>
<input class="form-input" type="text" name="username" id="id_username" autocomplete="username" autofocus required maxlength="150" value="${escapeHtml(view.username ?? '')}">
</div>
<div class="form-group">
<label class="form-label" for="id_password">Password</label>
<input class="form-input" type="password" name="password" id="id_password" autocomplete="current-password" required>
</div>
</div>
<div class="card-footer"><button class="btn btn-primary" type="submit">Log in</button></div>
</form>
<p class="text-center text-gray"><a href="/">Back to the site</a></p>`,
  );
}

/** Django's CSRF failure page (403). */
export function csrfFailurePage(reason: string): string {
  return layout(
    'Forbidden',
    `<div class="toast toast-error" id="csrf-failure"><h2 class="h5">Forbidden (403)</h2>
<p>CSRF verification failed. Request aborted.</p>
<p>CSRF Failed: ${escapeHtml(reason)}</p></div>
<p class="text-center"><a href="/admin/login/">Back to the login form</a></p>`,
  );
}

/** Shown after logging out of the admin. */
export function loggedOutPage(): string {
  return layout(
    'Logged out',
    `<div class="toast toast-success" id="logged-out">Thanks for spending some quality time with the site today.</div>
<p class="text-center"><a class="btn btn-link" href="/admin/login/">Log in again</a></p>`,
  );
}

/** The admin shell when the app serves no static files (in-process tests, API-only deployments). */
export function fallbackAdminPage(): string {
  return layout(
    'Site administration',
    `<div id="admin-root" class="empty"><p class="empty-title">This server has no static files, so the admin
interface cannot load here. The admin API is at <code>/admin/api/</code>.</p></div>`,
  );
}
