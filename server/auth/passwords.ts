/**
 * @module
 * Password hashing: argon2id with OWASP's parameters (m=19 MiB, t=2, p=1) in PHC format, computed on
 * libuv's thread pool so the event loop never blocks. Django's `pbkdf2_sha256$...` hashes verify too,
 * and `needsRehash` tells the caller to upgrade them after a successful login. Unknown users are
 * verified against a dummy hash so they cost the same time as a wrong password.
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

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

async function verifyDjangoPbkdf2(password: string, encoded: string): Promise<boolean> {
  const [algorithm, iterations, salt, expected] = encoded.split('$');
  const rounds = Number(iterations);
  if (algorithm !== 'pbkdf2_sha256' || !salt || !expected || !Number.isInteger(rounds) || rounds < 1) {
    return false;
  }
  const enc = new TextEncoder();
  const material = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode(salt), iterations: rounds },
    material,
    256,
  );
  let expectedBytes: Uint8Array;
  try {
    expectedBytes = Uint8Array.from(atob(expected), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  return timingSafeEqualBytes(new Uint8Array(bits), expectedBytes);
}

/** Checks a password against a stored hash (argon2id PHC or Django pbkdf2_sha256). Never throws on bad input. */
export function verifyPassword(password: string, encoded: string): Promise<boolean> {
  return passwordHashing.run(async () => {
    try {
      if (encoded.startsWith('$argon2')) return await argon2Verify(encoded, password);
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

/** Spends the time of one verification, for logins of unknown or unusable users. */
export async function burnVerification(password: string): Promise<void> {
  // Outside the limiter: computed once, and a full queue must not make it fail for good.
  dummy ??= argon2Hash(crypto.randomUUID(), ARGON2);
  await verifyPassword(password, await dummy);
}
