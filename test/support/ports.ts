/**
 * @module
 * Ports for the servers tests start: the kernel's choice of free ones, so no two suites (or a run and a
 * process an earlier run left behind) ever contend for a fixed number.
 */
import { createServer, type Server } from 'node:net';

function listening(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** A tuple of `N` numbers, so `const [a, b] = await freePorts(2)` gives two numbers. */
type Ports<N extends number, T extends number[] = []> = T['length'] extends N ? T : Ports<N, [...T, number]>;

/** `count` distinct ports nobody listens on right now (held together while chosen, then released). */
export async function freePorts<N extends number>(count: N): Promise<Ports<N>> {
  const servers = await Promise.all(Array.from({ length: count }, listening));
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  return ports as Ports<N>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}
