/**
 * @module
 * Turns the raw outputs of run.sh (one bench.sh output per variant, round and scenario, named
 * `<variant>-<round>-<scenario>.txt`, plus `<variant>-peak.txt`) into the tables `npm run bench` prints:
 * req/s with p50/p99 per server and the ratio of each Latchkey variant to the peer, per-round figures,
 * CPU, unexpected status codes, and memory.
 *
 * usage: npx tsx scripts/bench/summarize.ts OUT_DIR [VARIANT...]   (default: every variant found)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Result {
  rps: number;
  p50: number;
  p99: number;
  codes: string;
  srv: string;
  db: string;
}

interface Memory {
  procs: number;
  idleRss: number;
  idlePss: number;
  loadRss?: number;
  loadPss?: number;
}

interface Run {
  round: number;
  scenario: string;
  result?: Result;
  memory?: Memory;
  calibration?: number;
  mtime: number;
}

const ORDER = [
  'ping',
  'get_valid',
  'get_invalid',
  'get_forged',
  'get_noauth',
  'post_valid',
  'login_form',
  'login_json',
  'login_c1',
];
const EXPECTED: Record<string, string> = { get_invalid: '401', get_forged: '401', get_noauth: '401' };
const LINE =
  /^(\w+)\s+([\d.]+) req\/s\s+p50=([\d.]+)ms\s+p99=([\d.]+)ms\s+codes=(\S+).*cpu: srv=(\S+) db=(\S+)/;
const MEMORY = /procs=(\d+) idle_rss_mb=(\d+) idle_pss_mb=(\d+) load_rss_mb=(\S+) load_pss_mb=(\S+)/;

function parse(text: string): Pick<Run, 'result' | 'memory' | 'calibration'> {
  const out: Pick<Run, 'result' | 'memory' | 'calibration'> = {};
  for (const line of text.split('\n')) {
    const s = LINE.exec(line);
    if (s) {
      out.result = {
        rps: Number(s[2]),
        p50: Number(s[3]),
        p99: Number(s[4]),
        codes: s[5] as string,
        srv: s[6] as string,
        db: s[7] as string,
      };
    }
    const m = MEMORY.exec(line);
    if (m) {
      out.memory = { procs: Number(m[1]), idleRss: Number(m[2]), idlePss: Number(m[3]) };
      if (m[4] !== 'n/a') Object.assign(out.memory, { loadRss: Number(m[4]), loadPss: Number(m[5]) });
    }
    const c = /calibration: .*median ([\d.]+) ms/.exec(line);
    if (c) out.calibration = Number(c[1]);
  }
  return out;
}

const dir = process.argv[2] ?? '.';
const runs = new Map<string, Run[]>();
const peaks = new Map<string, string>();
for (const file of readdirSync(dir).sort()) {
  const peak = /^(.+)-peak\.txt$/.exec(file);
  if (peak) {
    peaks.set(peak[1] as string, readFileSync(join(dir, file), 'utf8').trim());
    continue;
  }
  const m = /^(.+)-(\d+)-(\w+)\.txt$/.exec(file);
  if (!m) continue;
  const path = join(dir, file);
  const list = runs.get(m[1] as string) ?? [];
  list.push({
    round: Number(m[2]),
    scenario: m[3] as string,
    mtime: statSync(path).mtimeMs,
    ...parse(readFileSync(path, 'utf8')),
  });
  runs.set(m[1] as string, list);
}
const variants = process.argv.length > 3 ? process.argv.slice(3) : [...runs.keys()];
const label = (v: string) => (v === 'peer' ? 'peer (DRF)' : v === 'latchkey' ? 'Latchkey' : v);
const ours = variants.filter((v) => v !== 'peer');
const hasPeer = variants.includes('peer');
const scenarios = ORDER.filter((s) => variants.some((v) => runs.get(v)?.some((r) => r.scenario === s)));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number) =>
  x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2);
const results = (v: string, s: string) =>
  (runs.get(v) ?? []).filter((r) => r.scenario === s && r.result).sort((a, b) => a.round - b.round);
function stat(v: string, s: string) {
  const rs = results(v, s).map((r) => r.result as Result);
  if (!rs.length) return undefined;
  return {
    rps: mean(rs.map((r) => r.rps)),
    p50: mean(rs.map((r) => r.p50)),
    p99: mean(rs.map((r) => r.p99)),
    rounds: rs.map((r) => fmt(r.rps)).join(' / '),
    cpu: rs.map((r) => `${r.srv}+${r.db}`).join(' '),
    codes: rs.map((r) => r.codes),
  };
}

/** Prints rows as a plain-text table, numbers right-aligned. */
function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const rounds = Math.max(...variants.flatMap((v) => (runs.get(v) ?? []).map((r) => r.round)), 0);
console.log(
  `\nreq/s and latency (ms), mean of ${rounds} round(s); ratio = req/s of the variant / req/s of the peer`,
);
table(
  [
    'scenario',
    ...variants.flatMap((v) => [`${label(v)} req/s`, 'p50', 'p99']),
    ...(hasPeer ? ours.map((v) => `${label(v)}/peer`) : []),
  ],
  scenarios.map((s) => {
    const st = Object.fromEntries(variants.map((v) => [v, stat(v, s)]));
    const peer = st.peer;
    return [
      s,
      ...variants.flatMap((v) => {
        const x = st[v];
        return x ? [fmt(x.rps), x.p50.toFixed(2), x.p99.toFixed(2)] : ['-', '-', '-'];
      }),
      ...(hasPeer
        ? ours.map((v) => {
            const x = st[v];
            return x && peer && peer.rps > 0 ? `${(x.rps / peer.rps).toFixed(2)}x` : '-';
          })
        : []),
    ];
  }),
);

