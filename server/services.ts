/**
 * @module
 * What routes are given: the configuration and the stores bound to the database. Built once per app by
 * {@link createServices}; routes never read the environment or open connections themselves.
 */
import type { AuthVariables } from './auth/authenticate.ts';
import { type ClientIpResolver, clientIpResolver } from './auth/client-ip.ts';
import { EventStore } from './auth/events.ts';
import { passwordHashing } from './auth/passwords.ts';
import { Purger } from './auth/purge.ts';
import { ScopeRegistry } from './auth/scopes.ts';
import { SessionStore } from './auth/sessions.ts';
import { Throttle } from './auth/throttle.ts';
import { TokenStore } from './auth/token-store.ts';
import { UserStore } from './auth/user-store.ts';
import { parseChange, VerifyCache } from './auth/verify-cache.ts';
import type { Config } from './config.ts';
import type { ChangeFeed } from './db/change-feed.ts';
import type { Database } from './db/open.ts';
import type { Assets } from './routes/pages/assets.ts';

/** One structured log line; never given secrets. */
export type Logger = (line: Record<string, unknown>) => void;

/** The dependencies shared by every route. */
export interface Services {
  config: Config;
  db: Database;
  users: UserStore;
  tokens: TokenStore;
  /** The scopes tokens may carry: Latchkey's own, TOKEN_SCOPES, and a library user's. */
  scopes: ScopeRegistry;
  /**
   * Recently verified tokens; trusted only while subscribed to the database's change feed. Code that
   * changes a user outside the stores must call `forgetUser` (the feed tells the other instances).
   */
  verifyCache: VerifyCache;
  /** Cookie sessions (session login, the admin page), server-side rows. */
  sessions: SessionStore;
  /** Attempt counters (login throttling), shared by every instance through the database. */
  throttle: Throttle;
  /** The audit trail: security events, stored and logged (see server/auth/events.ts). */
  events: EventStore;
  /** Deletes expired tokens and throttle windows now and then (see server/auth/purge.ts). */
  purger: Purger;
  /** The client address of a request (socket, or X-Forwarded-For when TRUST_PROXY). */
  clientIp: ClientIpResolver;
  log: Logger;
  /** The static files of the demo page and the docs console; without them only the API is served. */
  assets?: Assets;
}

/** The Hono environment of every route: authenticated requests carry the user and token id. */
export type AppEnv = {
  Variables: Partial<AuthVariables> & {
    requestId?: string;
    /** The headers every response of this request carries (set by the front door, see front-door.ts). */
    responseHead?: Readonly<Record<string, string>>;
  };
};

/**
 * Binds the stores to a database. With a change feed, the verify cache subscribes to it and is
 * trusted while the feed is up; without one, every token check reads the database.
 */
export function createServices(config: Config, db: Database, log: Logger, changes?: ChangeFeed): Services {
  passwordHashing.configure(config.PASSWORD_HASH_CONCURRENCY, config.PASSWORD_HASH_QUEUE);
  const verifyCache = new VerifyCache({
    maxEntries: config.VERIFY_CACHE_SIZE,
    maxAgeSeconds: config.VERIFY_CACHE_MAX_AGE,
  });
  changes?.subscribe({
    onState: (subscribed) => verifyCache.setTrusted(subscribed),
    onChange: (payload) => {
      const change = parseChange(payload);
      // Something this version cannot read: forget everything rather than guess.
      if (change) verifyCache.apply(change);
      else verifyCache.setTrusted(verifyCache.trusted);
    },
  });
  const tokens = new TokenStore(db, config, verifyCache);
  const throttle = new Throttle(db, config.LOGIN_THROTTLE_WINDOW);
  const sessions = new SessionStore(db, config);
  const events = new EventStore(db, log, config.AUDIT_RETENTION);
  return {
    config,
    db,
    log,
    users: new UserStore(db, verifyCache),
    tokens,
    scopes: new ScopeRegistry(config.TOKEN_SCOPES),
    verifyCache,
    sessions,
    throttle,
    events,
    purger: new Purger(db, { tokens, throttle, sessions, events }, config, log),
    clientIp: clientIpResolver(config.TRUST_PROXY),
  };
}
