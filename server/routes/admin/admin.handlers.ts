/**
 * @module
 * Handlers of the admin API. Staff may manage users and tokens; only a superuser may create, change,
 * delete or mint tokens for a superuser, or grant and remove superuser status, so that staff cannot
 * raise themselves above their rank. Nobody can deactivate or delete themselves (a lock-out guard).
 */
import type { Context } from 'hono';
import { revokeOtherCredentials } from '../../auth/credentials.ts';
import { resolveLifetime } from '../../auth/lifetimes.ts';
import { passwordProblems } from '../../auth/password-policy.ts';
import { type SessionInfo, sessionPublicId } from '../../auth/sessions.ts';
import type { TokenStore } from '../../auth/token-store.ts';
import type { UserChanges } from '../../auth/user-store.ts';
import type { Token, User } from '../../db/schema.ts';
import { ApiError, MESSAGES } from '../../errors.ts';
import type { AppEnv, Services } from '../../services.ts';
import { recordEvent } from '../events/record.ts';
import { currentUser, type AppRouteHandler as H, validBody } from '../factory.ts';
import { confirmCurrentPassword } from '../reauth.ts';
import { tokenReach } from '../schemas.ts';
import type * as routes from './admin.routes.ts';
import { AdminTokenCreate, AdminUserCreate, AdminUserUpdate } from './admin.schemas.ts';
import type { AdminStore } from './admin.store.ts';
import { pageOf, pageRequest } from './paging.ts';

/** The user as the admin API shows it. */
export function adminUser(row: User) {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    first_name: row.firstName,
    last_name: row.lastName,
    is_active: row.isActive,
    is_staff: row.isStaff,
    is_superuser: row.isSuperuser,
    date_joined: row.dateJoined.toISOString(),
    last_login: row.lastLogin?.toISOString() ?? null,
  };
}

type TokenRow = Pick<
  Token,
  | 'id'
  | 'userId'
  | 'prefix'
  | 'label'
  | 'createdAt'
  | 'lastUsedAt'
  | 'expiresAt'
  | 'scopes'
  | 'customLifetime'
  | 'idleTtl'
  | 'maxExpiresAt'
> & { username: string };

/** A token as the admin API shows it (never the key). */
export function adminToken(row: TokenRow, store: Pick<TokenStore, 'lifetime'>) {
  return {
    id: row.id,
    user: row.userId,
    username: row.username,
    label: row.label,
    prefix: row.prefix,
    created: row.createdAt.toISOString(),
    last_used: row.lastUsedAt?.toISOString() ?? null,
    expiry: row.expiresAt?.toISOString() ?? null,
    ...tokenReach(row, store),
  };
}

/**
 * A session as the admin API shows it: `expiry` is when it ends if left unused from now on (see
 * SessionStore.idleExpiry); `current` when it is the one making the request.
 */
export function adminSession(row: SessionInfo, currentDigest: string | undefined) {
  return {
    id: sessionPublicId(row.digest),
    label: row.label,
    created: row.createdAt.toISOString(),
    last_seen: row.lastSeenAt?.toISOString() ?? null,
    expiry: row.endsAt.toISOString(),
    current: row.digest === currentDigest,
  };
}

const denied = () => ApiError.detail(403, MESSAGES.permissionDenied);
const notFound = () => ApiError.detail(404, MESSAGES.notFound);