if (rounds > 1) {
  console.log('\nreq/s per round (the spread is the noise to expect)');
  table(
    ['scenario', ...variants.map(label)],
    scenarios.map((s) => [s, ...variants.map((v) => stat(v, s)?.rounds ?? '-')]),
  );
}

console.log(
  '\nCPU during each run, % of one core: server+PostgreSQL per round (2 cores in all, wrk included)',
);
table(
  ['scenario', ...variants.map(label)],
  scenarios.map((s) => [s, ...variants.map((v) => stat(v, s)?.cpu ?? '-')]),
);

const odd: string[] = [];
for (const v of variants) {
  for (const s of scenarios) {
    const want = EXPECTED[s] ?? '200';
    for (const codes of stat(v, s)?.codes ?? []) {
      if (codes.split(',').some((c) => !c.startsWith(`${want}:`))) odd.push(`${label(v)} ${s}: ${codes}`);
    }
  }
}
console.log(
  odd.length
    ? `\nunexpected status codes (expected ${JSON.stringify(EXPECTED)}, else 200):\n  ${odd.join('\n  ')}`
    : '\nstatus codes: every response had the expected status (401 for the invalid/forged/no-token cases, else 200)',
);

console.log('\nmemory, MB (RSS / PSS summed over the process tree)');
table(
  ['server', 'processes', 'idle (before load)', 'under load (get_valid)', 'peak RSS (whole run)'],
  variants.map((v) => {
    const list = [...(runs.get(v) ?? [])].sort((a, b) => a.mtime - b.mtime);
    const idle = list.find((r) => r.memory)?.memory;
    const loaded = list.map((r) => r.memory).filter((m): m is Memory => m?.loadRss !== undefined);
    const peak = /peak_rss_mb=(\d+)/.exec(peaks.get(v) ?? '')?.[1];
    return [
      label(v),
      String(idle?.procs ?? '-'),
      idle ? `${idle.idleRss} / ${idle.idlePss}` : '-',
      loaded.length
        ? `${Math.max(...loaded.map((m) => m.loadRss ?? 0))} / ${Math.max(...loaded.map((m) => m.loadPss ?? 0))}`
        : '-',
      peak ?? '-',
    ];
  }),
);

const calibration = variants
  .flatMap((v) => (runs.get(v) ?? []).map((r) => r.calibration ?? 0))
  .filter(Boolean);
if (calibration.length) {
  console.log(
    `\nhost speed check (pbkdf2 260k, ms, lower is faster): ${fmt(Math.min(...calibration))} - ${fmt(Math.max(...calibration))} over ${calibration.length} calls`,
  );
}
console.log(`raw outputs: ${dir}`);
