/**
 * @module
 * The example notes API (test/fixtures/notes-api), built only on the packages' public exports: served by
 * `latchkey/testing` around the developer's own app, called through its own generated SDK. Anonymous
 * 401, another user's note 404, a revoked token and a deactivated user 401 on the next request, its
 * contract and SDK types free of drift. Runs once per driver.
 */

import { readFileSync } from 'node:fs';
import { createTestServer, type TestServer } from 'latchkey/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractFiles } from '../fixtures/notes-api/gen-contract.ts';
import { createNotesApi, NOTES_CONFIG } from '../fixtures/notes-api/src/app.ts';
import { createNotesClient } from '../fixtures/notes-api/src/client.ts';
import { driver } from '../support/db.ts';
import { driverDatabase } from '../support/driver-config.ts';

describe('the notes API with Latchkey inside', () => {
  let server: TestServer;
  let drop: () => Promise<void>;
  const client = (token?: string) => createNotesClient({ baseUrl: server.url as string, token });

  beforeAll(async () => {
    const database = await driverDatabase('notes');
    drop = database.drop;
    server = await createTestServer({
      app: createNotesApi,
      config: { ...NOTES_CONFIG, ...(driver === 'postgres' ? database.config : {}) },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it("answers an anonymous caller 401 with DRF's message", async () => {
    const { response, error } = await client().GET('/notes/');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Token');
    expect(error).toEqual({ detail: 'Authentication credentials were not provided.' });
    const malformed = await server.fetch('/notes/', { headers: { Authorization: 'Token a b' } });
    expect(await malformed.json()).toEqual({
      detail: 'Invalid token header. Token string should not contain spaces.',
    });
  });

  it("keeps notes to their owner: another user's note is 404", async () => {
    const alice = await server.createUserAndLogin({ username: 'alice' });
    const bob = await server.createUserAndLogin({ username: 'bob' });
    const created = await client(alice.key).POST('/notes/', { body: { text: 'Buy milk' } });
    expect(created.response.status).toBe(201);
    const id = created.data?.id as number;
    expect((await client(alice.key).GET('/notes/')).data?.map((n) => n.text)).toEqual(['Buy milk']);
    expect((await client(bob.key).GET('/notes/')).data).toEqual([]);
    const stolen = await client(bob.key).DELETE('/notes/{id}/', { params: { path: { id } } });
    expect(stolen.response.status).toBe(404);
    expect(stolen.error).toEqual({ detail: 'Not found.' });
    const own = await client(alice.key).DELETE('/notes/{id}/', { params: { path: { id } } });
    expect(own.response.status).toBe(204);
    const blank = await client(alice.key).POST('/notes/', { body: { text: '' } });
    expect(blank.response.status).toBe(400);
    expect(blank.error).toHaveProperty('text');
  });

  it('enforces the scopes its routes declare: a read-only token lists but cannot write', async () => {
    const erin = await server.createUser({ username: 'erin' });
    const login = await client().login({
      username: erin.username,
      password: erin.password,
      scopes: ['notes:read'],
    });
    const reader = login.data?.key as string;
    expect((await client(reader).GET('/notes/')).response.status).toBe(200);
    const write = await client(reader).POST('/notes/', { body: { text: 'nope' } });
    expect(write.response.status).toBe(403);
    expect(write.error).toEqual({ detail: 'You do not have permission to perform this action.' });
    expect(write.response.headers.get('www-authenticate')).toBe(
      'Token error="insufficient_scope", scope="notes:write"',
    );
    const full = await server.createUserAndLogin({ username: 'frank' });
    expect((await client(full.key).POST('/notes/', { body: { text: 'yes' } })).response.status).toBe(201);
  });

  it('refuses at start-up a scope nobody declared', async () => {
    expect(() => server.latchkey.auth({ allOf: ['notes:admin'] })).toThrow(/notes:admin.*not declared/);
  });

  it('logs in through the mounted Latchkey routes; a revoked token is 401 on the next request', async () => {
    const carol = await server.createUser({ username: 'carol' });
    const login = await client().login({ username: carol.username, password: carol.password });
    const key = login.data?.key as string;
    expect((await client(key).GET('/notes/')).response.status).toBe(200);
    expect((await client(key).logout()).response.status).toBe(200);
    const after = await client(key).GET('/notes/');
    expect(after.response.status).toBe(401);
    expect(after.error).toEqual({ detail: 'Invalid token.' });
  });

  it('answers a deactivated user 401 "User inactive or deleted."', async () => {
    const dave = await server.createUserAndLogin({ username: 'dave' });
    expect((await client(dave.key).GET('/notes/')).response.status).toBe(200);
    // As the admin API does it (the store also forgets the user in this instance's verify cache).
    await server.latchkey.services.users.update(dave.user.id, { isActive: false });
    const after = await client(dave.key).GET('/notes/');
    expect(after.response.status).toBe(401);
    expect(after.error).toEqual({ detail: 'User inactive or deleted.' });
  });

  it('serves the contract it commits, and its SDK types match it', async () => {
    const { yaml, types } = await contractFiles(await (await server.fetch('/openapi.json')).json());
    const committed = (name: string) =>
      readFileSync(new URL(`../fixtures/notes-api/contract/${name}`, import.meta.url), 'utf8');
    expect(yaml).toBe(committed('openapi.yaml'));
    expect(types).toBe(committed('schema.d.ts'));
  });
});
