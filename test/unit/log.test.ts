/**
 * The batched JSON-lines log: one write per 10 ms, a forced write at 64 KiB, and nothing lost when the
 * process exits before the write is due.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { batchedJsonLogger, LOG_FLUSH_MS } from '../../server/log.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('batchedJsonLogger', () => {
  it('writes the lines of 10 ms in one write, each a JSON object with its time', async () => {
    const writes: string[] = [];
    const log = batchedJsonLogger((text) => writes.push(text));
    log({ n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    log({ n: 2 });
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 5));
    expect(writes).toHaveLength(1);
    const lines = (writes[0] as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.n)).toEqual([1, 2]);
    expect(Number.isNaN(Date.parse(lines[0].time))).toBe(false);
  });

  it('puts the time first, keeps a line of its own time as it is, and writes an empty line as a time', () => {
    const writes: string[] = [];
    const log = batchedJsonLogger((text) => writes.push(text));
    log({ a: 'x"y\\z\n', b: [1, { c: null }], gone: undefined });
    log({});
    log({ time: 'their own', n: 3 });
    log.flush();
    const lines = (writes.join('') as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(Object.keys(lines[0])).toEqual(['time', 'a', 'b']);
    expect(lines[0]).toMatchObject({ a: 'x"y\\z\n', b: [1, { c: null }] });
    expect(Object.keys(lines[1])).toEqual(['time']);
    expect(Number.isNaN(Date.parse(lines[1].time))).toBe(false);
    expect(lines[2]).toEqual({ time: 'their own', n: 3 });
  });

  it('writes at once when 64 KiB are buffered', () => {
    const writes: string[] = [];
    const log = batchedJsonLogger((text) => writes.push(text));
    for (let i = 0; i < 100; i++) log({ filler: 'x'.repeat(1000) });
    expect(writes.length).toBeGreaterThanOrEqual(1);
  });

  it('writes a request line as the same JSON, in the same order, as the object form', () => {
    const writes: string[] = [];
    const log = batchedJsonLogger((text) => writes.push(text));
    const cases: [string, string, number, number, number | undefined][] = [
      ['GET', '/test_auth/', 200, 0.1, 42],
      ['POST', '/rest-auth/login/', 401, 12.3, undefined],
      ['DELETE', '/a"b\\c/\u0000\u001f/\u2028/é/😀/', 503, 0, 0],
      ['M-SEARCH', '/x', 404, 1234567.8, 2147483647],
    ];
    for (const [method, path, status, ms, user] of cases) {
      log.request(method, path, status, ms, user);
      log({ method, path, status, ms, user });
    }
    log.flush();
    const lines = writes.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(cases.length * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const fast = lines[i] as string;
      const generic = lines[i + 1] as string;
      // Equal but for the timestamp, which may have moved on by a millisecond between the two.
      expect(fast.replace(/^\{"time":"[^"]+"/, '')).toBe(generic.replace(/^\{"time":"[^"]+"/, ''));
      expect(Object.keys(JSON.parse(fast))).toEqual(Object.keys(JSON.parse(generic)));
    }
    expect(JSON.parse(lines[4] as string)).toMatchObject({
      path: '/a"b\\c/\u0000\u001f/\u2028/é/😀/',
      user: 0,
    });
  });

  it('flushes what is buffered when the process exits within the turn', () => {
    const program = `import { jsonLogger } from './server/log.ts'; jsonLogger({ last: 'words' }); process.exit(0);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ last: 'words' });
  });
});
