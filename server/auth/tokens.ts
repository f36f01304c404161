/**
 * @module
 * Token keys: `lk_` + 30 base62 characters from a CSPRNG (178 bits) + a 6-character base62 CRC32 of
 * the body. The checksum lets a malformed or forged key be rejected without a database read and lets
 * secret scanners recognise leaked keys. Only SHA-256 digests are stored. Django REST Framework's 40-hex
 * keys, imported from a Django database, are accepted too (they carry no checksum).
 */
import * as nodeCrypto from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'lk_';
const BODY_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
/** Characters of a key kept in clear for display (`lk_` + 5). */
export const DISPLAY_PREFIX_LENGTH = 8;
const KEY_PATTERN = /^lk_[0-9A-Za-z]{36}$/;
const DRF_KEY_PATTERN = /^[0-9a-f]{40}$/;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** `length` base62 characters from the CSPRNG, without modulo bias. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** A new key. Shown to its owner once and never stored. */
export function makeKey(): string {
  const body = randomBase62(BODY_LENGTH);
  return `${PREFIX}${body}${base62(crc32(body), CHECKSUM_LENGTH)}`;
}

/** Whether `key` is one this server could have issued (Latchkey format with a valid checksum, or DRF 40-hex). */
export function isWellFormedKey(key: string): boolean {
  if (KEY_PATTERN.test(key)) {
    // The checksum compared digit by digit, last first, as base62() writes it: no strings built.
    let rest = crc32(key.slice(PREFIX.length, PREFIX.length + BODY_LENGTH));
    for (let at = key.length - 1; at >= PREFIX.length + BODY_LENGTH; at--) {
      if (key.charCodeAt(at) !== ALPHABET.charCodeAt(rest % 62)) return false;
      rest = Math.floor(rest / 62);
    }
    return true;
  }
  return DRF_KEY_PATTERN.test(key);
}

// One-shot `crypto.hash` (Node >= 20.12, Deno) is about 3x faster than a Hash object; digesting the key
// is the one cryptographic step of every token check.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** The SHA-256 digest under which a key (or session id) is stored, hex-encoded. */
export const digestKey: (key: string) => string =
  typeof oneShot === 'function'
    ? (key) => oneShot('sha256', key, 'hex')
    : (key) => nodeCrypto.createHash('sha256').update(key).digest('hex');

/** The public part of a key kept for display. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** A public, non-secret identifier for a token row. */
/**
 * What a token id can look like (ours are 16 base62 characters; imported ones printable ASCII). Anything
 * else, a NUL byte for one, names no token and is answered 404 without a query.
 */
export const TOKEN_ID = /^[\x21-\x7e]{1,64}$/;

export function newTokenId(): string {
  return randomBase62(16);
}
