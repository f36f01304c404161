/**
 * @module
 * What the admin page's views share: the SDK client (the page's cookie session; the SDK echoes the
 * `csrftoken` cookie in X-CSRFToken on unsafe methods), who is signed in, the live regions for
 * messages, the field errors of forms, table cells and buttons, and paging. Everything user-supplied
 * is put in the page as text, never as HTML.
 */
import { createClient, csrfTokenFromCookie } from '../../sdk/index.ts';

/** The admin API as the signed-in staff user's cookie session. */
export const api = createClient({
  baseUrl: location.origin,
  credentials: 'same-origin',
  csrfToken: csrfTokenFromCookie,
});

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

/** The signed-in staff user, from the page the server rendered. */
export const me = {
  username: meta('latchkey-admin-user'),
  isSuperuser: meta('latchkey-admin-superuser') === 'true',
};

/** The element with this id. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** A date and time in the reader's locale; `none` when there is none. */
export const when = (iso: string | null | undefined, none = '—') =>
  iso ? new Date(iso).toLocaleString() : none;

/** Shows a message in a live region (`admin-error`: alert; `admin-notice`: status); '' clears it. */
export function say(id: 'admin-error' | 'admin-notice', text: string): void {
  const el = $(id);
  el.textContent = text;
  el.hidden = text === '';
}

/** A DRF error body: field name to messages (`detail` and `non_field_errors` included). */
export type FieldErrors = Record<string, string[]>;

/** Reads a DRF error body into {@link FieldErrors}. */
export function errorsOf(error: unknown): FieldErrors {
  if (typeof error !== 'object' || error === null) return {};
  return Object.fromEntries(
    Object.entries(error as Record<string, unknown>).map(([field, value]) => [
      field,
      [value].flat().map(String),
    ]),
  );
}

/** One line for a DRF error body, field names in front of field messages. */
export function describe(errors: FieldErrors, status: number): string {
  const parts = Object.entries(errors).map(
    ([field, messages]) =>
      `${field === 'detail' || field === 'non_field_errors' ? '' : `${field}: `}${messages.join(' ')}`,
  );
  return parts.join(' ') || `HTTP ${status}`;
}

/** Thrown after a failed call has been shown, to stop the caller's flow. */
export class Shown extends Error {}

/**
 * A failed call: an ended session goes back to the login form; anything else is announced in the
 * error region. Throws {@link Shown}.
 */
export function failed(response: Response, error: unknown): never {
  if (response.status === 401) location.assign(`/admin/login/?next=${encodeURIComponent(location.pathname)}`);
  const message = describe(errorsOf(error), response.status);
  say('admin-error', message);
  throw new Shown(message);
}

/**
 * Shows field errors next to the inputs of `form` named like the fields (aria-invalid, and the message
 * tied to the input by aria-describedby); returns the errors no input is named for.
 */
export function showFieldErrors(
  form: HTMLFormElement,
  errors: FieldErrors,
  alias: Record<string, string> = {},
) {
  clearFieldErrors(form);
  const rest: FieldErrors = {};
  for (const [field, messages] of Object.entries(errors)) {
    const input = form.querySelector<HTMLInputElement>(`[name="${alias[field] ?? field}"]`);
    if (!input) {
      rest[field] = messages;
      continue;
    }
    input.setAttribute('aria-invalid', 'true');
    input.classList.add('is-error');
    const hint = document.getElementById(`${input.id}-error`) ?? errorHint(input);
    hint.textContent = messages.join(' ');
  }
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  return rest;
}

/**
 * A form's call failed: a 400's field errors go next to their inputs and the error region sums up
 * (`summary`, then any error no input is named for); other statuses go to {@link failed}. Throws
 * {@link Shown}.
 */
export function formFailed(
  form: HTMLFormElement,
  response: Response,
  error: unknown,
  summary: string,
  alias: Record<string, string> = {},
): never {
  if (response.status !== 400) return failed(response, error);
  const rest = showFieldErrors(form, errorsOf(error), alias);
  const more = Object.keys(rest).length ? describe(rest, 400) : 'See the messages by the fields.';
  say('admin-error', `${summary} ${more}`);
  throw new Shown(summary);
}

/** A message element after `input`, listed in its aria-describedby. */
function errorHint(input: HTMLInputElement): HTMLElement {
  const hint = document.createElement('p');
  hint.id = `${input.id}-error`;
  hint.className = 'form-input-hint text-error';
  (input.closest('label') ?? input).after(hint);
  const described = input.getAttribute('aria-describedby');
  input.setAttribute('aria-describedby', described ? `${described} ${hint.id}` : hint.id);
  return hint;
}

/** Removes the field errors {@link showFieldErrors} put in `form`. */
export function clearFieldErrors(form: HTMLFormElement): void {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) {
    input.removeAttribute('aria-invalid');
    input.classList.remove('is-error');
  }
  for (const hint of form.querySelectorAll('.form-input-hint.text-error')) hint.textContent = '';
}

/** Appends a cell with `text` to `row`. */
export function cell(row: HTMLTableRowElement, text: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  return td;
}

/** A small button; `name` is its accessible name when the visible text alone is ambiguous. */
export function button(text: string, className: string, onClick: () => void, name?: string) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `btn btn-sm ${className}`;
  b.textContent = text;
  if (name) b.setAttribute('aria-label', name);
  b.addEventListener('click', onClick);
  return b;
}

/** A DRF page as the views use it. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Items per page in every table. */
export const PAGE_SIZE = 20;

/**
 * The Previous/Next buttons and count of one table: `load(page)` fetches and renders a page and returns
 * it; the pager keeps the page number and the buttons' state.
 */
export class Pager<T> {
  page = 1;
  readonly ids: { previous: string; next: string; count: string; noun: string };
  readonly load: (page: number) => Promise<Page<T>>;

  constructor(ids: Pager<T>['ids'], load: Pager<T>['load']) {
    this.ids = ids;
    this.load = load;
    $(ids.previous).addEventListener('click', () => void this.go(Math.max(1, this.page - 1)));
    $(ids.next).addEventListener('click', () => void this.go(this.page + 1));
  }

  /** Loads page `page` (default: the current one). */
  async go(page = this.page): Promise<void> {
    this.page = page;
    const data = await this.load(page).catch((err) => {
      if (err instanceof Shown) return undefined;
      throw err;
    });
    if (!data) return;
    $(this.ids.count).textContent = `${data.count} ${this.ids.noun}${data.count === 1 ? '' : 's'}`;
    $<HTMLButtonElement>(this.ids.previous).disabled = !data.previous;
    $<HTMLButtonElement>(this.ids.next).disabled = !data.next;
  }
}
