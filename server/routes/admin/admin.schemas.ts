/**
 * @module
 * Shapes of the admin API: users as staff see them, tokens of any user, DRF-style pages
 * (`{count, next, previous, results}`), and the bodies of create and update.
 */
import { z } from '@hono/zod-openapi';
import { MAX_PASSWORD_LENGTH } from '../../auth/password-policy.ts';
import { ScopesField } from '../../auth/scopes.ts';
import { TOKEN_ID } from '../../auth/tokens.ts';
import { MESSAGES } from '../../errors.ts';
import { TokenReachFields } from '../schemas.ts';

const text = () => z.string({ error: 'Not a valid string.' });
const TRUE = new Set(['t', 'y', 'yes', 'true', 'on', '1']);
const FALSE = new Set(['f', 'n', 'no', 'false', 'off', '0']);
/** DRF's BooleanField: JSON booleans, and the words forms send ("true", "on", "0", ...). */
const flag = () =>
  z.preprocess(
    (v) => {
      const word = typeof v === 'string' || typeof v === 'number' ? String(v).toLowerCase() : undefined;
      if (word === undefined) return v;
      return TRUE.has(word) ? true : FALSE.has(word) ? false : v;
    },
    z.boolean({ error: 'Must be a valid boolean.' }),
  );
/** DRF's IntegerField: JSON integers, and digit strings (what forms send). */
const integer = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'A valid integer is required.' })
      .int('A valid integer is required.')
      .min(0, 'Ensure this value is greater than or equal to 0.')
      .max(2 ** 31 - 1, `Ensure this value is less than or equal to ${2 ** 31 - 1}.`),
  );
const when = (description: string) => z.string().datetime().openapi({ description });

/** Django's username rule (UnicodeUsernameValidator) and message. */
export const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;
const USERNAME_MESSAGE =
  'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const names = {
  email: text()
    .max(254, 'Ensure this field has no more than 254 characters.')
    .refine((v) => v === '' || EMAIL.test(v), 'Enter a valid email address.'),
  first_name: text().max(150, 'Ensure this field has no more than 150 characters.'),
  last_name: text().max(150, 'Ensure this field has no more than 150 characters.'),
};

const password = text()
  .min(1, MESSAGES.blank)
  .max(MAX_PASSWORD_LENGTH, `Ensure this field has no more than ${MAX_PASSWORD_LENGTH} characters.`);

/** A user as staff see it (Django's auth.User fields, never the password hash). */
export const AdminUser = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    is_active: z
      .boolean()
      .openapi({ description: 'Inactive users cannot log in; their credentials stop working' }),
    is_staff: z.boolean().openapi({ description: 'May use the admin (this API and /admin/)' }),
    is_superuser: z
      .boolean()
      .openapi({ description: 'Only superusers may create, change or delete superusers' }),
    date_joined: when('When the user was created'),
    last_login: when('When the user last logged in; null: never').nullable(),
  })
  .openapi('AdminUser', {
    example: {
      id: 2,
      username: 'alice',
      email: 'alice@example.com',
      first_name: 'Alice',
      last_name: '',
      is_active: true,
      is_staff: false,
      is_superuser: false,
      date_joined: '2026-11-01T09:00:00.000Z',
      last_login: '2026-11-02T17:45:12.000Z',
    },
  });

/** Body of user creation. */
export const AdminUserCreate = z
  .object({
    username: text()
      .min(1, MESSAGES.blank)
      .max(150, 'Ensure this field has no more than 150 characters.')
      // A refine, not .regex(): the Unicode pattern has no portable JSON Schema form.
      .refine((v) => USERNAME_PATTERN.test(v), USERNAME_MESSAGE)
      .openapi({ description: 'Letters, digits and @/./+/-/_ only (Django), unique regardless of case' }),
    password: password.openapi({
      description: 'Checked against the password policy; stored as an argon2id hash',
    }),
    email: names.email.optional(),
    first_name: names.first_name.optional(),
    last_name: names.last_name.optional(),
    is_active: flag().optional().openapi({ description: 'Default true' }),
    is_staff: flag().optional().openapi({ description: 'Default false' }),
    is_superuser: flag().optional().openapi({ description: 'Default false; only a superuser may set it' }),
  })
  .openapi('AdminUserCreate', {
    example: { username: 'alice', password: 'a long passphrase', email: 'alice@example.com' },
  });

/** Body of a partial user update. */
export const AdminUserUpdate = z
  .object({
    email: names.email.optional(),
    first_name: names.first_name.optional(),
    last_name: names.last_name.optional(),
    is_active: flag()
      .optional()
      .openapi({ description: "false: the user's tokens and sessions stop working at once" }),
    is_staff: flag().optional(),
    is_superuser: flag().optional().openapi({ description: 'Only a superuser may change it' }),
    password: password.optional().openapi({
      description: "A new password: ends all of the user's tokens and sessions (but the caller's own)",
    }),
    current_password: text()
      .max(MAX_PASSWORD_LENGTH, `Ensure this field has no more than ${MAX_PASSWORD_LENGTH} characters.`)
      .optional()
      .openapi({
        description: "The caller's own password: required to change one's own password or e-mail",
      }),
  })
  .openapi('AdminUserUpdate', { example: { is_active: false } });

