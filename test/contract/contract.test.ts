/**
 * Contract tests, so openapi.yaml (and the SDK generated from it) never promises what the server does
 * not do: every operation in openapi.yaml is called through the SDK by its
 * entry in operations.ts, against the real app in-process (`fetch: app.fetch`) and over a real socket,
 * and every response is checked against the schema documented for its status and media type. An
 * undocumented status, an operation without an entry, or a documented status that no entry reaches
 * (and none declares unreachable) fails.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../support/app.ts';
import { ContractRecorder, operations, type SpecOperation } from '../support/contract.ts';
import { resetDatabase } from '../support/db.ts';
import { type ActiveApp, type Fixtures, makeFixtures } from './fixtures.ts';
import { contract } from './operations.ts';

describe('the contract table', () => {
  it('has an entry for every operation in openapi.yaml, and none for operations it lacks', () => {
    const documented = operations.map((op) => op.operationId);
    const missing = documented.filter((id) => !(id in contract));
    expect(missing, 'add these operations to the table in test/contract/operations.ts').toEqual([]);
    const stale = Object.keys(contract).filter((id) => !documented.includes(id));
    expect(stale, 'entries for operations openapi.yaml no longer has').toEqual([]);
  });

  it('documents every operation with an operationId, unique, and every response with a body schema', () => {
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      expect(op.operationId, `${op.method} ${op.path}`).not.toMatch(/ /);
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          expect(media.schema, `${op.operationId} ${status} ${type}`).toBeDefined();
        }
      }
    }
  });
});

/**
 * The 503 every database-backed operation documents (server/openapi.ts adds it to each), reached the
 * same way for all: alice's well-formed request against an app whose database refuses connections.
 */
async function reachUnavailable(fx: Fixtures, op: SpecOperation): Promise<void> {
  const path = op.path.replace(/\{[^}]+\}/g, '1');
  const body = ['post', 'put', 'patch'].includes(op.method)
    ? { body: { username: fx.alice.username, password: fx.alice.password } }
    : {};
  await fx.withUnreachableDatabase(async () => {
    const { response } = await fx.raw(fx.alice.client, op.method.toUpperCase(), path, body);
    expect(response.status, `${op.operationId} with the database down`).toBe(503);
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
  });
}

const modes = ['in-process', 'socket'] as const;

describe.each(modes)('every operation through the SDK, %s', (mode) => {
  const recorder = new ContractRecorder();
  const active: ActiveApp = { current: { fetch: () => Promise.reject(new Error('no app yet')) } };
  let server: ServerType | undefined;
  let baseUrl = 'http://latchkey.contract';
  let t: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    if (mode !== 'socket') return;
    const started = serve({
      fetch: (request) => active.current.fetch(request),
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) => started.once('listening', () => resolve()));
    server = started;
    baseUrl = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (!server) return;
    const closing = server;
    if ('closeAllConnections' in closing) closing.closeAllConnections();
    await new Promise((resolve) => closing.close(resolve));
  });

  beforeEach(async () => {
    await resetDatabase();
    t = await testApp();
    active.current = t.app;
    fx = await makeFixtures({
      t,
      active,
      recorder,
      baseUrl,
      ...(mode === 'in-process' ? { fetch: async (request) => active.current.fetch(request) } : {}),
    });
    recorder.reset();
  });

  for (const op of operations) {
    it(`${op.operationId} (${op.method.toUpperCase()} ${op.path})`, async () => {
      const entry = contract[op.operationId];
      if (!entry) throw new Error(`no entry for ${op.operationId} in test/contract/operations.ts`);
      await entry.run(fx);
      if (op.responses['503'] && !recorder.seen.get(op.operationId)?.has('503'))
        await reachUnavailable(fx, op);
      expect(recorder.failures, 'responses that depart from openapi.yaml').toEqual([]);
      const seen = [...(recorder.seen.get(op.operationId) ?? [])].sort();
      const unreached = Object.keys(entry.unreached ?? {});
      const documented = Object.keys(op.responses);
      const missed = documented.filter((s) => !seen.includes(s) && !unreached.includes(s));
      expect(missed, `documented statuses of ${op.operationId} never reached (seen ${seen})`).toEqual([]);
      const reachable = unreached.filter((s) => seen.includes(s));
      expect(reachable, 'statuses listed as unreached were reached: drop them from `unreached`').toEqual([]);
      const undocumented = unreached.filter((s) => !documented.includes(s));
      expect(undocumented, '`unreached` lists statuses the operation does not document').toEqual([]);
    });
  }
});
