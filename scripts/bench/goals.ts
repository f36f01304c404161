/**
 * @module
 * The Goals table of `npm run bench`: every performance goal of issue #12 with the figure measured in
 * this run, its ratio (to the figure it is compared with, or to its limit), the target and whether it is
 * met. A goal whose figures are missing (variant not run, server failed) says so and counts as not
 * measured rather than guessed.
 */
import { fmt, loadMemory, logins200, mean, median, type RunFolder, stat, table } from './results.ts';

/** One row of the Goals table. */
interface Goal {
  goal: string;
  /** What was measured, or why it is missing. */
  figure: string;
  /** figure / comparison (or / limit); undefined when not measured. */
  ratio?: number;
  target: string;
  met?: boolean;
}

/** A goal met when `ratio` passes `test`; `figure` explains the ratio (or why it is missing). */
function goal(
  name: string,
  target: string,
  test: (ratio: number) => boolean,
  figure: string,
  ratio: number | undefined,
): Goal {
  return ratio === undefined || !Number.isFinite(ratio)
    ? { goal: name, figure, target }
    : { goal: name, figure, ratio, target, met: test(ratio) };
}

/** Median start time (ms) and memory of one kind of start; undefined when none succeeded. */
function startup(folder: RunFolder, name: string) {
  const ok = folder.startups.filter((s) => s.name === name && s.ms !== undefined);
  if (!ok.length) return undefined;
  return {
    ms: median(ok.map((s) => s.ms as number)),
    rss: median(ok.map((s) => s.rssMb)),
    hwm: Math.max(...ok.map((s) => s.hwmMb)),
  };
}

/** Throughput of `a` over `b` (variant, scenario), and the figures behind it. */
function rpsRatio(folder: RunFolder, a: [string, string], b: [string, string]) {
  const x = stat(folder, ...a)?.rps;
  const y = stat(folder, ...b)?.rps;
  if (x === undefined || !y) {
    const missing = [a, b].filter((p) => !stat(folder, ...p)).map((p) => p.join(' '));
    return { figure: `not run: ${missing.join(', ')}`, ratio: undefined };
  }
  return { figure: `${fmt(x)} vs ${fmt(y)} req/s`, ratio: x / y };
}

const atLeast = (min: number) => (r: number) => r >= min;
const atMost = (max: number) => (r: number) => r <= max;
const below = (max: number) => (r: number) => r < max;

