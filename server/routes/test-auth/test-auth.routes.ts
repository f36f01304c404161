/**
 * @module
 * Contracts of the tutorial's TestAuthView: token authentication only.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, jsonResponse } from '../schemas.ts';

const Greeting = z.string().openapi('Greeting');

export const testAuth = createRoute({
  method: 'get',
  path: '/test_auth/',
  operationId: 'testAuth',
  tags: ['test-auth'],
  summary: 'Check a token: greets its user',
  security: [{ Token: [] }],
  responses: {
    200: jsonResponse(Greeting, 'The token is valid', 'Hello demo!'),
    ...errorResponses(401, 405),
  },
});

export const testAuthPost = createRoute({
  method: 'post',
  path: '/test_auth/',
  operationId: 'testAuthPost',
  tags: ['test-auth'],
  summary: 'Check a token with an unsafe method',
  security: [{ Token: [] }],
  responses: {
    200: jsonResponse(Greeting, 'The token is valid', 'Hello demo! Posted!'),
    ...errorResponses(401, 405),
  },
});
