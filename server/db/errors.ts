/**
 * @module
 * What may be said about a database error. Drizzle's query errors carry the SQL and every bound
 * parameter in their message (password hashes, typed usernames, sometimes passwords), so logs and
 * start-up messages use {@link errorSummary}: the error's class and PostgreSQL's SQLSTATE, never its text.
 */

/** The SQLSTATE of a PostgreSQL error (postgres.js and PGlite put it on the error or on its `cause`). */
export function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether an error is a unique-constraint violation (SQLSTATE 23505), e.g. two equal usernames at once. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === '23505';
}

/** A loggable description of any error: its class name and SQLSTATE, without its message. */
export function errorSummary(err: unknown): { error: string; sqlstate?: string } {
  const name = err instanceof Error ? err.name || err.constructor.name : typeof err;
  const code = sqlState(err);
  return code ? { error: name, sqlstate: code } : { error: name };
}
