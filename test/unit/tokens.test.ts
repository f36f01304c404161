/**
 * Token keys, recognisable and self-checking: `lk_` + 30 base62 characters + a 6-character CRC32 checksum,
 * so any single changed character is caught without a database; DRF's 40-hex keys are accepted; only
 * digests are kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requireToken } from '../../server/auth/authenticate.ts';
import type { TokenStore } from '../../server/auth/token-store.ts';
import {
  DISPLAY_PREFIX_LENGTH,
  digestKey,
  displayPrefix,
  isWellFormedKey,
  makeKey,
  newTokenId,
  randomBase62,
} from '../../server/auth/tokens.ts';
import { ApiError, MESSAGES } from '../../server/errors.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Pearson's chi-square of character counts against the uniform distribution over the alphabet. A
 * `byte % 62` draw makes the first 8 characters 1.25x as frequent as the others: its statistic over
 * this sample is about 800, a uniform draw's about 61 (the degrees of freedom).
 */
function chiSquare(sample: string): number {
  const counts = new Map<string, number>();
  for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const expected = sample.length / ALPHABET.length;
  return [...ALPHABET].reduce((sum, ch) => sum + ((counts.get(ch) ?? 0) - expected) ** 2 / expected, 0);
}
const SAMPLE = 62 * 2000;
const DEGREES = ALPHABET.length - 1;
/** The chi-square value a uniform draw exceeds with probability 1e-6 (Wilson-Hilferty, z = 4.753): ~129. */
const CRITICAL = DEGREES * (1 - 2 / (9 * DEGREES) + 4.753 * Math.sqrt(2 / (9 * DEGREES))) ** 3;

describe('makeKey', () => {
  it('has the lk_ prefix, 36 base62 characters and a valid checksum', () => {
    for (let i = 0; i < 200; i++) {
      const key = makeKey();
      expect(key).toMatch(/^lk_[0-9A-Za-z]{36}$/);
      expect(key).toHaveLength(39);
      expect(isWellFormedKey(key)).toBe(true);
    }
  });

  it('carries at least 160 random bits, measured on the keys it makes', () => {
    const keys = Array.from({ length: 2000 }, makeKey);
    expect(new Set(keys).size).toBe(2000);
    const length = keys[0]?.length ?? 0;
    expect(keys.every((key) => key.length === length)).toBe(true);
    // Positions that change from key to key, and the characters they use.
    const varying: number[] = [];
    const used = new Set<string>();
    for (let i = 0; i < length; i++) {
      const seen = new Set(keys.map((key) => key[i] as string));
      if (seen.size === 1) continue;
      varying.push(i);
      for (const ch of seen) used.add(ch);
    }
    // The checksum varies too but adds nothing: a CRC32 is 32 bits, however many characters it takes.
    const checksumCharacters = Math.ceil(32 / Math.log2(used.size));
    const bits = (varying.length - checksumCharacters) * Math.log2(used.size);
    expect(bits, `${varying.length} varying characters over ${used.size} symbols`).toBeGreaterThanOrEqual(
      160,
    );
  });

  it('draws every base62 character uniformly: no modulo bias (chi-square, p < 1e-6 to fail)', () => {
    // In draws of 62 characters (getRandomValues takes at most 64 KiB at once).
    const sample = Array.from({ length: SAMPLE / 62 }, () => randomBase62(62)).join('');
    expect(new Set(sample).size).toBe(ALPHABET.length);
    expect(chiSquare(sample)).toBeLessThan(CRITICAL);
  });

  it('the bias check fails a `byte % 62` generator', () => {
    const biased = Array.from(randomBytes(SAMPLE), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
    expect(chiSquare(biased)).toBeGreaterThan(CRITICAL);
  });
});

describe('isWellFormedKey', () => {
  it('rejects every single-character change, in the body and in the checksum', () => {
    for (let k = 0; k < 20; k++) {
      const key = makeKey();
      for (let i = 3; i < key.length; i++) {
        for (const replacement of ['0', 'Z', 'z', 'a', '9']) {
          if (key[i] === replacement) continue;
          const forged = key.slice(0, i) + replacement + key.slice(i + 1);
          expect(isWellFormedKey(forged), `${forged} (position ${i})`).toBe(false);
        }
      }
    }
  });

  it('rejects two swapped neighbours, a changed prefix, and wrong lengths', () => {
    const key = makeKey();
    let swaps = 0;
    for (let i = 3; i < key.length - 1; i++) {
      if (key[i] === key[i + 1]) continue;
      swaps++;
      const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
      expect(isWellFormedKey(swapped)).toBe(false);
    }
    expect(swaps).toBeGreaterThan(20);
    expect(isWellFormedKey(`LK_${key.slice(3)}`)).toBe(false);
    expect(isWellFormedKey(`xx_${key.slice(3)}`)).toBe(false);
    expect(isWellFormedKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedKey(`${key}0`)).toBe(false);
    expect(isWellFormedKey(` ${key}`)).toBe(false);
    expect(isWellFormedKey('')).toBe(false);
  });

  it("accepts DRF's 40 lower-case hex keys, and only those", () => {
    const drf = createHash('sha1').update('x').digest('hex');
    expect(isWellFormedKey(drf)).toBe(true);
    expect(isWellFormedKey('8066c60fe595705ac04a2e7e52e0f1b364e1cfd6')).toBe(true);
    expect(isWellFormedKey(drf.toUpperCase())).toBe(false);
    expect(isWellFormedKey(drf.slice(1))).toBe(false);
    expect(isWellFormedKey(`${drf}a`)).toBe(false);
    expect(isWellFormedKey(`${drf.slice(1)}g`)).toBe(false);
  });
});

describe('digests and prefixes', () => {
  it('stores SHA-256 hex of the whole key and shows only its first characters', () => {
    const key = makeKey();
    expect(digestKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(digestKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix(key)).toBe(key.slice(0, DISPLAY_PREFIX_LENGTH));
    expect(DISPLAY_PREFIX_LENGTH).toBeLessThanOrEqual(8);
    expect(newTokenId()).toMatch(/^[0-9A-Za-z]{16}$/);
  });
});

describe('requireToken before the database', () => {
  /** A store that counts lookups: a forged key must be refused without one. */
  function countingApp() {
    const seen = { finds: 0 };
    const store = {
      lookup: async () => {
        seen.finds++;
        return undefined;
      },
    } as unknown as TokenStore;
    const app = new Hono();
    app.onError((err, c) => {
      if (err instanceof ApiError) return c.json(err.body, err.status, err.headers);
      throw err;
    });
    app.get('/p', requireToken(store), (c) => c.text('ok'));
    return { app, seen };
  }

  it('refuses a key with a bad checksum with "Invalid token." and no lookup', async () => {
    const { app, seen } = countingApp();
    const key = makeKey();
    const forged = `${key.slice(0, 10)}${key[10] === 'A' ? 'B' : 'A'}${key.slice(11)}`;
    for (const candidate of [forged, 'lk_short', 'not-a-key-at-all']) {
      const res = await app.request('/p', { headers: { Authorization: `Token ${candidate}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: MESSAGES.invalidToken });
    }
    expect(seen.finds).toBe(0);
    const res = await app.request('/p', { headers: { Authorization: `Token ${key}` } });
    expect(res.status).toBe(401);
    expect(seen.finds).toBe(1);
  });
});
