/**
 * `npm run bench`: the exact engine's backward pass, side by side with tight
 * single-threaded C implementations of the same recursion and with the same
 * recursion written as a WebPPL user would write it.
 *
 * The peers' slippery 5-action N×N gridworld (bench/exact/gridworld.ts,
 * `slipperyGraph`: the model of bench:kernels, bench:merged and the numpy
 * references), T = 100, posterior backup, α = 1. The unit is ns per
 * (transition entry × step): the median time of one backward pass / (nnz · T),
 * wall and CPU time side by side.
 *
 *   npm run bench                          all sizes (10 … 200), about a minute
 *   npm run bench -- --sizes 10,50 --reps 9
 *   npm run bench -- --no-webppl --no-c
 *
 * Each TS size runs in a fresh `node --expose-gc` process so its memory
 * numbers are its own; the C reference is compiled here with
 * `gcc -O3 -march=native` (skipped, with a message, when gcc is missing) and
 * driven by that process in alternating rounds after a warm-up pass of each
 * (TS run, TS all V, C fast, C scaled, C scaled+logs, C naive, C merged; see
 * bench/exact/ts-worker.ts), so the paired TS/C ratios — medians over rounds
 * of each round's ratio — hold even when other work shares the machine.
 * The headline divides by the same algorithm in C (scaled+logs: merged rows,
 * linear space, every V_t in hand); every ratio is also given against
 * C merged, the floor for our own algorithm (bench/exact/c/merged.c);
 * WebPPL runs only up to --webppl-max (default 50; it is ~200× slower). Progress goes to
 * stderr, the tables to stdout, and everything as JSON to bench/out/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HORIZON, SIZES } from './exact/gridworld.js';
import type { Ratio, Timing, TsResult } from './exact/ts-worker.js';
import type { WebpplResult } from './exact/webppl-worker.js';

interface Row {
  readonly n: number;
  readonly ts: TsResult;
  readonly webppl: WebpplResult | undefined;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outDir = here('./out/');

interface Settings {
  readonly sizes: readonly number[];
  readonly reps: number;
  readonly webpplMax: number;
  readonly webpplReps: number;
  readonly noC: boolean;
  readonly noWebppl: boolean;
}

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench: --${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return v;
}

function settings(): Settings {
  const { values: args } = parseArgs({
    options: {
      sizes: { type: 'string', default: SIZES.join(',') },
      reps: { type: 'string', default: '7' },
      'webppl-max': { type: 'string', default: '50' },
      'webppl-reps': { type: 'string', default: '3' },
      'no-c': { type: 'boolean', default: false },
      'no-webppl': { type: 'boolean', default: false },
    },
  });
  const reps = positiveInt('reps', args.reps);
  if (reps < 5) throw new Error('bench: --reps must be at least 5 (each column is a median of ≥ 5 samples)');
  return {
    sizes: args.sizes.split(',').map((x) => positiveInt('sizes', x.trim())),
    reps,
    webpplMax: positiveInt('webppl-max', args['webppl-max']),
    webpplReps: positiveInt('webppl-reps', args['webppl-reps']),
    noC: args['no-c'],
    noWebppl: args['no-webppl'],
  };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Run a child to completion; its stderr streams through, its stdout's last line is JSON. */
