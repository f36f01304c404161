/**
 * @module
 * Reads the raw outputs run.sh leaves in its run folder, for summarize.ts (the tables) and goals.ts (the
 * Goals table): bench.sh's output per `<variant>-<round>-<scenario>.txt`, `<variant>-peak.txt` (VmHWM
 * over the process tree), `startup.txt` (startup.ts and testing-start.ts lines), `hash.txt`
 * (hash-time.ts) and `storm-<round>.txt` (test_auth alone, during the login storm, and the logins).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One wrk run as bench.sh (or run.sh's storm) reports it. */
export interface Result {
  rps: number;
  p50: number;
  p99: number;
  codes: string;
  srv: string;
  db: string;
}

/** bench.sh's memory line: summed over the server's process tree, MB. */
export interface Memory {
  procs: number;
  idleRss: number;
  idlePss: number;
  loadRss?: number;
  loadPss?: number;
}

/** One bench.sh call (one variant, round and scenario). */
export interface Run {
  round: number;
  scenario: string;
  result?: Result;
  memory?: Memory;
  calibration?: number;
  mtime: number;
}

/** One start-up measurement (startup.ts / testing-start.ts); `ms` undefined when it failed or is absent. */
export interface Startup {
  name: string;
  ms?: number;
  note: string;
  rssMb: number;
  hwmMb: number;
}

/** One round of the login storm. */
export interface Storm {
  round: number;
  durationS: number;
  conn?: number;
  loginConn?: number;
  alone?: Result;
  during?: Result;
  login?: Result;
}

/** Everything one run folder holds. */
export interface RunFolder {
  runs: Map<string, Run[]>;
  peaks: Map<string, string>;
  startups: Startup[];
  hash?: { ms: number; minMs: number; cores: number };
  storms: Storm[];
}

const LINE =
  /^(\w+)\s+([\d.]+) req\/s\s+p50=([\d.]+)ms\s+p99=([\d.]+)ms\s+codes=(\S+).*cpu: srv=(\S+) db=(\S+)/;
const MEMORY = /procs=(\d+) idle_rss_mb=(\d+) idle_pss_mb=(\d+) load_rss_mb=(\S+) load_pss_mb=(\S+)/;
const WRK = /rps=([\d.]+) p50_ms=([\d.]+) p99_ms=([\d.]+) .*codes=(\S+)/;

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

/** A RESULT line of scenario.lua (as run.sh's storm saves it, its first word replaced). */
function parseWrk(line: string | undefined): Result | undefined {
  const m = line ? WRK.exec(line) : null;
  if (!m) return undefined;
  return {
    rps: Number(m[1]),
    p50: Number(m[2]),
    p99: Number(m[3]),
    codes: m[4] as string,
    srv: '?',
    db: '?',
  };
}

function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** Loads a run folder. */
export function loadRunFolder(dir: string): RunFolder {
  const folder: RunFolder = { runs: new Map(), peaks: new Map(), startups: [], storms: [] };
  for (const file of readdirSync(dir).sort()) {
    const peak = /^(.+)-peak\.txt$/.exec(file);
    if (peak) {
      folder.peaks.set(peak[1] as string, readFileSync(join(dir, file), 'utf8').trim());
      continue;
    }
    const storm = /^storm-(\d+)\.txt$/.exec(file);
    if (storm) {
      const lines = readLines(join(dir, file));
      const find = (word: string) => lines.find((l) => l.startsWith(`${word} `));
      folder.storms.push({
        round: Number(storm[1]),
        durationS: Number(/duration_s=([\d.]+)/.exec(lines[0] ?? '')?.[1] ?? 0),
        conn: Number(/ conn=(\d+)/.exec(lines[0] ?? '')?.[1]) || undefined,
        loginConn: Number(/login_conn=(\d+)/.exec(lines[0] ?? '')?.[1]) || undefined,
        alone: parseWrk(find('alone')),
        during: parseWrk(find('storm')),
        login: parseWrk(find('login')),
      });
      continue;
    }
    const m = /^(.+)-(\d+)-(\w+)\.txt$/.exec(file);
    if (!m) continue;
    const path = join(dir, file);
    const list = folder.runs.get(m[1] as string) ?? [];
    list.push({
      round: Number(m[2]),
      scenario: m[3] as string,
      mtime: statSync(path).mtimeMs,
      ...parse(readFileSync(path, 'utf8')),
    });
    folder.runs.set(m[1] as string, list);
  }
  for (const line of readLines(join(dir, 'startup.txt'))) {
    const m = /^startup name=(\S+) ms=(\S+)(.*)$/.exec(line);
    if (!m) continue;
    const ms = Number(m[2]);
    folder.startups.push({
      name: m[1] as string,
      ms: Number.isFinite(ms) ? ms : undefined,
      note: Number.isFinite(ms) ? '' : `${m[2]}${m[3]}`.trim(),
      rssMb: Number(/rss_mb=(\d+)/.exec(m[3] as string)?.[1] ?? 0),
      hwmMb: Number(/hwm_mb=(\d+)/.exec(m[3] as string)?.[1] ?? 0),
    });
  }
  const hash = /hash_ms=([\d.]+) min_ms=([\d.]+) .*cores=(\d+)/.exec(
    readLines(join(dir, 'hash.txt'))[0] ?? '',
  );
  if (hash) folder.hash = { ms: Number(hash[1]), minMs: Number(hash[2]), cores: Number(hash[3]) };
  return folder;
}

/** Arithmetic mean. */
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Median (the middle value; the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A figure with as many digits as it deserves: 12,345 / 12.3 / 1.23. */
export const fmt = (x: number) =>
  x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2);

/** Mean figures of one variant's scenario over its rounds; undefined when it did not run. */
export function stat(folder: RunFolder, variant: string, scenario: string) {
  const rs = (folder.runs.get(variant) ?? [])
    .filter((r) => r.scenario === scenario && r.result)
    .sort((a, b) => a.round - b.round)
    .map((r) => r.result as Result);
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

/** The highest RSS / PSS bench.sh sampled under load (get_valid) for a variant. */
export function loadMemory(folder: RunFolder, variant: string): { rss: number; pss: number } | undefined {
  const loaded = (folder.runs.get(variant) ?? [])
    .map((r) => r.memory)
    .filter((m): m is Memory => m?.loadRss !== undefined);
  if (!loaded.length) return undefined;
  return {
    rss: Math.max(...loaded.map((m) => m.loadRss ?? 0)),
    pss: Math.max(...loaded.map((m) => m.loadPss ?? 0)),
  };
}

/** Successful logins per second from a wrk codes list ("200:812,503:4") and the run's length. */
export function logins200(codes: string, seconds: number): number {
  const ok = Number(/(?:^|,)200:(\d+)/.exec(codes)?.[1] ?? 0);
  return seconds > 0 ? ok / seconds : 0;
}

/** Prints rows as a plain-text table: the first `left` columns left-aligned, the rest (numbers) right. */
export function table(head: string[], rows: string[][], left = 1): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < left ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
