/**
 * Setup file of the API suite: after each file, everything the server logged so far in this run is
 * searched for every password and key the suite used, and for password hashes. A query error logged
 * with its parameters, or an event line holding a password, fails the file that made it happen.
 */
import { afterAll, expect } from 'vitest';
import { runRecord } from './app.ts';

const HASHES = /\$argon2id?\$|pbkdf2_sha256\$/;

afterAll(() => {
  const { lines, secrets } = runRecord();
  const leaks: string[] = [];
  for (const line of lines) {
    if (HASHES.test(line)) leaks.push(`a password hash in: ${line.slice(0, 200)}`);
    for (const secret of secrets) {
      if (line.includes(secret)) leaks.push(`"${secret.slice(0, 6)}…" in: ${line.slice(0, 200)}`);
    }
  }
  expect(leaks, `${lines.length} lines checked against ${secrets.size} secrets`).toEqual([]);
});
