/**
 * `npm run bench:merged`: the TS backward pass (exact().run, then every V_t read) against
 * the floor for our own algorithm — a C kernel on merged rows (bench/exact/c/merged.c,
 * gcc -O3 -march=native): one multiply-add per merged (state, successor) entry, one exp and
 * one log per state and step. Same slippery gridworlds as `npm run bench` (T = 100,
 * posterior backup, α = 1), same unit: ns per (transition entry × step).
 *
 *   npx tsx bench/exact/merged.ts --sizes 50,100,200 --rounds 3 --reps 5
 *
 * Rounds interleave TS and C (each the median of --reps passes after a warm-up pass);
 * the ratio is the median of per-round ratios, in wall time (medians) and CPU time (means per pass).
 * Text on stderr, JSON in bench/out/merged-latest.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exact } from '../../src/index.js';
import type { FactorGraph } from '../../src/index.js';
import { writeCaib } from './caib.js';
import { HORIZON, slipperyGraph } from './gridworld.js';
import { median } from './stats.js';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '50,100,200' }, rounds: { type: 'string', default: '3' }, reps: { type: 'string', default: '5' } } });
const sizes = args.sizes.split(',').map(Number);
const rounds = Number(args.rounds);
const reps = Number(args.reps);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here('../out/');
const log = (line: string) => process.stderr.write(`${line}\n`);
mkdirSync(outDir, { recursive: true });

const binary = `${outDir}merged`;
const build = spawnSync('gcc', ['-O3', '-march=native', '-o', binary, here('./c/merged.c'), '-lm'], { encoding: 'utf8' });
if (build.status !== 0) throw new Error(`gcc failed (is it installed?): ${build.stderr ?? build.error?.message}`);
const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];

interface CResult {
  medianMs: number;
  meanCpuMs: number;
  mergedNnz: number;
  nnz: number;
  nsPerEntryStep: number;
  nsPerMergedEntryStep: number;
  maxAbsDiffV0: number;
}

/** One pass with every V_t read; returns V_0. */
function pass(graph: FactorGraph<unknown, unknown>): Float64Array {
  const post = exact().run(graph, {});
  for (let t = 0; t < graph.horizon; t++) post.V(t);
  return post.V(0);
}

log(`TS backward pass (every V_t) vs C merged rows (${gcc}, -O3 -march=native); T = ${HORIZON}; ${rounds} interleaved rounds × ${reps} passes; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
log('  size        nnz   merged   TS ns (CPU ns)   C merged ns (CPU ns)   TS / C merged wall (CPU)   max|ΔV0|');
const rows = [];
for (const n of sizes) {
  const graph = slipperyGraph(n) as FactorGraph<unknown, unknown>;
  const file = `${outDir}merged-${n}.caib`;
  writeCaib(file, graph, pass(graph));
  const entrySteps = graph.dynamics.nnz * HORIZON;
  const ts: number[] = [];
  const tsCpu: number[] = [];
  const c: CResult[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    pass(graph);
    const wall: number[] = [];
    // CPU time over all the round's passes: the process CPU clock here ticks too coarsely for one.
    const c0 = process.cpuUsage();
    for (let k = 0; k < reps; k++) {
      const w0 = performance.now();
      pass(graph);
      wall.push(performance.now() - w0);
    }
    const used = process.cpuUsage(c0);
    const cpu = [(used.user + used.system) / 1000 / reps];
    const run = spawnSync(binary, [file, String(reps)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`merged failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as CResult;
    ts.push(median(wall));
    tsCpu.push(median(cpu));
    c.push(result);
    ratios.push(median(wall) / result.medianMs);
    cpuRatios.push(median(cpu) / result.meanCpuMs);
  }
  const row = {
    n,
    nnz: graph.dynamics.nnz,
    mergedNnz: c[0]!.mergedNnz,
    tsNs: (median(ts) * 1e6) / entrySteps,
    tsCpuNs: (median(tsCpu) * 1e6) / entrySteps,
    cMergedNs: median(c.map((x) => x.nsPerEntryStep)),
    cMergedCpuNs: (median(c.map((x) => x.meanCpuMs)) * 1e6) / entrySteps,
    ratio: median(ratios),
    cpuRatio: median(cpuRatios),
    maxAbsDiffV0: Math.max(...c.map((x) => x.maxAbsDiffV0)),
  };
  rows.push(row);
  log(`${`${n}×${n}`.padStart(8)} ${String(row.nnz).padStart(9)} ${String(row.mergedNnz).padStart(8)}   ${row.tsNs.toFixed(2).padStart(6)} (${row.tsCpuNs.toFixed(2).padStart(5)})   ${row.cMergedNs.toFixed(2).padStart(11)} (${row.cMergedCpuNs.toFixed(2).padStart(5)})   ${row.ratio.toFixed(2).padStart(18)} (${row.cpuRatio.toFixed(2)})   ${row.maxAbsDiffV0.toExponential(1)}`);
}
writeFileSync(`${outDir}merged-latest.json`, `${JSON.stringify({ bench: 'merged', date: new Date().toISOString(), node: process.version, compiler: gcc, flags: ['-O3', '-march=native'], horizon: HORIZON, rounds, reps, unit: 'ns per (transition entry × step)', rows }, null, 2)}\n`);
log('JSON in bench/out/merged-latest.json');
