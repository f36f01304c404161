/**
 * @module
 * `npm run build` (run by `npm pack` through `prepack`): compiles the library entries (server/index.ts,
 * server/testing.ts and what they import) to ES modules with `.d.ts` types in dist/, and copies the
 * files they read at run time (migrations, the common-password list). dist/ is git-ignored; inside this
 * repository the sources are used directly (the `latchkey-source` export condition).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

// Start clean, but keep what `npm run build:client` writes there (dist/client-demo).
for (const entry of safeList(dist)) {
  if (entry !== 'client-demo') rmSync(join(dist, entry), { recursive: true, force: true });
}
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
cpSync(join(root, 'server/db/migrations'), join(dist, 'db/migrations'), { recursive: true });
cpSync(join(root, 'server/auth/common-passwords.txt'), join(dist, 'auth/common-passwords.txt'));
console.log('build: dist/ written');

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
