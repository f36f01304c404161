/**
 * @module
 * A query parameter given more than once counts with its last value, as Django's `QueryDict.get` (and
 * so DRF) reads it: `?page=1&page=2` is page 2, never a 400 nobody documented. Done once for the whole
 * app by giving the request's `queries()`/`query()` that reading, which is what the contract's query
 * validators call; requests without a repeated name are left untouched. The front door (front-door.ts)
 * applies it to every request.
 */
import type { Context } from 'hono';

/** Whether a query string names any parameter twice (cheap: no decoding). */
function hasRepeatedName(search: string): boolean {
  const seen = new Set<string>();
  for (const pair of search.split('&')) {
    const name = pair.split('=', 1)[0] as string;
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}

/** Makes repeated query parameters of this request read as their last value (called by the front door). */
export function lastQueryValueWins(c: Context): void {
  const url = c.req.url;
  const mark = url.indexOf('?');
  if (mark !== -1 && hasRepeatedName(url.slice(mark + 1))) {
    const all = c.req.queries();
    const last: Record<string, string> = {};
    for (const [name, values] of Object.entries(all)) last[name] = values[values.length - 1] as string;
    const req = c.req as unknown as {
      queries(name?: string): Record<string, string[]> | string[] | undefined;
      query(name?: string): Record<string, string> | string | undefined;
    };
    req.queries = (name) =>
      name === undefined
        ? Object.fromEntries(Object.entries(last).map(([k, v]) => [k, [v]]))
        : last[name] === undefined
          ? undefined
          : [last[name] as string];
    req.query = (name) => (name === undefined ? { ...last } : last[name]);
  }
}
