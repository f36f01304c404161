/**
 * @module
 * An app instance built only to read its OpenAPI document: no database is opened (routes are
 * registered without touching their services).
 */
import { createApp } from '../server/app.ts';
import { ScopeRegistry } from '../server/auth/scopes.ts';
import { loadConfig } from '../server/config.ts';
import type { Services } from '../server/services.ts';

/** The app with inert services, enough to generate the contract. */
export function appForDocs() {
  const inert = new Proxy({}, { get: () => undefined }) as never;
  const services: Services = {
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
  return createApp(services);
}