/** Evaluates every goal on a run folder. */
export function goals(folder: RunFolder): Goal[] {
  const valid = (v: string): [string, string] => [v, 'get_valid'];
  const vsDrf = rpsRatio(folder, valid('latchkey'), valid('peer'));
  const vsFloor = rpsRatio(folder, valid('latchkey'), valid('hono'));
  const pglite = rpsRatio(folder, valid('latchkey-pglite'), valid('latchkey'));
  const deno = rpsRatio(folder, valid('latchkey-deno'), valid('latchkey'));
  const forged = rpsRatio(folder, ['latchkey', 'get_forged'], ['hono', 'get_forged']);
  const noKey = rpsRatio(folder, ['latchkey', 'get_noauth'], ['hono', 'get_noauth']);

  const storms = folder.storms.filter((s) => s.alone && s.during && s.login);
  const alone = mean(storms.map((s) => s.alone?.p99 ?? 0));
  const during = mean(storms.map((s) => s.during?.p99 ?? 0));
  const logins = mean(storms.map((s) => logins200(s.login?.codes ?? '', s.durationS)));
  const hash = folder.hash;
  const capacity = hash ? Math.max(1, hash.cores - 1) / (hash.ms / 1000) : undefined;

  const ours = loadMemory(folder, 'latchkey');
  const drf = loadMemory(folder, 'peer');
  const reopen = startup(folder, 'pglite-reopen');
  const create = startup(folder, 'pglite-create');
  const postgres = startup(folder, 'postgres');
  const ms = (s: { ms: number } | undefined) => (s ? `${Math.round(s.ms)} ms` : 'not measured');

  return [
    goal('valid key vs DRF peer', '>= 10x', atLeast(10), vsDrf.figure, vsDrf.ratio),
    goal('valid key vs bare Hono', '>= 0.7x', atLeast(0.7), vsFloor.figure, vsFloor.ratio),
    goal('valid key: PGlite vs PostgreSQL', '>= 0.8x', atLeast(0.8), pglite.figure, pglite.ratio),
    goal('valid key: Deno vs Node', '0.9x - 1.1x', (r) => Math.abs(r - 1) <= 0.1, deno.figure, deno.ratio),
    goal('forged key vs bare Hono', '>= 0.9x', atLeast(0.9), forged.figure, forged.ratio),
    goal('no key vs bare Hono', '>= 0.9x', atLeast(0.9), noKey.figure, noKey.ratio),
    goal(
      'test_auth p99: login storm vs alone',
      '<= 2x',
      atMost(2),
      storms.length ? `${during.toFixed(1)} vs ${alone.toFixed(1)} ms` : 'storm not run',
      storms.length && alone > 0 ? during / alone : undefined,
    ),
    goal(
      'logins/s in the storm vs (cores-1)/hash',
      '>= 0.9x',
      atLeast(0.9),
      storms.length && hash && capacity
        ? `${fmt(logins)}/s vs ${Math.max(1, hash.cores - 1)}/${hash.ms} ms = ${fmt(capacity)}/s`
        : 'storm or hash time missing',
      storms.length && capacity ? logins / capacity : undefined,
    ),
    goal(
      'RSS under load vs DRF peer',
      '< 1x',
      below(1),
      ours && drf ? `${ours.rss} vs ${drf.rss} MB (PSS ${ours.pss} vs ${drf.pss})` : 'get_valid not run',
      ours && drf ? ours.rss / drf.rss : undefined,
    ),
    goal(
      'PGlite RSS after reopening',
      '< 200 MB',
      below(1),
      reopen ? `${reopen.rss} MB` : 'not measured',
      reopen && reopen.rss / 200,
    ),
    goal(
      'PGlite peak creating the database',
      '< 400 MB',
      below(1),
      create ? `${create.hwm} MB` : 'not measured',
      create && create.hwm / 400,
    ),
    goal('start, PostgreSQL', '<= 1500 ms', atMost(1), ms(postgres), postgres && postgres.ms / 1500),
    goal('start, PGlite reopen', '<= 2000 ms', atMost(1), ms(reopen), reopen && reopen.ms / 2000),
  ];
}

/** Prints the Goals table and, for information, the start time of latchkey/testing. */
export function printGoals(folder: RunFolder): void {
  const list = goals(folder);
  const met = list.filter((g) => g.met).length;
  const measured = list.filter((g) => g.met !== undefined).length;
  const unmeasured = list.length - measured;
  console.log(
    `\nGoals (issue #12): ${met} of ${measured} measured goals met${unmeasured ? `, ${unmeasured} not measured` : ''}`,
  );
  console.log('ratio = figure / the figure it is compared with; for a limit (MB, ms): figure / limit');
  table(
    ['goal', 'figure', 'ratio', 'target', 'met'],
    list.map((g) => [
      g.goal,
      g.figure,
      g.ratio === undefined ? '-' : `${g.ratio.toFixed(2)}x`,
      g.target,
      g.met === undefined ? 'n/a' : g.met ? 'yes' : 'NO',
    ]),
    2,
  );
  const sameHeaders = ['get_valid', 'get_forged', 'get_noauth'].flatMap((scenario) => {
    const r = rpsRatio(folder, ['latchkey', scenario], ['hono-headers', scenario]);
    return r.ratio === undefined ? [] : [`${scenario} ${r.ratio.toFixed(2)}x (${r.figure})`];
  });
  if (sameHeaders.length) {
    console.log(
      `Latchkey vs the floor sending the same response headers (hono-headers; no goal): ${sameHeaders.join(', ')}`,
    );
  }
  const testing = startup(folder, 'testing');
  const note = folder.startups.find((s) => s.name === 'testing')?.note;
  console.log(
    testing
      ? `latchkey/testing in-memory test server, import to first 200: ${Math.round(testing.ms)} ms (median; no goal)`
      : `latchkey/testing in-memory test server: not measured (${note || 'not run'})`,
  );
}
