/**
 * @module
 * The test_auth area: `"Hello <username>!"` for a valid token, as in the tutorial.
 */
import type { Services } from '../../services.ts';
import { createRouter, currentUser, mounted } from '../factory.ts';
import { testAuth, testAuthPost } from './test-auth.routes.ts';

/** Mounts GET and POST /test_auth/. */
export function testAuthRoutes(services: Services) {
  // The contract declares token-only security, as the tutorial's TestAuthView: a session cookie is ignored.
  return createRouter()
    .openapi(mounted(services, testAuth), (c) => c.json(`Hello ${currentUser(c).username}!`, 200))
    .openapi(mounted(services, testAuthPost), (c) =>
      c.json(`Hello ${currentUser(c).username}! Posted!`, 200),
    );
}
