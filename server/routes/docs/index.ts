/**
 * @module
 * The contract itself, served from the routes that define it (so it always matches the running server),
 * and the interactive console at /docs (hidden from the contract, like the other pages).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { openApiDocument, openApiYaml } from '../../openapi.ts';
import type { AppEnv } from '../../services.ts';
import { errorResponses } from '../schemas.ts';
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from './console.ts';

const getOpenApiJson = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiJson',
  tags: ['docs'],
  summary: 'This OpenAPI document as JSON',
  security: [],
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
    ...errorResponses(405),
  },
});

const getOpenApiYaml = createRoute({
  method: 'get',
  path: '/openapi.yaml',
  operationId: 'getOpenApiYaml',
  tags: ['docs'],
  summary: 'This OpenAPI document as YAML',
  security: [],
  responses: {
    200: { description: 'The OpenAPI 3.1 document', content: { 'application/yaml': { schema: z.string() } } },
    ...errorResponses(405),
  },
});

/**
 * Mounts /openapi.json and /openapi.yaml on the app they describe (generated once, on first request),
 * and the /docs console (its Swagger UI files are served by the pages' /static/ route).
 */
export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  app.get('/docs/', (c) => c.html(DOCS_HTML, 200, { 'Cache-Control': 'no-cache' }));
  app.get('/docs/console.js', (c) =>
    c.body(DOCS_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  app.get('/docs/console.css', (c) =>
    c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  let json: string | undefined;
  let yaml: string | undefined;
  app.openapi(getOpenApiJson, (c) => {
    json ??= JSON.stringify(openApiDocument(app));
    return c.body(json, 200, { 'Content-Type': 'application/json' }) as never;
  });
  app.openapi(getOpenApiYaml, (c) => {
    yaml ??= openApiYaml(app);
    return c.body(yaml, 200, { 'Content-Type': 'application/yaml; charset=utf-8' }) as never;
  });
}
