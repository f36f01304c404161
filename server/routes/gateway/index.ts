/**
 * @module
 * The gateway area: forward auth for reverse proxies (`/auth/verify/`, any method) and RFC 7662 token
 * introspection (`POST /auth/introspect/`).
 */
import type { Services } from '../../services.ts';
import { createRouter, mounted } from '../factory.ts';
import { gatewayHandlers } from './gateway.handlers.ts';
import { introspect, verify, verifyDelete, verifyPatch, verifyPost, verifyPut } from './gateway.routes.ts';

/** Mounts /auth/verify/ and /auth/introspect/. */
export function gatewayRoutes(services: Services) {
  const handlers = gatewayHandlers(services);
  const chain = { middleware: handlers.verifyChain };
  // Every method answers alike (the proxy's own method may be any); HEAD comes with GET.
  return createRouter()
    .openapi({ ...verify, ...chain }, handlers.verify as never)
    .openapi({ ...verifyPost, ...chain }, handlers.verify as never)
    .openapi({ ...verifyPut, ...chain }, handlers.verify as never)
    .openapi({ ...verifyPatch, ...chain }, handlers.verify as never)
    .openapi({ ...verifyDelete, ...chain }, handlers.verify as never)
    .openapi(mounted(services, introspect, handlers.introspectionCaller), handlers.introspect);
}
