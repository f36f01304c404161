/**
 * The verify cache's own rules, without a database: bounded by entry count, a maximum age, misses for
 * entries past their cached expiry, nothing served or stored while untrusted, and no result stored when
 * an invalidation happened while it was being read.
 */
import { describe, expect, it } from 'vitest';
import type { TokenWithUser } from '../../server/auth/token-store.ts';
import { parseChange, VerifyCache } from '../../server/auth/verify-cache.ts';

function found(tokenId: string, userId: number, expiresAt: Date | null = null): TokenWithUser {
  return {
    token: {
      id: tokenId,
      createdAt: new Date(0),
      expiresAt,
      lastUsedAt: null,
      scopes: null,
      customLifetime: false,
      idleTtl: null,
      maxExpiresAt: null,
    },
    user: {
      id: userId,
      username: `u${userId}`,
      email: '',
      firstName: '',
      lastName: '',
      isActive: true,
      isStaff: false,
      isSuperuser: false,
    },
  };
}

function trustedCache(maxEntries = 3, maxAgeSeconds = 60) {
  const cache = new VerifyCache({ maxEntries, maxAgeSeconds });
  cache.setTrusted(true);
  return cache;
}

describe('VerifyCache', () => {
  it('serves what it stored', () => {
    const cache = trustedCache();
    cache.set('d1', found('t1', 1), cache.epoch, 0);
    expect(cache.get('d1', 1)?.token.id).toBe('t1');
  });

  it('serves and stores nothing until trusted, and starts empty whenever trust changes', () => {
    const cache = new VerifyCache({ maxEntries: 3, maxAgeSeconds: 60 });
    cache.set('d1', found('t1', 1), cache.epoch, 0);
    expect(cache.size).toBe(0);
    cache.setTrusted(true);
    cache.set('d1', found('t1', 1), cache.epoch, 0);
    cache.setTrusted(false);
    expect(cache.get('d1', 1)).toBeUndefined();
    cache.setTrusted(true);
    expect(cache.get('d1', 1)).toBeUndefined();
  });

  it('is off with zero entries', () => {
    const cache = new VerifyCache({ maxEntries: 0, maxAgeSeconds: 60 });
    cache.setTrusted(true);
    expect(cache.trusted).toBe(false);
    cache.set('d1', found('t1', 1), cache.epoch, 0);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, evicting the oldest', () => {
    const cache = trustedCache(3);
    for (let i = 0; i < 10; i++) cache.set(`d${i}`, found(`t${i}`, i), cache.epoch, 0);
    expect(cache.size).toBe(3);
    expect(cache.get('d9', 0)).toBeDefined();
    expect(cache.get('d0', 0)).toBeUndefined();
  });

  it('drops a result read before an invalidation (the read may predate the change)', () => {
    const cache = trustedCache();
    const epoch = cache.epoch;
    cache.forgetToken('unrelated');
    cache.set('d1', found('t1', 1), epoch, 0);
    expect(cache.get('d1', 0)).toBeUndefined();
  });

  it('forgets a token by id and a user with all their tokens', () => {
    const cache = trustedCache(10);
    cache.set('a', found('t1', 1), cache.epoch, 0);
    cache.set('b', found('t2', 1), cache.epoch, 0);
    cache.set('c', found('t3', 2), cache.epoch, 0);
    cache.apply({ kind: 'token', id: 't3' });
    expect(cache.get('c', 0)).toBeUndefined();
    cache.apply({ kind: 'user', id: 1 });
    expect(cache.size).toBe(0);
  });

  it('treats an entry past its maximum age or its cached expiry as a miss', () => {
    const cache = trustedCache(10, 60);
    cache.set('old', found('t1', 1), cache.epoch, 0);
    expect(cache.get('old', 60_001)).toBeUndefined();
    cache.set('expiring', found('t2', 1, new Date(5000)), cache.epoch, 0);
    expect(cache.get('expiring', 4999)).toBeDefined();
    expect(cache.get('expiring', 5000)).toBeUndefined();
  });

  it('reads the change payloads the triggers send, and nothing else', () => {
    expect(parseChange('t:abc')).toEqual({ kind: 'token', id: 'abc' });
    expect(parseChange('u:42')).toEqual({ kind: 'user', id: 42 });
    expect(parseChange('u:x')).toBeUndefined();
    expect(parseChange('other')).toBeUndefined();
  });
});
