/**
 * Passwords, stored so a stolen database does not give them away: argon2id with OWASP's parameters in
 * PHC format, Django pbkdf2_sha256 hashes verified and flagged for upgrade, corrupt hashes never
 * matching, every login check doing the same verification work whatever the stored hash (counted, not
 * timed: the machine is shared), and hashing kept off the event loop.
 */
import { pbkdf2Sync } from 'node:crypto';
import { hash as argon2Hash, hashSync as argon2HashSync } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  verificationWork,
  verifyInEqualWork,
  verifyPassword,
} from '../../server/auth/passwords.ts';

const PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

function django(password: string, salt = 'p9Dd2XpJ8ZkQvR1sLw0aYc', iterations = 50_000): string {
  const hash = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${hash}`;
}

/** The verification work `fn` did (argon2id verifications, PBKDF2 iterations). */
async function workOf(fn: () => Promise<unknown>) {
  const before = { ...verificationWork };
  await fn();
  return {
    argon2id: verificationWork.argon2id - before.argon2id,
    pbkdf2Iterations: verificationWork.pbkdf2Iterations - before.pbkdf2Iterations,
  };
}

describe('hashPassword', () => {
  it('produces argon2id PHC strings with m=19456, t=2, p=1 and a fresh salt each time', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(PHC);
    expect(b).toMatch(PHC);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
  });
});

describe('verifyPassword', () => {
  it('accepts the password and nothing else, exactly as given', async () => {
    const stored = await hashPassword(' s\u00e9cret ');
    expect(await verifyPassword(' s\u00e9cret ', stored)).toBe(true);
    for (const wrong of ['s\u00e9cret', ' s\u00e9cret', ' S\u00c9CRET ', ' secret ', '', ' s\u00e9cret  ']) {
      expect(await verifyPassword(wrong, stored), JSON.stringify(wrong)).toBe(false);
    }
  });

  it('verifies Django pbkdf2_sha256 hashes, as Django encodes them', async () => {
    const stored = django('legacy p\u00e4ssword');
    expect(await verifyPassword('legacy p\u00e4ssword', stored)).toBe(true);
    expect(await verifyPassword('legacy password', stored)).toBe(false);
    expect(await verifyPassword('legacy p\u00e4ssword', django('other'))).toBe(false);
    const [, iterations, salt, hash] = stored.split('$');
    expect(
      await verifyPassword('legacy p\u00e4ssword', `pbkdf2_sha256$${Number(iterations) + 1}$${salt}$${hash}`),
    ).toBe(false);
    expect(await verifyPassword('legacy p\u00e4ssword', `pbkdf2_sha256$${iterations}$${salt}x$${hash}`)).toBe(
      false,
    );
  });

  it('answers false, never throws, for corrupt or unknown hashes', async () => {
    const good = await hashPassword('pw');
    const corrupt = [
      '',
      '!',
      'pw',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$garbage',
      good.slice(0, -10),
      `${good.slice(0, -4)}!!!!`,
      'pbkdf2_sha256$',
      'pbkdf2_sha256$abc$salt$hash',
      'pbkdf2_sha256$0$salt$aGFzaA==',
      'pbkdf2_sha256$-5$salt$aGFzaA==',
      'pbkdf2_sha256$1000$$aGFzaA==',
      'pbkdf2_sha256$1000$salt$not base64 at all %%%',
      'pbkdf2_sha1$1000$salt$aGFzaA==',
      'md5$salt$5f4dcc3b5aa765d61d8327deb882cf99',
      'bcrypt$$2b$12$abcdefghijklmnopqrstuv',
    ];
    for (const stored of corrupt) {
      await expect(verifyPassword('pw', stored), stored).resolves.toBe(false);
    }
  });
});

describe('needsRehash', () => {
  it('keeps current argon2id hashes and flags everything else', async () => {
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
    expect(needsRehash(django('pw'))).toBe(true);
    const weaker = await argon2Hash('pw', { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(weaker).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword('pw', weaker)).toBe(true);
    expect(needsRehash(weaker)).toBe(true);
    const argon2i = await argon2Hash('pw', { algorithm: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(needsRehash(argon2i)).toBe(true);
    expect(needsRehash('')).toBe(true);
  });
});

describe('timing', () => {
  it('every login check does the same work whatever the stored hash, or none (unknown user)', async () => {
    const current = await hashPassword('the real one');
    const legacy = django('the real one', 'salt0123456789abcdefgh', 3000);
    const stored: Record<string, string | undefined> = {
      argon2id: current,
      pbkdf2: legacy,
      'pbkdf2 (fewer iterations)': django('the real one', 'salt0123456789abcdefgh', 1000),
      unusable: '!Xq3mB7vLz9',
      bcrypt: 'bcrypt_sha256$$2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
      'unknown user': undefined,
    };
    // No imported hashes left (legacyIterations 0): one argon2id verification, nothing else.
    for (const [kind, encoded] of Object.entries(stored)) {
      if (kind.startsWith('pbkdf2')) continue;
      expect(await workOf(() => verifyInEqualWork('a guess', encoded, 0)), kind).toEqual({
        argon2id: 1,
        pbkdf2Iterations: 0,
      });
    }
    // Imported hashes at up to 3000 iterations exist: every check also does 3000 PBKDF2 iterations.
    for (const [kind, encoded] of Object.entries(stored)) {
      expect(await workOf(() => verifyInEqualWork('a guess', encoded, 3000)), kind).toEqual({
        argon2id: 1,
        pbkdf2Iterations: 3000,
      });
    }
    expect(await verifyInEqualWork('the real one', current, 3000)).toBe(true);
    expect(await verifyInEqualWork('the real one', legacy, 3000)).toBe(true);
    expect(await verifyInEqualWork('the real one', stored['pbkdf2 (fewer iterations)'], 3000)).toBe(true);
    expect(await verifyInEqualWork('the real one', undefined, 3000)).toBe(false);
    expect(await verifyInEqualWork('a guess', legacy, 3000)).toBe(false);
  });

  it('hashing runs off the event loop: the loop keeps turning while passwords hash', async () => {
    /**
     * Event-loop turns (setImmediate callbacks) while `work` runs: none when it blocks the loop.
     * Counted, not timed, so a loaded machine cannot make it fail: between two hashes of a chain the
     * loop must pass its check phase, because the next hash, queued on the thread pool when the
     * first completes, cannot be reported done in the same turn.
     */
    const turnsDuring = async (work: () => Promise<unknown> | unknown) => {
      let turns = 0;
      let running = true;
      const spin = () => {
        if (!running) return;
        turns++;
        setImmediate(spin);
      };
      setImmediate(spin);
      await new Promise((resolve) => setImmediate(resolve)); // the spinner is going
      turns = 0;
      await work();
      running = false;
      return turns;
    };
    const chains = () =>
      Promise.all(
        [1, 2, 3].map(async () => {
          for (let i = 0; i < 3; i++) await hashPassword(`pw ${i}`);
        }),
      );
    expect(await turnsDuring(chains)).toBeGreaterThanOrEqual(2);
    // Control: the same work done synchronously (even inside an async function) never lets it turn.
    const blocking = async () => {
      for (let i = 0; i < 3; i++)
        argon2HashSync(`pw ${i}`, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    };
    expect(await turnsDuring(blocking)).toBe(0);
  });
});
