/**
 * @module
 * Closes the objects of a JSON Schema (2020-12) for the contract checker: the contract as generated
 * leaves every object open, so a response carrying a field it does not document (a user's `password`)
 * would conform. {@link closeObjects} adds `unevaluatedProperties: false` to every schema position that
 * describes an object, except the members of a composition (`allOf`/`anyOf`/`oneOf`, `then`/`else`):
 * a member sees only its own properties, and closing it would reject the properties its siblings add.
 * The composing schema is closed instead, and `unevaluatedProperties` there sees every property a
 * member (or a `$ref`) evaluated. A map (`additionalProperties: {...}`) evaluates every property, so
 * closing it changes nothing; an object schema that lists no properties and declares no map is
 * closed empty: the contract must say what an object holds.
 */

/** Keywords holding one subschema that applies to other values than the instance itself. */
const NESTED = ['items', 'additionalProperties', 'propertyNames', 'contains', 'unevaluatedItems'];
/**
 * Keywords holding one subschema applied to the instance itself: left open like composition members
 * (`not` and `if` never close anything: the contract uses neither, and closing inside a `not` would
 * invert it).
 */
const IN_PLACE = ['then', 'else', 'not', 'if'];
/** Keywords mapping names to subschemas. */
const MAPS = ['properties', 'patternProperties', 'dependentSchemas', '$defs'];
/** Keywords listing subschemas applied to the instance itself. */
const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'];

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a schema describes (or may describe) an object, so closing it is meaningful. */
function describesObject(schema: Schema): boolean {
  const type = schema.type;
  if (Array.isArray(type) ? type.includes('object') : type === 'object') return true;
  return ['properties', 'patternProperties', 'additionalProperties', '$ref', ...COMPOSITIONS].some(
    (keyword) => keyword in schema,
  );
}

/**
 * A copy of `schema` with every object closed. `member`: the schema is applied in place by a parent
 * that closes it (a composition member, or a component reached only through a `$ref`). `rewriteRef`
 * maps each `$ref` (to point it at the document the checker registered).
 */
export function closeObjects(
  schema: unknown,
  options: { member?: boolean; rewriteRef?: (ref: string) => string } = {},
): unknown {
  if (!isSchema(schema)) return schema;
  const rewriteRef = options.rewriteRef ?? ((ref: string) => ref);
  const close = (value: unknown, member: boolean) => closeObjects(value, { member, rewriteRef });
  const out: Schema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === '$ref' && typeof value === 'string') out[keyword] = rewriteRef(value);
    else if (NESTED.includes(keyword)) out[keyword] = close(value, false);
    else if (IN_PLACE.includes(keyword)) out[keyword] = close(value, true);
    else if (keyword === 'prefixItems' && Array.isArray(value))
      out[keyword] = value.map((v) => close(v, false));
    else if (COMPOSITIONS.includes(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((v) => close(v, true));
    } else if (MAPS.includes(keyword) && isSchema(value)) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, v]) => [name, close(v, false)]));
    } else out[keyword] = value;
  }
  if (!options.member && describesObject(schema) && !('unevaluatedProperties' in schema)) {
    out.unevaluatedProperties = false;
  }
  return out;
}
