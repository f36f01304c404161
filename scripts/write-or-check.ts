/**
 * @module
 * The generators' one behaviour: write the generated file, or with `--check` fail (exit 1) when the
 * committed file differs, so CI catches a contract or SDK that drifted from its source.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Writes `generated` to `file`, or under `--check` compares it with the committed copy. */
export function writeOrCheck(
  file: URL,
  generated: string,
  names: { file: string; source: string; command: string },
): void {
  if (!process.argv.includes('--check')) {
    writeFileSync(file, generated);
    console.log(`wrote ${names.file}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing counts as drift
  }
  if (committed !== generated) {
    console.error(
      `${names.file} is out of date with ${names.source}: run \`${names.command}\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(`${names.file} matches ${names.source}.`);
}
