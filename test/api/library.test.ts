/**
 * @module
 * The library entry (`latchkey`) in a developer's own @hono/zod-openapi app: options validated like the
 * environment, Latchkey's routes mounted at the root and under a prefix, the token middleware on the
 * developer's route answering exactly as test_auth, the typed user and token on the context, one
 * merged OpenAPI document, close(). Runs once per driver.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import {
  ConfigError,
  configFromOptions,
  createLatchkey,
  createRouter,
  currentUser,
  type Latchkey,
  type LatchkeyEnv,
  loadConfig,
  mounted,
  optionalTrailingSlash,
} from 'latchkey';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokens } from '../../server/db/schema.ts';
import { driverDatabase } from '../support/driver-config.ts';

const whoAmI = createRoute({
  method: 'get',
  path: '/whoami/',
  operationId: 'whoAmI',
  security: [{ Token: [] }],
  responses: {
    200: {
      description: 'The caller',
      content: { 'application/json': { schema: z.object({ username: z.string(), token: z.string() }) } },
    },
  },
});

/** The developer's app of the README: Latchkey's routes under `prefix`, one protected route of theirs. */
function developerApp(latchkey: Latchkey, prefix: string) {
  const app = new OpenAPIHono<LatchkeyEnv>({ getPath: optionalTrailingSlash });
  app.route(prefix, latchkey.routes());
  app.openapi({ ...whoAmI, middleware: [latchkey.auth()] as const }, (c) =>
    c.json({ username: c.var.user.username, token: c.var.token.id }, 200),
  );
  // The same check through Latchkey's own route factories, for routes built the way Latchkey's are.
  const factoryBuilt = createRouter();
  factoryBuilt.openapi(mounted(latchkey.services, { ...whoAmI, path: '/factory/' }), (c) =>
    c.json({ username: currentUser(c).username, token: '' }, 200),
  );
  app.route('/', factoryBuilt);
  app.onError(latchkey.onError);
  return app;
}

