/**
 * @module
 * Start time of `latchkey/testing`'s in-memory test server, as a test suite meets it: from before the
 * import to the first 200 from its /healthz/ (import, in-memory PGlite, migrations, listening), then
 * close. One measurement per process (run.sh starts a fresh one each time), one line on stdout:
 * `startup name=testing ms=<ms> rss_mb=<VmRSS after the first answer> hwm_mb=<VmHWM>`, or
 * `startup name=testing ms=absent` when the package has no `latchkey/testing` export (yet).
 *
 * usage: npx tsx scripts/bench/testing-start.ts
 */
import { readFileSync } from 'node:fs';

interface TestServer {
  url: string | undefined;
  close(): Promise<void>;
}

const started = performance.now();
let module: { createTestServer?: (options?: object) => Promise<TestServer> };
try {
  const specifier = 'latchkey/testing'; // a variable: tsc must not require the export to exist
  module = await import(specifier);
} catch (err) {
  const code = (err as { code?: string }).code ?? (err as Error).message;
  console.log(`startup name=testing ms=absent (${code})`);
  process.exit(0);
}
if (typeof module.createTestServer !== 'function') {
  console.log('startup name=testing ms=absent (no createTestServer export)');
  process.exit(0);
}
const server = await module.createTestServer();
const response = await fetch(`${server.url}/healthz/`);
await response.arrayBuffer();
const ms = performance.now() - started;
const status = readFileSync('/proc/self/status', 'utf8');
const mb = (field: string) =>
  Math.round(Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024);
await server.close();
console.log(
  response.status === 200
    ? `startup name=testing ms=${Math.round(ms)} rss_mb=${mb('VmRSS')} hwm_mb=${mb('VmHWM')}`
    : `startup name=testing ms=failed (healthz ${response.status})`,
);
