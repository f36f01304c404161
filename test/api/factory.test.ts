import { createRoute, z } from '@hono/zod-openapi';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateUserError } from '../../server/auth/user-store.ts';
import { MESSAGES, onError } from '../../server/errors.ts';
import {
  createRouter,
  currentUser,
  mounted,
  type RouteDeps,
  validBody,
} from '../../server/routes/factory.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

// A developer's own operations, built only from the factories, as a project on top of Latchkey would.
const NoteBody = z.object({ text: z.string().min(1) });
const json = { 'application/json': { schema: NoteBody } };
const addNote = createRoute({
  method: 'post',
  path: '/notes/',
  security: [{ Token: [] }],
  request: { body: { content: { ...json, 'application/x-www-form-urlencoded': { schema: NoteBody } } } },
  responses: { 201: { description: 'Added', content: { 'application/json': { schema: NoteBody } } } },
});
const publicPing = createRoute({
  method: 'get',
  path: '/ping/',
  security: [],
  responses: { 200: { description: 'Pong', content: { 'application/json': { schema: z.string() } } } },
});
const rename = createRoute({
  method: 'post',
  path: '/rename/',
  security: [{ Token: [] }],
  responses: { 200: { description: 'Never', content: { 'application/json': { schema: z.string() } } } },
});

let t: TestApp;
let router: ReturnType<typeof ownRouter>;

function ownRouter(deps: RouteDeps) {
  const r = createRouter()
    .openapi(mounted(deps, addNote), (c) => {
      const body = validBody(c, NoteBody);
      return c.json({ text: `${currentUser(c).username}: ${body.text}` }, 201);
    })
    .openapi(mounted(deps, publicPing), (c) => c.json('pong', 200))
    .openapi(mounted(deps, rename), () => {
      throw new DuplicateUserError();
    });
  r.onError(onError(() => {}));
  return r;
}

beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
  const { tokens, sessions } = t.services;
  // Only what authentication and body parsing need, not the app's whole Services.
  router = ownRouter({
    tokens,
    sessions,
    config: { TRUST_PROXY: false, CORS_ALLOWED_ORIGINS: [], MAX_BODY_BYTES: 256 },
  });
});

const post = (path: string, init: { token?: string; type?: string; body?: string }) =>
  router.request(path, {
    method: 'POST',
    headers: {
      ...(init.token ? { Authorization: `Token ${init.token}` } : {}),
      ...(init.type ? { 'Content-Type': init.type } : {}),
    },
    body: init.body,
  });

describe('route factories', () => {
  it('authenticate what the contract secures, with the user typed on the context', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const anonymous = await post('/notes/', { type: 'application/json', body: '{"text":"hi"}' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ detail: MESSAGES.notAuthenticated });
    const ok = await post('/notes/', { token: key, type: 'application/json', body: '{"text":"hi"}' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ text: 'alice: hi' });
    const form = await post('/notes/', {
      token: key,
      type: 'application/x-www-form-urlencoded',
      body: 'text=yo',
    });
    expect(await form.json()).toEqual({ text: 'alice: yo' });
    expect(await (await router.request('/ping/')).json()).toBe('pong');
  });

  it('read a declared body the DRF way, under the configured size limit', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const broken = await post('/notes/', { token: key, type: 'application/json', body: '{"text":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { detail: string }).detail).toMatch(/^JSON parse error - /);
    const missing = await post('/notes/', { token: key, type: 'application/json', body: '{}' });
    expect(await missing.json()).toEqual({ text: [MESSAGES.required] });
    const text = await post('/notes/', { token: key, type: 'text/plain', body: 'hi' });
    expect(text.status).toBe(415);
    const big = await post('/notes/', {
      token: key,
      type: 'application/json',
      body: JSON.stringify({ text: 'x'.repeat(300) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ detail: MESSAGES.tooLarge });
  });

  it('answer a domain error thrown below a handler as errors.ts maps it', async () => {
    const alice = await t.user('alice');
    const key = await t.login('alice', alice.password);
    const res = await post('/rename/', { token: key });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ username: ['A user with that username already exists.'] });
  });

  it('refuse at start-up a contract that does not say who may call it', () => {
    const { security: _, ...unsaid } = publicPing;
    expect(() => mounted(t.services, unsaid)).toThrow(/declares no security/);
  });
});
