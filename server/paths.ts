/**
 * @module
 * Trailing slashes are optional on every path, as clients of DRF's APPEND_SLASH expect, without its
 * redirect (a 301 turns a POST into a GET in some clients). Routes are registered in their canonical
 * DRF form, with a trailing slash; the request path is given one before routing, unless its last
 * segment names a file (`/openapi.yaml`, `/assets/app.js`).
 */
import { getPath } from 'hono/utils/url';

/** Hono `getPath` option: the request path with a trailing slash appended where it is missing. */
export function canonicalPath(request: Request): string {
  const path = getPath(request);
  if (path.endsWith('/')) return path;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes('.') ? path : `${path}/`;
}
