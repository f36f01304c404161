/**
 * @module
 * The admin's users view at /admin/: the users, searched and paged, each linking to its own page
 * (/admin/users/{id}/), and the form that adds a user.
 */
import type { AdminUser } from '../../sdk/index.ts';
import {
  $,
  api,
  cell,
  clearFieldErrors,
  failed,
  formFailed,
  PAGE_SIZE,
  Pager,
  Shown,
  say,
  when,
} from './common.ts';

const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');

/** Shows the users view and loads its first page. */
export function startUsersView(): void {
  let search = '';
  const pager = new Pager<AdminUser>(
    { previous: 'users-previous', next: 'users-next', count: 'users-count', noun: 'user' },
    async (page) => {
      const { data, error, response } = await api.GET('/admin/api/users/', {
        params: {
          query: { search: search || undefined, page: String(page), page_size: String(PAGE_SIZE) },
        },
      });
      if (!data) return failed(response, error);
      const body = $('users-table').querySelector('tbody') as HTMLTableSectionElement;
      body.replaceChildren(...data.results.map(userRow));
      return data;
    },
  );
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search = $<HTMLInputElement>('search').value.trim();
    void pager.go(1);
  });
  $('add-user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    addUser(event.target as HTMLFormElement, pager).catch((err) => {
      if (!(err instanceof Shown)) throw err;
    });
  });
  $('users-section').hidden = false;
  void pager.go(1);
}

function userRow(user: AdminUser): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.username = user.username;
  const link = document.createElement('a');
  link.href = `/admin/users/${user.id}/`;
  link.textContent = user.username;
  row.insertCell().append(link);
  cell(row, user.email);
  cell(row, yesNo(user.is_active));
  cell(row, yesNo(user.is_staff));
  cell(row, yesNo(user.is_superuser));
  cell(row, when(user.date_joined));
  cell(row, when(user.last_login));
  return row;
}

async function addUser(form: HTMLFormElement, pager: Pager<AdminUser>): Promise<void> {
  say('admin-error', '');
  clearFieldErrors(form);
  const value = (id: string) => $<HTMLInputElement>(id).value;
  const email = value('new-email').trim();
  const { data, error, response } = await api.POST('/admin/api/users/', {
    body: {
      username: value('new-username').trim(),
      password: value('new-password'),
      ...(email ? { email } : {}),
      is_staff: $<HTMLInputElement>('new-staff').checked,
    },
  });
  if (!data) return formFailed(form, response, error, 'The user was not added.');
  form.reset();
  say('admin-notice', `User ${data.username} was added.`);
  await pager.go();
}
