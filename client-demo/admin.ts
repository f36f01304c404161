/**
 * @module
 * The admin page's script, bundled by esbuild to /static/admin.js. It calls the admin API through the
 * SDK as the page's cookie session (no token is ever held by the page): the browser sends the HttpOnly
 * `sessionid` cookie, and the SDK echoes the `csrftoken` cookie in X-CSRFToken on unsafe methods.
 * Everything user-supplied is put in the page as text, never as HTML.
 */
import { type AdminToken, type AdminUser, createClient, csrfTokenFromCookie } from '../sdk/index.ts';

const api = createClient({
  baseUrl: location.origin,
  credentials: 'same-origin',
  csrfToken: csrfTokenFromCookie,
});

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const PAGE_SIZE = 20;
/** The signed-in staff user, from the page the server rendered. */
const me = document.querySelector<HTMLMetaElement>('meta[name="latchkey-admin-user"]')?.content ?? '';
const state = { search: '', usersPage: 1, tokensPage: 1, owner: undefined as AdminUser | undefined };

/** Shows or hides an element; spectre's `d-hide` too, since its `.toast { display: block }` beats `[hidden]`. */
function visible(el: HTMLElement, shown: boolean) {
  el.hidden = !shown;
  el.classList.toggle('d-hide', !shown);
}

function show(id: string, text: string) {
  const el = $(id);
  el.textContent = text;
  visible(el, text !== '');
}

