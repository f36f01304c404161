/**
 * Generated files must match their source, or readers and clients see a contract (or options) the
 * server does not have: openapi.yaml is exactly what the routes generate, sdk/schema.d.ts exactly what
 * openapi-typescript makes of it, openapi.yaml passes redocly's lint, and README's configuration table
 * is exactly what server/config.ts's OPTIONS generate.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appForDocs } from '../../scripts/app-for-docs.ts';
import { withConfigTable } from '../../scripts/gen-config-docs.ts';
import { generateSdkTypes } from '../../scripts/gen-sdk.ts';
import { openApiYaml } from '../../server/openapi.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** The first line that differs, so a drift failure says where without a 2,000-line diff. */
function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  const i = left.findIndex((line, n) => line !== right[n]);
  const at = i === -1 ? left.length : i;
  return `line ${at + 1}: committed ${JSON.stringify(left[at])} vs generated ${JSON.stringify(right[at])}`;
}

describe('contract drift', () => {
  it('openapi.yaml is what the routes generate (run `npm run openapi`)', () => {
    const committed = read('openapi.yaml');
    const generated = openApiYaml(appForDocs());
    if (committed !== generated)
      expect.fail(`openapi.yaml drifted, ${firstDifference(committed, generated)}`);
    expect(generated).toMatch(/^openapi: 3\.1\.0\n/);
  });

  it('sdk/schema.d.ts is what openapi-typescript makes of openapi.yaml (run `npm run sdk`)', async () => {
    const committed = read('sdk/schema.d.ts');
    const generated = await generateSdkTypes();
    if (committed !== generated)
      expect.fail(`sdk/schema.d.ts drifted, ${firstDifference(committed, generated)}`);
    expect(generated).toContain('export interface paths');
  }, 60_000);

  it("README's configuration table is what server/config.ts's OPTIONS generate (run `npm run config-docs`)", () => {
    const committed = read('README.md');
    const generated = withConfigTable(committed);
    if (committed !== generated) expect.fail(`README.md drifted, ${firstDifference(committed, generated)}`);
    expect(generated).toContain('| `MAX_BODY_BYTES` |');
  });

  it('openapi.yaml passes `redocly lint`', async () => {
    const child = spawn('npx', ['redocly', 'lint', 'openapi.yaml'], {
      cwd: root,
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        NO_COLOR: '1',
      },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/valid/i);
  }, 120_000);
});
