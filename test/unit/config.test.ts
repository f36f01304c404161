/**
 * Configuration, so an operator never runs with a silently ignored setting: every option has a default,
 * booleans accept true/false/1/0, durations are whole seconds, and a bad value is a ConfigError naming the
 * variable (one line, as start-up prints it).
 */
import { describe, expect, it } from 'vitest';
import { startupFailure } from '../../server/bootstrap.ts';
import { ConfigError, loadConfig, MAX_COOKIE_AGE, redactCredentials } from '../../server/config.ts';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig defaults', () => {
  it('gives every documented default for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8000,
      HOST: '127.0.0.1',
      LATCHKEY_DATA_DIR: './data',
      CORS_ALLOWED_ORIGINS: ['http://127.0.0.1:8001', 'http://localhost:8001'],
      TOKEN_TTL: 36_000,
      TOKEN_MAX_TTL: 2_592_000,
      TOKEN_REFRESH_INTERVAL: 60,
      TOKEN_LIMIT_PER_USER: 0,
      TOKEN_LIMIT_POLICY: 'evict-oldest',
      SESSION_LOGIN: false,
      TRUST_PROXY: false,
      MAX_BODY_BYTES: 65_536,
      LOG_REQUESTS: true,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty and blank values as unset, and ignores unrelated variables', () => {
    const config = loadConfig({ PORT: '', TOKEN_TTL: '  ', HOME: '/root', PATH: '/bin' });
    expect(config.PORT).toBe(8000);
    expect(config.TOKEN_TTL).toBe(36_000);
    expect(config).not.toHaveProperty('HOME');
  });

  it('reads valid values', () => {
    const config = loadConfig({
      PORT: '8111',
      HOST: '::1',
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
      TOKEN_TTL: '0',
      TOKEN_MAX_TTL: '0',
      TOKEN_LIMIT_POLICY: 'reject',
      CORS_ALLOWED_ORIGINS: ' https://app.example.com , http://localhost:3000,',
      MAX_BODY_BYTES: '1024',
    });
    expect(config).toMatchObject({
      PORT: 8111,
      HOST: '::1',
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
      TOKEN_TTL: 0,
      TOKEN_MAX_TTL: 0,
      TOKEN_LIMIT_POLICY: 'reject',
      CORS_ALLOWED_ORIGINS: ['https://app.example.com', 'http://localhost:3000'],
      MAX_BODY_BYTES: 1024,
    });
  });
});

describe('booleans', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
  ])('%s -> %s', (value, expected) => {
    expect(loadConfig({ SESSION_LOGIN: value }).SESSION_LOGIN).toBe(expected);
    expect(loadConfig({ LOG_REQUESTS: value }).LOG_REQUESTS).toBe(expected);
  });

  it.each(['maybe', '2', 'enabled', 'tru'])('refuses %s, naming the variable', (value) => {
    const err = failure({ TRUST_PROXY: value });
    expect(err.message).toContain('TRUST_PROXY');
    expect(err.message).toContain(value);
  });
});

