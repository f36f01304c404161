/**
 * @module
 * The contract checker: loads openapi.yaml, compiles the schema of every documented response with
 * Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses), and checks each response an SDK client receives
 * against the operation, status and media type it answers. Plugged into the SDK as openapi-fetch
 * middleware, so every call a contract test makes through the SDK is checked, with no per-call code.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';
import { parse } from 'yaml';
import { canonicalPath } from '../../server/paths.ts';
import { closeObjects } from './strict-schema.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface MediaObject {
  schema?: unknown;
}
interface ResponseObject {
  description?: string;
  headers?: Record<string, { schema?: { type?: string }; required?: boolean }>;
  content?: Record<string, MediaObject>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}

/** One operation of the contract. */
export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  responses: Record<string, ResponseObject>;
}

/** The parsed contract. */
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document walked generically by the contract checks
export const spec: any = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'));

/** Every operation in openapi.yaml, in document order. */
export const operations: SpecOperation[] = Object.entries(
  (spec.paths ?? {}) as Record<string, Record<string, OperationObject>>,
).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => {
    const op = item[method] as OperationObject;
    return {
      operationId: op.operationId ?? `${method} ${path}`,
      method,
      path,
      responses: op.responses ?? {},
    };
  }),
);

const SPEC_ID = 'latchkey-openapi.yaml';
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
// Only the components are a schema document; component refs ('#/components/...') resolve inside it.
// A component is closed where it is used (its `$ref`), not at its root: it may be a member of an allOf.
const { schemas = {}, ...otherComponents } = spec.components ?? {};
ajv.addSchema(
  {
    components: {
      ...otherComponents,
      schemas: Object.fromEntries(
        Object.entries(schemas as Record<string, unknown>).map(([name, schema]) => [
          name,
          closeObjects(schema, { member: true }),
        ]),
      ),
    },
  },
  SPEC_ID,
);

/** A response schema, closed, with its `#/components/...` refs pointed at the components document. */
const strict = (schema: unknown) =>
  closeObjects(schema, { rewriteRef: (ref) => (ref.startsWith('#/') ? `${SPEC_ID}${ref}` : ref) });

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: unknown): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(strict(schema) as object);
    compiled.set(key, validate);
  }
  return validate;
}

function mediaType(header: string | null): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const templates = new Map<string, RegExp>();
/** `/a/{id}/` as a pattern matching concrete paths (`/a/xyz/`). */
function templateOf(path: string): RegExp {
  let pattern = templates.get(path);
  if (!pattern) {
    const source = path
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    pattern = new RegExp(`^${source}$`);
    templates.set(path, pattern);
  }
  return pattern;
}

const isJson = (type: string) => type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);

