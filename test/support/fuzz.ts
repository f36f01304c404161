/**
 * @module
 * A seeded generator of odd and malformed requests for every operation in openapi.yaml: path ids, query
 * strings (repeated, NUL, broken percent-encoding), bodies (JSON of the wrong shapes and types, NUL
 * bytes, lone surrogates, invalid UTF-8, huge strings, broken form and multipart), Authorization,
 * Cookie and Origin headers, Content-Types. Field and parameter names come from the contract, so the
 * requests get past the first checks and reach the handlers and the database. One seed, one sequence:
 * a failure is replayed from the seed and index it prints.
 */
import { spec } from './contract.ts';

/** A pseudo-random source (mulberry32): small, fast and the same on every machine for one seed. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** Strings that have broken things somewhere: NUL, controls, surrogates, huge, unicode, injection. */
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u200b',
  '🔑'.repeat(40),
  'é',
  'x'.repeat(5_000),
  '%00',
  '%',
  '%E0%A4',
  '../../etc/passwd',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  'null',
  '-1',
  '0',
  '1e308',
  '99999999999999999999999',
  '\r\n',
  'lk_'.padEnd(40, 'A'),
  'a@b.c',
];

/** Path segment and query values, already percent-encoded (odd encodings included on purpose). */
const ODD_ENCODED = [
  '1',
  '2',
  '3',
  '0',
  '-1',
  '1.5',
  '1e3',
  '99999999999999999999',
  '2147483648',
  '%00',
  'a%00b',
  '%FF',
  '%C3%28',
  '%ED%A0%80',
  '%E0%A4',
  '%',
  '%zz',
  'abc',
  'x'.repeat(300),
  '%F0%9F%94%91',
  '..',
  '%2F',
  'Q1w2E3r4T5y6U7i8',
];

/** The user ids the fuzz suite's own users have: never generated as path ids (they must survive). */
const PROTECTED_IDS = new Set(['1', '2']);

function randomString(r: Random): string {
  if (r.chance(0.5)) return r.pick(ODD_STRINGS);
  const length = r.int(20);
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(r.chance(0.8) ? 32 + r.int(95) : r.int(0x3000));
  return out;
}

function randomJsonValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308]);
    case 3:
    case 4:
    case 5:
      return randomString(r);
    case 6:
      return Array.from({ length: r.int(4) }, () => randomJsonValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [randomString(r), randomJsonValue(r, depth + 1)]),
      );
  }
}

// biome-ignore lint/suspicious/noExplicitAny: walking the OpenAPI document generically
type Json = any;

function resolve(schema: Json): Json {
  let s = schema;
  for (let i = 0; s?.$ref && i < 5; i++) {
    s = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Json, key: string) => node?.[key], spec);
  }
  return s ?? {};
}

/** The property names of an operation's request body schemas (any media type). */
function bodyFields(operation: Json): string[] {
  const fields = new Set<string>();
  for (const media of Object.values(operation.requestBody?.content ?? {}) as Json[]) {
    const schema = resolve(media.schema);
    for (const part of [schema, ...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
      for (const name of Object.keys(resolve(part).properties ?? {})) fields.add(name);
    }
  }
  return [...fields];
}

/** A request to replay: everything needed to rebuild it. */
export interface FuzzRequest {
  operationId: string;
  /** The operation's documented path (template), which the answer is checked against. */
  template: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Credentials the generator may use: valid keys reach the handlers behind authentication. */
export interface FuzzCredentials {
  userKey: string;
  staffKey: string;
  username: string;
  password: string;
}

function fieldsBody(r: Random, fields: string[], credentials: FuzzCredentials): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (r.chance(0.3)) continue;
    if (field.includes('password') && r.chance(0.2)) body[field] = credentials.password;
    else if (field === 'username' && r.chance(0.3)) body[field] = credentials.username;
    else body[field] = r.chance(0.7) ? randomString(r) : randomJsonValue(r);
  }
  if (r.chance(0.2)) body[randomString(r)] = randomJsonValue(r);
  return body;
}

/** Percent-encodes; a lone surrogate (which encodeURIComponent refuses) becomes its CESU bytes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%\w]/g, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '';
      }
    });
  }
}

function formEncode(r: Random, body: Record<string, unknown>): string {
  const parts = Object.entries(body).map(
    ([k, v]) => `${encode(k)}=${r.chance(0.2) ? r.pick(ODD_ENCODED) : encode(String(v))}`,
  );
  if (r.chance(0.2)) parts.push(parts[0] ?? 'a=1'); // a repeated field
  return parts.join('&');
}

function multipart(r: Random, body: Record<string, unknown>): { type: string; body: string } {
  const boundary = 'fuzzboundary';
  const parts = Object.entries(body).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`,
  );
  const end = r.chance(0.8) ? `--${boundary}--\r\n` : '--broken';
  return {
    type: `multipart/form-data; boundary=${r.chance(0.9) ? boundary : 'other'}`,
    body: parts.join('') + end,
  };
}

/** Invalid UTF-8 and other raw bytes. */
function rawBytes(r: Random): Uint8Array {
  return r.pick([
    new Uint8Array([0xff, 0xfe, 0xfd]),
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // {"a":"\xC3(" }
    new Uint8Array([0x7b, 0x7d, 0x00]),
    new Uint8Array([0x75, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff]), // username=\xFF
    Uint8Array.from({ length: 64 }, () => r.int(256)),
  ]);
}

