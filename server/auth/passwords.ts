/**
 * @module
 * Password hashing: argon2id with OWASP's parameters (m=19 MiB, t=2, p=1) in PHC format, computed on
 * libuv's thread pool so the event loop never blocks. Django's `pbkdf2_sha256$...` hashes verify too,
 * and `needsRehash` tells the caller to upgrade them after a successful login.
 *
 * Logins check passwords with {@link verifyInEqualWork}: whatever the stored hash (current argon2id,
 * Django PBKDF2, unusable `!`, bcrypt, none because the user is unknown), every check does the same
 * work, so timing does not tell which accounts exist or were imported: one argon2id verification at the
 * current parameters, plus, while imported PBKDF2 hashes remain, PBKDF2 at the highest iteration count
 * among them (a PBKDF2 hash cannot be checked with less; the others pay the same instead).
 *
 * Every hash and verification goes through one process-wide {@link passwordHashing} limiter (the CPU
 * and memory it protects are the process's): bounded concurrency, a fair queue, 503 when it is full.
 */
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { defaultHashConcurrency } from '../config.ts';
import { HashLimiter } from './hash-limiter.ts';

/**
 * The process's password-hashing limiter. Until the server configures it (createServices, from
 * PASSWORD_HASH_CONCURRENCY / PASSWORD_HASH_QUEUE) the queue is unbounded, as the CLI wants.
 */
export const passwordHashing = new HashLimiter(defaultHashConcurrency(), Number.POSITIVE_INFINITY);

/** argon2id (algorithm 2), the OWASP-recommended minimum: 19 MiB, 2 passes, 1 lane. */
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const PHC_PARAMS = `m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}`;

/** Hashes a password as an argon2id PHC string. */
export function hashPassword(password: string): Promise<string> {
  return passwordHashing.run(() => argon2Hash(password, ARGON2));
}

/**
 * The verification work this process has done, by kind (argon2id verifications, PBKDF2 iterations).
 * Tests read it to assert that every login path does the same work, which wall-clock timing on a shared
 * machine cannot show reliably.
 */
export const verificationWork = { argon2id: 0, pbkdf2Iterations: 0 };

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Refuses iteration counts no real hash has, so a corrupt row cannot stall a login for minutes. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

/** The iteration count of a well-formed Django `pbkdf2_sha256$` hash; 0 for any other string. */
export function pbkdf2Iterations(encoded: string): number {
  const [algorithm, iterations, salt, expected] = encoded.split('$');
  const rounds = Number(iterations);
  const valid =
    algorithm === 'pbkdf2_sha256' &&
    salt &&
    expected &&
    Number.isInteger(rounds) &&
    rounds >= 1 &&
    rounds <= MAX_PBKDF2_ITERATIONS;
  return valid ? rounds : 0;
}

/** PBKDF2-HMAC-SHA256 (WebCrypto: off the event loop on Node, Deno and browsers). */
async function pbkdf2(password: string, salt: string, iterations: number): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const material = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  verificationWork.pbkdf2Iterations += iterations;
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode(salt), iterations },
    material,
    256,
  );
  return new Uint8Array(bits);
}

async function verifyDjangoPbkdf2(password: string, encoded: string): Promise<boolean> {
  const rounds = pbkdf2Iterations(encoded);
  if (!rounds) return false;
  const [, , salt = '', expected = ''] = encoded.split('$');
  const bits = await pbkdf2(password, salt, rounds);
  let expectedBytes: Uint8Array;
  try {
    expectedBytes = Uint8Array.from(atob(expected), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  return timingSafeEqualBytes(bits, expectedBytes);
}

/** Checks a password against a stored hash (argon2id PHC or Django pbkdf2_sha256). Never throws on bad input. */
export function verifyPassword(password: string, encoded: string): Promise<boolean> {
  return passwordHashing.run(async () => {
    try {
      if (encoded.startsWith('$argon2')) {
        verificationWork.argon2id++;
        return await argon2Verify(encoded, password);
      }
      if (encoded.startsWith('pbkdf2_sha256$')) return await verifyDjangoPbkdf2(password, encoded);
    } catch {
      // a corrupt hash never matches
    }
    return false;
  });
}

/** Whether a stored hash should be replaced with a fresh argon2id hash at the next successful login. */
export function needsRehash(encoded: string): boolean {
  return !(encoded.startsWith('$argon2id$') && encoded.includes(PHC_PARAMS));
}

let dummy: Promise<string> | undefined;

/** A current argon2id hash of a random secret: what nothing matches, at the cost of a real check. */
function dummyHash(): Promise<string> {
  // Outside the limiter: computed once, and a full queue must not make it fail for good.
  dummy ??= argon2Hash(crypto.randomUUID(), ARGON2);
  return dummy;
}

/**
 * Checks a login's password in the same work whatever `encoded` is (undefined: the user is unknown):
 * one argon2id verification (against the stored hash when it is argon2, else against a dummy) and, when
 * `legacyIterations` > 0 (imported PBKDF2 hashes exist), PBKDF2 to that many iterations in all (the
 * stored PBKDF2 hash's own, topped up, or a dummy run). Both run at once on the thread pool.
 */
export async function verifyInEqualWork(
  password: string,
  encoded: string | undefined,
  legacyIterations: number,
): Promise<boolean> {
  const stored = encoded ?? '';
  const isArgon2 = stored.startsWith('$argon2');
  const ownRounds = pbkdf2Iterations(stored);
  const argon2 = verifyPassword(password, isArgon2 ? stored : await dummyHash());
  const legacy = ownRounds ? verifyDjangoPbkdf2(password, stored) : Promise.resolve(false);
  const topUp = Math.max(0, legacyIterations - ownRounds);
  const padding = topUp ? pbkdf2(password, 'latchkey-equal-work', topUp) : undefined;
  const [argon2Ok, legacyOk] = await Promise.all([argon2, legacy, padding]);
  return isArgon2 ? argon2Ok : legacyOk;
}
