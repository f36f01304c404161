/**
 * @module
 * The password policy for new passwords, following NIST SP 800-63B rather than composition rules: at
 * least 8 characters, long passphrases allowed (up to 4096), not one of the common passwords listed in
 * common-passwords.txt, and not too similar to the user's own attributes. The rules and messages are
 * Django's default validators (MinimumLength, CommonPassword, UserAttributeSimilarity), so dj-rest-auth
 * clients see the errors they know.
 */
import { readFileSync } from 'node:fs';

/** Fewer characters than this are refused. */
export const MIN_PASSWORD_LENGTH = 8;
/** More characters than this are refused (far above the 64 NIST asks to allow; login accepts as many). */
export const MAX_PASSWORD_LENGTH = 4096;
/** Django's UserAttributeSimilarityValidator default. */
const MAX_SIMILARITY = 0.7;

/** The user attributes a password is compared with, and how messages name them (Django's verbose names). */
const ATTRIBUTES = [
  ['username', 'username'],
  ['firstName', 'first name'],
  ['lastName', 'last name'],
  ['email', 'email address'],
] as const;

/** The attributes of the user whose password is being set. */
export interface PolicyUser {
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

let common: Set<string> | undefined;

/** The common-password list, read once on first use ("# " lines are comments). */
export function commonPasswords(): Set<string> {
  if (!common) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    common = new Set(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('# ')),
    );
  }
  return common;
}

/** Python's SequenceMatcher.quick_ratio: 2 * (multiset intersection) / (total length), by code point. */
export function quickRatio(a: string[], b: string[]): number {
  if (a.length + b.length === 0) return 1;
  const available = new Map<string, number>();
  for (const ch of b) available.set(ch, (available.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const left = available.get(ch) ?? 0;
    if (left > 0) matches++;
    available.set(ch, left - 1);
  }
  return (2 * matches) / (a.length + b.length);
}

/** Django's shortcut: a value far shorter than the password cannot reach the similarity bound. */
function tooShortToCompare(password: string[], value: string[]): boolean {
  return password.length >= 10 * value.length && value.length < (MAX_SIMILARITY / 2) * password.length;
}

/** The name of the attribute the password is too similar to, if any. */
export function similarAttribute(password: string, user: PolicyUser): string | undefined {
  const pwd = [...password.toLowerCase()];
  for (const [field, name] of ATTRIBUTES) {
    const value = user[field];
    if (!value) continue;
    const lower = value.toLowerCase();
    for (const part of [...lower.split(/[^\p{L}\p{N}_]+/u), lower]) {
      const chars = [...part];
      if (tooShortToCompare(pwd, chars)) continue;
      if (quickRatio(pwd, chars) >= MAX_SIMILARITY) return name;
    }
  }
  return undefined;
}

/** Every rule the password breaks, as Django words them; empty when it is acceptable. */
export function passwordProblems(password: string, user: PolicyUser): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length > MAX_PASSWORD_LENGTH) {
    return [`Ensure this field has no more than ${MAX_PASSWORD_LENGTH} characters.`];
  }
  const similar = similarAttribute(password, user);
  if (similar) problems.push(`The password is too similar to the ${similar}.`);
  if (length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (commonPasswords().has(password.toLowerCase().trim())) problems.push('This password is too common.');
  return problems;
}
