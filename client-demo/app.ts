/**
 * @module
 * The demo client: the classic DRF tutorial's page (login modal, remember me, Test auth, Logout) on the
 * generated SDK, plus a "Your sessions" panel with the recent security activity. Plain DOM, no framework. Every API call goes through
 * `createClient`; the state {username, key, remember_me} lives in sessionStorage, or in localStorage
 * with remember me, and is dropped on logout and whenever the server answers 401 for the stored key.
 */
import { type components, createClient } from '@latchkey/sdk';
import { activityItem } from './activity.ts';
import { closeDialog, openDialog } from './dialog.ts';

type TokenInfo = components['schemas']['TokenInfo'];

/** What the page remembers between reloads (the tutorial's shape). */
interface AuthState {
  username: string;
  key: string;
  remember_me: boolean;
}

const STORAGE_KEY = 'latchkey.auth';
const meta = document.querySelector<HTMLMetaElement>('meta[name="latchkey-api"]')?.content.trim();
const apiBase = (meta || window.location.origin).replace(/\/+$/, '');
const crossOrigin = new URL(apiBase).origin !== window.location.origin;

let state: AuthState | null = loadState();
const api = createClient({ baseUrl: apiBase, getToken: () => state?.key });

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function loadState(): AuthState | null {
  for (const storage of [localStorage, sessionStorage]) {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) continue;
    try {
      const parsed = JSON.parse(raw) as Partial<AuthState>;
      if (typeof parsed.username === 'string' && typeof parsed.key === 'string') {
        return { username: parsed.username, key: parsed.key, remember_me: parsed.remember_me === true };
      }
    } catch {
      // A damaged entry is dropped below like a missing one.
    }
    storage.removeItem(STORAGE_KEY);
  }
  return null;
}

function setState(next: AuthState | null): void {
  state = next;
  localStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(STORAGE_KEY);
  if (next) (next.remember_me ? localStorage : sessionStorage).setItem(STORAGE_KEY, JSON.stringify(next));
  render();
}

function render(): void {
  $('non-logged-in').hidden = state !== null;
  $('logged-in').hidden = state === null;
  $('sessions').hidden = state === null;
  $('span-username').textContent = state?.username ?? '';
  $('storage-info').textContent = state
    ? state.remember_me
      ? '(remembered in localStorage: other tabs and restarts keep you logged in)'
      : '(kept in sessionStorage: this tab only)'
    : '';
  if (state) void loadSessions();
  else {
    $('sessions-body').replaceChildren();
    $('activity-list').replaceChildren();
  }
}

function notice(text: string): void {
  $('notice').textContent = text;
  $('notice').hidden = text === '';
}

/** The key stopped working (revoked elsewhere, expired): forget it, as the tutorial's page did not. */
function keyRejected(detail: string): void {
  setState(null);
  notice(
    `You have been logged out: the server rejected the stored key (401: ${detail}). Please log in again.`,
  );
}

/** A DRF error body as one line: `detail`, or the field messages. */
function describe(body: unknown): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.detail === 'string') return record.detail;
    return Object.entries(record)
      .map(([field, messages]) => {
        const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
        return field === 'non_field_errors' ? text : `${field}: ${text}`;
      })
      .join(' ');
  }
  return body === undefined || body === '' ? 'no response body' : String(body);
}

/**
 * Runs an SDK call. fetch rejects without a response when the server is down or when the browser
 * blocked a cross-origin call (CORS): a no-cors probe, whose opaque answer needs no CORS headers, tells
 * the two apart so the page can name the cause.
 */
async function guarded<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await call();
    $('network-error').hidden = true;
    return result;
  } catch (err) {
    await showNetworkError(err);
    return undefined;
  }
}