describe('options given in code', () => {
  it.each([
    [{ TOKEN_TTL: -1 }, { TOKEN_TTL: '-1' }],
    [{ PORT: 70000 }, { PORT: '70000' }],
    [{ CORS_ALLOWED_ORIGINS: ['*'] }, { CORS_ALLOWED_ORIGINS: '*' }],
    [{ SESSION_LOGIN: 'maybe' }, { SESSION_LOGIN: 'maybe' }],
    [{ DATABASE_URL: 'mysql://x' }, { DATABASE_URL: 'mysql://x' }],
  ])('%j fails with the environment check message', (options, env) => {
    let fromEnv = '';
    try {
      loadConfig(env);
    } catch (err) {
      fromEnv = (err as Error).message;
    }
    expect(fromEnv).toMatch(/^invalid \w+/);
    expect(() => configFromOptions(options as never)).toThrow(new ConfigError(fromEnv));
  });

  it('rejects an unknown option by name, before opening any database', async () => {
    await expect(createLatchkey({ config: { TOKEN_TLL: 60 } as never })).rejects.toThrow(
      /^invalid TOKEN_TLL: unknown option \(expected one of PORT, /,
    );
    await expect(createLatchkey({ config: { TOKEN_TTL: 1.5 } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('passes a validated Config through unchanged (what the standalone entries hand it)', () => {
    for (const env of [{}, { CORS_ALLOWED_ORIGINS: 'none', TRUST_PROXY: 'true', TOKEN_TTL: '0' }]) {
      const config = loadConfig(env);
      expect(configFromOptions(config)).toEqual(config);
    }
  });

  it('takes typed values, and config wins over env', () => {
    const config = configFromOptions(
      { TOKEN_TTL: 60, SESSION_LOGIN: true, CORS_ALLOWED_ORIGINS: [] },
      { TOKEN_TTL: '5', TOKEN_MAX_TTL: '600' },
    );
    expect(config).toMatchObject({
      TOKEN_TTL: 60,
      TOKEN_MAX_TTL: 600,
      SESSION_LOGIN: true,
      CORS_ALLOWED_ORIGINS: [],
    });
  });
});

describe('Latchkey in a developer app', () => {
  let latchkey: Latchkey;
  let drop: () => Promise<void>;
  let atRoot: ReturnType<typeof developerApp>;
  let prefixed: ReturnType<typeof developerApp>;
  let password: string;

  const send = (app: typeof atRoot, path: string, init: RequestInit = {}) =>
    Promise.resolve(app.request(path, init));
  const login = async (app: typeof atRoot, path: string, username: string) => {
    const res = await send(app, path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { key: string }).key;
  };
  const answer = async (res: Response) => ({
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: await res.json(),
  });

  beforeAll(async () => {
    const database = await driverDatabase('library');
    drop = database.drop;
    latchkey = await createLatchkey({ config: { ...database.config, LOG_REQUESTS: false } });
    atRoot = developerApp(latchkey, '/');
    prefixed = developerApp(latchkey, '/auth');
    password = 'correct-horse-battery';
    await latchkey.services.users.create({ username: 'alice', password });
    await latchkey.services.users.create({ username: 'bob', password });
  });
  afterAll(async () => {
    await latchkey?.close();
    await latchkey?.close();
    await drop?.();
  });

  it('mounts the routes at the root and under a prefix, trailing slash optional', async () => {
    const key = await login(atRoot, '/rest-auth/login', 'alice');
    const hello = await send(atRoot, '/test_auth', { headers: { Authorization: `Token ${key}` } });
    expect(await hello.json()).toBe('Hello alice!');
    const prefixedKey = await login(prefixed, '/auth/rest-auth/login/', 'alice');
    const user = await send(prefixed, '/auth/rest-auth/user/', {
      headers: { Authorization: `Token ${prefixedKey}` },
    });
    expect(await user.json()).toMatchObject({ username: 'alice' });
    expect((await send(prefixed, '/rest-auth/login/', { method: 'POST' })).status).toBe(404);
  });

  it('puts the typed user and token on the context of the developer route', async () => {
    const key = await login(atRoot, '/rest-auth/login/', 'bob');
    const res = await send(atRoot, '/whoami/', { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { username: string; token: string };
    expect(body.username).toBe('bob');
    const [row] = await latchkey.database.db.select().from(tokens).where(eq(tokens.id, body.token));
    expect(row?.userId).toBeDefined();
  });

  it('answers every credential on the developer route exactly as test_auth does', async () => {
    const key = await login(atRoot, '/rest-auth/login/', 'alice');
    const revoked = await login(atRoot, '/rest-auth/login/', 'alice');
    await send(atRoot, '/rest-auth/logout/', {
      method: 'POST',
      headers: { Authorization: `Token ${revoked}` },
    });
    const expired = await login(atRoot, '/rest-auth/login/', 'alice');
    await latchkey.database.db
      .update(tokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(tokens.prefix, expired.slice(0, 8)));
    const headers = [
      undefined,
      'Token',
      'token',
      'Token a b',
      'Token caf\u00e9',
      'Token \u0001',
      'Token lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'Token 0123456789abcdef0123456789abcdef01234567',
      `Token ${revoked}`,
      `Token ${expired}`,
      `Basic ${btoa('alice:x')}`,
      `Token ${key}`,
    ];
    for (const header of headers) {
      const init: RequestInit = { headers: header ? { Authorization: header } : {} };
      const theirs = await answer(await send(atRoot, '/whoami/', init));
      const tutorial = await answer(await send(atRoot, '/test_auth/', init));
      const factory = await answer(await send(atRoot, '/factory/', init));
      if (header === `Token ${key}`) {
        expect(theirs.status, header).toBe(200);
        expect(tutorial.status, header).toBe(200);
        expect(factory.status, header).toBe(200);
        continue;
      }
      expect(theirs.status, String(header)).toBe(401);
      expect(theirs, String(header)).toEqual(tutorial);
      expect(factory, String(header)).toEqual(tutorial);
    }
  });

  it("keeps the headers the developer's own middleware staged on its 401s and 200s (their CORS, say)", async () => {
    const app = new OpenAPIHono<LatchkeyEnv>();
    app.use(async (c, next) => {
      c.header('X-Their-Header', 'kept');
      await next();
    });
    app.route('/', latchkey.routes());
    app.openapi({ ...whoAmI, middleware: [latchkey.auth()] as const }, (c) =>
      c.json({ username: c.var.user.username, token: c.var.token.id }, 200),
    );
    const key = await login(atRoot, '/rest-auth/login/', 'alice');
    for (const [path, header, status] of [
      ['/whoami/', undefined, 401],
      ['/whoami/', 'Token lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401],
      ['/test_auth/', undefined, 401],
      ['/test_auth/', `Token ${key}`, 200],
      ['/whoami/', `Token ${key}`, 200],
    ] as const) {
      const res = await app.request(path, { headers: header ? { Authorization: header } : {} });
      expect(res.status, `${path} ${header}`).toBe(status);
      expect(res.headers.get('x-their-header'), `${path} ${header}`).toBe('kept');
      expect(res.headers.get('content-type'), `${path} ${header}`).toMatch(/^application\/json/);
    }
  });

  it('answers 401 "User inactive or deleted." once the user is deactivated', async () => {
    const carol = await latchkey.services.users.create({ username: 'carol', password });
    const key = await login(atRoot, '/rest-auth/login/', 'carol');
    expect((await send(atRoot, '/whoami/', { headers: { Authorization: `Token ${key}` } })).status).toBe(200);
    // Through the store, as the admin API does: it also forgets the user in this instance's verify cache.
    await latchkey.services.users.update(carol.id, { isActive: false });
    const res = await send(atRoot, '/whoami/', { headers: { Authorization: `Token ${key}` } });
    expect(await answer(res)).toEqual({
      status: 401,
      challenge: 'Token',
      body: { detail: 'User inactive or deleted.' },
    });
  });

  it("merges Latchkey's operations and security schemes into the developer's contract", () => {
    const doc = prefixed.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Mine', version: '1' } });
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['Session', 'Token']);
    expect(doc.paths?.['/auth/rest-auth/login/']?.post?.operationId).toBe('login');
    expect(doc.paths?.['/auth/admin/api/users/']).toBeDefined();
    expect(doc.paths?.['/whoami/']?.get?.security).toEqual([{ Token: [] }]);
  });
});
