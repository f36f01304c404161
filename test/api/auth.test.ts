/**
 * The DRF / dj-rest-auth wire format of login, logout and logout-everywhere, case by case as a Django
 * REST Framework server answers it, so that existing DRF clients (the tutorial's jQuery page, curl
 * scripts) work unchanged. Where Latchkey deliberately differs (no 301 for a missing slash, Bearer
 * accepted, logout without a token is a 401), the test says how DRF answers and why.
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessions, tokens, users } from '../../server/db/schema.ts';
import { MESSAGES } from '../../server/errors.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { resetDatabase } from '../support/db.ts';

const PASSWORD = 'bench-password-123';
const LOGIN = '/rest-auth/login/';
const bad = { non_field_errors: [MESSAGES.badCredentials] };

let t: TestApp;
beforeEach(async () => {
  await resetDatabase();
  t = await testApp();
});

const post = (body: BodyInit | undefined, headers: Record<string, string> = {}, path = LOGIN) =>
  t.call('POST', path, { body, headers });
const postJson = (json: unknown, headers: Record<string, string> = {}) =>
  t.call('POST', LOGIN, { json, headers });

async function expectLoggedIn(res: Response, username = 'bench'): Promise<string> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { key: string; expiry: string | null; user: { username: string } };
  expect(body.key).toMatch(/^lk_[0-9A-Za-z]{36}$/);
  expect(body.user.username).toBe(username);
  const check = await t.call('GET', '/test_auth/', { token: body.key });
  expect(await check.json()).toBe(`Hello ${username}!`);
  return body.key;
}

async function expectError(res: Response, status: number, body: unknown): Promise<void> {
  expect({ status: res.status, body: await res.json() }).toEqual({ status, body });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('login: body formats', () => {
  beforeEach(async () => {
    await t.user('bench', PASSWORD);
  });

  it('accepts JSON', async () => {
    await expectLoggedIn(await postJson({ username: 'bench', password: PASSWORD }));
  });

  it.each(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8'])(
    'accepts a form body as %s (what the jQuery client sends)',
    async (type) => {
      const res = await post(`username=bench&password=${encodeURIComponent(PASSWORD)}`, {
        'Content-Type': type,
        Origin: 'http://127.0.0.1:8001',
        Accept: '*/*',
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8001');
      await expectLoggedIn(res);
    },
  );

  it('accepts multipart/form-data', async () => {
    const form = new FormData();
    form.set('username', 'bench');
    form.set('password', PASSWORD);
    await expectLoggedIn(await post(form));
  });

  it('accepts a JSON content type with a charset parameter', async () => {
    const body = JSON.stringify({ username: 'bench', password: PASSWORD });
    await expectLoggedIn(await post(body, { 'Content-Type': 'application/json; charset=utf-8' }));
  });

  it('matches the username case-insensitively, as the unique index does', async () => {
    await expectLoggedIn(await postJson({ username: 'BENCH', password: PASSWORD }));
  });

  it('answers without a trailing slash too, with no redirect (a 301 makes clients resend a POST as a GET)', async () => {
    const res = await t.call('POST', '/rest-auth/login', { json: { username: 'bench', password: PASSWORD } });
    await expectLoggedIn(res);
  });

  it('issues a new token at every login, each usable', async () => {
    const first = await expectLoggedIn(await postJson({ username: 'bench', password: PASSWORD }));
    const second = await expectLoggedIn(await postJson({ username: 'bench', password: PASSWORD }));
    expect(second).not.toBe(first);
    expect((await t.call('GET', '/test_auth/', { token: first })).status).toBe(200);
    expect(await t.services.db.select().from(tokens)).toHaveLength(2);
  });

  it.each(['Token lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'Token a b', 'Token', 'Bearer caf\u00e9'])(
    'ignores a stale Authorization header (%s)',
    async (header) => {
      await expectLoggedIn(
        await postJson({ username: 'bench', password: PASSWORD }, { Authorization: header }),
      );
    },
  );

  it('ignores the Authorization header of a revoked token', async () => {
    const key = await t.login('bench', PASSWORD);
    expect((await t.call('POST', '/rest-auth/logout/', { token: key })).status).toBe(200);
    await expectLoggedIn(
      await postJson({ username: 'bench', password: PASSWORD }, { Authorization: `Token ${key}` }),
    );
  });

  it('logs in by e-mail when the user has one', async () => {
    await t.user('mail', PASSWORD, { email: 'Mail@Example.com' });
    await expectLoggedIn(await postJson({ email: 'mail@example.com', password: PASSWORD }), 'mail');
  });

  it('logs nobody in by an e-mail two users share, whichever password is sent', async () => {
    await t.user('first', PASSWORD, { email: 'shared@example.com' });
    await t.user('second', 'another-password-42', { email: 'Shared@Example.com' });
    for (const password of [PASSWORD, 'another-password-42']) {
      const res = await postJson({ email: 'shared@example.com', password });
      expect(res.status).toBe(400);
    }
    await expectLoggedIn(await postJson({ username: 'second', password: 'another-password-42' }), 'second');
  });

  it('names the token from the label, or from the User-Agent', async () => {
    await postJson({ username: 'bench', password: PASSWORD, label: 'laptop' });
    await postJson(
      { username: 'bench', password: PASSWORD },
      { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
    );
    const labels = (await t.services.db.select({ label: tokens.label }).from(tokens)).map((r) => r.label);
    expect(labels.sort()).toEqual(['Firefox on Linux', 'laptop']);
  });
});

