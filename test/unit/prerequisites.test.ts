/**
 * `CI` parsed as a boolean (test/support/prerequisites.ts): `CI=false` used to count as CI through
 * `Boolean(process.env.CI)`, and an unparsable value must not silently choose.
 */
import { describe, expect, it } from 'vitest';
import { parseCi } from '../support/prerequisites.ts';

describe('parseCi', () => {
  it.each(['true', 'TRUE', '1', 'yes', 'on', ' true '])('%j is CI', (value) => {
    expect(parseCi(value)).toBe(true);
  });

  it.each([undefined, '', 'false', 'False', '0', 'no', 'off'])('%j is not CI', (value) => {
    expect(parseCi(value)).toBe(false);
  });

  it.each(['maybe', '2', 'ci'])('%j is refused', (value) => {
    expect(() => parseCi(value)).toThrow(/is not a boolean/);
  });
});
