/**
 * @module
 * The client's IP address, for login throttling. The socket's peer address comes from the runtime's
 * per-request bindings, which Hono hands every handler as `c.env`: @hono/node-server passes
 * `{ incoming, outgoing }` (the Node request, whose socket knows the peer) and `Deno.serve` passes its
 * `ServeHandlerInfo` (`remoteAddr`). Reading those two shapes here keeps app.ts runtime-neutral: no
 * adapter module is imported, and an entry needs no extra wiring. X-Forwarded-For is believed only when
 * TRUST_PROXY is set, and then only its last entry: the address the proxy in front of us saw. Entries
 * to its left were written by the client and can be anything.
 */
import type { Context } from 'hono';

/** Reads the client address of a request. */
export type ClientIpResolver = (c: Context) => string;

/** The address used when the runtime tells us none (e.g. `app.request()` in tests): one shared bucket. */
export const UNKNOWN_ADDRESS = 'unknown';

interface RuntimeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
  server?: { incoming?: { socket?: { remoteAddress?: string } } };
  remoteAddr?: { hostname?: string };
}

/** The socket peer's address from the runtime bindings (Node or Deno), if there is one. */
export function socketAddress(env: unknown): string | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const bindings = env as RuntimeBindings;
  const node = (bindings.server ?? bindings).incoming?.socket?.remoteAddress;
  return node ?? bindings.remoteAddr?.hostname ?? undefined;
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is the IPv4 client 192.0.2.1. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return (mapped ? mapped[1] : trimmed)?.toLowerCase() ?? trimmed;
}

/** The last X-Forwarded-For entry, without a port; undefined when the header is absent or empty. */
export function lastForwardedFor(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const entries = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const last = entries[entries.length - 1];
  if (!last) return undefined;
  // "192.0.2.1:1234" and "[2001:db8::1]:1234" carry a port; a bare IPv6 address has several colons.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last);
  if (bracketed) return bracketed[1];
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(last);
  return v4port ? v4port[1] : last;
}

/** The resolver for a configuration: the socket address, or the proxy's last forwarded entry when trusted. */
export function clientIpResolver(trustProxy: boolean): ClientIpResolver {
  return (c) => {
    const forwarded = trustProxy ? lastForwardedFor(c.req.header('x-forwarded-for')) : undefined;
    const address = forwarded ?? socketAddress(c.env);
    return address ? normalizeAddress(address) : UNKNOWN_ADDRESS;
  };
}