/** Handlers of the admin area, bound to the app's services and the admin store. */
export function adminHandlers(services: Services, store: AdminStore) {
  /** The target user, when the caller may act on them. */
  async function target(c: Context<AppEnv>, id: number, change: boolean): Promise<User> {
    const row = await services.users.byId(id);
    if (!row) throw notFound();
    if (change && row.isSuperuser && !currentUser(c).isSuperuser) throw denied();
    return row;
  }

  const listUsers: H<typeof routes.adminListUsers> = async (c) => {
    const query = c.req.valid('query');
    const paging = pageRequest(query);
    const { count, rows } = await store.listUsers(query.search, paging.size, paging.offset);
    return c.json(pageOf(c, paging, count, rows.map(adminUser)), 200);
  };

  const createUser: H<typeof routes.adminCreateUser> = async (c) => {
    const body = validBody(c, AdminUserCreate);
    if (body.is_superuser && !currentUser(c).isSuperuser) throw denied();
    const problems = passwordProblems(body.password, {
      username: body.username,
      email: body.email,
      firstName: body.first_name,
      lastName: body.last_name,
    });
    if (problems.length) throw ApiError.validation({ password: problems });
    const row = await services.users.create({
      username: body.username,
      password: body.password,
      email: body.email,
      firstName: body.first_name,
      lastName: body.last_name,
      isActive: body.is_active,
      isStaff: body.is_staff,
      isSuperuser: body.is_superuser,
    });
    await recordEvent(c, services, {
      type: 'user_created',
      outcome: 'success',
      user: row.id,
      detail: { is_active: row.isActive, is_staff: row.isStaff, is_superuser: row.isSuperuser },
    });
    return c.json(adminUser(row), 201);
  };

  const getUser: H<typeof routes.adminGetUser> = async (c) => {
    return c.json(adminUser(await target(c, c.req.valid('param').id, false)), 200);
  };

  const updateUser: H<typeof routes.adminUpdateUser> = async (c) => {
    const me = currentUser(c);
    const row = await target(c, c.req.valid('param').id, true);
    const body = validBody(c, AdminUserUpdate);
    if (body.is_superuser !== undefined && body.is_superuser !== row.isSuperuser && !me.isSuperuser) {
      throw denied();
    }
    if (row.id === me.id && body.is_active === false) {
      throw ApiError.validation({ is_active: ['You cannot deactivate your own account.'] });
    }
    const ownSecret = body.password !== undefined || (body.email !== undefined && body.email !== row.email);
    if (row.id === me.id && ownSecret) {
      // A stolen staff credential must not take its owner's account (and skip the password throttle).
      await confirmCurrentPassword(services, me.id, body.current_password);
    }
    if (body.password !== undefined) {
      const problems = passwordProblems(body.password, {
        username: row.username,
        email: body.email ?? row.email,
        firstName: body.first_name ?? row.firstName,
        lastName: body.last_name ?? row.lastName,
      });
      if (problems.length) throw ApiError.validation({ password: problems });
    }
    const changes: UserChanges = {};
    if (body.email !== undefined) changes.email = body.email;
    if (body.first_name !== undefined) changes.firstName = body.first_name;
    if (body.last_name !== undefined) changes.lastName = body.last_name;
    if (body.is_active !== undefined) changes.isActive = body.is_active;
    if (body.is_staff !== undefined) changes.isStaff = body.is_staff;
    if (body.is_superuser !== undefined) changes.isSuperuser = body.is_superuser;
    const updated = await services.users.update(row.id, changes);
    if (!updated) throw notFound();
    if (body.password !== undefined) {
      await services.users.setPassword(row.id, body.password);
      // As after the user's own password change: whoever held the old one is logged out everywhere.
      const keep =
        row.id === me.id ? { tokenId: c.get('tokenId'), sessionDigest: c.get('session')?.digest } : {};
      await revokeOtherCredentials(services, row.id, keep);
      await recordEvent(c, services, {
        type: 'password_changed',
        outcome: 'success',
        user: row.id,
        detail: { via: 'admin' },
      });
    }
    const fields = Object.keys(changes);
    if (fields.length) {
      const flags = ['isActive', 'isStaff', 'isSuperuser'] as const;
      const changed = flags.filter((f) => changes[f] !== undefined && changes[f] !== row[f]);
      await recordEvent(c, services, {
        type: 'user_changed',
        outcome: 'success',
        user: row.id,
        detail: {
          fields,
          before: Object.fromEntries(changed.map((f) => [f, row[f]])),
          after: Object.fromEntries(changed.map((f) => [f, updated[f]])),
        },
      });
    }
    return c.json(adminUser(updated), 200);
  };

  const deleteUser: H<typeof routes.adminDeleteUser> = async (c) => {
    const row = await target(c, c.req.valid('param').id, true);
    if (row.id === currentUser(c).id) {
      throw ApiError.validation({ non_field_errors: ['You cannot delete your own account.'] });
    }
    if (!(await store.deleteUser(row.id))) throw notFound();
    await recordEvent(c, services, {
      type: 'user_deleted',
      outcome: 'success',
      user: row.id,
      detail: { username: row.username },
    });
    return c.body(null, 204);
  };

  const listUserTokens: H<typeof routes.adminListUserTokens> = async (c) => {
    const row = await target(c, c.req.valid('param').id, false);
    const paging = pageRequest(c.req.valid('query'));
    const count = await store.countTokens(row.id);
    const rows = await services.tokens.list(row.id, { limit: paging.size, offset: paging.offset });
    return c.json(
      pageOf(
        c,
        paging,
        count,
        rows.map((token) => adminToken(token, services.tokens)),
      ),
      200,
    );
  };

  const createUserToken: H<typeof routes.adminCreateUserToken> = async (c) => {
    const row = await target(c, c.req.valid('param').id, true);
    const body = validBody(c, AdminTokenCreate);
    // Minting oneself tokens forever would outlive TOKEN_MAX_TTL: only with the password.
    if (row.id === currentUser(c).id) await confirmCurrentPassword(services, row.id, body.current_password);
    const label = body.label?.trim() || `created by ${currentUser(c).username} in the admin`;
    const scopes = body.scopes === undefined ? null : services.scopes.check(body.scopes);
    const lifetime = resolveLifetime(
      {
        expiresIn: body.expires_in,
        expiresAt: body.expires_at === undefined ? undefined : new Date(body.expires_at),
        idleTimeout: body.idle_timeout,
      },
      services.config,
    );
    const { key, token } = await services.tokens.issue(row.id, label, { scopes, lifetime });
    await recordEvent(c, services, {
      type: 'token_created',
      outcome: 'success',
      user: row.id,
      token: token.id,
      detail: { via: 'admin', label: token.label, scopes },
    });
    return c.json({ key, ...adminToken({ ...token, username: row.username }, services.tokens) }, 201);
  };

  const revokeToken: H<typeof routes.adminRevokeToken> = async (c) => {
    const owner = await store.tokenOwner(c.req.valid('param').id);
    if (!owner) throw notFound();
    if (owner.isSuperuser && !currentUser(c).isSuperuser) throw denied();
    if (!(await services.tokens.revoke(owner.tokenId))) throw notFound();
    await recordEvent(c, services, {
      type: 'token_revoked',
      outcome: 'success',
      user: owner.userId,
      token: owner.tokenId,
      detail: { via: 'admin' },
    });
    return c.body(null, 204);
  };

  const listUserSessions: H<typeof routes.adminListUserSessions> = async (c) => {
    const row = await target(c, c.req.valid('param').id, false);
    const paging = pageRequest(c.req.valid('query'));
    const { count, rows } = await services.sessions.listForUser(row, {
      limit: paging.size,
      offset: paging.offset,
    });
    const current = c.get('session')?.digest;
    return c.json(
      pageOf(
        c,
        paging,
        count,
        rows.map((s) => adminSession(s, current)),
      ),
      200,
    );
  };

  const endUserSession: H<typeof routes.adminEndUserSession> = async (c) => {
    const { id, session_id } = c.req.valid('param');
    const row = await target(c, id, true);
    if (!(await services.sessions.endByPublicId(row.id, session_id))) throw notFound();
    await recordEvent(c, services, {
      type: 'session_ended',
      outcome: 'success',
      user: row.id,
      detail: { via: 'admin', session: session_id },
    });
    return c.body(null, 204);
  };

  return {
    listUserSessions,
    endUserSession,
    listUsers,
    createUser,
    getUser,
    updateUser,
    deleteUser,
    listUserTokens,
    createUserToken,
    revokeToken,
  };
}
