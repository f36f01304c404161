/**
 * @module
 * The test_auth area: `"Hello <username>!"` for a valid token, as in the tutorial.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requireAuth } from '../../auth/authenticate.ts';
import { validationHook } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { testAuth, testAuthPost } from './test-auth.routes.ts';

/** Mounts GET and POST /test_auth/. */
export function testAuthRoutes(services: Services) {
  // The contract declares token-only security, as the tutorial's TestAuthView: a session cookie is ignored.
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi({ ...testAuth, middleware: [requireAuth(services, testAuth)] }, (c) =>
      c.json(`Hello ${c.get('user')?.username}!`, 200),
    )
    .openapi({ ...testAuthPost, middleware: [requireAuth(services, testAuthPost)] }, (c) =>
      c.json(`Hello ${c.get('user')?.username}! Posted!`, 200),
    );
}
