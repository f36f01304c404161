/**
 * The Goals table of `npm run bench` (scripts/bench/goals.ts) read from a run folder in run.sh's raw
 * formats: each goal's ratio, its target test, and "not measured" when a figure is missing. No server
 * runs here: the folder holds the lines bench.sh, startup.ts, hash-time.ts and the storm write.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goals } from '../../scripts/bench/goals.ts';
import { loadRunFolder } from '../../scripts/bench/results.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-goals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One bench.sh output as run.sh saves it. */
function benchRun(variant: string, round: number, scenario: string, rps: number, memory = '') {
  const code = scenario === 'get_valid' ? 200 : 401;
  writeFileSync(
    join(dir, `${variant}-${round}-${scenario}.txt`),
    [
      '# calibration: pbkdf2-sha256 x260000 (Django 3.2 default) median 60.0 ms, min 58.0 ms',
      `${scenario.padEnd(12)} ${rps} req/s  p50=4.00ms  p99=9.00ms  codes=${code}:1000  sockerr=0/0/0/0 n=1000 c=32  cpu: srv=90% db=30% wrk=50% foreign=3%`,
      memory,
    ].join('\n'),
  );
}

// Two rounds of get_valid: the goal uses their mean (Latchkey 6,000; DRF 500; Hono 8,000).
benchRun(
  'latchkey',
  1,
  'get_valid',
  5500,
  'memory pid=1 procs=1 idle_rss_mb=80 idle_pss_mb=60 load_rss_mb=120 load_pss_mb=90',
);
benchRun('latchkey', 2, 'get_valid', 6500);
benchRun(
  'peer',
  1,
  'get_valid',
  400,
  'memory pid=2 procs=3 idle_rss_mb=140 idle_pss_mb=100 load_rss_mb=146 load_pss_mb=107',
);
benchRun('peer', 2, 'get_valid', 600);
benchRun('hono', 1, 'get_valid', 8000);
benchRun('latchkey-pglite', 1, 'get_valid', 4200);
benchRun('latchkey-deno', 1, 'get_valid', 6900);
benchRun('latchkey', 1, 'get_forged', 9000);
benchRun('hono', 1, 'get_forged', 9500);
// get_noauth of the floor is missing: that goal is "not measured".
benchRun('latchkey', 1, 'get_noauth', 9000);
writeFileSync(
  join(dir, 'startup.txt'),
  [
    'startup name=postgres ms=1400 rss_mb=80 hwm_mb=81',
    'startup name=postgres ms=1700 rss_mb=82 hwm_mb=83',
    'startup name=postgres ms=1450 rss_mb=81 hwm_mb=82',
    'startup name=pglite-reopen ms=2500 rss_mb=190 hwm_mb=250',
    'startup name=pglite-create ms=9000 rss_mb=300 hwm_mb=420',
    'startup name=testing ms=absent (ERR_MODULE_NOT_FOUND)',
  ].join('\n'),
);
writeFileSync(join(dir, 'hash.txt'), 'hash_ms=40.00 min_ms=35.00 runs=20 cores=2\n');
writeFileSync(
  join(dir, 'storm-1.txt'),
  [
    'duration_s=8 conn=16 login_conn=16',
    'alone rps=5000.0 p50_ms=3.00 p99_ms=5.00 mean_ms=3.1 max_ms=20 requests=40000 codes=200:40000 errors=0/0/0/0',
    'storm rps=4000.0 p50_ms=4.00 p99_ms=9.00 mean_ms=4.1 max_ms=30 requests=32000 codes=200:32000 errors=0/0/0/0',
    'login rps=25.0 p50_ms=600 p99_ms=900 mean_ms=610 max_ms=950 requests=200 codes=200:184,503:16 errors=0/0/0/0',
  ].join('\n'),
);

describe('bench goals', () => {
  const byName = () => new Map(goals(loadRunFolder(dir)).map((g) => [g.goal, g]));

  it('compares throughput as ratios of round means, with the target applied', () => {
    const g = byName();
    expect(g.get('valid key vs DRF peer')).toMatchObject({ ratio: 12, met: true });
    expect(g.get('valid key vs bare Hono')).toMatchObject({ ratio: 0.75, met: true });
    expect(g.get('valid key: PGlite vs PostgreSQL')).toMatchObject({ ratio: 0.7, met: false });
    expect(g.get('valid key: Deno vs Node')).toMatchObject({ ratio: 1.15, met: false });
    expect(g.get('forged key vs bare Hono')?.met).toBe(true);
  });

  it('reports a goal whose figure is missing as not measured, naming what did not run', () => {
    const noKey = byName().get('no key vs bare Hono');
    expect(noKey?.met).toBeUndefined();
    expect(noKey?.figure).toBe('not run: hono get_noauth');
  });

  it('judges the storm on p99 and on successful logins against (cores - 1) / hash time', () => {
    const g = byName();
    expect(g.get('test_auth p99: login storm vs alone')).toMatchObject({ ratio: 1.8, met: true });
    // 184 logins answered 200 in 8 s = 23/s; capacity (2 - 1) / 40 ms = 25/s; 0.92 >= 0.9.
    expect(g.get('logins/s in the storm vs (cores-1)/hash')?.ratio).toBeCloseTo(0.92, 5);
    expect(g.get('logins/s in the storm vs (cores-1)/hash')?.met).toBe(true);
  });

  it('applies the memory and start-up limits to medians and peaks', () => {
    const g = byName();
    expect(g.get('RSS under load vs DRF peer')).toMatchObject({ met: true });
    expect(g.get('PGlite RSS after reopening')).toMatchObject({ ratio: 0.95, met: true });
    expect(g.get('PGlite peak creating the database')).toMatchObject({ ratio: 1.05, met: false });
    expect(g.get('start, PostgreSQL')).toMatchObject({ figure: '1450 ms', met: true });
    expect(g.get('start, PGlite reopen')).toMatchObject({ ratio: 1.25, met: false });
  });
});
