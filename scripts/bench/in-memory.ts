/**
 * @module
 * The token check's own cost, without the kernel or wrk: Node's HTTP parser, @hono/node-server and the
 * app over an in-memory socket (a Duplex handed to `http.Server` as a connection), 16 requests in flight,
 * for `GET /test_auth/` with a valid key, a forged key and no key. Several source trees (the current
 * one and a worktree of an older commit, say) and a bare Hono app run in one process, alternating
 * round by round, so a slower host slows all alike; it prints the median µs per request and the ratio
 * to bare Hono. A measurement aid for one change to the hot path at a time, not part of `npm run bench`.
 *
 *     DATABASE_URL=postgres://127.0.0.1:5432/latchkey_bench npx tsx scripts/bench/in-memory.ts . ../old
 *
 * The figures go to stderr (stdout carries the apps' request logs). The database needs the bench user
 * (run.sh's setup.ts makes it). IN_MEMORY_REQUESTS (40000) per measurement, IN_MEMORY_ROUNDS (5).
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { type Context, Hono } from 'hono';

const FLOOR_KEY = 'floor-key-0123456789abcdef';
const FORGED = `lk_${'A'.repeat(30)}000000`;
const SCENARIOS = ['valid', 'forged', 'noauth'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Target {
  name: string;
  server: Server;
  key: string;
}

function floor(): Target {
  const app = new Hono();
  const expected = `Token ${FLOOR_KEY}`;
  app.get('/test_auth/', (c: Context) =>
    c.req.header('authorization') === expected
      ? c.json('Hello bench!')
      : c.json({ detail: 'Invalid token.' }, 401),
  );
  return { name: 'bare Hono', server: createServer(getRequestListener(app.fetch)), key: FLOOR_KEY };
}

async function latchkey(tree: string): Promise<Target> {
  const root = pathToFileURL(`${resolve(tree)}/`);
  const { bootstrap } = await import(new URL('server/bootstrap.ts', root).href);
  const { loadConfig } = await import(new URL('server/config.ts', root).href);
  const config = loadConfig({
    ...process.env,
    DEMO_USER: 'false',
    LOGIN_THROTTLE_USER: '1000000',
    LOGIN_THROTTLE_IP: '1000000',
  });
  const { app } = await bootstrap(config, `in-memory bench (${tree})`);
  const login = await app.request('/rest-auth/login/', {
    method: 'POST',
    body: 'username=bench&password=bench-password-123',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (login.status !== 200) throw new Error(`${tree}: could not log in as bench (${login.status})`);
  const { key } = (await login.json()) as { key: string };
  return { name: tree, server: createServer(getRequestListener(app.fetch)), key };
}

function request(scenario: Scenario, key: string): string {
  const auth =
    scenario === 'valid'
      ? `Authorization: Token ${key}\r\n`
      : scenario === 'forged'
        ? `Authorization: Token ${FORGED}\r\n`
        : '';
  return `GET /test_auth/ HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`;
}

/** Sends `count` requests over one in-memory connection, `depth` in flight; µs per request. */
function measure(server: Server, raw: string, count: number, depth = 16): Promise<number> {
  return new Promise((done) => {
    let sent = 0;
    let answered = 0;
    const started = process.hrtime.bigint();
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const text = chunk.toString('latin1');
        for (let at = text.indexOf('HTTP/1.1 '); at !== -1; at = text.indexOf('HTTP/1.1 ', at + 1)) {
          answered++;
          if (sent < count) {
            sent++;
            socket.push(raw);
          }
        }
        if (answered >= count) {
          done(Number(process.hrtime.bigint() - started) / 1000 / count);
          socket.destroy();
        }
        callback();
      },
    });
    const self = () => socket;
    Object.assign(socket, {
      remoteAddress: '127.0.0.1',
      remotePort: 40000,
      setTimeout: self,
      setNoDelay: self,
      setKeepAlive: self,
    });
    server.emit('connection', socket);
    for (; sent < depth; sent++) socket.push(raw);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const trees = process.argv.slice(2);
const targets = [floor(), ...(await Promise.all((trees.length ? trees : ['.']).map(latchkey)))];
const count = Number(process.env.IN_MEMORY_REQUESTS ?? 40_000);
const rounds = Number(process.env.IN_MEMORY_ROUNDS ?? 5);
const results = new Map<string, number[]>();
for (const target of targets) {
  for (const scenario of SCENARIOS) await measure(target.server, request(scenario, target.key), 20_000);
}
for (let round = 0; round < rounds; round++) {
  for (const scenario of SCENARIOS) {
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      const us = await measure(target.server, request(scenario, target.key), count);
      const name = `${scenario} ${target.name}`;
      results.set(name, [...(results.get(name) ?? []), us]);
    }
  }
}
for (const scenario of SCENARIOS) {
  const floorUs = median(results.get(`${scenario} bare Hono`) ?? []);
  const cells = targets.map((t) => {
    const us = median(results.get(`${scenario} ${t.name}`) ?? []);
    return `${t.name} ${us.toFixed(2)} µs (${(us / floorUs).toFixed(2)}x)`;
  });
  console.error(`${scenario.padEnd(7)} ${cells.join('   ')}`);
}
process.exit(0);