function requestBody(r: Random, operation: Json, credentials: FuzzCredentials) {
  const fields = bodyFields(operation);
  const body = fieldsBody(r, fields, credentials);
  switch (r.int(10)) {
    case 0:
      return { type: 'application/json', body: JSON.stringify(randomJsonValue(r)) };
    case 1:
      return {
        type: 'application/json',
        body: r.pick(['{', '{"a":', '[1,', '\u0000', '{"a":"\\u0000"}', '{"a":"\\ud800"}', '']),
      };
    case 2:
      return { type: 'application/x-www-form-urlencoded', body: formEncode(r, body) };
    case 3:
      return multipart(r, body);
    case 4:
      return {
        type: r.pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain', '']),
        body: rawBytes(r),
      };
    case 5:
      return {
        type: r.pick([
          'text/plain',
          'application/xml',
          'application/json; charset=latin1',
          'application/vnd.x+json',
          'multipart/form-data',
          'x/\u00ff',
        ]),
        body: JSON.stringify(body),
      };
    default:
      return { type: 'application/json', body: JSON.stringify(body) };
  }
}

function authorization(r: Random, credentials: FuzzCredentials): string | undefined {
  switch (r.int(9)) {
    case 0:
      return undefined;
    case 1:
      return `Token ${credentials.userKey}`;
    case 2:
    case 3:
    case 4:
      return `${r.pick(['Token', 'Bearer', 'token'])} ${credentials.staffKey}`;
    case 5:
      return `Token ${credentials.userKey.slice(0, -1)}${credentials.userKey.endsWith('A') ? 'B' : 'A'}`;
    case 6:
      return r.pick(['Token', 'Token ', 'Token a b', 'Basic YTpi', 'Token \u00ff\u00fe', 'Token lk_\u00e9']);
    default:
      return `Token ${'0123456789abcdef'.repeat(2)}${r.pick(['', '00000000'])}`;
  }
}

/** The `index`-th request of the sequence for `seed` (the same one on every run). */
export function generate(
  seed: number,
  index: number,
  credentials: FuzzCredentials,
  operations: Json[],
): FuzzRequest {
  const r = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  let op = r.pick(operations);
  // Operations that hash a password cost ~100 ms of CPU each: picked a third as often, so a run of
  // thousands stays within a minute and the rest of the surface gets the requests.
  if (bodyFields(spec.paths[op.path][op.method]).some((f) => f.includes('password')) && r.chance(0.67)) {
    op = r.pick(operations);
  }
  const operation = spec.paths[op.path][op.method];
  let path = op.path.replace(/\{[^}]+\}/g, () => {
    let id = r.pick(ODD_ENCODED);
    // `..` is resolved away by URL parsing (another path altogether), and the suite's own users stay.
    while (PROTECTED_IDS.has(id) || id === '..') id = r.pick(ODD_ENCODED);
    return id;
  });
  if (r.chance(0.2)) path = path.replace(/\/$/, ''); // DRF's optional trailing slash
  const queryNames: string[] = (operation.parameters ?? [])
    .filter((p: Json) => p.in === 'query')
    .map((p: Json) => p.name);
  if (r.chance(0.4)) {
    const names = [...queryNames, 'x', '', '%00'];
    const pairs = Array.from({ length: 1 + r.int(3) }, () => `${r.pick(names)}=${r.pick(ODD_ENCODED)}`);
    if (r.chance(0.3) && pairs[0]) pairs.push(pairs[0].replace(/=.*/, `=${r.pick(ODD_ENCODED)}`)); // repeated
    path += `?${pairs.join('&')}`;
  }
  const method = r.chance(0.05) ? r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) : op.method.toUpperCase();
  const headers: Record<string, string> = {};
  const auth = authorization(r, credentials);
  if (auth !== undefined) headers.Authorization = auth;
  if (r.chance(0.1))
    headers.Cookie = r.pick(['sessionid=abc; csrftoken=x', 'sessionid=\u00ff', '=;;', 'sessionid=lk_x']);
  if (r.chance(0.1))
    headers.Origin = r.pick(['http://evil.example', 'null', 'http://127.0.0.1:8001', '\u00ff']);
  if (r.chance(0.05)) headers['X-CSRFToken'] = randomString(r).replace(/[^\x20-\xff]/g, '');
  let body: string | Uint8Array | undefined;
  if (!['GET', 'HEAD'].includes(method) && (operation.requestBody || r.chance(0.2))) {
    const made = requestBody(r, operation, credentials);
    if (made.type) headers['Content-Type'] = made.type;
    body = made.body;
  }
  return {
    operationId: operation.operationId,
    template: op.path,
    method,
    path,
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/** A request as a line to paste into a replay (or a curl command). */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body instanceof Uint8Array
      ? `bytes ${Buffer.from(request.body).toString('hex')}`
      : JSON.stringify(request.body ?? null);
  return `${request.method} ${request.path} headers=${JSON.stringify(request.headers)} body=${body}`;
}
