/**
 * Generated requests (test/support/fuzz.ts) against every operation in openapi.yaml, in-process, on
 * this run's driver: thousands per run, each answered with a status documented for its operation, a
 * body valid against the schema documented for it, never a 5xx, never a hang. Prints the seed and the
 * count; a failure prints the requests that caused it. Replay: FUZZ_SEED=<seed> (and FUZZ_REQUESTS=<n>).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../support/app.ts';
import { ContractRecorder, operations } from '../support/contract.ts';
import { resetDatabase } from '../support/db.ts';
import { describeRequest, type FuzzCredentials, type FuzzRequest, generate } from '../support/fuzz.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_REQUESTS ?? 2_000);
/** Requests in flight at once (the app is shared, as on a server). */
const PARALLEL = 4;
/**
 * A hang detector, not a performance bound: far above anything a healthy request takes, even one that
 * queued behind password hashes on a loaded machine.
 */
const HANG_MS = 60_000;

describe('generated requests over every operation', () => {
  let t: TestApp;
  let credentials: FuzzCredentials;

  beforeAll(async () => {
    await resetDatabase();
    // Throttling would turn most logins into 429s: the limits are exercised elsewhere.
    t = await testApp({ LOGIN_THROTTLE_USER: '0', LOGIN_THROTTLE_IP: '0', PASSWORD_HASH_QUEUE: '1000' });
    const password = 'fuzz-Pass-7310';
    const staff = await t.user('fuzzadmin', password, { isStaff: true, isSuperuser: true });
    const user = await t.user('fuzzuser', password);
    expect([staff.id, user.id]).toEqual([1, 2]); // the ids the generator never targets
    credentials = { userKey: '', staffKey: '', username: 'fuzzuser', password };
  });

  /** Fresh keys (a generated logout or password change may have revoked the previous ones). */
  async function refreshKeys(): Promise<void> {
    credentials.userKey = (await t.services.tokens.issue(2, 'fuzz')).key;
    credentials.staffKey = (await t.services.tokens.issue(1, 'fuzz')).key;
  }

  it(`answers ${COUNT} generated requests as documented (seed printed)`, async () => {
    console.log(`fuzz: seed ${SEED}, ${COUNT} requests (replay: FUZZ_SEED=${SEED} FUZZ_REQUESTS=${COUNT})`);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let slowest = { ms: 0, request: '' };
    let next = 0;
    const send = async (index: number, request: FuzzRequest) => {
      const started = performance.now();
      const response = await t.app.request(request.path, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body as BodyInit }),
      });
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, request: `${request.method} ${request.path.slice(0, 80)}` };
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const recorder = new ContractRecorder();
      await recorder.record(request.method, request.template, response.clone());
      const problems = recorder.failures;
      if (response.status >= 500)
        problems.push(`${response.status}: ${(await response.text()).slice(0, 200)}`);
      if (ms > HANG_MS) problems.push(`took ${Math.round(ms)} ms`);
      if (problems.length) {
        failures.push(`#${index} ${describeRequest(request)}\n    -> ${problems.join('\n    -> ')}`);
      }
    };
    const worker = async () => {
      while (next < COUNT) {
        const index = next++;
        if (index % 50 === 0) await refreshKeys();
        await send(index, generate(SEED, index, credentials, operations));
      }
    };
    await refreshKeys();
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log(
      `fuzz: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; slowest ${Math.round(slowest.ms)} ms (${slowest.request})`,
    );
    expect(
      failures.slice(0, 10),
      `${failures.length} of ${COUNT} requests failed (seed ${SEED}); first ones:\n${failures.slice(0, 10).join('\n')}`,
    ).toEqual([]);
  }, 180_000);
});
