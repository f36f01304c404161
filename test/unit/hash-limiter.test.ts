/**
 * The password-hashing limiter (server/auth/hash-limiter.ts): at most `concurrency` jobs at once, the
 * rest served in arrival order, and a full waiting line refused at once with 503 + Retry-After.
 */
import { describe, expect, it } from 'vitest';
import { HASH_QUEUE_FULL, HashLimiter, HashQueueFullError } from '../../server/auth/hash-limiter.ts';
import { type ApiError, asApiError } from '../../server/errors.ts';

/** A job that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    job: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    release: () => release(),
  };
}

describe('HashLimiter', () => {
  it('runs at most `concurrency` jobs and starts the others in arrival order', async () => {
    const limiter = new HashLimiter(2, 10);
    const log: string[] = [];
    const gates = ['a', 'b', 'c', 'd', 'e'].map((n) => gate(log, n));
    const results = gates.map((g) => limiter.run(g.job));
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b']);
    expect(limiter.load).toEqual({ running: 2, waiting: 3 });
    gates[1]?.release();
    await results[1];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['start a', 'start b', 'start c']);
    for (const g of gates) g.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d', 'start e']);
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a job with 503 and Retry-After once `queue` jobs wait, without running it', async () => {
    const limiter = new HashLimiter(1, 2);
    const log: string[] = [];
    const gates = ['a', 'b', 'c'].map((n) => gate(log, n));
    const accepted = gates.map((g) => limiter.run(g.job));
    let ran = false;
    const refused = await limiter
      .run(async () => {
        ran = true;
      })
      .catch((err: unknown) => err);
    expect(ran).toBe(false);
    expect(refused).toBeInstanceOf(HashQueueFullError);
    const answer = asApiError(refused) as ApiError;
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ detail: HASH_QUEUE_FULL });
    expect(answer.headers['Retry-After']).toMatch(/^\d+$/);
    for (const g of gates) g.release();
    expect(await Promise.all(accepted)).toEqual(['a', 'b', 'c']);
  });

  it('frees the slot of a job that fails', async () => {
    const limiter = new HashLimiter(1, 1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('admits at most concurrency + queue whole requests, refusing the next before it runs', async () => {
    const limiter = new HashLimiter(1, 1);
    const log: string[] = [];
    const gates = ['a', 'b'].map((n) => gate(log, n));
    const admitted = gates.map((g) => limiter.admit(g.job));
    let ran = false;
    const refused = await limiter
      .admit(async () => {
        ran = true;
      })
      .catch((err: unknown) => err);
    expect(ran).toBe(false);
    expect(refused).toBeInstanceOf(HashQueueFullError);
    for (const g of gates) g.release();
    expect(await Promise.all(admitted)).toEqual(['a', 'b']);
    expect(await limiter.admit(async () => 'again')).toBe('again');
  });
});
