/**
 * @module
 * DRF answers a known path with an unsupported method with 405 `Method "X" not allowed.` and an
 * `Allow` header; Hono answers 404. This not-found handler tells the two apart from the app's own
 * route table, and answers a plain OPTIONS (no CORS preflight) with the allowed methods.
 */
import type { Context, Hono, NotFoundHandler } from 'hono';
import { MESSAGES } from './errors.ts';

interface PathMethods {
  pattern: RegExp;
  allow: string;
}

function compile(routes: { path: string; method: string }[]): PathMethods[] {
  const byPath = new Map<string, Set<string>>();
  for (const { path, method } of routes) {
    if (method === 'ALL' || path.includes('*')) continue;
    const key = path.replace(/\/+$/, '');
    const methods = byPath.get(key) ?? new Set<string>();
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
    byPath.set(key, methods);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`),
    allow: [...methods, 'OPTIONS'].join(', '),
  }));
}

/** A not-found handler that answers 405 (or OPTIONS) for paths the app knows. */
export function methodNotAllowed(app: Hono<never>): NotFoundHandler {
  let table: PathMethods[] | undefined;
  return (c: Context) => {
    table ??= compile(app.routes);
    const known = table.find((entry) => entry.pattern.test(c.req.path));
    if (!known) return c.json({ detail: MESSAGES.notFound }, 404);
    c.header('Allow', known.allow);
    if (c.req.method === 'OPTIONS') return c.body(null, 204);
    return c.json({ detail: `Method "${c.req.method}" not allowed.` }, 405);
  };
}