async function showNetworkError(err: unknown): Promise<void> {
  const box = $('network-error');
  const origin = window.location.origin;
  let reachable = false;
  if (crossOrigin) {
    const probe = createClient({
      baseUrl: apiBase,
      fetch: (request) => fetch(new Request(request, { mode: 'no-cors' })),
    });
    reachable = await probe.GET('/healthz/').then(
      () => true,
      () => false,
    );
  }
  box.replaceChildren();
  const add = (text: string, code?: string) => {
    box.append(text);
    if (code) box.append(Object.assign(document.createElement('code'), { textContent: code }));
  };
  if (reachable) {
    add('The browser blocked the call: the API at ', apiBase);
    add(' does not allow this page’s origin ', origin);
    add('. Cross-origin calls work only for origins the server lists, e.g. start it with ');
    add('', `CORS_ALLOWED_ORIGINS=${origin}`);
    add(' (a comma-separated list of exact origins).');
  } else {
    add('Could not reach the API at ', apiBase);
    add(crossOrigin ? ' from ' : '', crossOrigin ? origin : undefined);
    add(`: is the server running? (${err instanceof Error ? err.message : String(err)})`);
    if (crossOrigin) {
      add(' If it is, it must list this origin in ', 'CORS_ALLOWED_ORIGINS');
      add('.');
    }
  }
  box.hidden = false;
}

function showTestResult(ok: boolean, body: unknown, status: number): void {
  const label = document.createElement('span');
  label.className = ok ? 'label label-success' : 'label label-error';
  label.textContent = `${ok ? 'Ok!' : 'Fail!'} Response: ${JSON.stringify(body ?? null)} (status: ${status})`;
  $('test-auth-response').replaceChildren(label);
}

async function testAuth(method: 'GET' | 'POST'): Promise<void> {
  $('test-auth-response').replaceChildren();
  const hadKey = state !== null;
  const result = await guarded(() => (method === 'GET' ? api.GET('/test_auth/') : api.POST('/test_auth/')));
  if (!result) return;
  const { data, error, response } = result;
  showTestResult(response.ok, data ?? error, response.status);
  if (response.status === 401 && hadKey) keyRejected(describe(error));
}

const loginDialog = () => $<HTMLDialogElement>('login-modal');

function openLogin(): void {
  $('modal-error').hidden = true;
  openDialog(loginDialog(), $('input-username'));
}

function closeLogin(): void {
  closeDialog(loginDialog());
}

/** Shows why a login failed inside the dialog (the page behind it is inert while it is open). */
function loginFailed(detail: string): void {
  $('modal-error-detail').textContent = detail;
  $('modal-error').hidden = false;
}

async function login(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const username = $<HTMLInputElement>('input-username').value;
  const password = $<HTMLInputElement>('input-password').value;
  const remember = $<HTMLInputElement>('input-remember').checked;
  $('modal-error').hidden = true;
  const result = await guarded(() => api.login({ username, password }));
  if (!result) return loginFailed($('network-error').textContent ?? '');
  if (!result.data) return loginFailed(describe(result.error));
  closeDialog(loginDialog(), $('logout-button'));
  notice('');
  $('test-auth-response').replaceChildren();
  setState({ username: result.data.user.username, key: result.data.key, remember_me: remember });
}

async function logout(): Promise<void> {
  const result = await guarded(() => api.logout());
  if (!result) return;
  // 401: the key was already dead; either way this client is logged out.
  if (result.response.ok || result.response.status === 401) {
    $('test-auth-response').replaceChildren();
    notice('');
    setState(null);
  }
}

async function logoutAll(): Promise<void> {
  const result = await guarded(() => api.POST('/rest-auth/logoutall/'));
  if (!result) return;
  if (result.response.status === 401) return keyRejected(describe(result.error));
  setState(null);
  notice('Logged out everywhere: every token of yours is revoked.');
}

const formatTime = (iso: string | null | undefined, none: string) =>
  iso ? new Date(iso).toLocaleString() : none;

