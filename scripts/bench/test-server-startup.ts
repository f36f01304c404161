/**
 * @module
 * How long `latchkey/testing` takes to start (in-memory PGlite, migrations, the app) and to answer its
 * first login, as another project's test suite pays it in `beforeAll`. Printed by `npm run bench`, never
 * asserted. `tsx --conditions=latchkey-source scripts/bench/test-server-startup.ts [runs]` alone works too.
 */
import { createTestServer } from 'latchkey/testing';

const runs = Number(process.argv[2] ?? 3);
const starts: number[] = [];
const firstLogins: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const server = await createTestServer({ port: false });
  const t1 = performance.now();
  await server.createUserAndLogin();
  const t2 = performance.now();
  await server.close();
  starts.push(t1 - t0);
  firstLogins.push(t2 - t1);
}
const ms = (values: number[]) => values.map((v) => Math.round(v)).join(', ');
console.log(
  `test server (latchkey/testing, in-memory PGlite): start ${ms(starts)} ms; first user + login ${ms(firstLogins)} ms (${runs} runs)`,
);
