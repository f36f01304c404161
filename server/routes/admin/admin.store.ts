/**
 * @module
 * The admin's queries that no other area needs: searching and paging users, deletion, and counting a
 * user's tokens for paging. User updates go through the UserStore, token issue and revocation through
 * the TokenStore.
 */
import { and, asc, count, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { VerifyCache } from '../../auth/verify-cache.ts';
import type { Database } from '../../db/open.ts';
import { tokens, users } from '../../db/schema.ts';

/** Escapes LIKE wildcards so a search for `a_b` finds exactly that. */
function likeTerm(term: string): string {
  return `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** DRF SearchFilter semantics: every whitespace-separated word must match one of the fields. */
function searchCondition(search: string | undefined): SQL | undefined {
  // DRF's SearchFilter strips NUL characters too (PostgreSQL could not compare them anyway).
  const words = (search ?? '').replaceAll('\u0000', '').split(/\s+/).filter(Boolean).slice(0, 10);
  if (!words.length) return undefined;
  return and(
    ...words.map((word) => {
      const pattern = likeTerm(word);
      return or(
        ilike(users.username, pattern),
        ilike(users.email, pattern),
        ilike(users.firstName, pattern),
        ilike(users.lastName, pattern),
      );
    }),
  );
}

/** Admin data access bound to one database. */
export class AdminStore {
  readonly #db: Database;
  readonly #cache: Pick<VerifyCache, 'forgetUser'> | undefined;

  /** `cache`: the verify cache to forget a user in when the admin deletes them. */
  constructor(db: Database, cache?: Pick<VerifyCache, 'forgetUser'>) {
    this.#db = db;
    this.#cache = cache;
  }

  /** One page of users matching `search`, ordered by id, and how many match in all. */
  async listUsers(search: string | undefined, limit: number, offset: number) {
    const where = searchCondition(search);
    const [total] = await this.#db.select({ n: count() }).from(users).where(where);
    const rows = await this.#db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.id))
      .limit(limit)
      .offset(offset);
    return { count: total?.n ?? 0, rows };
  }

  /** Deletes a user (tokens and sessions go with it, by cascade); returns whether a row went. */
  async deleteUser(id: number): Promise<boolean> {
    const gone = await this.#db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    this.#cache?.forgetUser(id);
    return gone.length > 0;
  }

  /** How many tokens a user has (for paging). */
  async countTokens(userId: number): Promise<number> {
    const [row] = await this.#db.select({ n: count() }).from(tokens).where(eq(tokens.userId, userId));
    return row?.n ?? 0;
  }

  /** A token's id with whether its owner is a superuser; undefined when there is no such token. */
  async tokenOwner(
    tokenId: string,
  ): Promise<{ tokenId: string; userId: number; isSuperuser: boolean } | undefined> {
    const rows = await this.#db
      .select({ tokenId: tokens.id, userId: tokens.userId, isSuperuser: users.isSuperuser })
      .from(tokens)
      .innerJoin(users, eq(users.id, tokens.userId))
      .where(eq(tokens.id, tokenId))
      .limit(1);
    return rows[0];
  }
}
