/**
 * @module
 * `npm start`: runs the Node entry (server/node.ts) from one esbuild bundle of the server's own code,
 * cached in node_modules/.cache/latchkey/server and rebuilt when a file under server/ is newer, so a
 * start does not transpile every module through tsx's loader (that was the largest part of the start-up
 * time). The bundle runs in this process: `npm start` execs node, so SIGTERM reaches the server itself.
 * Each module keeps its own `import.meta.url`, so files found beside the sources (migrations, the
 * common-password list, the demo's assets) are read where they are. Without esbuild (a production
 * install without dev dependencies) it falls back to tsx, and says so.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverDir = join(root, 'server');
const outDir = join(root, 'node_modules', '.cache', 'latchkey', 'server');
const outFile = join(outDir, 'node.mjs');

/** The newest modification time of any file below `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function isFresh() {
  try {
    return statSync(outFile).mtimeMs >= newest(serverDir);
  } catch {
    return false;
  }
}

/** An esbuild plugin that pins each module's `import.meta.url` to its source file. */
const sourceUrls = {
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

async function build() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  mkdirSync(outDir, { recursive: true });
  // Built beside and renamed, so two starts at once never run a half-written bundle.
  const partial = `${outFile}.${process.pid}.partial.mjs`;
  await esbuild.build({
    entryPoints: [join(serverDir, 'node.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: partial,
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
  renameSync(partial, outFile);
  return true;
}

if (isFresh() || (await build())) {
  await import(pathToFileURL(outFile).href);
} else {
  console.error('latchkey: esbuild is not installed; starting through tsx (slower start-up)');
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(serverDir, 'node.ts')).href);
}
