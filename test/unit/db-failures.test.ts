/**
 * What counts as "the database is unavailable" (a 503) rather than a bug (a 500): postgres.js and
 * socket errors, transient SQLSTATEs, also when Drizzle wraps them in a cause chain.
 */
import { describe, expect, it } from 'vitest';
import { databaseErrorCode, isDatabaseUnavailable, reconnectBackoff } from '../../server/db/failures.ts';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
const wrapped = (cause: unknown) => new Error('Failed query: select 1\nparams: secret', { cause });

describe('isDatabaseUnavailable', () => {
  it('recognises connection failures and transient server states, wrapped or not', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'CONNECT_TIMEOUT',
      'CONNECTION_CLOSED',
      'CONNECTION_ENDED',
      '57P01', // admin shutdown
      '57P03', // cannot connect now
      '53300', // too many connections
      '57014', // statement timeout, our pool timeout
      '08006',
      '40P01',
    ]) {
      expect(isDatabaseUnavailable(coded(code)), code).toBe(true);
      expect(isDatabaseUnavailable(wrapped(coded(code))), `wrapped ${code}`).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error('PGlite is closed'))).toBe(true);
  });

  it('leaves bugs and bad input alone', () => {
    for (const code of ['23505', '22021', '42P01', '22P02']) {
      expect(isDatabaseUnavailable(wrapped(coded(code))), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it('logs the innermost code, never the query or its parameters', () => {
    expect(databaseErrorCode(wrapped(coded('ECONNREFUSED')))).toBe('ECONNREFUSED');
  });

  it('retries a lost connection within half a second, however often it failed', () => {
    expect(reconnectBackoff(0)).toBeLessThan(0.1);
    expect(reconnectBackoff(50)).toBe(0.5);
  });
});
