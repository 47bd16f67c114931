/**
 * `npx tsx bench/importance/run.ts`: importance() / SMC side by side with
 * WebPPL's SMC (`Infer({ method: 'SMC', particles })`) on the same slippery
 * gridworld (bench/exact/gridworld.ts; 10×10, T = 20 by default), at the same
 * particle counts.
 *
 *   trajectory-steps/s = particles · T / (median time of one run)
 *   particles/s        = particles / (median time of one run)
 *
 * WebPPL resamples at every factor (every step), so the like-for-like row is
 * `resample: 'systematic', essThreshold: 1`; the adaptive default (ESS < N/2)
 * and plain IS are shown too. Each log Ẑ is printed beside the exact log p(O).
 * The model is compiled once, outside the timings, on both sides. WebPPL runs
 * in its own process (bench/importance/webppl-worker.ts; it installs globals).
 *
 *   npx tsx bench/importance/run.ts                          grid 10, T 20, N = 1000 and 10 000
 *   npx tsx bench/importance/run.ts --particles 1000 --reps 9 --no-webppl
 *
 * Progress goes to stderr, the table to stdout, everything as JSON to bench/out/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exact, importance, type ImportanceOptions } from '../../src/index.js';
import { gridworldGraph } from '../exact/gridworld.js';
import { median } from '../exact/stats.js';
import type { WebpplSmcResult } from './webppl-worker.js';

interface Variant {
  readonly name: string;
  readonly options: ImportanceOptions;
}

const VARIANTS: readonly Variant[] = [
  { name: 'smc-every-step', options: { resample: 'systematic', essThreshold: 1 } },
  { name: 'smc-adaptive', options: { resample: 'systematic', essThreshold: 0.5 } },
  { name: 'is', options: { resample: 'none' } },
];

interface TsResult {
  readonly variant: string;
  readonly particles: number;
  readonly medianMs: number;
  readonly medianCpuMs: number;
  readonly particlesPerSecond: number;
  readonly stepsPerSecond: number;
  readonly logEvidence: readonly number[];
  readonly standardError: readonly number[];
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = fileURLToPath(new URL('../out/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench:importance] ${message}\n`);

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench: --${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return v;
}

const { values: args } = parseArgs({
  options: {
    grid: { type: 'string', default: '10' },
    horizon: { type: 'string', default: '20' },
    particles: { type: 'string', default: '1000,10000' },
    reps: { type: 'string', default: '7' },
    'webppl-reps': { type: 'string', default: '3' },
    'no-webppl': { type: 'boolean', default: false },
  },
});
const grid = positiveInt('grid', args.grid);
const T = positiveInt('horizon', args.horizon);
const counts = args.particles.split(',').map((x) => positiveInt('particles', x.trim()));
const reps = positiveInt('reps', args.reps);
const webpplReps = positiveInt('webppl-reps', args['webppl-reps']);

const graph = gridworldGraph(grid, T);
const logZ = exact().run(graph, {}).logEvidence;

/**
 * Every variant, interleaved round by round (so machine load and JIT state hit all alike), after
 * five warm-up rounds of all of them: timing variant by variant left the first one cold (its
 * median 3× its warm time). Medians of wall and CPU time.
 */
function timeTs(particles: number): TsResult[] {
  const samples = VARIANTS.map(() => ({ times: [] as number[], cpu: [] as number[], logEvidence: [] as number[], standardError: [] as number[] }));
  for (let r = -5; r < reps; r++) {
    VARIANTS.forEach((variant, i) => {
      const engine = importance({ particles, seed: r + 100, ...variant.options });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const post = engine.run(graph, {});
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      if (r < 0) return; // warm-up
      samples[i]!.times.push(ms);
      samples[i]!.cpu.push((cpu.user + cpu.system) / 1000);
      samples[i]!.logEvidence.push(post.logEvidence);
      samples[i]!.standardError.push(post.evidence.standardError!);
    });
  }
  return VARIANTS.map((variant, i) => {
    const { times, cpu, logEvidence, standardError } = samples[i]!;
    const medianMs = median(times);
    return { variant: variant.name, particles, medianMs, medianCpuMs: median(cpu), particlesPerSecond: (particles * 1000) / medianMs, stepsPerSecond: (particles * T * 1000) / medianMs, logEvidence, standardError };
  });
}

function timeWebppl(particles: number): WebpplResult | undefined {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/importance/webppl-worker.ts', String(grid), String(T), String(particles), String(webpplReps)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) {
    log(`WebPPL failed at N = ${particles}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    return undefined;
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as WebpplSmcResult;
}
type WebpplResult = WebpplSmcResult;

const rows: { particles: number; ts: TsResult[]; webppl: WebpplResult | undefined }[] = [];
for (const particles of counts) {
  log(`N = ${particles}: importance() × ${VARIANTS.length} variants, ${reps} runs each`);
  const ts = timeTs(particles);
  let webppl: WebpplResult | undefined;
  if (!args['no-webppl']) {
    log(`N = ${particles}: WebPPL SMC, ${webpplReps} runs`);
    webppl = timeWebppl(particles);
  }
  rows.push({ particles, ts, webppl });
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`importance() vs WebPPL SMC — ${grid}×${grid} slippery gridworld, T = ${T}, exact log p(O) = ${logZ.toFixed(4)}`);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), load ${os.loadavg()[0]!.toFixed(2)}`);
console.log('');
console.log('     N  engine                     median ms (CPU ms)   particles/s   traj-steps/s   ×WebPPL   mean log Ẑ');
for (const row of rows) {
  const base = row.webppl?.particlesPerSecond;
  for (const r of row.ts) {
    const ratio = base === undefined ? '      —' : `${(r.particlesPerSecond / base).toFixed(1).padStart(7)}×`;
    console.log(`${String(row.particles).padStart(6)}  ${`importance ${r.variant}`.padEnd(26)} ${r.medianMs.toFixed(1).padStart(9)} (${r.medianCpuMs.toFixed(1).padStart(6)})   ${fmt(r.particlesPerSecond).padStart(11)}   ${fmt(r.stepsPerSecond).padStart(12)}  ${ratio}   ${mean(r.logEvidence).toFixed(4)}`);
  }
  if (row.webppl !== undefined) {
    const w = row.webppl;
    console.log(`${String(row.particles).padStart(6)}  ${'WebPPL SMC'.padEnd(26)} ${w.medianMs.toFixed(1).padStart(9)} (     —)   ${fmt(w.particlesPerSecond).padStart(11)}   ${fmt(w.stepsPerSecond).padStart(12)}       1.0×   ${mean(w.logEvidence).toFixed(4)}`);
  }
}
console.log('');
console.log("×WebPPL: particles/s over WebPPL's at the same N; the like-for-like row is smc-every-step (WebPPL resamples at every factor).");

mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const json = JSON.stringify({ grid, horizon: T, logZ, reps, webpplReps, node: process.version, cpu: os.cpus()[0]?.model, load: os.loadavg(), rows }, null, 2);
writeFileSync(`${outDir}importance-${stamp}.json`, json);
writeFileSync(`${outDir}importance-latest.json`, json);
log(`wrote bench/out/importance-${stamp}.json`);
