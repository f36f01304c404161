/**
 * @module
 * Turns the raw outputs of run.sh (see results.ts) into what `npm run bench` prints: req/s with p50/p99
 * per server and scenario with its ratio to the DRF peer and to the bare Hono floor, CPU and per-round
 * figures, unexpected status codes, memory, start-up times, the login storm, and last the Goals table
 * (goals.ts).
 *
 * usage: npx tsx scripts/bench/summarize.ts OUT_DIR [VARIANT...]   (default: every variant found)
 */
import { printGoals } from './goals.ts';
import { fmt, loadMemory, loadRunFolder, logins200, median, stat, table } from './results.ts';

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
const LABELS: Record<string, string> = {
  latchkey: 'Latchkey',
  'latchkey-pglite': 'Latchkey PGlite',
  'latchkey-deno': 'Latchkey Deno',
  hono: 'bare Hono',
  'hono-headers': 'Hono + headers',
  peer: 'DRF peer',
  'better-auth': 'better-auth',
};

const dir = process.argv[2] ?? '.';
const folder = loadRunFolder(dir);
const variants = process.argv.length > 3 ? process.argv.slice(3) : [...folder.runs.keys()];
const label = (v: string) => LABELS[v] ?? v;
const scenarios = ORDER.filter((s) => variants.some((v) => stat(folder, v, s)));
const rounds = Math.max(...variants.flatMap((v) => (folder.runs.get(v) ?? []).map((r) => r.round)), 0);
const ratio = (x: number | undefined, y: number | undefined) =>
  x !== undefined && y !== undefined && y > 0 ? `${(x / y).toFixed(2)}x` : '-';

console.log(
  `\nreq/s and latency (ms), mean of ${rounds} round(s); x DRF / x Hono = req/s over the DRF peer's / the bare Hono floor's in the same scenario; CPU = server+PostgreSQL, % of one core, per round`,
);
table(
  ['scenario', 'server', 'req/s', 'p50', 'p99', 'x DRF', 'x Hono', 'req/s per round', 'CPU per round'],
  scenarios.flatMap((s) =>
    variants.flatMap((v) => {
      const x = stat(folder, v, s);
      if (!x) return [];
      return [
        [
          s,
          label(v),
          fmt(x.rps),
          x.p50.toFixed(2),
          x.p99.toFixed(2),
          v === 'peer' ? '' : ratio(x.rps, stat(folder, 'peer', s)?.rps),
          v === 'hono' ? '' : ratio(x.rps, stat(folder, 'hono', s)?.rps),
          x.rounds,
          x.cpu,
        ],
      ];
    }),
  ),
  2,
);

const odd: string[] = [];
for (const v of variants) {
  for (const s of scenarios) {
    const want = EXPECTED[s] ?? '200';
    for (const codes of stat(folder, v, s)?.codes ?? []) {
      if (codes.split(',').some((c) => !c.startsWith(`${want}:`))) odd.push(`${label(v)} ${s}: ${codes}`);
    }
  }
}
console.log(
  odd.length
    ? `\nunexpected status codes (expected ${JSON.stringify(EXPECTED)}, else 200):\n  ${odd.join('\n  ')}`
    : '\nstatus codes: every response had the expected status (401 for the invalid/forged/no-key cases, else 200)',
);

console.log('\nmemory, MB (RSS / PSS summed over the process tree)');
table(
  ['server', 'processes', 'idle (before load)', 'under load (get_valid)', 'peak RSS (whole run)'],
  variants.map((v) => {
    const list = [...(folder.runs.get(v) ?? [])].sort((a, b) => a.mtime - b.mtime);
    const idle = list.find((r) => r.memory)?.memory;
    const load = loadMemory(folder, v);
    return [
      label(v),
      String(idle?.procs ?? '-'),
      idle ? `${idle.idleRss} / ${idle.idlePss}` : '-',
      load ? `${load.rss} / ${load.pss}` : '-',
      /peak_rss_mb=(\d+)/.exec(folder.peaks.get(v) ?? '')?.[1] ?? '-',
    ];
  }),
);

const startNames = [...new Set(folder.startups.map((s) => s.name))];
if (startNames.length) {
  console.log(
    '\nstart to first answer (spawn -> first 200 from /healthz/; testing: import -> first 200), ms, and memory 1 s later, MB',
  );
  table(
    ['start', 'median ms', 'each', 'RSS (median)', 'peak VmHWM (max)'],
    startNames.map((name) => {
      const all = folder.startups.filter((s) => s.name === name);
      const ok = all.filter((s) => s.ms !== undefined);
      if (!ok.length) return [name, '-', all[0]?.note ?? '', '-', '-'];
      return [
        name,
        String(Math.round(median(ok.map((s) => s.ms as number)))),
        all.map((s) => s.ms ?? s.note).join(' / '),
        String(median(ok.map((s) => s.rssMb))),
        String(Math.max(...ok.map((s) => s.hwmMb))),
      ];
    }),
  );
}

if (folder.storms.length) {
  const s0 = folder.storms[0];
  console.log(
    `\nlogin storm (Latchkey on PostgreSQL): GET /test_auth/ with a valid key over ${s0?.conn ?? '?'} connections alone, then the same while ${s0?.loginConn ?? '?'} other connections log in (two wrk -t1 at once), ${s0?.durationS ?? '?'} s each`,
  );
  table(
    [
      'round',
      'test_auth alone req/s',
      'p99',
      'during storm req/s',
      'p99',
      'logins/s (200s)',
      'login p99',
      'login codes',
    ],
    folder.storms.map((s) => [
      String(s.round),
      s.alone ? fmt(s.alone.rps) : '-',
      s.alone ? s.alone.p99.toFixed(2) : '-',
      s.during ? fmt(s.during.rps) : '-',
      s.during ? s.during.p99.toFixed(2) : '-',
      s.login ? fmt(logins200(s.login.codes, s.durationS)) : '-',
      s.login ? s.login.p99.toFixed(0) : '-',
      s.login?.codes ?? '-',
    ]),
  );
}
if (folder.hash) {
  console.log(
    `argon2id m=19456 t=2 p=1, one hash at a time: median ${folder.hash.ms} ms (min ${folder.hash.minMs}) on ${folder.hash.cores} cores`,
  );
}

const calibration = variants
  .flatMap((v) => (folder.runs.get(v) ?? []).map((r) => r.calibration ?? 0))
  .filter(Boolean);
if (calibration.length) {
  console.log(
    `host speed check (pbkdf2 260k, ms, lower is faster): ${fmt(Math.min(...calibration))} - ${fmt(Math.max(...calibration))} over ${calibration.length} calls`,
  );
}

printGoals(folder);
console.log(`\nraw outputs: ${dir}`);
