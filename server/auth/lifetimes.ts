/**
 * @module
 * A token's own lifetime (tokens made for machines by the CLI or the admin API), from what was asked:
 * an absolute end (`expires_in` seconds or an `expires_at` date) and an idle timeout (`idle_timeout`
 * seconds, 0: none). What is not asked for follows TOKEN_TTL and TOKEN_MAX_TTL, as for a login. The end
 * is bounded by TOKEN_CUSTOM_MAX_TTL (0: unbounded): asking for more is refused, and a default that
 * would pass the bound is cut to it, so no such token outlives the bound.
 */
import type { Config } from '../config.ts';
import type { TokenLifetime } from './token-store.ts';

/** What a caller asked for; every part optional. */
export interface LifetimeRequest {
  /** Seconds from now to the absolute end; 0: never (only when TOKEN_CUSTOM_MAX_TTL is 0). */
  expiresIn?: number;
  /** The absolute end. */
  expiresAt?: Date;
  /** Seconds of non-use after which the token expires; 0: no idle timeout. */
  idleTimeout?: number;
}

/** A request that cannot be honoured: the field it concerns (the API's name) and why. */
export class LifetimeError extends Error {
  override name = 'LifetimeError';
  constructor(
    readonly field: 'expires_in' | 'expires_at' | 'idle_timeout',
    message: string,
  ) {
    super(message);
  }
}

/** The settings that bound a token's own lifetime. */
export type LifetimePolicy = Pick<Config, 'TOKEN_TTL' | 'TOKEN_MAX_TTL' | 'TOKEN_CUSTOM_MAX_TTL'>;

/** Whether anything was asked (otherwise the token simply follows the global settings). */
export function asksForLifetime(request: LifetimeRequest): boolean {
  return (
    request.expiresIn !== undefined || request.expiresAt !== undefined || request.idleTimeout !== undefined
  );
}

/**
 * The lifetime to store for `request` at `now`, or undefined when nothing was asked. Throws
 * {@link LifetimeError} for a request past TOKEN_CUSTOM_MAX_TTL, an end in the past, or both ends given.
 */
export function resolveLifetime(
  request: LifetimeRequest,
  policy: LifetimePolicy,
  now = new Date(),
): TokenLifetime | undefined {
  if (!asksForLifetime(request)) return undefined;
  const { expiresIn, expiresAt, idleTimeout } = request;
  const bound = policy.TOKEN_CUSTOM_MAX_TTL;
  const latest = bound > 0 ? new Date(now.getTime() + bound * 1000) : null;
  if (expiresIn !== undefined && expiresAt !== undefined) {
    throw new LifetimeError('expires_at', 'Give expires_in or expires_at, not both.');
  }
  for (const [field, value] of [
    ['expires_in', expiresIn],
    ['idle_timeout', idleTimeout],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new LifetimeError(field, 'Ensure this value is a whole number of seconds, 0 or more.');
    }
  }
  let end: Date | null;
  if (expiresAt !== undefined) {
    if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime()) {
      throw new LifetimeError('expires_at', 'Ensure this date is in the future.');
    }
    if (latest && expiresAt.getTime() > latest.getTime()) {
      throw new LifetimeError(
        'expires_at',
        `Ensure this date is no later than ${latest.toISOString()} (TOKEN_CUSTOM_MAX_TTL).`,
      );
    }
    end = expiresAt;
  } else if (expiresIn !== undefined) {
    if (bound > 0 && (expiresIn === 0 || expiresIn > bound)) {
      throw new LifetimeError(
        'expires_in',
        `Ensure this value is between 1 and ${bound} seconds (TOKEN_CUSTOM_MAX_TTL); 0 (never) is not allowed.`,
      );
    }
    end = expiresIn === 0 ? null : new Date(now.getTime() + expiresIn * 1000);
  } else {
    // Not asked: as a login's, cut to the bound.
    end = policy.TOKEN_MAX_TTL > 0 ? new Date(now.getTime() + policy.TOKEN_MAX_TTL * 1000) : null;
    if (latest && (end === null || end.getTime() > latest.getTime())) end = latest;
  }
  const idle = idleTimeout ?? policy.TOKEN_TTL;
  return { idleTtl: idle > 0 ? idle : null, maxExpiresAt: end };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A duration as people type it on a command line: `90d`, `12h`, `30m`, `45s`, `2w`, or plain seconds.
 * Returns undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})([smhdw]?)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] || 's'] as number);
}
