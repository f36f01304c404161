/**
 * Trailing slashes are optional, as DRF clients send either: the request path gets one unless it names a
 * file.
 */
import { describe, expect, it } from 'vitest';
import { canonicalPath } from '../../server/paths.ts';

const path = (p: string) => canonicalPath(new Request(`http://host${p}`));

describe('canonicalPath', () => {
  it.each([
    ['/test_auth', '/test_auth/'],
    ['/test_auth/', '/test_auth/'],
    ['/rest-auth/login', '/rest-auth/login/'],
    ['/rest-auth/tokens/abc123', '/rest-auth/tokens/abc123/'],
    ['/test_auth?x=1', '/test_auth/'],
    ['/', '/'],
    ['/openapi.yaml', '/openapi.yaml'],
    ['/openapi.json', '/openapi.json'],
    ['/assets/app.js', '/assets/app.js'],
  ])('%s -> %s', (input, expected) => {
    expect(path(input)).toBe(expected);
  });
});