describe('bad values', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['DATABASE_URL', '127.0.0.1:5432'],
    ['TOKEN_TTL', '10m'],
    ['TOKEN_TTL', '-5'],
    ['TOKEN_TTL', '1.5'],
    ['TOKEN_MAX_TTL', 'forever'],
    ['TOKEN_REFRESH_INTERVAL', '-1'],
    ['TOKEN_LIMIT_PER_USER', '-3'],
    ['TOKEN_LIMIT_POLICY', 'drop'],
    ['SESSION_TTL', 'a week'],
    ['SESSION_TTL', '0'],
    ['SESSION_IDLE_TIMEOUT', '0'],
    ['SESSION_IDLE_TIMEOUT_STAFF', '0'],
    ['SESSION_IDLE_TIMEOUT', '1h'],
    ['LOGIN_THROTTLE_USER', 'many'],
    ['LOGIN_THROTTLE_IP', '-1'],
    ['LOGIN_THROTTLE_WINDOW', '5.5'],
    ['MAX_BODY_BYTES', '10'],
    ['MAX_BODY_BYTES', 'lots'],
    ['SESSION_LOGIN', 'perhaps'],
    ['DEMO_USER', 'y e s'],
    ['CORS_ALLOWED_ORIGINS', 'not a url'],
    ['CORS_ALLOWED_ORIGINS', 'http://127.0.0.1:8001/app/'],
    ['CORS_ALLOWED_ORIGINS', 'http://ok.example,ftp//broken'],
  ])('%s=%s is a ConfigError naming the variable, on one line', (name, value) => {
    const err = failure({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(new RegExp(`\\b${name}\\b`));
    expect(err.message).not.toContain('\n');
  });

  it.each(['*', 'http://127.0.0.1:8001,*', ' * '])(
    'refuses the CORS wildcard %j with credentials',
    (value) => {
      const err = failure({ CORS_ALLOWED_ORIGINS: value });
      expect(err.message).toContain('CORS_ALLOWED_ORIGINS');
      expect(err.message).toMatch(/wildcard/);
    },
  );

  it('suggests the origin when a path was given', () => {
    expect(failure({ CORS_ALLOWED_ORIGINS: 'http://localhost:8001/' }).message).toContain(
      '"http://localhost:8001"',
    );
  });
});

describe('edges that used to pass validation and fail later', () => {
  it('bounds SESSION_TTL by the 400 days a cookie may last (login answered 500 after making the token)', () => {
    expect(loadConfig({ SESSION_TTL: String(MAX_COOKIE_AGE) }).SESSION_TTL).toBe(34_560_000);
    const err = failure({ SESSION_TTL: String(MAX_COOKIE_AGE + 1) });
    expect(err.message).toContain('SESSION_TTL');
    expect(err.message).toContain('400 days');
  });

  it('bounds the session idle timeouts by SESSION_TTL: an explicit one above is refused, a default one is cut', () => {
    const defaults = loadConfig({});
    expect([defaults.SESSION_IDLE_TIMEOUT, defaults.SESSION_IDLE_TIMEOUT_STAFF]).toEqual([7200, 1800]);
    for (const name of ['SESSION_IDLE_TIMEOUT', 'SESSION_IDLE_TIMEOUT_STAFF']) {
      const err = failure({ SESSION_TTL: '600', [name]: '601' });
      expect(err.message).toContain(name);
      expect(err.message).toContain('SESSION_TTL');
      expect(loadConfig({ SESSION_TTL: '600', [name]: '600' })[name as 'SESSION_TTL']).toBe(600);
    }
    const short = loadConfig({ SESSION_TTL: '600' });
    expect([short.SESSION_IDLE_TIMEOUT, short.SESSION_IDLE_TIMEOUT_STAFF]).toEqual([600, 600]);
  });

  it('refuses LOGIN_THROTTLE_WINDOW=0 (it silently turned throttling off) and says how to turn it off', () => {
    const err = failure({ LOGIN_THROTTLE_WINDOW: '0' });
    expect(err.message).toContain('LOGIN_THROTTLE_WINDOW');
    expect(err.message).toContain('LOGIN_THROTTLE_USER=0');
  });

  it('never shows the password of a bad DATABASE_URL', () => {
    const err = failure({ DATABASE_URL: 'postgress://app:s3cret-Pa55@db.example:5432/app' });
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).toContain('postgress://app:***@db.example:5432/app');
    expect(err.message).not.toContain('s3cret');
    expect(startupFailure(err)).not.toContain('s3cret');
  });

  it('redacts credentials in any start-up failure, a driver error quoting the URL included', () => {
    const err = new Error('connect failed for postgres://app:p@ss:w0rd@10.0.0.1:5432/app (timeout)');
    const line = startupFailure(err);
    expect(line).toContain('postgres://app:***@10.0.0.1:5432/app');
    expect(line).not.toMatch(/p@ss|w0rd/);
    expect(redactCredentials('postgres://localhost/app')).toBe('postgres://localhost/app');
    expect(redactCredentials('user@example.com')).toBe('user@example.com');
  });
});
