/**
 * @module
 * Writes README's configuration table from server/config.ts's OPTIONS (`npm run config-docs`); `--check`
 * fails when the committed README differs, so a new option cannot go without its row.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configTable } from '../server/config.ts';
import { writeOrCheck } from './write-or-check.ts';

const readme = new URL('../README.md', import.meta.url);
const START =
  '<!-- generated from server/config.ts by `npm run config-docs`: edit OPTIONS there, not here -->';
const END = '<!-- end of generated configuration table -->';

/** `text` (README) with the table between the markers replaced by the one OPTIONS generate. */
export function withConfigTable(text: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error('README.md: the configuration table markers are missing');
  return `${text.slice(0, start + START.length)}\n${configTable()}\n${text.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeOrCheck(readme, withConfigTable(readFileSync(readme, 'utf8')), {
    file: 'README.md',
    source: "server/config.ts's OPTIONS",
    command: 'npm run config-docs',
  });
}
