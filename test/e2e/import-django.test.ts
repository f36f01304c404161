/**
 * Migration from DRF against a database that real Django created (a hand-made one would only test our
 * assumptions): the Django app in ../shared/bench/peer-django (outside this repository) runs Django + DRF
 * on its own PostgreSQL database; we log in there to get a genuine 40-hex key, stop it, run `manage
 * import-django` as a real process into PGlite and into PostgreSQL, and then use the same key and password
 * against Latchkey (in-process, on the imported database): the key authenticates, the pbkdf2 hash verifies
 * and is upgraded to argon2id, ids and flags survive, and a second run changes nothing.
 *
 * Needs the peer's Debian packages (python3-django python3-djangorestframework python3-django-cors-headers
 * python3-psycopg2 gunicorn; .ci/run installs them) and PostgreSQL at 127.0.0.1:5432 as `postgres`
 * (PEER_ADMIN_URL). Without them the suite is skipped with a message, and fails under CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDjango, readDjango } from '../../scripts/manage/import-django.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { type OpenDatabase, openDatabase } from '../../server/db/open.ts';
import { users } from '../../server/db/schema.ts';
import { createServices } from '../../server/services.ts';
import { freePort } from '../support/ports.ts';
import { describeNeeding } from '../support/prerequisites.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * The Django peer: PEER_DJANGO_DIR, else `shared/bench/peer-django` beside the checkout or beside any
 * folder above it (the main checkout and every worktree or clone under the same root find it).
 */
function findPeer(): string {
  if (process.env.PEER_DJANGO_DIR) return resolve(process.env.PEER_DJANGO_DIR);
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const candidate = join(dirname(dir), 'shared/bench/peer-django');
    if (existsSync(join(candidate, 'start.sh'))) return candidate;
    if (dirname(dir) === dir) return join(ROOT, '../shared/bench/peer-django');
  }
}
const PEER = findPeer();
const ADMIN_URL = process.env.PEER_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PACKAGES = [
  'python3-django',
  'python3-djangorestframework',
  'python3-django-cors-headers',
  'python3-psycopg2',
  'gunicorn',
];
const DJANGO_DB = `latchkey_e2e_django_${process.pid}`;
const TARGET_DB = `latchkey_e2e_import_${process.pid}`;
const DJANGO_URL = `postgres://peer_django:peer-django-pw@127.0.0.1:5432/${DJANGO_DB}`;

function installed(pkg: string): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

