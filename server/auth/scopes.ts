/**
 * @module
 * Token scopes: what a token may do. A token's `scopes` is a set of names (`notes:read`); null means full
 * access (every login token unless it asked for less, and every token made before scopes existed). The
 * names a token may carry are declared, never invented by clients: Latchkey's own ({@link BUILTIN_SCOPES}),
 * the operator's (`TOKEN_SCOPES`) and a library user's. An operation's required scopes are read from
 * its contract (`security: [{ Token: ['tokens:read'] }]`), as the schemes are.
 *
 * Refusal: 403 with DRF's permission message and RFC 6750's challenge naming what was needed,
 * `WWW-Authenticate: Token error="insufficient_scope", scope="tokens:read"`.
 */
import { z } from '@hono/zod-openapi';
import { ApiError, MESSAGES } from '../errors.ts';

/** Latchkey's own scopes, one per group of its operations (openapi.yaml names the one each needs). */
export const BUILTIN_SCOPES = {
  'account:read': "Read the caller's account details",
  'account:write': "Change the caller's account details and password",
  'tokens:read': "List the caller's tokens",
  'tokens:write': "Revoke the caller's tokens (one, or all with logoutall)",
  admin: 'The admin API (the user must be staff as well)',
  introspection: 'Token introspection (RFC 7662) for services that receive keys',
} as const;

/** One of Latchkey's own scope names. */
export type BuiltinScope = keyof typeof BUILTIN_SCOPES;

/** A scope name: RFC 6749's scope-token characters minus `"` and `\`, so it fits in a challenge as is. */
export const SCOPE_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** Longest scope name accepted. */
export const MAX_SCOPE_LENGTH = 64;
/** Most scopes one token may carry, and one request may name. */
export const MAX_SCOPES = 32;

/** Why a scope name is malformed, or undefined when it is fine. */
export function scopeNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Scope names may not be blank.';
  if (name.length > MAX_SCOPE_LENGTH) {
    return `Ensure each scope has no more than ${MAX_SCOPE_LENGTH} characters.`;
  }
  if (!SCOPE_PATTERN.test(name)) {
    return 'Scope names may contain only printable ASCII characters other than space, " and \\.';
  }
  return undefined;
}

/** Splits a space- or comma-separated list (OAuth's `scope` parameter, form fields, configuration). */
export function splitScopes(text: string): string[] {
  return text.split(/[\s,]+/).filter((part) => part !== '');
}

/**
 * The `scopes` field of login and token creation: a JSON array of names, or one string holding a
 * space-separated list (OAuth's form, and what an HTML form or `-d scopes=...` sends). Shape and bounds
 * only; whether each name is declared is checked by {@link ScopeRegistry.check}.
 */
export const ScopesField = z
  .preprocess(
    (v) => (typeof v === 'string' ? splitScopes(v) : v),
    z
      .array(z.string({ error: 'Not a valid string.' }), {
        error: 'Expected a list of items or a space-separated string.',
      })
      .max(MAX_SCOPES, `Ensure this field has no more than ${MAX_SCOPES} elements.`)
      .superRefine((names, ctx) => {
        for (const name of names) {
          const problem = scopeNameProblem(name);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
  )
  .openapi({
    type: 'array',
    items: { type: 'string', maxLength: MAX_SCOPE_LENGTH },
    maxItems: MAX_SCOPES,
    description:
      "Scopes this token may use (declared names only: Latchkey's own and TOKEN_SCOPES); a space-separated string is accepted too. Omitted: full access. `[]`: none (the token only proves who it belongs to).",
    example: ['notes:read'],
  });

/** Whether a token with `granted` scopes (null: full access) has every one of `required`. */
export function hasAllScopes(granted: readonly string[] | null, required: readonly string[]): boolean {
  if (granted === null) return true;
  for (const scope of required) if (!granted.includes(scope)) return false;
  return true;
}

/** Whether a token with `granted` scopes (null: full access) has at least one of `wanted`. */
export function hasAnyScope(granted: readonly string[] | null, wanted: readonly string[]): boolean {
  if (granted === null || wanted.length === 0) return true;
  return wanted.some((scope) => granted.includes(scope));
}

/** The RFC 6750 challenge naming the scopes a refused request needed. */
export function insufficientScopeChallenge(needed: readonly string[]): string {
  return `Token error="insufficient_scope", scope="${needed.join(' ')}"`;
}

/** 403 with DRF's permission message and the challenge naming `needed`. */
export function insufficientScope(needed: readonly string[]): ApiError {
  return ApiError.detail(403, MESSAGES.permissionDenied, {
    'WWW-Authenticate': insufficientScopeChallenge(needed),
  });
}

/** The declared scope names: what a token may carry. */
export class ScopeRegistry {
  readonly #names: Set<string>;

  /** Latchkey's own scopes plus `declared` (configuration, library options); malformed names throw. */
  constructor(declared: Iterable<string> = []) {
    this.#names = new Set(Object.keys(BUILTIN_SCOPES));
    for (const name of declared) {
      const problem = scopeNameProblem(name);
      if (problem) throw new Error(`scope "${name}": ${problem}`);
      this.#names.add(name);
    }
  }

  /** Every declared name, Latchkey's own first. */
  get names(): readonly string[] {
    return [...this.#names];
  }

  /** Whether `name` is declared. */
  has(name: string): boolean {
    return this.#names.has(name);
  }

  /**
   * Checks names a client asked for: the distinct declared names, in the order given; unknown ones
   * are refused with a field error under `field`.
   */
  check(names: readonly string[], field = 'scopes'): string[] {
    const unknown = names.filter((name) => !this.#names.has(name));
    if (unknown.length) {
      throw ApiError.validation({ [field]: unknown.map((name) => `Unknown scope "${name}".`) });
    }
    return [...new Set(names)];
  }

  /** The scopes a token actually has: its own list, or every declared name for full access. */
  effective(granted: readonly string[] | null): readonly string[] {
    return granted ?? this.names;
  }
}
