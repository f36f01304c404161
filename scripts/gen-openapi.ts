/**
 * @module
 * Writes openapi.yaml from the routes (`npm run openapi`); `--check` fails when the committed file differs.
 */
import { openApiYaml } from '../server/openapi.ts';
import { appForDocs } from './app-for-docs.ts';
import { writeOrCheck } from './write-or-check.ts';

writeOrCheck(new URL('../openapi.yaml', import.meta.url), openApiYaml(appForDocs()), {
  file: 'openapi.yaml',
  source: 'the routes',
  command: 'npm run openapi',
});
