/**
 * @module
 * The audit trail at the admin page: the "Security events" table on /admin/ (filtered by type and
 * user id, paged) and the recent events of one user on their page. Both read GET /admin/api/events/
 * through the SDK and render the same rows.
 */
import type { components } from '../../sdk/index.ts';
import { $, api, cell, failed, PAGE_SIZE, Pager, when } from './common.ts';

type AuthEvent = components['schemas']['AuthEvent'];

/** The ids of one events table and its pager (`{prefix}-table`, `{prefix}-previous`, ...). */
function eventsPager(prefix: string, filter: () => { type?: string; user?: string }): Pager<AuthEvent> {
  return new Pager<AuthEvent>(
    {
      previous: `${prefix}-previous`,
      next: `${prefix}-next`,
      count: `${prefix}-count`,
      noun: 'event',
    },
    async (page) => {
      const { data, error, response } = await api.GET('/admin/api/events/', {
        params: { query: { ...filter(), page: String(page), page_size: String(PAGE_SIZE) } },
      });
      if (!data) return failed(response, error);
      const body = $(`${prefix}-table`).querySelector('tbody') as HTMLTableSectionElement;
      body.replaceChildren(...data.results.map(eventRow));
      return data;
    },
  );
}

/** Shows the events table of /admin/ with its filter form, and loads its first page. */
export function startEventsView(): void {
  let filter: { type?: string; user?: string } = {};
  const pager = eventsPager('events', () => filter);
  $('events-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    const type = $<HTMLSelectElement>('events-type').value;
    const user = $<HTMLInputElement>('events-user').value.trim();
    filter = { ...(type ? { type } : {}), ...(user ? { user } : {}) };
    void pager.go(1);
  });
  $('events-section').hidden = false;
  void pager.go(1);
}

/** Loads the recent events by or about user `id` on their page. */
export function startUserEvents(id: number): Promise<void> {
  return eventsPager('user-events', () => ({ user: String(id) })).go(1);
}

/** A user by id ("#3"), or a dash for none (an anonymous attempt); the filter takes the same id. */
const userId = (id: number | null) => (id === null ? '—' : `#${id}`);

function eventRow(event: AuthEvent): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.type = event.type;
  row.dataset.outcome = event.outcome;
  cell(row, when(event.at));
  cell(row, event.type);
  const outcome = cell(row, event.outcome);
  if (event.outcome === 'failure') outcome.className = 'text-error';
  cell(row, userId(event.actor));
  cell(row, userId(event.user));
  cell(row, event.client_ip ?? '—');
  cell(row, event.user_agent ?? '—').className = 'text-small';
  return row;
}