/** A failed call: an ended session goes back to the login form, anything else is shown. */
function failed(response: Response, error: unknown): never {
  if (response.status === 401) location.assign('/admin/login/?next=/admin/');
  const message =
    typeof error === 'object' && error !== null
      ? Object.entries(error as Record<string, unknown>)
          .map(
            ([field, value]) =>
              `${field === 'detail' || field === 'non_field_errors' ? '' : `${field}: `}${[value].flat().join(' ')}`,
          )
          .join(' ')
      : `HTTP ${response.status}`;
  show('admin-error', message);
  throw new Error(message);
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

function cell(row: HTMLTableRowElement, text: string) {
  row.insertCell().textContent = text;
}

function button(label: string, className: string, onClick: () => void) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `btn btn-sm ${className}`;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

async function loadUsers() {
  const { data, error, response } = await api.GET('/admin/api/users/', {
    params: {
      query: {
        search: state.search || undefined,
        page: String(state.usersPage),
        page_size: String(PAGE_SIZE),
      },
    },
  });
  if (!data) return failed(response, error);
  const body = $('users-table').querySelector('tbody') as HTMLTableSectionElement;
  body.replaceChildren();
  for (const user of data.results) {
    const row = body.insertRow();
    row.dataset.username = user.username;
    cell(row, user.username);
    cell(row, user.email);
    cell(row, user.is_active ? 'yes' : 'no');
    cell(row, user.is_staff ? 'yes' : 'no');
    cell(row, user.is_superuser ? 'yes' : 'no');
    cell(row, when(user.date_joined));
    cell(row, when(user.last_login));
    const actions = row.insertCell();
    actions.className = 'text-right';
    actions.append(button('Tokens', 'btn-link', () => openTokens(user)));
    // The server refuses to deactivate the signed-in user; do not offer it.
    if (user.username !== me) {
      actions.append(
        button(user.is_active ? 'Deactivate' : 'Activate', user.is_active ? 'btn-error' : 'btn-success', () =>
          setActive(user, !user.is_active),
        ),
      );
    }
  }
  $('users-count').textContent = `${data.count} user${data.count === 1 ? '' : 's'}`;
  ($('users-previous') as HTMLButtonElement).disabled = !data.previous;
  ($('users-next') as HTMLButtonElement).disabled = !data.next;
}

async function setActive(user: AdminUser, active: boolean) {
  show('admin-error', '');
  const { data, error, response } = await api.PATCH('/admin/api/users/{id}/', {
    params: { path: { id: user.id } },
    body: { is_active: active },
  });
  if (!data) return failed(response, error);
  show('admin-notice', `${data.username} is now ${data.is_active ? 'active' : 'inactive'}.`);
  await loadUsers();
}

async function openTokens(user: AdminUser) {
  state.owner = user;
  state.tokensPage = 1;
  $('tokens-owner').textContent = user.username;
  $('new-key-value').textContent = '';
  visible($('new-key'), false);
  visible($('tokens-section'), true);
  await loadTokens();
}

async function loadTokens() {
  const owner = state.owner;
  if (!owner) return;
  const { data, error, response } = await api.GET('/admin/api/users/{id}/tokens/', {
    params: {
      path: { id: owner.id },
      query: { page: String(state.tokensPage), page_size: String(PAGE_SIZE) },
    },
  });
  if (!data) return failed(response, error);
  const body = $('tokens-table').querySelector('tbody') as HTMLTableSectionElement;
  body.replaceChildren();
  for (const token of data.results as AdminToken[]) {
    const row = body.insertRow();
    row.dataset.tokenId = token.id;
    cell(row, `${token.prefix}…`);
    cell(row, token.label);
    cell(row, when(token.created));
    cell(row, when(token.last_used));
    cell(row, token.expiry ? when(token.expiry) : 'never');
    row.insertCell().append(button('Revoke', 'btn-error', () => revoke(token)));
  }
  $('tokens-count').textContent = `${data.count} token${data.count === 1 ? '' : 's'}`;
  ($('tokens-previous') as HTMLButtonElement).disabled = !data.previous;
  ($('tokens-next') as HTMLButtonElement).disabled = !data.next;
}

async function revoke(token: AdminToken) {
  show('admin-error', '');
  const { error, response } = await api.DELETE('/admin/api/tokens/{id}/', {
    params: { path: { id: token.id } },
  });
  if (!response.ok) return failed(response, error);
  show('admin-notice', `Token ${token.prefix}… (${token.label}) revoked.`);
  await loadTokens();
}

async function createToken(event: SubmitEvent) {
  event.preventDefault();
  const owner = state.owner;
  if (!owner) return;
  show('admin-error', '');
  const label = ($('token-label') as HTMLInputElement).value.trim();
  const { data, error, response } = await api.POST('/admin/api/users/{id}/tokens/', {
    params: { path: { id: owner.id } },
    body: label ? { label } : {},
  });
  if (!data) return failed(response, error);
  ($('token-label') as HTMLInputElement).value = '';
  // The key exists in the page only until the next navigation; it is never stored.
  $('new-key-value').textContent = data.key;
  visible($('new-key'), true);
  await loadTokens();
}

async function addUser(event: SubmitEvent) {
  event.preventDefault();
  show('admin-error', '');
  const form = event.target as HTMLFormElement;
  const value = (id: string) => ($(id) as HTMLInputElement).value;
  const email = value('new-email').trim();
  const { data, error, response } = await api.POST('/admin/api/users/', {
    body: {
      username: value('new-username').trim(),
      password: value('new-password'),
      ...(email ? { email } : {}),
      is_staff: ($('new-staff') as HTMLInputElement).checked,
    },
  });
  if (!data) return failed(response, error);
  form.reset();
  show('admin-notice', `User ${data.username} was added.`);
  await loadUsers();
}

function start() {
  $('admin-username').textContent = me;
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.search = ($('search') as HTMLInputElement).value.trim();
    state.usersPage = 1;
    void loadUsers();
  });
  $('users-previous').addEventListener('click', () => {
    state.usersPage = Math.max(1, state.usersPage - 1);
    void loadUsers();
  });
  $('users-next').addEventListener('click', () => {
    state.usersPage += 1;
    void loadUsers();
  });
  $('tokens-previous').addEventListener('click', () => {
    state.tokensPage = Math.max(1, state.tokensPage - 1);
    void loadTokens();
  });
  $('tokens-next').addEventListener('click', () => {
    state.tokensPage += 1;
    void loadTokens();
  });
  $('add-user-form').addEventListener(
    'submit',
    (event) => void addUser(event as SubmitEvent).catch(() => {}),
  );
  $('create-token-form').addEventListener(
    'submit',
    (event) => void createToken(event as SubmitEvent).catch(() => {}),
  );
  visible($('users-section'), true);
  visible($('loading'), false);
  loadUsers().catch(() => {});
}

start();
