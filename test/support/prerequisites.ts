/**
 * @module
 * Tests that need something from outside the repository (Chromium, the Django peer and its Debian
 * packages, util-linux `script`): without it they are skipped with a visible message on a developer's
 * machine, but under CI they fail, since `.ci/run` installs everything they need and a skip there
 * would hide a test that never ran.
 */
import { describe, it } from 'vitest';

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off', ''];

/**
 * The `CI` environment variable as a boolean: true/1/yes/on or false/0/no/off/empty (any case), unset
 * is false. Anything else throws: a run must know whether its skips are allowed.
 */
export function parseCi(value: string | undefined): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (TRUE.includes(normalized)) return true;
  if (FALSE.includes(normalized)) return false;
  throw new Error(`CI=${JSON.stringify(value)} is not a boolean (true/1/yes or false/0/no)`);
}

/** Whether this run is CI (`CI` parsed by {@link parseCi}). */
export const underCi = parseCi(process.env.CI);

/**
 * `describe` for a suite that needs a prerequisite: `missing` says what is missing (undefined: all
 * there). Missing: skipped with a warning, or under CI replaced by one failing test saying what.
 */
export function describeNeeding(name: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) describe(name, body);
  else if (underCi) {
    describe(name, () => {
      it('has what it needs (mandatory under CI)', () => {
        throw new Error(`${name}: ${missing}`);
      });
    });
  } else {
    console.warn(`\nSKIPPED "${name}": ${missing}\n`);
    describe.skip(name, body);
  }
}

/** `it` for a test that needs a prerequisite; as {@link describeNeeding}. */
export function itNeeding(
  name: string,
  missing: string | undefined,
  fn: () => Promise<void>,
  timeout?: number,
): void {
  if (missing === undefined) it(name, fn, timeout);
  else if (underCi) {
    it(name, () => {
      throw new Error(`${missing} (mandatory under CI)`);
    });
  } else {
    console.warn(`\nSKIPPED "${name}": ${missing}\n`);
    it.skip(name, fn, timeout);
  }
}
