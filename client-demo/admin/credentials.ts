/**
 * @module
 * A user's credentials on their admin page: tokens (prefix, label, dates; revoke; create one, its key
 * shown once) and cookie sessions (label, dates; end one). Each destructive action is confirmed first.
 */
import type { AdminSession, AdminToken, AdminUser } from '../../sdk/index.ts';
import { confirmAction } from '../dialog.ts';
import { $, api, button, cell, failed, PAGE_SIZE, Pager, Shown, say, when } from './common.ts';

let tokens: Pager<AdminToken> | undefined;
let sessions: Pager<AdminSession> | undefined;

const body = (tableId: string) => $(tableId).querySelector('tbody') as HTMLTableSectionElement;

/** Ignores a failure already shown to the user; rethrows anything else. */
const shown = (err: unknown) => {
  if (!(err instanceof Shown)) throw err;
};

/** Shows the tokens and sessions of `user`; `readOnly` leaves out the actions the API would refuse. */
export async function startCredentials(user: AdminUser, readOnly: boolean): Promise<void> {
  const path = { id: user.id };
  const tokenPager = new Pager<AdminToken>(
    { previous: 'tokens-previous', next: 'tokens-next', count: 'tokens-count', noun: 'token' },
    async (page) => {
      const { data, error, response } = await api.GET('/admin/api/users/{id}/tokens/', {
        params: { path, query: { page: String(page), page_size: String(PAGE_SIZE) } },
      });
      if (!data) return failed(response, error);
      body('tokens-table').replaceChildren(...data.results.map((t) => tokenRow(t, readOnly)));
      return data;
    },
  );
  const sessionPager = new Pager<AdminSession>(
    { previous: 'sessions-previous', next: 'sessions-next', count: 'sessions-count', noun: 'session' },
    async (page) => {
      const { data, error, response } = await api.GET('/admin/api/users/{id}/sessions/', {
        params: { path, query: { page: String(page), page_size: String(PAGE_SIZE) } },
      });
      if (!data) return failed(response, error);
      body('user-sessions-table').replaceChildren(...data.results.map((s) => sessionRow(user, s, readOnly)));
      return data;
    },
  );
  tokens = tokenPager;
  sessions = sessionPager;
  $('create-token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    createToken(user).catch(shown);
  });
  await reloadCredentials();
}

/** Reloads both tables (after a change that ends credentials). */
export async function reloadCredentials(): Promise<void> {
  await Promise.all([tokens?.go(), sessions?.go()]);
}

function tokenRow(token: AdminToken, readOnly: boolean): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.tokenId = token.id;
  cell(row, `${token.prefix}…`);
  cell(row, token.label);
  cell(row, token.scopes === null ? 'full access' : token.scopes.join(' ') || 'none');
  cell(row, when(token.created));
  cell(row, when(token.last_used));
  cell(row, token.expiry ? when(token.expiry) : 'never');
  const actions = row.insertCell();
  actions.className = 'actions';
  if (!readOnly) {
    const name = `Revoke token ${token.prefix}… (${token.label})`;
    actions.append(button('Revoke', 'btn-error', () => void revoke(token).catch(shown), name));
  }
  return row;
}

async function revoke(token: AdminToken): Promise<void> {
  say('admin-error', '');
  const ok = await confirmAction({
    title: 'Revoke this token?',
    message: `The token ${token.prefix}… (“${token.label}”) of ${token.username} stops working at once. Whatever uses it must get a new one.`,
    confirm: 'Revoke token',
  });
  if (!ok) return;
  const { error, response } = await api.DELETE('/admin/api/tokens/{id}/', {
    params: { path: { id: token.id } },
  });
  if (!response.ok) return failed(response, error);
  say('admin-notice', `Token ${token.prefix}… (${token.label}) revoked.`);
  await tokens?.go();
}

async function createToken(user: AdminUser): Promise<void> {
  say('admin-error', '');
  $('token-error').textContent = '';
  const label = $<HTMLInputElement>('token-label').value.trim();
  const scopes = $<HTMLInputElement>('token-scopes')
    .value.split(/[\s,]+/)
    .filter(Boolean);
  const days = Number($<HTMLInputElement>('token-expires-days').value);
  const noIdle = $<HTMLInputElement>('token-no-idle').checked;
  const { data, error, response } = await api.POST('/admin/api/users/{id}/tokens/', {
    params: { path: { id: user.id } },
    body: {
      ...(label ? { label } : {}),
      ...(scopes.length ? { scopes } : {}),
      ...(days > 0 ? { expires_in: Math.round(days * 86_400) } : {}),
      ...(noIdle ? { idle_timeout: 0 } : {}),
    },
  });
  if (!data) {
    // Field errors (an undeclared scope, a lifetime past the bound) are shown by the form.
    const fields = (error ?? {}) as Record<string, unknown>;
    const problems = ['scopes', 'expires_in', 'idle_timeout']
      .filter((name) => Array.isArray(fields[name]))
      .map((name) => `${name}: ${(fields[name] as string[]).join(' ')}`);
    if (response.status === 400 && problems.length) {
      $('token-error').textContent = problems.join('; ');
      return;
    }
    return failed(response, error);
  }
  for (const id of ['token-label', 'token-scopes', 'token-expires-days']) $<HTMLInputElement>(id).value = '';
  $<HTMLInputElement>('token-no-idle').checked = false;
  // The key exists in the page only until the next navigation; it is never stored.
  $('new-key-value').textContent = data.key;
  $('new-key').hidden = false;
  await tokens?.go(1);
}

function sessionRow(user: AdminUser, session: AdminSession, readOnly: boolean): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.sessionId = session.id;
  const label = cell(row, session.label || '(no label)');
  if (session.current) {
    label.append(
      ' ',
      Object.assign(document.createElement('span'), { className: 'chip', textContent: 'this browser' }),
    );
  }
  cell(row, when(session.created));
  cell(row, when(session.last_seen));
  cell(row, when(session.expiry));
  const actions = row.insertCell();
  actions.className = 'actions';
  if (!readOnly) {
    const name = `End session opened ${when(session.created)}`;
    actions.append(button('End', 'btn-error', () => void end(user, session).catch(shown), name));
  }
  return row;
}

async function end(user: AdminUser, session: AdminSession): Promise<void> {
  say('admin-error', '');
  const ok = await confirmAction({
    title: 'End this session?',
    message: session.current
      ? 'This is the session of this browser: you will be logged out of the admin.'
      : `The browser session of ${user.username} opened ${when(session.created)} is logged out at once.`,
    confirm: 'End session',
  });
  if (!ok) return;
  const { error, response } = await api.DELETE('/admin/api/users/{id}/sessions/{session_id}/', {
    params: { path: { id: user.id, session_id: session.id } },
  });
  if (!response.ok) return failed(response, error);
  if (session.current) {
    location.assign('/admin/login/?next=/admin/');
    return;
  }
  say('admin-notice', `The session opened ${when(session.created)} was ended.`);
  await sessions?.go();
}
