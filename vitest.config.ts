import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Projects: `unit` (no database), the shared API suite once per driver (`api-pglite` always,
 * `api-postgres` when DATABASE_URL is set), and `e2e` (real processes: CLI, Node and Deno servers,
 * Chromium). Database projects run their files one after another in one worker, sharing one
 * database per run (a PGlite instance takes seconds to create) and resetting tables between tests.
 */
/**
 * The packages' public names resolve to their TypeScript sources in this repository (their package.json
 * `exports` name the sources under the `latchkey-source` condition, which tsc and esbuild use; Vite is
 * given the same mapping here), so tests and examples import what users import, with no build step.
 */
const resolve = {
  alias: [
    { find: /^@latchkey\/sdk$/, replacement: fileURLToPath(new URL('./sdk/index.ts', import.meta.url)) },
    { find: /^latchkey$/, replacement: fileURLToPath(new URL('./server/index.ts', import.meta.url)) },
    {
      find: /^latchkey\/testing$/,
      replacement: fileURLToPath(new URL('./server/testing.ts', import.meta.url)),
    },
  ],
};
const apiSuite = ['test/api/**/*.test.ts', 'test/contract/**/*.test.ts'];
// Inline projects do not inherit the root's timeouts: give them their own.
const timeouts = { testTimeout: 20_000, hookTimeout: 60_000 } as const;
const sharedDb = {
  isolate: false,
  fileParallelism: false,
  maxWorkers: 1,
  // Every response the suite's test apps answer is checked against openapi.yaml after each test.
  // and nothing the server logged holds a password, key or hash (checked after each file).
  setupFiles: ['test/support/contract-setup.ts', 'test/support/no-secrets-in-logs.ts'] as string[],
  ...timeouts,
} as const;

const projects = [
  { resolve, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...timeouts } },
  {
    resolve,
    test: {
      name: 'api-pglite',
      include: apiSuite,
      env: { LATCHKEY_TEST_DRIVER: 'pglite' },
      ...sharedDb,
    },
  },
  ...(process.env.DATABASE_URL
    ? [
        {
          resolve,
          test: {
            name: 'api-postgres',
            include: apiSuite,
            env: { LATCHKEY_TEST_DRIVER: 'postgres' },
            ...sharedDb,
          },
        },
      ]
    : []),
  {
    resolve,
    test: {
      name: 'e2e',
      include: ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/deno/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  },
];

export default defineConfig({
  test: { projects, testTimeout: 20_000, hookTimeout: 60_000, reporters: ['default'] },
});
