/**
 * @module
 * The test_auth area: `"Hello <username>!"` for a valid token, as in the tutorial.
 */
import type { Context } from 'hono';
import { replyJson } from '../../front-door.ts';
import type { AppEnv, Services } from '../../services.ts';
import { createRouter, currentUser, mounted } from '../factory.ts';
import { testAuth, testAuthPost } from './test-auth.routes.ts';

/**
 * The greeting, as `c.json` would answer it but built by `replyJson`: this is the token check's own answer,
 * the path the benchmark measures, so it skips the `Headers` object (front-door.ts).
 */
function greet(c: Context<AppEnv>, end: string) {
  return replyJson(c, `Hello ${currentUser(c).username}${end}`, 200);
}

/** Mounts GET and POST /test_auth/. */
export function testAuthRoutes(services: Services) {
  // The contract declares token-only security, as the tutorial's TestAuthView: a session cookie is ignored.
  return createRouter()
    .openapi(mounted(services, testAuth), (c) => greet(c, '!'))
    .openapi(mounted(services, testAuthPost), (c) => greet(c, '! Posted!'));
}