/** A token of any user, as staff see it: never the key. */
export const AdminToken = z
  .object({
    id: z.string().openapi({ description: 'Public identifier (not secret)' }),
    user: z.number().int().openapi({ description: "The owner's id" }),
    username: z.string(),
    label: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters" }),
    created: when('When the token was issued'),
    last_used: when('When the token was last used; null: never').nullable(),
    expiry: when('When the token expires unless used again; null: never').nullable(),
    ...TokenReachFields,
  })
  .openapi('AdminToken', {
    example: {
      id: '3kTz9QmWp0aXcV7b',
      user: 2,
      username: 'alice',
      label: 'Firefox on Linux',
      prefix: 'lk_4Vq8y',
      created: '2026-11-01T09:00:00.000Z',
      last_used: '2026-11-02T17:45:12.000Z',
      expiry: '2026-11-03T03:45:12.000Z',
      scopes: null,
      idle_timeout: 36000,
      max_expiry: '2026-12-01T09:00:00.000Z',
    },
  });

/** A token just created for a user: the only time its key is shown. */
export const AdminTokenCreated = AdminToken.extend({
  key: z.string().openapi({ description: 'The key, shown only in this response' }),
}).openapi('AdminTokenCreated', {
  example: {
    key: 'lk_4Vq8yTzR2mXo0bN7cLk5HsPe9uWd1FaGj3Q0aZb',
    id: '3kTz9QmWp0aXcV7b',
    user: 2,
    username: 'alice',
    label: 'CI deploy key',
    prefix: 'lk_4Vq8y',
    created: '2026-11-01T09:00:00.000Z',
    last_used: null,
    expiry: '2027-01-30T09:00:00.000Z',
    scopes: ['notes:read'],
    idle_timeout: null,
    max_expiry: '2027-01-30T09:00:00.000Z',
  },
});

/** Body of token creation. */
export const AdminTokenCreate = z
  .object({
    label: text()
      .max(200, 'Ensure this field has no more than 200 characters.')
      .optional()
      .openapi({ description: 'Names the token; default "created by <your username> in the admin"' }),
    current_password: text()
      .max(MAX_PASSWORD_LENGTH, `Ensure this field has no more than ${MAX_PASSWORD_LENGTH} characters.`)
      .optional()
      .openapi({ description: "The caller's own password: required to mint a token for oneself" }),
    scopes: ScopesField.optional(),
    expires_in: integer().optional().openapi({
      type: 'integer',
      description:
        'Seconds until the token ends however much it is used (its own lifetime); at most TOKEN_CUSTOM_MAX_TTL; 0: never (only when TOKEN_CUSTOM_MAX_TTL is 0)',
    }),
    expires_at: z
      .string({ error: 'Not a valid string.' })
      .datetime({ offset: true, error: 'Datetime has wrong format. Use ISO 8601.' })
      .optional()
      .openapi({ description: 'Alternative to expires_in: when the token ends (future, within the bound)' }),
    idle_timeout: integer().optional().openapi({
      type: 'integer',
      description: 'Seconds of non-use after which the token expires; 0: no idle timeout. Default TOKEN_TTL',
    }),
  })
  .openapi('AdminTokenCreate', {
    example: { label: 'CI deploy key', scopes: ['notes:read'], expires_in: 7776000, idle_timeout: 0 },
  });

/** A live cookie session of a user, as staff see it: never the session id or its digest. */
export const AdminSession = z
  .object({
    id: z.string().openapi({ description: 'Public identifier (not secret): ends the session' }),
    label: z.string().openapi({ description: 'Where it was opened ("Firefox on Linux"); may be empty' }),
    created: when('When the session was opened'),
    last_seen: when('When the session was last used; null: not recorded').nullable(),
    expiry: when(
      'When the session ends if left unused from now on (its idle timeout, never past its fixed lifetime)',
    ),
    current: z.boolean().openapi({ description: 'The session making this request' }),
  })
  .openapi('AdminSession', {
    example: {
      id: '9f2c4e1a7b3d5c60',
      label: 'Firefox on Linux',
      created: '2026-11-01T09:00:00.000Z',
      last_seen: '2026-11-02T17:45:12.000Z',
      expiry: '2026-11-15T09:00:00.000Z',
      current: false,
    },
  });

/** A DRF PageNumberPagination page of `item`. */
export function page<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      count: z.number().int().openapi({ description: 'How many items match, on all pages' }),
      next: z.string().nullable().openapi({ description: 'URL of the next page; null on the last' }),
      previous: z.string().nullable().openapi({ description: 'URL of the previous page; null on the first' }),
      results: z.array(item),
    })
    .openapi(name);
}

/** `?page=&page_size=` (DRF's names); bad values are handled as DRF does, in the handler. */
export const PageQuery = {
  page: z
    .string()
    .optional()
    .openapi({ param: { name: 'page', in: 'query' }, description: 'Page number, from 1', example: '1' }),
  page_size: z
    .string()
    .optional()
    .openapi({
      param: { name: 'page_size', in: 'query' },
      description: 'Items per page, 1 to 100 (default 20)',
      example: '20',
    }),
};

/** `{id}` of a user. */
export const UserIdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    // PostgreSQL's integer: a larger id names nothing (404), it must not reach the query (a 500).
    .max(2_147_483_647)
    .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 2 }),
});

/** `{id}` of a token. */
export const TokenIdParam = z.object({
  id: z
    .string()
    .regex(TOKEN_ID)
    .openapi({ param: { name: 'id', in: 'path' }, example: '3kTz9QmWp0aXcV7b' }),
});

/** `{id}` of a user and `{session_id}` of one of their sessions. */
export const UserSessionParams = UserIdParam.extend({
  session_id: z.string().openapi({ param: { name: 'session_id', in: 'path' }, example: '9f2c4e1a7b3d5c60' }),
});
