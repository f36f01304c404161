/**
 * The Authorization header parser's fast path ("<keyword> <key>" with one space) must answer exactly as
 * the general split, DRF's reading (Python's bytes.split()), does: every header built from the pieces
 * below, up to four of them, is parsed by both and must give the same key or the same 401 message.
 */
import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../server/auth/authenticate.ts';
import { ApiError, MESSAGES } from '../../server/errors.ts';

/** The general reading, as DRF's TokenAuthentication does it (the parser before its fast path). */
function reference(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parts = header.split(/[ \t\v\f]+/).filter((part) => part !== '');
  if (!parts.length || !['token', 'bearer'].includes((parts[0] as string).toLowerCase())) return undefined;
  if (parts.length === 1) throw ApiError.unauthorized(MESSAGES.noCredentials);
  if (parts.length > 2) throw ApiError.unauthorized(MESSAGES.spaces);
  const key = parts[1] as string;
  if (!/^[\x21-\x7e]+$/.test(key)) throw ApiError.unauthorized(MESSAGES.invalidCharacters);
  return key;
}

function outcome(parse: (header: string | undefined) => string | undefined, header: string | undefined) {
  try {
    return { key: parse(header) };
  } catch (err) {
    return { refused: (err as ApiError).message, status: (err as ApiError).status };
  }
}

const PIECES = [
  'Token',
  'token',
  'BEARER',
  'Basic',
  'lk_abc',
  'caf\u00e9',
  '\u0001',
  ' ',
  '  ',
  '\t',
  '\f',
  '',
];

function* headers(depth: number, prefix = ''): Generator<string> {
  yield prefix;
  if (depth === 0) return;
  for (const piece of PIECES) yield* headers(depth - 1, prefix + piece);
}

describe('parseAuthorization', () => {
  it('answers every header of up to four pieces exactly as the general split does', () => {
    let checked = 0;
    for (const header of headers(4)) {
      expect(outcome(parseAuthorization, header), JSON.stringify(header)).toEqual(outcome(reference, header));
      checked++;
    }
    expect(checked).toBeGreaterThan(20_000);
    expect(outcome(parseAuthorization, undefined)).toEqual({ key: undefined });
  });

  it('reads the common forms', () => {
    expect(parseAuthorization('Token lk_abc')).toBe('lk_abc');
    expect(parseAuthorization('bearer lk_abc')).toBe('lk_abc');
    expect(parseAuthorization('Basic lk_abc')).toBeUndefined();
    expect(() => parseAuthorization('Token lk_abc ')).not.toThrow();
    expect(() => parseAuthorization('Token a b')).toThrow(MESSAGES.spaces);
    expect(() => parseAuthorization('Token caf\u00e9')).toThrow(MESSAGES.invalidCharacters);
  });
});
