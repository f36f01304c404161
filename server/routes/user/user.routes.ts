/**
 * @module
 * Contracts of the account operations (dj-rest-auth's UserDetailsView and PasswordChangeView): read and
 * update the caller's details, and change the password.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { MAX_PASSWORD_LENGTH } from '../../auth/password-policy.ts';
import { BadRequestSchema, DetailSchema, MESSAGES } from '../../errors.ts';
import {
  errorResponses,
  insufficientScopeResponse,
  jsonResponse,
  requestBody,
  UserSchema,
} from '../schemas.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;

/** A DRF CharField: "may not be null" for null, "Not a valid string." for other types. */
const text = () =>
  z.string({
    error: (issue) => (issue.input === null ? 'This field may not be null.' : 'Not a valid string.'),
  });
const atMost = (n: number) => `Ensure this field has no more than ${n} characters.`;

/** PATCH body: any subset of the editable fields; unknown and read-only fields (id) are ignored, as by DRF. */
export const UserUpdateBody = z
  .object({
    username: text()
      .trim()
      .min(1, MESSAGES.blank)
      .max(150, atMost(150))
      .refine(
        (v) => v === '' || USERNAME.test(v),
        'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
      )
      .optional(),
    email: text()
      .trim()
      .max(254, atMost(254))
      .refine((v) => v === '' || EMAIL.test(v), 'Enter a valid email address.')
      .optional(),
    first_name: text().trim().max(150, atMost(150)).optional(),
    last_name: text().trim().max(150, atMost(150)).optional(),
    current_password: text().max(MAX_PASSWORD_LENGTH, atMost(MAX_PASSWORD_LENGTH)).optional().openapi({
      description:
        'Required to change `username` or `email` (a stolen token alone cannot take the account over); wrong guesses are throttled like wrong old passwords',
    }),
  })
  .openapi('UserUpdate', { example: { first_name: 'Ada', last_name: 'Lovelace' } });

const password = (description: string) =>
  text()
    .min(1, MESSAGES.blank)
    .max(MAX_PASSWORD_LENGTH, atMost(MAX_PASSWORD_LENGTH))
    .openapi({ description });

/** POST body of the password change. Passwords are taken exactly as sent (no trimming). */
export const PasswordChangeBody = z
  .object({
    old_password: password('The current password'),
    new_password1: password(
      'The new password: at least 8 characters, not a common password, not too similar to the username, e-mail or names',
    ),
    new_password2: password('The new password again'),
  })
  .openapi('PasswordChange', {
    example: {
      old_password: 'correct horse battery staple',
      new_password1: 'purple elephant sings at dawn',
      new_password2: 'purple elephant sings at dawn',
    },
  });

/** DRF/dj-rest-auth's success message. */
export const PASSWORD_SAVED = 'New password has been saved.';

const userExample = {
  id: 1,
  username: 'ada',
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
};

export const getUser = createRoute({
  method: 'get',
  path: '/rest-auth/user/',
  operationId: 'getUser',
  tags: ['account'],
  summary: "The caller's details",
  security: [{ Token: ['account:read'] }],
  responses: {
    200: jsonResponse(UserSchema, "The caller's details", userExample),
    ...errorResponses(401),
    403: insufficientScopeResponse,
    ...errorResponses(405),
  },
});

export const updateUser = createRoute({
  method: 'patch',
  path: '/rest-auth/user/',
  operationId: 'updateUser',
  tags: ['account'],
  summary: "Update the caller's username, e-mail or names",
  description: 'Only the fields sent change. JSON, form-encoded and multipart bodies are accepted.',
  security: [{ Token: ['account:write'] }],
  request: { body: requestBody(UserUpdateBody) },
  responses: {
    200: jsonResponse(UserSchema, 'Updated: the details as now stored', userExample),
    400: jsonResponse(BadRequestSchema, 'Invalid fields, or malformed JSON', {
      username: ['A user with that username already exists.'],
    }),
    ...errorResponses(401),
    403: insufficientScopeResponse,
    ...errorResponses(405, 413, 415, 429),
  },
});

export const changePassword = createRoute({
  method: 'post',
  path: '/rest-auth/password/change/',
  operationId: 'changePassword',
  tags: ['account'],
  summary: 'Change the password; every other token of the user is revoked',
  description:
    'Needs the current password. The new one must pass the password policy (see README). On success the token used for this request keeps working and every other credential of the user is revoked. Wrong current passwords are throttled like failed logins.',
  security: [{ Token: ['account:write'] }],
  request: { body: requestBody(PasswordChangeBody) },
  responses: {
    200: jsonResponse(DetailSchema, 'Changed', { detail: PASSWORD_SAVED }),
    400: jsonResponse(
      BadRequestSchema,
      'Wrong current password, mismatch, a policy failure, or malformed JSON',
      {
        old_password: ['Your old password was entered incorrectly. Please enter it again.'],
        new_password2: [
          'This password is too short. It must contain at least 8 characters.',
          'This password is too common.',
        ],
      },
    ),
    ...errorResponses(401),
    403: insufficientScopeResponse,
    ...errorResponses(405, 413, 415, 429),
  },
});