async function loadSessions(): Promise<void> {
  $('sessions-status').textContent = 'Loading…';
  const result = await guarded(() => api.GET('/rest-auth/tokens/'));
  if (!result) return;
  const { data, error, response } = result;
  if (response.status === 401) return keyRejected(describe(error));
  if (!data) {
    $('sessions-status').textContent =
      `Could not list your sessions: ${describe(error)} (${response.status})`;
    return;
  }
  $('sessions-status').textContent = `${data.length} active ${data.length === 1 ? 'session' : 'sessions'}.`;
  $('sessions-body').replaceChildren(...data.map(sessionRow));
  await loadActivity();
}

async function loadActivity(): Promise<void> {
  const result = await guarded(() => api.GET('/rest-auth/events/'));
  if (!result) return;
  const { data, error, response } = result;
  if (response.status === 401) return keyRejected(describe(error));
  if (!data) {
    $('activity-status').textContent =
      `Could not list your activity: ${describe(error)} (${response.status})`;
    return;
  }
  $('activity-status').textContent = data.length ? '' : 'No recent activity.';
  $('activity-list').replaceChildren(...data.map(activityItem));
}

function sessionRow(token: TokenInfo): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.tokenId = token.id;
  if (token.current) row.className = 'current';
  const cell = (text: string) => Object.assign(document.createElement('td'), { textContent: text });
  const label = cell(token.label || '(no label)');
  if (token.current) {
    label.append(
      ' ',
      Object.assign(document.createElement('span'), { className: 'chip', textContent: 'this one' }),
    );
  }
  const revoke = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'btn btn-sm revoke',
    textContent: token.current ? 'Log out' : 'Revoke',
  });
  revoke.setAttribute('aria-label', `${revoke.textContent} (${token.label || 'no label'}, ${token.prefix}…)`);
  revoke.addEventListener('click', () => void revokeToken(token));
  const actions = cell('');
  actions.append(revoke);
  row.append(
    label,
    cell(`${token.prefix}…`),
    cell(formatTime(token.created, '')),
    cell(formatTime(token.last_used, 'never')),
    cell(formatTime(token.expiry, 'never')),
    actions,
  );
  return row;
}

async function revokeToken(token: TokenInfo): Promise<void> {
  const result = await guarded(() =>
    api.DELETE('/rest-auth/tokens/{id}/', { params: { path: { id: token.id } } }),
  );
  if (!result) return;
  const { error, response } = result;
  if (response.status === 401) return keyRejected(describe(error));
  if (token.current && response.ok) {
    setState(null);
    notice('This session’s token is revoked: you are logged out.');
    return;
  }
  if (!response.ok) notice(`Could not revoke “${token.label}”: ${describe(error)} (${response.status})`);
  await loadSessions();
}

function init(): void {
  $('loading').remove();
  $('api-info').textContent = crossOrigin
    ? `API: ${apiBase}, called cross-origin from ${window.location.origin} (allowed only if the server lists this origin in CORS_ALLOWED_ORIGINS)`
    : `API: ${apiBase} (same origin)`;
  $<HTMLAnchorElement>('docs-link').href = `${apiBase}/docs`;
  $<HTMLAnchorElement>('contract-link').href = `${apiBase}/openapi.yaml`;
  $('login-button').addEventListener('click', openLogin);
  for (const close of document.querySelectorAll('.close-modal')) close.addEventListener('click', closeLogin);
  // However it closes (Escape included), the typed password does not stay in the page.
  loginDialog().addEventListener('close', () => {
    $<HTMLInputElement>('input-password').value = '';
  });
  $('login-form').addEventListener('submit', (event) => void login(event as SubmitEvent));
  $('logout-button').addEventListener('click', () => void logout());
  $('test-auth-get').addEventListener('click', () => void testAuth('GET'));
  $('test-auth-post').addEventListener('click', () => void testAuth('POST'));
  $('sessions-refresh').addEventListener('click', () => void loadSessions());
  $('logout-all').addEventListener('click', () => void logoutAll());
  // Another tab logging in or out with remember me changes localStorage: follow it.
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY && event.key !== null) return;
    state = loadState();
    render();
  });
  render();
}

init();