/** Checks one response against one operation; returns the problems found (empty: it conforms). */
export async function checkResponse(
  op: SpecOperation,
  response: Response,
  options: { head?: boolean } = {},
): Promise<string[]> {
  const where = `${options.head ? 'HEAD as ' : ''}${op.operationId} (${op.method.toUpperCase()} ${op.path}) -> ${response.status}`;
  const documented = op.responses[String(response.status)] ?? op.responses.default;
  if (!documented) {
    return [
      `${where}: status ${response.status} is not documented (documented: ${Object.keys(op.responses)})`,
    ];
  }
  const problems: string[] = [];
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    // Documented headers must be sent, unless marked `required: false` (sent on some answers only).
    if (value === null) {
      if (header.required !== false) problems.push(`${where}: documented header ${name} is missing`);
    } else if (header.schema?.type === 'integer' && !/^\d+$/.test(value)) {
      problems.push(`${where}: header ${name}=${value} is not an integer`);
    }
  }
  const text = await response.text();
  const content = documented.content ?? {};
  if (Object.keys(content).length === 0) {
    if (text !== '')
      problems.push(`${where}: documented without a body, got ${JSON.stringify(text.slice(0, 80))}`);
    return problems;
  }
  const type = mediaType(response.headers.get('content-type'));
  const media = content[type];
  if (!media) {
    problems.push(`${where}: Content-Type "${type}" is not documented (documented: ${Object.keys(content)})`);
    return problems;
  }
  if (options.head) {
    if (text !== '')
      problems.push(`${where}: a HEAD answer has a body: ${JSON.stringify(text.slice(0, 80))}`);
    return problems;
  }
  let body: unknown = text;
  if (isJson(type)) {
    try {
      body = JSON.parse(text);
    } catch {
      problems.push(`${where}: body is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
      return problems;
    }
  }
  if (media.schema !== undefined) {
    const validate = validatorFor(`${op.method} ${op.path} ${response.status} ${type}`, media.schema);
    if (!validate(body)) {
      problems.push(
        `${where}: body does not match the documented schema: ${ajv.errorsText(validate.errors)}; body ${text.slice(0, 200)}`,
      );
    }
  }
  return problems;
}

/** Documents what a path answers: its operations' methods, HEAD with GET, and OPTIONS (RFC 9110). */
function allowedMethods(onPath: SpecOperation[]): Set<string> {
  const methods = new Set(onPath.map((op) => op.method.toUpperCase()));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return methods;
}

/**
 * OPTIONS where the contract lists no options operation: the method HTTP defines for every resource,
 * answered 204 with `Allow` naming exactly the path's documented methods, or a CORS preflight.
 */
async function checkOptions(path: string, onPath: SpecOperation[], response: Response): Promise<string[]> {
  const where = `OPTIONS ${path} -> ${response.status}`;
  const problems: string[] = [];
  if (response.status !== 204) problems.push(`${where}: OPTIONS must answer 204`);
  if ((await response.text()) !== '') problems.push(`${where}: OPTIONS must answer without a body`);
  if (response.headers.has('access-control-allow-methods')) return problems; // a CORS preflight
  const allow = (response.headers.get('allow') ?? '').split(',').map((m) => m.trim());
  const expected = [...allowedMethods(onPath)].sort();
  if (JSON.stringify([...allow].sort()) !== JSON.stringify(expected)) {
    problems.push(`${where}: Allow "${allow.join(', ')}" differs from the documented methods ${expected}`);
  }
  return problems;
}

const detailOnly = () =>
  validatorFor('outside the contract: detail', { $ref: '#/components/schemas/Detail' });

/**
 * A request path as the contract writes it: an SDK template (`/x/{id}/`) as given; a concrete URL or
 * path without its origin and query, with the trailing slash the app adds before routing.
 */
function contractPath(target: string): string {
  if (target.includes('{')) return target;
  return canonicalPath(new Request(new URL(target, 'http://contract.invalid')));
}

/** How a recorder treats a path openapi.yaml does not have. */
export interface RecorderOptions {
  /**
   * 'fail' (default; the SDK's contract tests): a failure. 'pages' (the API suite, which also
   * requests the HTML pages, their assets and unknown paths): such a response passes unless it is a
   * 500, a JSON body other than exactly `{"detail": "..."}`, or a 405 without `Allow`.
   */
  undocumentedPaths?: 'fail' | 'pages';
}

/**
 * Records every call: which operation answered with which status, and any departure from the
 * contract. A request with a method its path does not define counts for every operation on that path
 * (their documented 405). HEAD where a path documents GET is checked as that GET without a body;
 * OPTIONS by {@link checkOptions}. The contract's description says so once for all paths.
 */
export class ContractRecorder {
  /** operationId -> statuses seen. */
  readonly seen = new Map<string, Set<string>>();
  readonly failures: string[] = [];
  /** How many responses were checked since the recorder was made (never reset). */
  checked = 0;

  constructor(private readonly options: RecorderOptions = {}) {}

  /** openapi-fetch middleware that checks each response (reading a clone, so callers are unaffected). */
  readonly middleware: Middleware = {
    onResponse: async ({ request, response, schemaPath }) => {
      await this.record(request.method, schemaPath, response.clone());
      return undefined;
    },
  };

  /**
   * Checks and records one response to `method target`. The target may be a template
   * (`/rest-auth/tokens/{id}/`), a concrete path (`/x/abc?q=1`, trailing slash optional) or a URL.
   */
  async record(method: string, target: string, response: Response): Promise<void> {
    this.checked += 1;
    const verb = method.toUpperCase();
    const path = contractPath(target);
    const exactPath = operations.filter((op) => op.path === path);
    const onPath = exactPath.length ? exactPath : operations.filter((op) => templateOf(op.path).test(path));
    if (onPath.length === 0) {
      this.failures.push(...(await this.outsideContract(verb, path, response)));
      return;
    }
    const documents = (m: string) => onPath.some((op) => op.method === m);
    if (verb === 'OPTIONS' && !documents('options')) {
      this.failures.push(...(await checkOptions(path, onPath, response)));
      return;
    }
    const head = verb === 'HEAD' && !documents('head');
    const exact = onPath.filter((op) => op.method === (head ? 'get' : verb.toLowerCase()));
    const targets = exact.length ? exact : onPath;
    if (!exact.length && response.status !== 405) {
      this.failures.push(`${verb} ${path}: undefined method answered ${response.status}, not 405`);
    }
    for (const op of targets) {
      this.failures.push(...(await checkResponse(op, response.clone(), { head })));
      if (head) continue; // a HEAD does not show that the GET's status is reachable with a body
      const statuses = this.seen.get(op.operationId) ?? new Set<string>();
      statuses.add(String(response.status));
      this.seen.set(op.operationId, statuses);
    }
  }

  /** The problems of a response to a path openapi.yaml does not have. */
  private async outsideContract(verb: string, path: string, response: Response): Promise<string[]> {
    const where = `${verb} ${path} -> ${response.status}`;
    if (this.options.undocumentedPaths !== 'pages') return [`${where}: path is not in openapi.yaml`];
    const problems: string[] = [];
    if (response.status === 500) problems.push(`${where}: a server error`);
    if (response.status === 405 && !response.headers.has('allow'))
      problems.push(`${where}: 405 without Allow`);
    const text = await response.text();
    if (isJson(mediaType(response.headers.get('content-type'))) && text !== '') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return [...problems, `${where}: body is not JSON: ${JSON.stringify(text.slice(0, 80))}`];
      }
      const validate = detailOnly();
      if (!validate(body))
        problems.push(`${where}: JSON outside the contract is not a detail: ${text.slice(0, 200)}`);
    }
    return problems;
  }

  /** Forgets the operations and failures recorded so far. */
  reset(): void {
    this.seen.clear();
    this.failures.length = 0;
  }
}