function child<T>(command: string, argv: readonly string[], what: string): T {
  const started = performance.now();
  const result = spawnSync(command, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (result.error) throw new Error(`bench: ${what} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`bench: ${what} failed (exit ${result.status ?? result.signal})\n${result.stdout}`);
  const lines = result.stdout.trim().split('\n');
  log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** The TS workers run under plain node with tsx as a loader (so --expose-gc reaches them). */
const tsChild = <T>(worker: string, argv: readonly string[], what: string, gc = false) =>
  child<T>(process.execPath, [...(gc ? ['--expose-gc'] : []), '--import', 'tsx', here(worker), ...argv], what);

/** Compile the C reference; undefined (with the reason logged) when that is not possible. */
function buildC(): { binary: string; compiler: string; flags: string[] } | undefined {
  const version = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    log('gcc not found: skipping the C reference column (install gcc to compare against C)');
    return undefined;
  }
  const binary = `${outDir}backward`;
  const flags = ['-O3', '-march=native', '-std=c11', '-Wall', '-Wextra'];
  const built = spawnSync('gcc', [...flags, '-o', binary, here('./exact/c/backward.c'), '-lm'], { encoding: 'utf8' });
  if (built.status !== 0) {
    log(`gcc failed, skipping the C reference column:\n${built.stderr}`);
    return undefined;
  }
  return { binary, compiler: version.stdout.split('\n')[0]!, flags };
}

// ---------- formatting ----------

const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);
const mb = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(0)} kB`);
const sci = (x: number | undefined) => (x === undefined ? '—' : x === 0 ? '0' : x.toExponential(1));

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' | ')} |`;
  return [line(header), `|${width.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------- main ----------

function main(): void {
  const { sizes, reps, webpplMax, webpplReps, noC, noWebppl } = settings();
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  const [load1] = os.loadavg();
  const cpus = os.cpus();
  log(`node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, load average ${load1!.toFixed(2)}`);
  if (load1! > 0.5 * cpus.length) log('warning: the machine is busy; absolute timings will be noisy (the paired TS/C ratio is the robust column)');
  const c = noC ? undefined : buildC();
  if (c) log(`C reference: ${c.compiler}, ${c.flags.join(' ')}`);

  const rows: Row[] = [];
  for (const n of sizes) {
    log(`${n}×${n}: TypeScript (compile, cold run, memory run, then ${reps} rounds of TS run / TS all V${c ? ' / C fast / C scaled / C scaled+logs / C naive / C merged' : ''} samples)`);
    const caib = `${outDir}gridworld-${n}.caib`;
    const ts = tsChild<TsResult>('./exact/ts-worker.ts', [String(n), String(reps), caib, ...(c ? [c.binary] : [])], `TS${c ? ' + C' : ''} ${n}×${n}`, true);
    log(`  TS run ${fmt(ts.ts.nsPerEntryStep)}, all V ${fmt(ts.tsAllV.nsPerEntryStep)} ns/(entry×step); ${fmt(ts.tsAllV.medianMs, 1)} ms per pass`);
    if (ts.c) {
      const t = ts.c.timings;
      log(`  C fast ${fmt(t.fast.nsPerEntryStep)}, scaled ${fmt(t.scaled.nsPerEntryStep)}, scaled+logs ${fmt(t.scaledlogs.nsPerEntryStep)}, naive ${fmt(t.naive.nsPerEntryStep)}, merged ${fmt(t.merged.nsPerEntryStep)}; paired TS all V / C scaled+logs ${fmt(ts.c.paired.allVOverScaledLogs.wall)}, / C merged ${fmt(ts.c.paired.allVOverMerged.wall)}`);
    }
    let webppl: WebpplResult | undefined;
    if (!noWebppl && n <= webpplMax) {
      log(`${n}×${n}: WebPPL (${webpplReps} timed runs after a warm-up)`);
      webppl = tsChild<WebpplResult>('./exact/webppl-worker.ts', [String(n), String(webpplReps)], `WebPPL ${n}×${n}`);
      log(`  WebPPL ${fmt(webppl.nsPerEntryStep, 0)} ns/(entry×step)`);
    }
    rows.push({ n, ts, webppl });
  }

  // "wall (CPU)" cells: ns per (entry × step), or a paired ratio.
  const both = (t: Timing | undefined) => (t === undefined ? '—' : `${fmt(t.nsPerEntryStep)} (${fmt(t.cpuNsPerEntryStep)})`);
  const pair = (r: Ratio | undefined) => (r === undefined ? '—' : `${fmt(r.wall)} (${fmt(r.cpu)})`);
  const headline = table(
    ['size', 'S', 'nnz', 'T', 'TS ns', 'C scaled+logs ns', 'C merged ns', 'TS/C scaled+logs', 'TS/C merged', 'WebPPL ns', 'WebPPL/TS', 'WebPPL/C merged', 'TS ms/pass', 'run peak mem', '÷ bound unit'],
    rows.map(({ n, ts, webppl }) => [
      `${n}×${n}`,
      String(ts.nS),
      String(ts.nnz),
      String(ts.T),
      both(ts.tsAllV),
      both(ts.c?.timings.scaledlogs),
      both(ts.c?.timings.merged),
      pair(ts.c?.paired.allVOverScaledLogs),
      pair(ts.c?.paired.allVOverMerged),
      fmt(webppl?.nsPerEntryStep, 0),
      fmt(ratio(webppl?.nsPerEntryStep, ts.tsAllV.nsPerEntryStep), 0),
      fmt(ratio(webppl?.nsPerEntryStep, ts.c?.timings.merged.nsPerEntryStep), 0),
      fmt(ts.tsAllV.medianMs, 1),
      mb(ts.memory.runPeakDelta.arrayBuffers),
      fmt(ts.memory.runPeakDelta.arrayBuffers / ts.bound.unit),
    ]),
  );
  const like = table(
    ['size', 'TS run ns', 'C scaled ns', 'TS run/C scaled', 'TS run/C merged', 'C fast ns', 'C naive ns', 'TS/C fast', 'TS run/C fast', 'C fast/C merged', 'C scaled+logs/C merged'],
    rows.map(({ n, ts }) => [
      `${n}×${n}`,
      both(ts.ts),
      both(ts.c?.timings.scaled),
      pair(ts.c?.paired.runOverScaled),
      pair(ts.c?.paired.runOverMerged),
      both(ts.c?.timings.fast),
      both(ts.c?.timings.naive),
      pair(ts.c?.paired.allVOverFast),
      pair(ts.c?.paired.runOverFast),
      fmt(ratio(ts.c?.timings.fast.medianMs, ts.c?.timings.merged.medianMs)),
      fmt(ratio(ts.c?.timings.scaledlogs.medianMs, ts.c?.timings.merged.medianMs)),
    ]),
  );
  const memory = table(
    ['size', 'bound unit', 'graph arrays', '÷ unit', 'run peak Δ arrayBuffers', '÷ unit', 'run peak Δ heap', 'run peak Δ RSS', 'process max RSS', 'dense S·A·S', 'max|ΔV0| C-fast', 'C-scaled', 'C-naive', 'C-merged', 'WebPPL'],
    rows.map(({ n, ts, webppl }) => [
      `${n}×${n}`,
      mb(ts.bound.unit),
      mb(ts.memory.graphArrayBuffers),
      fmt(ts.memory.graphArrayBuffers / ts.bound.unit),
      mb(ts.memory.runPeakDelta.arrayBuffers),
      fmt(ts.memory.runPeakDelta.arrayBuffers / ts.bound.unit),
      mb(ts.memory.runPeakDelta.heapUsed),
      mb(ts.memory.runPeakDelta.rss),
      mb(ts.memory.processMaxRss),
      mb(ts.bound.dense),
      sci(ts.c?.maxAbsDiffV0.fast),
      sci(ts.c?.maxAbsDiffV0.scaled),
      sci(ts.c?.maxAbsDiffV0.naive),
      sci(ts.c?.maxAbsDiffV0.merged),
      sci(webppl?.maxAbsDiffV0),
    ]),
  );

  // The headline compares the same algorithm: TS with every V_t in hand against C's scaled recursion on
  // merged rows that also turns every row into V; C merged (one global shift a step, one exp and one log
  // per state) is the floor for that algorithm, and every ratio is given against it too. CPU time decides
  // (on a shared machine wall time also counts the time others held the core); wall is beside it.
  const target = 1;
  const compared = rows.flatMap((r) => (r.ts.c ? [{ n: r.n, ratio: r.ts.c.paired.allVOverScaledLogs.cpu, wall: r.ts.c.paired.allVOverScaledLogs.wall, merged: r.ts.c.paired.allVOverMerged }] : []));
  const worst = compared.reduce<(typeof compared)[number] | undefined>((w, r) => (w === undefined || r.ratio > w.ratio ? r : w), undefined);
  // O(S·A + nnz + S·T): a small constant number of doubles per item, at every size (plus 4 kB of A-sized scratch).
  const factor = 3;
  const memoryOk = rows.every((r) => r.ts.memory.runPeakDelta.arrayBuffers <= factor * r.ts.bound.unit + 4096 && r.ts.memory.graphArrayBuffers <= factor * r.ts.bound.unit + 4096);
  const tolerance = 1e-9;
  const correct = rows.every((r) => {
    const d = r.ts.c?.maxAbsDiffV0;
    return (d === undefined || (d.fast <= tolerance && d.scaled <= tolerance && d.naive <= tolerance && d.merged <= tolerance)) && (r.webppl === undefined || r.webppl.maxAbsDiffV0 <= tolerance);
  });

  const summary = [
    worst === undefined
      ? 'C reference: not run.'
      : worst.ratio <= target
        ? `Target TS ≤ ${target}× C scaled+logs (the same algorithm on merged rows, every V_t in hand, paired, CPU time): met at every size (worst ${fmt(worst.ratio)}× at ${worst.n}×${worst.n}; wall ${fmt(worst.wall)}×; against C merged ${fmt(worst.merged.cpu)}× CPU, ${fmt(worst.merged.wall)}× wall).`
        : `Target TS ≤ ${target}× C scaled+logs (the same algorithm on merged rows, every V_t in hand, paired, CPU time): NOT met — met at ${compared.filter((r) => r.ratio <= target).length} of ${compared.length} sizes; worst ${fmt(worst.ratio)}× at ${worst.n}×${worst.n} (wall ${fmt(worst.wall)}×; against C merged ${fmt(worst.merged.cpu)}× CPU, ${fmt(worst.merged.wall)}× wall).`,
    `Memory: the graph's typed arrays and each run's typed-array peak are ${memoryOk ? 'within' : 'ABOVE'} ${factor} doubles per item of S·A + nnz + S·(T+1) at every size, i.e. O(S·A + nnz + S·T) (the S·(T+1) value table dominates the run); a dense p(s'|s,a) alone would be the S·A·S column.`,
    rows.some((r) => r.ts.c || r.webppl)
      ? `Cross-check: V_0 of ${[c ? 'C fast, C scaled, C naive, C merged' : '', rows.some((r) => r.webppl) ? 'WebPPL' : ''].filter(Boolean).join(' and ')} ${correct ? 'agree' : 'DO NOT agree'} with the TS engine to ${tolerance}.`
      : 'Cross-check: nothing to compare V_0 with (no C, no WebPPL).',
  ];

  const report = [
    `Exact backward pass, slippery 5-action gridworlds, T = ${HORIZON}, posterior backup, α = 1 — ns per (transition entry × step), medians of ${reps} interleaved rounds after a warm-up; each cell wall (CPU)`,
    `machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, node ${process.version}${c ? `, ${c.compiler} ${c.flags.slice(0, 2).join(' ')}` : ', no C compiler'}, load ${load1!.toFixed(2)}`,
    '',
    'TS = exact().run(graph, {}) then post.V(t) for every t (every V_t in hand, as every C variant computes); TS run = exact().run alone',
    '(rows of V may be finished lazily on first read). Ratios are medians of per-round ratios, TS and C timed back to back, wall (CPU).',
    'C scaled+logs = the engine\'s algorithm (merged rows, linear space, one scale per step, every row turned into V); C merged = the floor',
    'for it (merged rows, one exp and one log per state, bench/exact/c/merged.c).',
    '',
    headline,
    '',
    ...(c
      ? [
          'Every variant: C scaled = the engine\'s scaled recursion on merged rows, logs left for later (as TS run); C fast = one global shift a step on unmerged rows; C naive = a log-sum-exp per row.',
          '',
          like,
          '',
        ]
      : []),
    'Memory (TS, fresh process per size; Δ = peak during one pass over the state just before it; heap Δ is transient garbage, not retained; the scaled',
    'pass\'s per-graph layout — W, c_s, merged rows, O(S·A + nnz) — is made by the first run and kept with the graph, so it is in neither',
    'the graph-arrays column, measured straight after compile, nor the run peak) and correctness (largest |V_0 − V_0(TS)|):',
    '',
    memory,
    '',
    ...summary,
  ].join('\n');
  process.stdout.write(`${report}\n`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = {
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, model: cpus[0]?.model, node: process.version, loadAverage: os.loadavg(), compiler: c?.compiler, flags: c?.flags },
    horizon: HORIZON,
    model: 'slippery 5-action gridworld (bench/exact/gridworld.ts slipperyGraph), posterior backup, α = 1',
    unit: 'ns per (transition entry × step) = median time of one backward pass / (nnz · T); nsPerEntryStep wall, cpuNsPerEntryStep CPU',
    rounds: reps,
    rows,
    summary,
  };
  writeFileSync(`${outDir}exact-backward-${stamp}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${outDir}exact-backward-latest.json`, `${JSON.stringify(json, null, 2)}\n`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; JSON in bench/out/exact-backward-latest.json`);
}

try {
  main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
