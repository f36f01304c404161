/**
 * @module
 * Times one argon2id hash with the parameters Latchkey uses (m=19456 KiB, t=2, p=1, @node-rs/argon2),
 * one at a time, so run.sh can compute the login goal: logins/s >= 0.9 x (cores - 1) / (one hash time).
 * Prints one line: `hash_ms=<median> min_ms=<min> runs=<n> cores=<n>`.
 *
 * usage: npx tsx scripts/bench/hash-time.ts [RUNS]   (default 20, after 2 unmeasured warm-up hashes)
 */
import { availableParallelism } from 'node:os';
import { hash } from '@node-rs/argon2';

const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const runs = Number(process.argv[2]) || 20;
const password = 'bench-password-123';

for (let i = 0; i < 2; i++) await hash(password, ARGON2);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  await hash(password, ARGON2);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] as number;
console.log(
  `hash_ms=${median.toFixed(2)} min_ms=${(times[0] as number).toFixed(2)} runs=${runs} cores=${availableParallelism()}`,
);
