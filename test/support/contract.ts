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
ajv.addSchema({ components: spec.components ?? {} }, SPEC_ID);

/** A response schema with its `#/components/...` refs pointed at the registered components document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : rebase(v),
    ]),
  );
}

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: unknown): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rebase(schema) as object);
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
export async function checkResponse(op: SpecOperation, response: Response): Promise<string[]> {
  const where = `${op.operationId} (${op.method.toUpperCase()} ${op.path}) -> ${response.status}`;
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

/**
 * Records every SDK call: which operation answered with which status, and any departure from the
 * contract. A request with a method its path does not define counts for every operation on that path
 * (their documented 405).
 */
export class ContractRecorder {
  /** operationId -> statuses seen. */
  readonly seen = new Map<string, Set<string>>();
  readonly failures: string[] = [];

  /** openapi-fetch middleware that checks each response (reading a clone, so callers are unaffected). */
  readonly middleware: Middleware = {
    onResponse: async ({ request, response, schemaPath }) => {
      await this.record(request.method, schemaPath, response.clone());
      return undefined;
    },
  };

  /**
   * Checks and records one response to `method schemaPath`. The path may be a template
   * (`/rest-auth/tokens/{id}/`) or a concrete path the SDK was given (`fx.raw(c, 'GET', '/x/abc/')`).
   */
  async record(method: string, schemaPath: string, response: Response): Promise<void> {
    const exactPath = operations.filter((op) => op.path === schemaPath);
    const onPath = exactPath.length
      ? exactPath
      : operations.filter((op) => templateOf(op.path).test(schemaPath));
    if (onPath.length === 0) {
      this.failures.push(`${method} ${schemaPath}: path is not in openapi.yaml`);
      return;
    }
    const exact = onPath.filter((op) => op.method === method.toLowerCase());
    const targets = exact.length ? exact : onPath;
    if (!exact.length && response.status !== 405) {
      this.failures.push(`${method} ${schemaPath}: undefined method answered ${response.status}, not 405`);
    }
    for (const op of targets) {
      this.failures.push(...(await checkResponse(op, response.clone())));
      const statuses = this.seen.get(op.operationId) ?? new Set<string>();
      statuses.add(String(response.status));
      this.seen.set(op.operationId, statuses);
    }
  }

  /** Forgets everything recorded so far. */
  reset(): void {
    this.seen.clear();
    this.failures.length = 0;
  }
}