async function postgresAnswers(): Promise<boolean> {
  const sql = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const missing = PACKAGES.filter((p) => !installed(p));
const missingPrerequisite = !existsSync(join(PEER, 'start.sh'))
  ? `the Django peer is not at ${PEER} (set PEER_DJANGO_DIR)`
  : missing.length
    ? `Debian packages missing: ${missing.join(' ')} (apt-get install them, as .ci/run does)`
    : !(await postgresAnswers())
      ? `PostgreSQL does not answer at ${ADMIN_URL}`
      : undefined;

function manage(args: string[], env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/manage.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeNeeding('manage import-django from a real Django database', missingPrerequisite, () => {
  const state = mkdtempSync(join(tmpdir(), 'latchkey-import-'));
  const peerEnv = {
    ...process.env,
    PEER_DB: 'postgres',
    PEER_PG_DB: DJANGO_DB,
    PEER_STATE_DIR: join(state, 'peer'),
    PEER_SESSION_LOGIN: '0',
    PEER_WORKERS: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  let port = 0;
  let peerRunning = false;
  let key = '';
  let admin: postgres.Sql;

  const django = (code: string) =>
    execFileSync('/usr/bin/python3', ['manage.py', 'shell', '-c', code], {
      cwd: PEER,
      env: { ...peerEnv, DJANGO_SETTINGS_MODULE: 'peer.settings' },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    const role = await admin`select 1 from pg_roles where rolname = 'peer_django'`;
    if (!role.length) await admin.unsafe(`create role peer_django login password 'peer-django-pw'`);
    await admin.unsafe(`drop database if exists ${DJANGO_DB}`);
    await admin.unsafe(`create database ${DJANGO_DB} owner peer_django`);
    await admin.unsafe(`drop database if exists ${TARGET_DB}`);
    await admin.unsafe(`create database ${TARGET_DB}`);

    port = await freePort();
    execFileSync('bash', [join(PEER, 'start.sh'), String(port)], { env: peerEnv, stdio: 'pipe' });
    peerRunning = true;
    django(`
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
c = User.objects.create_user('carol', 'carol@example.com', 'carol-password-456', first_name='Carol', last_name='Shaw', is_staff=True)
Token.objects.create(user=c)
User.objects.create_user('dave', 'dave@example.com', 'dave-password-789', is_active=False)
e = User.objects.create_user('eve', 'eve@example.com'); e.set_unusable_password(); e.save()`);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/rest-auth/login/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-password-123' }),
    });
    expect(login.status).toBe(200);
    key = ((await login.json()) as { key: string }).key;
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    const check = await fetch(`${base}/test_auth/`, { headers: { Authorization: `Token ${key}` } });
    expect(await check.json()).toBe('Hello bench!');
    execFileSync('bash', [join(PEER, 'stop.sh'), String(port)], { env: peerEnv, stdio: 'pipe' });
    peerRunning = false;
  }, 180_000);

  afterAll(async () => {
    if (peerRunning) {
      spawnSync('bash', [join(PEER, 'stop.sh'), String(port)], { env: peerEnv, stdio: 'pipe' });
    }
    if (admin) {
      await admin.unsafe(`drop database if exists ${DJANGO_DB} with (force)`).catch(() => {});
      await admin.unsafe(`drop database if exists ${TARGET_DB} with (force)`).catch(() => {});
      await admin.end({ timeout: 2 });
    }
    rmSync(state, { recursive: true, force: true });
  });

  const targets = [
    { name: 'PGlite', env: () => ({ LATCHKEY_DATA_DIR: join(state, 'pglite') }) },
    {
      name: 'PostgreSQL',
      env: () => ({ DATABASE_URL: ADMIN_URL.replace(/\/[^/]*$/, `/${TARGET_DB}`) }),
    },
  ];

  describe.each(targets)('into $name', (target) => {
    let database: OpenDatabase;
    afterAll(async () => {
      await database?.close();
    });

    it('imports users and keys, then a second run changes nothing', () => {
      const first = manage(['import-django', '--database-url', DJANGO_URL], target.env());
      expect(first.stderr).toContain('1 user(s) have password hashes Latchkey cannot verify');
      expect(first.stderr).toContain('eve');
      expect(first.stdout).toContain('Imported 4 user(s) and 2 token(s) from Django; 0 user(s) already here');
      expect(first.status).toBe(0);
      const again = manage(['import-django'], { ...target.env(), DJANGO_DATABASE_URL: DJANGO_URL });
      expect(again.stdout).toContain('Imported 0 user(s) and 0 token(s) from Django; 4 user(s) already here');
      expect(again.status).toBe(0);
    });

    it('accepts the Django key and password, and upgrades the hash at login', async () => {
      const env = target.env();
      database = await openDatabase({
        databaseUrl: 'DATABASE_URL' in env ? env.DATABASE_URL : undefined,
        dataDir: 'LATCHKEY_DATA_DIR' in env ? env.LATCHKEY_DATA_DIR : undefined,
        holder: 'import-django e2e',
      });
      const config = loadConfig({ ...env, LOG_REQUESTS: 'false' });
      const services = createServices(config, database.db, () => {});
      const app = createApp(services);
      const call = (path: string, init: RequestInit = {}) => app.request(path, init);

      const greeting = await call('/test_auth/', { headers: { Authorization: `Token ${key}` } });
      expect(greeting.status).toBe(200);
      expect(await greeting.json()).toBe('Hello bench!');

      const source = await readDjango(DJANGO_URL);
      const djangoBench = source.users.find((u) => u.username === 'bench');
      const before = await services.users.byUsername('bench');
      expect(before?.id).toBe(djangoBench?.id);
      expect(before?.password).toBe(djangoBench?.password);
      expect(before?.password).toMatch(/^pbkdf2_sha256\$/);

      const login = await call('/rest-auth/login/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'bench', password: 'bench-password-123' }),
      });
      expect(login.status).toBe(200);
      const fresh = ((await login.json()) as { key: string }).key;
      expect(fresh).toMatch(/^lk_/);
      expect((await services.users.byUsername('bench'))?.password).toMatch(/^\$argon2id\$/);
      // The old key is a token of its own: still valid beside the new one, and listed without its key.
      const list = await call('/rest-auth/tokens/', { headers: { Authorization: `Token ${key}` } });
      const tokens = (await list.json()) as { prefix: string; label: string; current: boolean }[];
      expect(tokens).toHaveLength(2);
      expect(tokens.find((t) => t.current)).toMatchObject({
        prefix: key.slice(0, 8),
        label: expect.stringMatching(/^Django REST framework token \(created \d{4}-\d\d-\d\d\)$/),
      });
      expect(JSON.stringify(tokens)).not.toContain(key);

      const carol = await services.users.byUsername('carol');
      const djangoCarol = source.users.find((u) => u.username === 'carol');
      expect(carol).toMatchObject({
        id: djangoCarol?.id,
        email: 'carol@example.com',
        firstName: 'Carol',
        lastName: 'Shaw',
        isStaff: true,
        isSuperuser: false,
        isActive: true,
      });
      expect(carol?.dateJoined.getTime()).toBe(djangoCarol?.date_joined.getTime());
      const carolLogin = await call('/rest-auth/login/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'username=carol&password=carol-password-456',
      });
      expect(carolLogin.status).toBe(200);

      for (const [username, password] of [
        ['dave', 'dave-password-789'],
        ['eve', ''],
      ]) {
        const denied = await call('/rest-auth/login/', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password: password || 'anything-at-all' }),
        });
        expect(denied.status).toBe(400);
      }
      // The id sequence moved past the imported ids.
      const newbie = await services.users.create({ username: 'newbie', password: 'a-long-enough-password' });
      expect(newbie.id).toBeGreaterThan(Math.max(...source.users.map((u) => u.id)));
    });
  });

  it('refuses conflicting users unless told to skip them, writing nothing', async () => {
    const db = await openDatabase({ dataDir: join(state, 'conflicts'), holder: 'import-django e2e' });
    try {
      const services = createServices(loadConfig({}), db.db, () => {});
      // Someone else already has the name (in another case) under another id.
      const [taken] = await db.db
        .insert(users)
        .values({ id: 9999, username: 'BENCH', password: 'pbkdf2_sha256$1$salt$hash' })
        .returning();
      const source = await readDjango(DJANGO_URL);
      const benchId = source.users.find((u) => u.username === 'bench')?.id;
      const blocked = await importDjango(db.db, services.config, source);
      expect(blocked.conflicts).toEqual([`Django user 'bench' (id ${benchId}) is user id 9999 here`]);
      expect(blocked.imported).toBe(0);
      expect(await db.db.select({ id: users.id }).from(users)).toHaveLength(1);

      const dry = await importDjango(db.db, services.config, source, { skipConflicts: true, dryRun: true });
      expect(dry.imported).toBe(3);
      expect(await db.db.select({ id: users.id }).from(users)).toHaveLength(1);

      const partial = await importDjango(db.db, services.config, source, { skipConflicts: true });
      expect(partial).toMatchObject({ imported: 3, tokens: 1 });
      const [kept] = await db.db
        .select()
        .from(users)
        .where(eq(users.id, taken?.id ?? 0));
      expect(kept?.username).toBe('BENCH');
    } finally {
      await db.close();
    }
  });
});
