/**
 * @module
 * An app instance built only to read its OpenAPI document: no database is opened (routes are
 * registered without touching their services).
 */
import { apiRoutes, createApp } from '../server/app.ts';
import { ScopeRegistry } from '../server/auth/scopes.ts';
import { loadConfig } from '../server/config.ts';
import type { Latchkey } from '../server/latchkey.ts';
import type { Services } from '../server/services.ts';

const inert = new Proxy({}, { get: () => undefined }) as never;

/** The app with inert services, enough to generate the contract. */
export function appForDocs() {
  return createApp(inertServices());
}

/**
 * A Latchkey (the library entry's object) over inert services, enough for an app that mounts its routes
 * to generate its contract (the notes example's) without opening a database.
 */
export function latchkeyForDocs(): Latchkey {
  const services = inertServices();
  return {
    config: services.config,
    services,
    database: inert,
    routes: () => apiRoutes(services),
    auth: () => (_c, next) => next(),
    onError: () => {
      throw new Error('latchkeyForDocs serves no requests');
    },
    app: inert,
    close: async () => {},
  };
}

function inertServices(): Services {
  return {
    config: loadConfig({}),
    db: inert,
    users: inert,
    tokens: inert,
    scopes: new ScopeRegistry(),
    verifyCache: inert,
    sessions: inert,
    throttle: inert,
    events: inert,
    purger: inert,
    clientIp: () => '',
    log: () => {},
  };
}