describe('login: refusals', () => {
  beforeEach(async () => {
    await t.user('bench', PASSWORD);
  });

  it.each([
    ['bad password, JSON', { username: 'bench', password: 'wrong' }],
    ['unknown user', { username: 'nobody', password: 'whatever' }],
    ['missing username', { password: PASSWORD }],
    ['username as a number, coerced like DRF CharField', { username: 123, password: PASSWORD }],
    ['e-mail that no user has', { email: 'bench@example.com', password: PASSWORD }],
    ['the password with a trailing space', { username: 'bench', password: `${PASSWORD} ` }],
    ['the password with a leading space', { username: 'bench', password: ` ${PASSWORD}` }],
    ['the password in another case', { username: 'bench', password: PASSWORD.toUpperCase() }],
  ])('400 non_field_errors for %s', async (_name, body) => {
    await expectError(await postJson(body), 400, bad);
  });

  it('400 for a bad password in a form body', async () => {
    const res = await post('username=bench&password=wrong', {
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    await expectError(res, 400, bad);
  });

  it('checks passwords exactly as sent: surrounding spaces are part of the password', async () => {
    await t.user('spacey', '  padded secret  ');
    await expectError(await postJson({ username: 'spacey', password: 'padded secret' }), 400, bad);
    const form = `username=spacey&password=${encodeURIComponent('  padded secret  ')}`;
    await expectLoggedIn(await post(form, { 'Content-Type': 'application/x-www-form-urlencoded' }), 'spacey');
  });

  it('a numeric username logs in the user whose name is those digits', async () => {
    await t.user('123', PASSWORD);
    await expectLoggedIn(await postJson({ username: 123, password: PASSWORD }), '123');
  });

  it.each([
    ['{}', {}, { password: [MESSAGES.required] }],
    ['missing password', { username: 'bench' }, { password: [MESSAGES.required] }],
    ['empty strings', { username: '', password: '' }, { password: [MESSAGES.blank] }],
    [
      'invalid e-mail',
      { email: 'not-an-email', password: PASSWORD },
      { email: ['Enter a valid email address.'] },
    ],
    ['null password', { username: 'bench', password: null }, { password: ['This field may not be null.'] }],
    ['boolean username', { username: true, password: PASSWORD }, { username: ['Not a valid string.'] }],
    ['object password', { username: 'bench', password: { a: 1 } }, { password: ['Not a valid string.'] }],
  ])('400 field errors for %s', async (_name, body, errors) => {
    await expectError(await postJson(body), 400, errors);
  });

  it.each([
    ['no body at all', undefined, {}],
    ['an empty JSON body', '', { 'Content-Type': 'application/json' }],
    ['an empty form body', '', { 'Content-Type': 'application/x-www-form-urlencoded' }],
  ])('400 password required for %s', async (_name, body, headers) => {
    await expectError(await post(body, headers), 400, { password: [MESSAGES.required] });
  });

  it('400 JSON parse error for malformed JSON', async () => {
    const res = await post('{"username":', { 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { detail: string };
    expect(Object.keys(body)).toEqual(['detail']);
    expect(body.detail).toMatch(/^JSON parse error - \S/);
  });

  it.each([
    ['[]', 'list'],
    ['"text"', 'str'],
    ['42', 'int'],
    ['null', 'null'],
  ])('400 "Expected a dictionary" for the JSON body %s', async (body, type) => {
    const res = await post(body, { 'Content-Type': 'application/json' });
    await expectError(res, 400, {
      non_field_errors: [`Invalid data. Expected a dictionary, but got ${type}.`],
    });
  });

  it.each([
    ['multipart without a boundary', 'username=bench', 'multipart/form-data'],
    ['multipart with a wrong boundary', '--x\r\nnot a part\r\n', 'multipart/form-data; boundary=zzz'],
  ])('400 in DRF shape, never a 500, for %s', async (_name, body, type) => {
    const res = await post(body, { 'Content-Type': type });
    expect(res.status).toBe(400);
    const json = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(json).length).toBeGreaterThan(0);
    for (const value of Object.values(json))
      expect(typeof value === 'string' || Array.isArray(value)).toBe(true);
  });

  it('reads a form body with a bad percent-escape without failing', async () => {
    const res = await post('username=bench&password=%E0%A4%A', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    await expectError(res, 400, bad);
  });

  it.each(['text/plain', 'application/xml'])('415 for Content-Type %s', async (type) => {
    const res = await post('username=bench&password=bench-password-123', { 'Content-Type': type });
    await expectError(res, 415, { detail: `Unsupported media type "${type}" in request.` });
  });

  it('413 for a body over MAX_BODY_BYTES, with a length header or streamed', async () => {
    const big = JSON.stringify({ username: 'bench', password: 'x'.repeat(70_000) });
    await expectError(await post(big, { 'Content-Type': 'application/json' }), 413, {
      detail: MESSAGES.tooLarge,
    });
    const stream = new Blob([big]).stream();
    const res = await t.app.request(LOGIN, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, { detail: MESSAGES.tooLarge });
    const form = `username=bench&password=${'y'.repeat(70_000)}`;
    const formRes = await post(form, { 'Content-Type': 'application/x-www-form-urlencoded' });
    await expectError(formRes, 413, { detail: MESSAGES.tooLarge });
  });

  it('judges a body by its Content-Length when it has one, and by its bytes when it is chunked', async () => {
    t = await testApp({ MAX_BODY_BYTES: '256' });
    const send = (body: string, headers: Record<string, string>) =>
      t.app.request(LOGIN, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body,
      });
    const fits = JSON.stringify({ username: 'bench', password: PASSWORD });
    const over = JSON.stringify({ username: 'bench', password: 'z'.repeat(300) });
    // With a length header the length decides, before any byte is read (the path @hono/node-server takes).
    await expectLoggedIn(await send(fits, { 'Content-Length': String(Buffer.byteLength(fits)) }));
    await expectError(await send(over, { 'Content-Length': String(Buffer.byteLength(over)) }), 413, {
      detail: MESSAGES.tooLarge,
    });
    // With Transfer-Encoding the bytes are counted as they arrive, whatever a length header says.
    await expectError(await send(over, { 'Content-Length': '10', 'Transfer-Encoding': 'chunked' }), 413, {
      detail: MESSAGES.tooLarge,
    });
  });

  it('honours a smaller MAX_BODY_BYTES', async () => {
    t = await testApp({ MAX_BODY_BYTES: '256' });
    const body = { username: 'bench', password: 'z'.repeat(300) };
    await expectError(await postJson(body), 413, { detail: MESSAGES.tooLarge });
    await expectLoggedIn(await postJson({ username: 'bench', password: PASSWORD }));
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('405 with Allow for %s', async (method) => {
    const res = await t.call(method, LOGIN);
    await expectError(res, 405, { detail: `Method "${method}" not allowed.` });
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers a plain OPTIONS with the allowed methods (DRF also sends a metadata body, which no client reads)', async () => {
    const res = await t.call('OPTIONS', LOGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('refuses an inactive user like a bad password', async () => {
    await t.user('sleepy', PASSWORD, { isActive: false });
    await expectError(await postJson({ username: 'sleepy', password: PASSWORD }), 400, bad);
    expect(await t.services.db.select().from(tokens)).toHaveLength(0);
  });
});

describe('passwords and keys at rest', () => {
  it('verifies a Django pbkdf2_sha256 hash at login and upgrades it to argon2id', async () => {
    const user = await t.user('django', 'placeholder-password');
    const salt = 'Xq3LWkz1nDf9RvTg2hYb7m';
    const iterations = 100_000;
    const digest = pbkdf2Sync('legacy p\u00e4ss', salt, iterations, 32, 'sha256').toString('base64');
    const legacy = `pbkdf2_sha256$${iterations}$${salt}$${digest}`;
    await t.services.db.update(users).set({ password: legacy }).where(eq(users.id, user.id));

    await expectError(await postJson({ username: 'django', password: 'legacy pass' }), 400, bad);
    const [unchanged] = await t.services.db.select().from(users).where(eq(users.id, user.id));
    expect(unchanged?.password).toBe(legacy);

    await expectLoggedIn(await postJson({ username: 'django', password: 'legacy p\u00e4ss' }), 'django');
    const [upgraded] = await t.services.db.select().from(users).where(eq(users.id, user.id));
    expect(upgraded?.password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(upgraded?.lastLogin).toBeInstanceOf(Date);
    await expectLoggedIn(await postJson({ username: 'django', password: 'legacy p\u00e4ss' }), 'django');
  });

  it('stores only a digest and a display prefix of each key, never the key', async () => {
    const alice = await t.user('alice', PASSWORD);
    const key = await t.login('alice', PASSWORD, 'laptop');
    const rows = await t.services.db.select().from(tokens);
    expect(rows).toHaveLength(1);
    const row = rows[0] as (typeof rows)[number];
    expect(row.digest).toBe(createHash('sha256').update(key).digest('hex'));
    expect(row.prefix).toBe(key.slice(0, 8));
    expect(row.userId).toBe(alice.id);
    const secret = key.slice(8);
    for (const table of ['tokens', 'users', 'sessions']) {
      const dump = JSON.stringify(await t.services.db.execute(sql.raw(`select * from ${table}`)));
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(PASSWORD);
    }
    expect(await t.services.db.select().from(sessions)).toHaveLength(0);
  });

  it('an unknown username costs as much password work as a wrong password (CPU time, not wall-clock)', async () => {
    await t.user('bench', PASSWORD);
    // CPU time of this process (the argon2 thread pool included), which other processes on a shared
    // machine do not inflate the way they stretch wall-clock time. Without the dummy verification an
    // unknown user's login would cost a few percent of a known user's.
    const cpu = async (username: string) => {
      const before = process.cpuUsage();
      const res = await postJson({ username, password: 'definitely-wrong' });
      const used = process.cpuUsage(before);
      expect(res.status).toBe(400);
      return (used.user + used.system) / 1000;
    };
    await cpu('nobody-warmup');
    await cpu('bench');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await cpu('bench'));
      unknown.push(await cpu(`nobody-${i}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const ratio = median(unknown) / median(known);
    const shown = `CPU ms: unknown ${unknown.map(Math.round)}, known ${known.map(Math.round)}`;
    expect(ratio, shown).toBeGreaterThan(0.5);
    expect(ratio, shown).toBeLessThan(2);
  });
});

describe('token authentication (test_auth, logout)', () => {
  let key: string;
  beforeEach(async () => {
    await t.user('bench', PASSWORD);
    key = await t.login('bench', PASSWORD);
  });

  const cases: [string, string | undefined, string][] = [
    ['no header', undefined, MESSAGES.notAuthenticated],
    ['"Token" alone', 'Token', MESSAGES.noCredentials],
    ['"Token " with trailing spaces', 'Token   ', MESSAGES.noCredentials],
    ['"Token a b"', 'Token a b', MESSAGES.spaces],
    ['a tab inside the key, split like Python', 'Token a\tb', MESSAGES.spaces],
    ['an unknown DRF-style key', 'Token 0123456789abcdef0123456789abcdef01234567', MESSAGES.invalidToken],
    [
      'a Latchkey key with a bad checksum',
      'Token lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      MESSAGES.invalidToken,
    ],
    ['a non-ASCII key', 'Token caf\u00e9', MESSAGES.invalidCharacters],
    ['a control character in the key', 'Token abc\u007f', MESSAGES.invalidCharacters],
    ['an unknown key under Bearer', 'Bearer nonsense', MESSAGES.invalidToken],
    ['another scheme', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', MESSAGES.notAuthenticated],
  ];

  for (const [method, path] of [
    ['GET', '/test_auth/'],
    ['POST', '/test_auth/'],
    ['POST', '/rest-auth/logout/'],
    ['POST', '/rest-auth/logoutall/'],
  ] as const) {
    it.each(cases)(`${method} ${path}: 401 with WWW-Authenticate for %s`, async (_name, header, detail) => {
      const res = await t.call(method, path, {
        headers: header === undefined ? {} : { Authorization: header },
      });
      await expectError(res, 401, { detail });
      expect(res.headers.get('www-authenticate')).toBe('Token');
    });
  }

  it('accepts the key with a lower-case keyword, as DRF does, and as Bearer (DRF refuses it; OAuth-style clients send it)', async () => {
    for (const header of [`token ${key}`, `Bearer ${key}`, `bearer ${key}`, `TOKEN  ${key}`]) {
      const res = await t.call('GET', '/test_auth', { headers: { Authorization: header } });
      expect({ header, status: res.status, body: await res.json() }).toEqual({
        header,
        status: 200,
        body: 'Hello bench!',
      });
    }
  });

  it('POST test_auth with no body, from the allowed origin', async () => {
    const res = await t.call('POST', '/test_auth/', {
      token: key,
      headers: { Origin: 'http://127.0.0.1:8001' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8001');
    expect(await res.json()).toBe('Hello bench! Posted!');
  });

  it('405 for PUT on test_auth with a valid key', async () => {
    const res = await t.call('PUT', '/test_auth/', { token: key });
    await expectError(res, 405, { detail: 'Method "PUT" not allowed.' });
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
  });

  it('404 in DRF shape for an unknown path (Django answers an HTML page a JSON client cannot read)', async () => {
    for (const path of ['/nope/', '/nope', '/rest-auth/nope/', '/test_auth/extra/']) {
      await expectError(await t.call('GET', path), 404, { detail: MESSAGES.notFound });
    }
  });

  it('logout revokes the key: reuse and a second logout are 401 Invalid token', async () => {
    const other = await t.login('bench', PASSWORD);
    const res = await t.call('POST', '/rest-auth/logout', {
      token: key,
      headers: { Origin: 'http://localhost:8001' },
    });
    await expectError(res, 200, { detail: MESSAGES.loggedOut });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8001');
    await expectError(await t.call('GET', '/test_auth/', { token: key }), 401, {
      detail: MESSAGES.invalidToken,
    });
    const again = await t.call('POST', '/rest-auth/logout/', { token: key });
    await expectError(again, 401, { detail: MESSAGES.invalidToken });
    expect(again.headers.get('www-authenticate')).toBe('Token');
    expect((await t.call('GET', '/test_auth/', { token: other })).status).toBe(200);
  });

  it('logout without a token is a 401, not a false success (dj-rest-auth answers 200 though nothing was revoked)', async () => {
    await expectError(await t.call('POST', '/rest-auth/logout/'), 401, { detail: MESSAGES.notAuthenticated });
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
  });

  it('405 for GET on logout', async () => {
    const res = await t.call('GET', '/rest-auth/logout/', { token: key });
    await expectError(res, 405, { detail: 'Method "GET" not allowed.' });
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await t.call('GET', '/test_auth/', { token: key })).status).toBe(200);
  });

  it('logoutall revokes every token of the user, and only theirs', async () => {
    const second = await t.login('bench', PASSWORD);
    await t.user('carol', PASSWORD);
    const carol = await t.login('carol', PASSWORD);
    await expectError(await t.call('POST', '/rest-auth/logoutall/', { token: second }), 200, {
      detail: MESSAGES.loggedOut,
    });
    for (const gone of [key, second]) {
      await expectError(await t.call('GET', '/test_auth/', { token: gone }), 401, {
        detail: MESSAGES.invalidToken,
      });
    }
    expect(await (await t.call('GET', '/test_auth/', { token: carol })).json()).toBe('Hello carol!');
  });

  it('an inactive user: existing tokens answer 401 "User inactive or deleted."', async () => {
    await t.services.db.update(users).set({ isActive: false }).where(eq(users.username, 'bench'));
    const res = await t.call('GET', '/test_auth/', { token: key });
    await expectError(res, 401, { detail: MESSAGES.inactive });
    expect(res.headers.get('www-authenticate')).toBe('Token');
    await expectError(await t.call('POST', '/rest-auth/logout/', { token: key }), 401, {
      detail: MESSAGES.inactive,
    });
    await expectError(await postJson({ username: 'bench', password: PASSWORD }), 400, bad);
  });

  it('a deleted user: tokens go with it, "Invalid token."', async () => {
    await t.services.db.delete(users).where(eq(users.username, 'bench'));
    await expectError(await t.call('GET', '/test_auth/', { token: key }), 401, {
      detail: MESSAGES.invalidToken,
    });
  });

  it('an expired token: "Invalid token."', async () => {
    await t.services.db.update(tokens).set({ expiresAt: new Date(Date.now() - 1000) });
    await expectError(await t.call('GET', '/test_auth/', { token: key }), 401, {
      detail: MESSAGES.invalidToken,
    });
  });

  it('a DRF 40-hex key imported from Django keeps working', async () => {
    const drfKey = '8066c60fe595705ac04a2e7e52e0f1b364e1cfd6';
    const [bench] = await t.services.db.select().from(users).where(eq(users.username, 'bench'));
    await t.services.db.insert(tokens).values({
      id: 'importeddrfkey01',
      userId: bench?.id as number,
      digest: createHash('sha256').update(drfKey).digest('hex'),
      prefix: drfKey.slice(0, 8),
    });
    expect(await (await t.call('GET', '/test_auth/', { token: drfKey })).json()).toBe('Hello bench!');
    await expectError(await t.call('POST', '/rest-auth/logout/', { token: drfKey }), 200, {
      detail: MESSAGES.loggedOut,
    });
    await expectError(await t.call('GET', '/test_auth/', { token: drfKey }), 401, {
      detail: MESSAGES.invalidToken,
    });
  });
});

describe('CORS', () => {
  const preflight = (origin: string, method: string, path: string) =>
    t.call('OPTIONS', path, {
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'authorization',
      },
    });

  it.each([
    ['http://127.0.0.1:8001', 'GET', '/test_auth/'],
    ['http://localhost:8001', 'POST', '/rest-auth/logout/'],
  ])('answers a preflight from %s for %s %s', async (origin, method, path) => {
    const res = await preflight(origin, method, path);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-methods')).toContain(method);
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
  });

  it('grants nothing to a disallowed origin, yet serves its requests as any non-browser client', async () => {
    await t.user('bench', PASSWORD);
    const res = await preflight('http://evil.example', 'GET', '/test_auth/');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const login = await post(`username=bench&password=${PASSWORD}`, {
      Origin: 'http://evil.example',
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
    const key = await expectLoggedIn(login);
    const get = await t.call('GET', '/test_auth/', {
      token: key,
      headers: { Origin: 'http://evil.example' },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a 401 to the allowed origin carries CORS headers so the page can read it', async () => {
    const res = await t.call('GET', '/test_auth/', { headers: { Origin: 'http://127.0.0.1:8001' } });
    await expectError(res, 401, { detail: MESSAGES.notAuthenticated });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8001');
    expect(res.headers.get('access-control-expose-headers')).toContain('www-authenticate');
  });
});
