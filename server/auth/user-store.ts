/**
 * @module
 * User rows: lookup by username (case-insensitive) or e-mail, creation, updates, password changes, and
 * the credential check used by every login path (REST, admin form, CLI).
 */
import { eq, like, type SQLWrapper, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database } from '../db/open.ts';
import { type User, users } from '../db/schema.ts';
import {
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  needsRehash,
  pbkdf2Iterations,
  verifyInEqualWork,
} from './passwords.ts';
import type { VerifyCache } from './verify-cache.ts';

/** How long the highest PBKDF2 iteration count among stored hashes is reused before it is read again. */
const LEGACY_WORK_TTL_MS = 5 * 60_000;

/** Why a login's credentials were refused (recorded in the audit trail, never shown to the client). */
export type LoginRefusal = 'unknown_user' | 'bad_password' | 'inactive';

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

/**
 * Users whose `column` equals the placeholder of the same name case-insensitively (the lower() indexes),
 * at most `limit`, as a prepared query.
 */
function byLowerCase(db: Database, column: 'username' | 'email', limit: number) {
  return db
    .select()
    .from(users)
    .where(sql`lower(${users[column]}) = lower(${sql.placeholder(column)})`)
    .limit(limit)
    .prepare(`latchkey_user_by_${column}`);
}

/** User data access bound to one database. */
export class UserStore {
  readonly #db: Database;
  readonly #cache: Pick<VerifyCache, 'forgetUser'> | undefined;
  #legacyWork: { iterations: Promise<number>; until: number } | undefined;
  // Every login starts with one of these: built once, not per login (drizzle's query building is a
  // large part of a login's own work on the event loop).
  readonly #byUsername;
  readonly #byEmail;

  /** `cache`: the verify cache to forget a user in when this store changes them. */
  constructor(db: Database, cache?: Pick<VerifyCache, 'forgetUser'>) {
    this.#db = db;
    this.#cache = cache;
    this.#byUsername = byLowerCase(db, 'username', 1);
    this.#byEmail = byLowerCase(db, 'email', 2);
  }

  /** The user with this username, compared case-insensitively. */
  async byUsername(username: string): Promise<User | undefined> {
    return (await this.#byUsername.execute({ username }))[0];
  }

  /** The user with this e-mail (case-insensitive), when exactly one has it. */
  async byEmail(email: string): Promise<User | undefined> {
    const rows = await this.#byEmail.execute({ email });
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

  /** The account a login names: by username (case-insensitive), else by e-mail when exactly one has it. */
  findForLogin(identifier: { username?: string | undefined; email?: string | undefined }) {
    if (identifier.username) return this.byUsername(identifier.username);
    if (identifier.email) return this.byEmail(identifier.email);
    return Promise.resolve(undefined);
  }

  /**
   * Checks a login's password against the account found (or none) in the same work whatever its stored
   * hash is (see verifyInEqualWork), so timing tells nobody which accounts exist or were imported.
   * On success, upgrades a legacy or weaker hash and records the login time, unless `recordTime` is
   * false: the caller then writes {@link lastLoginUpdate} itself, with the login's token.
   */
  async checkLogin(
    user: User | undefined,
    password: string,
    { recordTime = true }: { recordTime?: boolean } = {},
  ): Promise<LoginRefusal | undefined> {
    const ok = await verifyInEqualWork(password, user?.password, await this.#legacyIterations());
    if (!user) return 'unknown_user';
    if (!ok) return 'bad_password';
    if (!user.isActive) return 'inactive';
    const changes: Partial<User> = recordTime ? { lastLogin: new Date() } : {};
    if (needsRehash(user.password)) changes.password = await hashPassword(password);
    if (changes.lastLogin || changes.password)
      await this.#db.update(users).set(changes).where(eq(users.id, user.id));
    // An upgraded PBKDF2 hash may have been the most expensive one: read the figure again soon.
    if (changes.password && pbkdf2Iterations(user.password)) this.#legacyWork = undefined;
    return undefined;
  }

  /** Records a login's time on its own (when it could not be written with the login's token). */
  async recordLoginTime(userId: number, at: Date): Promise<void> {
    await this.#db.execute(this.lastLoginUpdate(userId, at));
  }

  /** The UPDATE that records a login's time, not yet run (for TokenStore.issue's `alongside`). */
  lastLoginUpdate(userId: number, at: Date): SQLWrapper {
    return this.#db.update(users).set({ lastLogin: at }).where(eq(users.id, userId));
  }

  /**
   * The highest PBKDF2 iteration count among stored (imported, not yet upgraded) hashes; 0 when none.
   * Cached for a few minutes: it only decides how much work a login does, never who gets in.
   */
  #legacyIterations(): Promise<number> {
    const now = Date.now();
    if (this.#legacyWork && now < this.#legacyWork.until) return this.#legacyWork.iterations;
    const rounds = sql`split_part(${users.password}, '$', 2)`;
    const iterations = this.#db
      .select({ most: sql<number | null>`max(case when ${rounds} ~ '^[0-9]{1,8}$' then ${rounds}::int end)` })
      .from(users)
      .where(like(users.password, 'pbkdf2\\_sha256$%'))
      .then(([row]) => Math.min(Number(row?.most ?? 0), MAX_PBKDF2_ITERATIONS))
      .catch(() => 0);
    this.#legacyWork = { iterations, until: now + LEGACY_WORK_TTL_MS };
    return iterations;
  }

  /** Forgets the cached PBKDF2 figure (after an import into a running server's database, in tests). */
  forgetLegacyWork(): void {
    this.#legacyWork = undefined;
  }
}
