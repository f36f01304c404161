/**
 * @module
 * The demo client at / (a placeholder until the browser client lands).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Services } from '../../services.ts';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latchkey</title></head>
<body><h1>Latchkey</h1>
<p>Token authentication for TypeScript REST APIs. The API contract: <a href="/openapi.yaml">/openapi.yaml</a>.</p>
</body></html>`;

/** Mounts the HTML pages (hidden from the contract). */
export function pageRoutes(_services: Services) {
  return new OpenAPIHono<AppEnv>().get('/', (c) => c.html(PLACEHOLDER));
}
