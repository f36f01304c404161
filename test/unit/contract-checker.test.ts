/**
 * The contract checker itself (test/support/contract.ts): it must refuse what openapi.yaml does not
 * document, or every contract and API test that relies on it could pass over a leak. Fed hand-made
 * responses, no app.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ContractRecorder, checkResponse, operations, type SpecOperation } from '../support/contract.ts';
import { closeObjects } from '../support/strict-schema.ts';

const op = (id: string): SpecOperation => {
  const found = operations.find((o) => o.operationId === id);
  if (!found) throw new Error(`no operation ${id} in openapi.yaml`);
  return found;
};

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

const user = { id: 1, username: 'alice', email: '', first_name: '', last_name: '' };
const login = { key: 'lk_x', expiry: null, user };
const adminToken = {
  id: 'abc',
  user: 1,
  username: 'alice',
  label: 'ci',
  prefix: 'lk_4Vq8y',
  created: '2026-11-01T09:00:00.000Z',
  last_used: null,
  expiry: null,
  scopes: ['notes:read'],
  idle_timeout: null,
  max_expiry: null,
};

describe('the contract checker refuses undocumented fields', () => {
  it('passes a login answer with exactly the documented fields', async () => {
    expect(await checkResponse(op('login'), json(login))).toEqual([]);
  });

  it.each([
    ['a password inside the user', { ...login, user: { ...user, password: 'argon2id$...' } }],
    ['an extra top-level field', { ...login, digest: 'e3b0c442' }],
  ])('fails a login answer carrying %s', async (_, body) => {
    const problems = await checkResponse(op('login'), json(body));
    expect(problems).toEqual([expect.stringMatching(/must NOT have unevaluated properties/)]);
  });

  it('closes an allOf as a whole: its members add fields, an extra one fails', async () => {
    const created = { ...adminToken, key: 'lk_secret' };
    const createToken = op('adminCreateUserToken');
    expect(await checkResponse(createToken, json(created, 201))).toEqual([]);
    const leaked = await checkResponse(createToken, json({ ...created, digest: 'e3b0c442' }, 201));
    expect(leaked).toEqual([expect.stringMatching(/unevaluated properties/)]);
  });

  it('closes each branch of a union: a detail with a stray field fails, field errors pass', async () => {
    const changePassword = op('changePassword');
    expect(await checkResponse(changePassword, json({ new_password2: ['Too short.'] }, 400))).toEqual([]);
    expect(await checkResponse(changePassword, json({ detail: 'JSON parse error - x' }, 400))).toEqual([]);
    const stray = await checkResponse(changePassword, json({ detail: 'x', stack: 'at ...' }, 400));
    expect(stray).not.toEqual([]);
  });

  it('fails an undocumented status', async () => {
    expect(await checkResponse(op('login'), json({ detail: 'boom' }, 500))).toEqual([
      expect.stringMatching(/status 500 is not documented/),
    ]);
  });
});

describe('the recorder', () => {
  const record = async (recorder: ContractRecorder, method: string, path: string, response: Response) => {
    await recorder.record(method, path, response);
    const failures = [...recorder.failures];
    recorder.reset();
    return failures;
  };
  const empty = (status: number, headers: Record<string, string> = {}) =>
    new Response(null, { status, headers });

  it('finds the operation of a concrete URL, with a query and without the trailing slash', async () => {
    const recorder = new ContractRecorder();
    const leak = json({ ...user, password: 'x' });
    expect(await record(recorder, 'GET', 'https://localhost/rest-auth/user?x=1', json(user))).toEqual([]);
    expect(await record(recorder, 'GET', '/rest-auth/user', leak)).toEqual([
      expect.stringMatching(/getUser/),
    ]);
    expect(await record(recorder, 'DELETE', '/admin/api/users/7/', empty(204))).toEqual([]);
    expect(recorder.checked).toBe(3);
  });

  it('checks HEAD as the GET without a body, and as a 405 where the path has no GET', async () => {
    const recorder = new ContractRecorder();
    const head = (status: number, headers: Record<string, string> = {}) =>
      empty(status, { 'Content-Type': 'application/json', ...headers });
    expect(await record(recorder, 'HEAD', '/rest-auth/user/', head(200))).toEqual([]);
    expect(await record(recorder, 'HEAD', '/rest-auth/user/', head(401))).toEqual([
      expect.stringMatching(/WWW-Authenticate is missing/),
    ]);
    expect(await record(recorder, 'HEAD', '/rest-auth/user/', json(user))).toEqual([
      expect.stringMatching(/HEAD answer has a body/),
    ]);
    expect(await record(recorder, 'HEAD', '/rest-auth/login/', head(405, { Allow: 'POST' }))).toEqual([]);
    expect(await record(recorder, 'HEAD', '/rest-auth/login/', head(200))).toEqual([
      expect.stringMatching(/answered 200, not 405/),
    ]);
  });

  it('checks OPTIONS: 204 with Allow naming exactly the documented methods, or a CORS preflight', async () => {
    const recorder = new ContractRecorder();
    const allow = (methods: string) => empty(204, { Allow: methods });
    expect(await record(recorder, 'OPTIONS', '/rest-auth/user/', allow('GET, HEAD, PATCH, OPTIONS'))).toEqual(
      [],
    );
    expect(await record(recorder, 'OPTIONS', '/rest-auth/user/', allow('GET, HEAD, OPTIONS'))).toEqual([
      expect.stringMatching(/differs from the documented methods/),
    ]);
    expect(
      await record(recorder, 'OPTIONS', '/rest-auth/login/', allow('POST, DELETE, OPTIONS')),
    ).not.toEqual([]);
    const preflight = empty(204, { 'Access-Control-Allow-Methods': 'GET, POST' });
    expect(await record(recorder, 'OPTIONS', '/rest-auth/login/', preflight)).toEqual([]);
  });

  it('fails a path outside the contract, or (API suite) lets pages through but not JSON leaks or 500s', async () => {
    const strict = new ContractRecorder();
    expect(await record(strict, 'GET', '/admin/', empty(302))).toEqual([
      expect.stringMatching(/not in openapi.yaml/),
    ]);
    const pages = new ContractRecorder({ undocumentedPaths: 'pages' });
    const html = new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } });
    expect(await record(pages, 'GET', '/', html)).toEqual([]);
    expect(await record(pages, 'GET', '/nope/', json({ detail: 'Not found.' }, 404))).toEqual([]);
    expect(await record(pages, 'GET', '/nope/', json({ detail: 'x', user }, 404))).toEqual([
      expect.stringMatching(/not a detail/),
    ]);
    expect(await record(pages, 'GET', '/admin/', empty(500))).toEqual([
      expect.stringMatching(/server error/),
    ]);
    expect(await record(pages, 'GET', '/admin/logout/', json({ detail: 'x' }, 405))).toEqual([
      expect.stringMatching(/405 without Allow/),
    ]);
  });
});

describe('closeObjects', () => {
  const ajv = new Ajv2020({ strict: false });
  const valid = (schema: unknown, value: unknown) => ajv.validate(closeObjects(schema) as object, value);

  it('closes nested objects, array items and nullable objects', () => {
    const schema = {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
        maybe: { type: ['object', 'null'], properties: { b: { type: 'integer' } } },
      },
    };
    expect(valid(schema, { items: [{ a: 'x' }], maybe: null })).toBe(true);
    expect(valid(schema, { items: [{ a: 'x', z: 1 }] })).toBe(false);
    expect(valid(schema, { maybe: { b: 1, z: 1 } })).toBe(false);
    expect(valid(schema, { z: 1 })).toBe(false);
  });

  it('leaves maps and free-form values open', () => {
    const schema = { type: 'object', additionalProperties: { type: 'array' }, properties: {} };
    expect(valid(schema, { anything: [], other: [] })).toBe(true);
    expect(valid({ type: 'object', additionalProperties: {} }, { a: { deep: { x: 1 } } })).toBe(true);
  });

  it('keeps allOf members open so that their properties add up', () => {
    const schema = {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'string' } } },
      ],
    };
    expect(valid(schema, { a: 'x', b: 'y' })).toBe(true);
    expect(valid(schema, { a: 'x', c: 'y' })).toBe(false);
  });

  it('does not change the schema it is given', () => {
    const schema = { type: 'object', properties: { a: { type: 'object' } } };
    const copy = structuredClone(schema);
    closeObjects(schema);
    expect(schema).toEqual(copy);
  });
});
