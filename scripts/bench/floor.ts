/**
 * @module
 * The benchmark's floor, not a server anyone should run: a bare Hono app on @hono/node-server, one
 * process like Latchkey, no middleware, no database. It answers the routes bench.sh uses so the same wrk
 * scenarios run against it: POST /rest-auth/login/ hands out one fixed key (no password check), and
 * GET|POST /test_auth/ answers 200 with a JSON string when that key is sent, else 401 as DRF does. The
 * key check is one string comparison, so every scenario costs about the same: the cost of Hono routing,
 * the Node HTTP server and a JSON body, which Latchkey can approach but not beat.
 *
 * With FLOOR_HEADERS=1 (the `hono-headers` variant) it sends the response headers Latchkey must send on
 * these answers (nosniff, no-store, `Vary: Origin`, and `WWW-Authenticate: Token` on a 401), as plain
 * header records: the floor for an answer of the same size, which tells how much of Latchkey's distance
 * to the bare floor is those bytes (written by Node, parsed by wrk on the same two cores) rather than its
 * own work.
 *
 * usage: PORT=8203 node floor.mjs   (run.sh bundles it with esbuild; HOST defaults to 127.0.0.1)
 */
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';

/** The only key the floor accepts (bench.sh logs in to get it). */
const KEY = 'floor-key-0123456789abcdef';
const EXPECTED = `Token ${KEY}`;

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  vary: 'Origin',
  'content-type': 'application/json',
};
const REFUSED = { ...HEADERS, 'www-authenticate': 'Token' };

const app = new Hono();
app.post('/rest-auth/login/', (c) => c.json({ key: KEY }));
const testAuth =
  process.env.FLOOR_HEADERS === '1'
    ? (c: Context) =>
        c.req.header('authorization') === EXPECTED
          ? new Response('"Hello bench!"', { status: 200, headers: HEADERS })
          : new Response('{"detail":"Invalid token."}', { status: 401, headers: REFUSED })
    : (c: Context) =>
        c.req.header('authorization') === EXPECTED
          ? c.json('Hello bench!')
          : c.json({ detail: 'Invalid token.' }, 401);
app.get('/test_auth/', testAuth);
app.post('/test_auth/', testAuth);
app.get('/healthz/', (c) => c.json({ status: 'ok' }));

const server = serve({
  fetch: app.fetch,
  port: Number(process.env.PORT) || 8203,
  hostname: process.env.HOST || '127.0.0.1',
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
