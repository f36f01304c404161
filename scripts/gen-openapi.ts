/**
 * @module
 * Writes openapi.yaml from the routes (`npm run openapi`); `--check` fails when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openApiYaml } from '../server/openapi.ts';
import { appForDocs } from './app-for-docs.ts';

const file = new URL('../openapi.yaml', import.meta.url);
const generated = openApiYaml(appForDocs());

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing counts as drift
  }
  if (committed !== generated) {
    console.error('openapi.yaml is out of date with the routes: run `npm run openapi` and commit it.');
    process.exit(1);
  }
  console.log('openapi.yaml matches the routes.');
} else {
  writeFileSync(file, generated);
  console.log('wrote openapi.yaml');
}
