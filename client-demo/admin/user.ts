/**
 * @module
 * The admin's page of one user at /admin/users/{id}/, Django's "change user": names, e-mail, active,
 * staff and superuser status, a new password (through the password policy, its messages by the field),
 * the user's tokens, sessions and recent security events, and deletion. The same rules as the admin
 * API, which enforces them: the page only spares people requests that would be refused (a superuser
 * is read-only to other staff, only superusers see the superuser box enabled, nobody can deactivate or
 * delete themselves), and asks before anything destructive.
 */
import type { AdminUser } from '../../sdk/index.ts';
import { confirmAction } from '../dialog.ts';
import { $, api, clearFieldErrors, failed, formFailed, me, Shown, say, when } from './common.ts';
import { reloadCredentials, startCredentials } from './credentials.ts';
import { startUserEvents } from './events.ts';

type UserChanges = {
  email?: string;
  first_name?: string;
  last_name?: string;
  is_active?: boolean;
  is_staff?: boolean;
  is_superuser?: boolean;
};

const input = (id: string) => $<HTMLInputElement>(id);

/** Ignores a failure already shown to the user; rethrows anything else. */
const shown = (err: unknown) => {
  if (!(err instanceof Shown)) throw err;
};

/** Shows the page of user `id`. */
export async function startUserView(id: number): Promise<void> {
  const { data, error, response } = await api.GET('/admin/api/users/{id}/', { params: { path: { id } } });
  if (!data) return failed(response, error);
  let user = data;
  const self = user.username === me.username;
  const readOnly = user.is_superuser && !me.isSuperuser;
  document.title = `${user.username} | Change user | Latchkey administration`;
  $('page-title').textContent = `Change user: ${user.username}`;
  $('user-crumb').textContent = user.username;
  $('user-readonly').hidden = !readOnly;
  fill(user);
  for (const form of document.querySelectorAll<HTMLFormElement>('#user-view form')) {
    for (const control of form.elements) (control as HTMLInputElement).disabled = readOnly;
  }
  input('user-superuser').disabled = readOnly || !me.isSuperuser;
  input('user-active').disabled = readOnly || self;
  if (self) $('user-active-hint').textContent = 'You cannot deactivate your own account.';
  $('user-delete').hidden = readOnly || self;

  $('user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    save(event.target as HTMLFormElement, user, self)
      .then((updated) => {
        if (updated) user = updated;
      })
      .catch(shown);
  });
  $('password-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setPassword(event.target as HTMLFormElement, user, self).catch(shown);
  });
  $('user-delete').addEventListener('click', () => void remove(user).catch(shown));
  $('user-view').hidden = false;
  await Promise.all([startCredentials(user, readOnly), startUserEvents(user.id)]);
}

function fill(user: AdminUser): void {
  input('user-first-name').value = user.first_name;
  input('user-last-name').value = user.last_name;
  input('user-email').value = user.email;
  input('user-active').checked = user.is_active;
  input('user-staff').checked = user.is_staff;
  input('user-superuser').checked = user.is_superuser;
  $('user-dates').textContent =
    `Username ${user.username}. Joined ${when(user.date_joined)}; last login ${when(user.last_login, 'never')}.`;
}

/** The form's changes against `user`: only what differs is sent. */
function changes(user: AdminUser): UserChanges {
  const next: Required<UserChanges> = {
    first_name: input('user-first-name').value.trim(),
    last_name: input('user-last-name').value.trim(),
    email: input('user-email').value.trim(),
    is_active: input('user-active').checked,
    is_staff: input('user-staff').checked,
    is_superuser: input('user-superuser').checked,
  };
  return Object.fromEntries(
    Object.entries(next).filter(([field, value]) => user[field as keyof UserChanges] !== value),
  );
}

async function save(form: HTMLFormElement, user: AdminUser, self: boolean): Promise<AdminUser | undefined> {
  say('admin-error', '');
  clearFieldErrors(form);
  const body = changes(user);
  if (!Object.keys(body).length) {
    say('admin-notice', 'Nothing changed.');
    return undefined;
  }
  if (body.is_active === false) {
    const ok = await confirmAction({
      title: `Deactivate ${user.username}?`,
      message: `${user.username} will not be able to log in, and every token and session of theirs stops working at once (until reactivated).`,
      confirm: 'Deactivate',
    });
    if (!ok) return undefined;
  }
  if (self && body.is_staff === false) {
    const ok = await confirmAction({
      title: 'Remove your own staff status?',
      message: 'You will lose access to this admin as soon as you leave this page.',
      confirm: 'Remove staff status',
    });
    if (!ok) return undefined;
  }
  const { data, error, response } = await api.PATCH('/admin/api/users/{id}/', {
    params: { path: { id: user.id } },
    body,
  });
  if (!data) return formFailed(form, response, error, `${user.username} was not changed.`);
  fill(data);
  say('admin-notice', `${data.username} was changed: ${Object.keys(body).join(', ')}.`);
  return data;
}

async function setPassword(form: HTMLFormElement, user: AdminUser, self: boolean): Promise<void> {
  say('admin-error', '');
  clearFieldErrors(form);
  const password = input('password1').value;
  if (!password) {
    return formFailed(
      form,
      badRequest,
      { password1: ['This field may not be blank.'] },
      'No password was set.',
    );
  }
  if (password !== input('password2').value) {
    return formFailed(
      form,
      badRequest,
      { password2: ['The two password fields didn’t match.'] },
      'No password was set.',
    );
  }
  const ok = await confirmAction({
    title: `Set a new password for ${user.username}?`,
    message: self
      ? 'Every other token and session of yours ends; this browser stays signed in.'
      : `Every token and session of ${user.username} ends: they must log in again with the new password.`,
    confirm: 'Set password',
  });
  if (!ok) return;
  const { data, error, response } = await api.PATCH('/admin/api/users/{id}/', {
    params: { path: { id: user.id } },
    body: { password },
  });
  if (!data) return formFailed(form, response, error, 'No password was set.', { password: 'password1' });
  form.reset();
  say('admin-notice', `The password of ${user.username} was set; their other credentials were ended.`);
  await reloadCredentials();
}

/** A stand-in response for checks made in the page before any request. */
const badRequest = new Response(null, { status: 400 });

async function remove(user: AdminUser): Promise<void> {
  say('admin-error', '');
  const ok = await confirmAction({
    title: `Delete ${user.username}?`,
    message: `${user.username} and all their tokens and sessions are deleted. This cannot be undone.`,
    confirm: 'Delete user',
  });
  if (!ok) return;
  const { error, response } = await api.DELETE('/admin/api/users/{id}/', {
    params: { path: { id: user.id } },
  });
  if (!response.ok) return failed(response, error);
  for (const section of document.querySelectorAll<HTMLElement>('#user-view .user-section'))
    section.hidden = true;
  $('page-title').textContent = `Deleted user: ${user.username}`;
  say('admin-notice', `User ${user.username} was deleted.`);
}
