/**
 * @module
 * User rows: lookup by username (case-insensitive) or e-mail, creation, updates, password changes, and
 * the credential check used by every login path (REST, admin form, CLI).
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/open.ts';
import { type User, users } from '../db/schema.ts';
import { burnVerification, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import type { VerifyCache } from './verify-cache.ts';

/** Fields accepted when creating a user. */
export interface NewUser {
  username: string;
  password: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
  isActive?: boolean;
}

/** The columns an update may change (the password has its own method: it needs hashing). */
export type UserChanges = Partial<
  Pick<User, 'username' | 'email' | 'firstName' | 'lastName' | 'isActive' | 'isStaff' | 'isSuperuser'>
>;

/** Thrown when a username is already taken (compared case-insensitively). */
export class DuplicateUserError extends Error {
  override name = 'DuplicateUserError';
  constructor() {
    super('A user with that username already exists.');
  }
}

/** Whether a driver error is PostgreSQL's unique_violation (drizzle wraps the driver's error in `cause`). */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/** User data access bound to one database. */
export class UserStore {
  readonly #db: Database;
  readonly #cache: Pick<VerifyCache, 'forgetUser'> | undefined;

  /** `cache`: the verify cache to forget a user in when this store changes them. */
  constructor(db: Database, cache?: Pick<VerifyCache, 'forgetUser'>) {
    this.#db = db;
    this.#cache = cache;
  }

  /** The user with this username, compared case-insensitively. */
  async byUsername(username: string): Promise<User | undefined> {
    const rows = await this.#db
      .select()
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username})`)
      .limit(1);
    return rows[0];
  }

  /** The user with this e-mail (case-insensitive), when exactly one has it. */
  async byEmail(email: string): Promise<User | undefined> {
    const rows = await this.#db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`)
      .limit(2);
    return rows.length === 1 ? rows[0] : undefined;
  }

  /** The user with this id. */
  async byId(id: number): Promise<User | undefined> {
    const rows = await this.#db.select().from(users).where(eq(users.id, id)).limit(1);
    return rows[0];
  }

  /** Creates a user with an argon2id password hash. */
  async create(input: NewUser): Promise<User> {
    if (await this.byUsername(input.username)) throw new DuplicateUserError();
    const password = await hashPassword(input.password);
    try {
      const [row] = await this.#db
        .insert(users)
        .values({
          username: input.username,
          password,
          email: input.email ?? '',
          firstName: input.firstName ?? '',
          lastName: input.lastName ?? '',
          isStaff: input.isStaff ?? false,
          isSuperuser: input.isSuperuser ?? false,
          isActive: input.isActive ?? true,
        })
        .returning();
      return row as User;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateUserError();
      throw err;
    }
  }

  /**
   * Applies changes to a user; returns the row as now stored, or undefined when there is no such user.
   * A username held by another user (case-insensitively) throws {@link DuplicateUserError}, also when two
   * renames race (the unique index decides).
   */
  async update(id: number, changes: UserChanges): Promise<User | undefined> {
    if (!Object.keys(changes).length) return this.byId(id);
    if (changes.username !== undefined) {
      const holder = await this.byUsername(changes.username);
      if (holder && holder.id !== id) throw new DuplicateUserError();
    }
    try {
      const rows = await this.#db.update(users).set(changes).where(eq(users.id, id)).returning();
      this.#cache?.forgetUser(id);
      return rows[0];
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateUserError();
      throw err;
    }
  }

  /** Replaces a user's password hash. */
  async setPassword(id: number, password: string): Promise<void> {
    await this.#db
      .update(users)
      .set({ password: await hashPassword(password) })
      .where(eq(users.id, id));
    this.#cache?.forgetUser(id);
  }

  /**
   * Checks credentials in constant work: an unknown user costs one dummy verification, so timing does
   * not reveal which usernames exist. Returns the user only when the password matches and the account
   * is active. Upgrades legacy (Django pbkdf2) or weaker hashes after a successful check and records
   * the login time.
   */
  async authenticate(identifier: { username?: string; email?: string }, password: string) {
    const user = identifier.username
      ? await this.byUsername(identifier.username)
      : identifier.email
        ? await this.byEmail(identifier.email)
        : undefined;
    if (!user) {
      await burnVerification(password);
      return undefined;
    }
    if (!(await verifyPassword(password, user.password)) || !user.isActive) return undefined;
    const changes: Partial<User> = { lastLogin: new Date() };
    if (needsRehash(user.password)) changes.password = await hashPassword(password);
    await this.#db.update(users).set(changes).where(eq(users.id, user.id));
    return user;
  }
}
