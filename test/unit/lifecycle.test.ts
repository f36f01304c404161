/**
 * The pure parts of the token lifecycle: client addresses (socket bindings of Node and Deno,
 * X-Forwarded-For), throttle buckets, DRF's throttle message, the password policy's similarity
 * measure (Python's SequenceMatcher.quick_ratio), the common-password list, and Django hash conversion.
 */
import { describe, expect, it } from 'vitest';
import { convertHash } from '../../scripts/manage/import-django.ts';
import { lastForwardedFor, normalizeAddress, socketAddress } from '../../server/auth/client-ip.ts';
import { commonPasswords, passwordProblems, quickRatio } from '../../server/auth/password-policy.ts';
import { addressBucket, throttledMessage } from '../../server/auth/throttle.ts';

describe('client addresses', () => {
  it('reads the peer from @hono/node-server and Deno.serve bindings', () => {
    expect(socketAddress({ incoming: { socket: { remoteAddress: '192.0.2.1' } } })).toBe('192.0.2.1');
    expect(socketAddress({ server: { incoming: { socket: { remoteAddress: '192.0.2.2' } } } })).toBe(
      '192.0.2.2',
    );
    expect(socketAddress({ remoteAddr: { hostname: '2001:db8::1', port: 1 } })).toBe('2001:db8::1');
    expect(socketAddress(undefined)).toBeUndefined();
    expect(socketAddress({})).toBeUndefined();
  });

  it('normalises IPv4-mapped IPv6 and brackets', () => {
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('[2001:DB8::1]')).toBe('2001:db8::1');
  });

  it('takes the last X-Forwarded-For entry, without a port', () => {
    expect(lastForwardedFor('1.1.1.1, 2.2.2.2')).toBe('2.2.2.2');
    expect(lastForwardedFor('1.1.1.1,2.2.2.2:8080')).toBe('2.2.2.2');
    expect(lastForwardedFor('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(lastForwardedFor('2001:db8::1')).toBe('2001:db8::1');
    expect(lastForwardedFor(' , ')).toBeUndefined();
    expect(lastForwardedFor(undefined)).toBeUndefined();
  });
});

describe('throttle buckets and messages', () => {
  it('counts IPv4 addresses singly and IPv6 addresses by /64', () => {
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('unknown')).toBe('unknown');
  });

  it('words the wait as DRF does', () => {
    expect(throttledMessage(1)).toBe('Request was throttled. Expected available in 1 second.');
    expect(throttledMessage(900)).toBe('Request was throttled. Expected available in 900 seconds.');
  });
});

describe('password policy', () => {
  it('measures similarity like SequenceMatcher.quick_ratio', () => {
    expect(quickRatio([...'abcd'], [...'bcde'])).toBeCloseTo(0.75);
    expect(quickRatio([...'alice-99'], [...'alice'])).toBeCloseTo(10 / 13);
    expect(quickRatio([], [])).toBe(1);
  });

  it('lists thousands of common passwords, lowercase, with the comment header left out', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThan(5000);
    expect(list.has('password')).toBe(true);
    expect(list.has('#1stunna')).toBe(true);
    expect([...list].some((p) => p.startsWith('# '))).toBe(false);
    expect([...list].every((p) => p === p.toLowerCase())).toBe(true);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('🔑🔑🔑🔑🔑🔑🔑', { username: 'x' })).toEqual([
      'This password is too short. It must contain at least 8 characters.',
    ]);
    expect(passwordProblems('🔑🔑🔑🔑🔑🔑🔑🔑', { username: 'x' })).toEqual([]);
  });
});

describe("Django's password hashes", () => {
  it('keeps pbkdf2 and rewrites Django argon2 to PHC', () => {
    expect(convertHash('pbkdf2_sha256$260000$s$h')).toEqual({
      password: 'pbkdf2_sha256$260000$s$h',
      verifiable: true,
    });
    expect(convertHash('argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA')).toEqual({
      password: '$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA',
      verifiable: true,
    });
    expect(convertHash('!unusable').verifiable).toBe(false);
    expect(convertHash('bcrypt_sha256$$2b$12$abc').verifiable).toBe(false);
  });
});
