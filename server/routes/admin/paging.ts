/**
 * @module
 * DRF's PageNumberPagination: `?page=N&page_size=M`, answered as `{count, next, previous, results}` with
 * absolute links. A page number that is not a positive integer, or past the last page, is 404
 * `Invalid page.`; a bad page_size falls back to the default, a large one is capped (as in DRF).
 */
import type { Context } from 'hono';
import { ApiError } from '../../errors.ts';

/** Items per page unless `page_size` says otherwise. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest page_size honoured. */
export const MAX_PAGE_SIZE = 100;

/** A validated page request. */
export interface PageRequest {
  page: number;
  size: number;
  offset: number;
}

const invalidPage = () => ApiError.detail(404, 'Invalid page.');

/** Reads `page` and `page_size`. */
export function pageRequest(query: {
  page?: string | undefined;
  page_size?: string | undefined;
}): PageRequest {
  const sizeText = query.page_size ?? '';
  const asked = /^\d{1,6}$/.test(sizeText) ? Number(sizeText) : 0;
  const size = asked > 0 ? Math.min(asked, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const pageText = query.page ?? '1';
  if (!/^\d{1,9}$/.test(pageText) || Number(pageText) < 1) throw invalidPage();
  const page = Number(pageText);
  return { page, size, offset: (page - 1) * size };
}

function link(c: Context, page: number): string {
  const url = new URL(c.req.url);
  if (page === 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  return url.toString();
}

/** The page body; throws 404 for a page past the end (page 1 of nothing is an empty page). */
export function pageOf<T>(c: Context, request: PageRequest, count: number, results: T[]) {
  const pages = Math.max(1, Math.ceil(count / request.size));
  if (request.page > pages) throw invalidPage();
  return {
    count,
    next: request.page < pages ? link(c, request.page + 1) : null,
    previous: request.page > 1 ? link(c, request.page - 1) : null,
    results,
  };
}
