/**
 * `npm run bench:pomdp`: the belief kernel of exact({ backup: 'fixed-dynamics' })
 * at α = 0 against a numpy implementation of the same recursion
 * (bench/pomdp/belief.py: reachable beliefs layer by layer, merged at 1e-12,
 * then the backward max), run side by side on the same compiled tables.
 *
 *   Tiger (γ = 1) at horizons 10, 100, 400
 *   the crying baby of Algorithms for Decision Making (γ = 0.9) at horizon 10 (44 289
 *   beliefs; the reachable set triples each step and passes maxBeliefs = 10⁶ at T = 13)
 *   a hidden-goal gridworld (5×5, goal in one of 4 cells, 100 states, 50 observations), T = 20
 *   and, TypeScript only, the crying baby's infinite horizon by point-based value iteration
 *
 * For each: reachable beliefs, the value at the initial belief on both sides
 * (they must agree to 1e-9), and the median solve time (TypeScript: compile
 * excluded, `--reps` runs; numpy: one run, its own timer around the solve).
 *
 *   npm run bench:pomdp                 everything
 *   npm run bench:pomdp -- --quick      Tiger 10 and 100, baby 10, gridworld T = 10
 *   npm run bench:pomdp -- --no-numpy   TypeScript only
 *
 * Progress goes to stderr, the table to stdout, everything as JSON to bench/out/pomdp.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { beliefPosterior, compile, exact, extend, horizon, type Model } from '../../src/index.js';
import { median } from '../exact/stats.js';
import { cryingBaby, hiddenGoal, tablesOf, tiger } from './models.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, 'no-numpy': { type: 'boolean' }, reps: { type: 'string' } } });
const reps = Number(values.reps ?? 3);
const log = (message: string) => process.stderr.write(`[bench:pomdp] ${message}\n`);

interface Case {
  readonly name: string;
  readonly model: Model<unknown, unknown>;
}

const cases: Case[] = (
  values.quick
    ? [
        { name: 'tiger T=10', model: tiger({ horizon: 10 }) },
        { name: 'tiger T=100', model: tiger({ horizon: 100 }) },
        { name: 'crying baby T=10', model: cryingBaby(10) },
        { name: 'hidden goal 5×5 T=10', model: hiddenGoal(5, 10) },
      ]
    : [
        { name: 'tiger T=10', model: tiger({ horizon: 10 }) },
        { name: 'tiger T=100', model: tiger({ horizon: 100 }) },
        { name: 'tiger T=400', model: tiger({ horizon: 400 }) },
        { name: 'crying baby T=10', model: cryingBaby(10) },
        { name: 'hidden goal 5×5 T=20', model: hiddenGoal(5, 20) },
      ]
) as Case[];

interface Row {
  readonly name: string;
  readonly beliefs: number;
  readonly value: number;
  readonly tsMs: number;
  readonly numpy?: { readonly value: number; readonly beliefs: number; readonly ms: number };
}

const rows: Row[] = [];
for (const c of cases) {
  const graph = compile(c.model);
  const times: number[] = [];
  let post = beliefPosterior(exact({ backup: 'fixed-dynamics' }).run(graph, {}));
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    post = beliefPosterior(exact({ backup: 'fixed-dynamics' }).run(graph, {}));
    times.push(performance.now() - start);
  }
  const beliefs = post.beliefCounts.reduce((a, b) => a + b, 0);
  const row: Row = { name: c.name, beliefs, value: post.value, tsMs: median(times) };
  if (!values['no-numpy']) {
    log(`${c.name}: numpy …`);
    const py = spawnSync('python3', [fileURLToPath(new URL('./belief.py', import.meta.url))], { input: JSON.stringify(tablesOf(c.model)), encoding: 'utf8', maxBuffer: 1 << 26 });
    if (py.status !== 0) throw new Error(`numpy failed: ${py.stderr}`);
    const out = JSON.parse(py.stdout) as { value: number; beliefs: number[]; seconds: number };
    const agree = Math.abs(out.value - post.value) <= 1e-9 * (1 + Math.abs(post.value));
    if (!agree) throw new Error(`${c.name}: numpy value ${out.value} ≠ TypeScript ${post.value}`);
    if (out.beliefs.reduce((a, b) => a + b, 0) !== beliefs) throw new Error(`${c.name}: numpy kept ${out.beliefs.reduce((a, b) => a + b, 0)} beliefs, TypeScript ${beliefs}`);
    rows.push({ ...row, numpy: { value: out.value, beliefs: out.beliefs.reduce((a, b) => a + b, 0), ms: out.seconds * 1000 } });
  } else rows.push(row);
  log(`${c.name}: done`);
}

const pad = (x: string, n: number) => x.padStart(n);
console.log(`${'case'.padEnd(22)}${pad('beliefs', 9)}${pad('value', 12)}${pad('TS ms', 10)}${pad('numpy ms', 10)}${pad('ratio', 8)}${pad('|Δvalue|', 10)}`);
for (const r of rows) {
  const np = r.numpy;
  console.log(
    `${r.name.padEnd(22)}${pad(String(r.beliefs), 9)}${pad(r.value.toFixed(4), 12)}${pad(r.tsMs.toFixed(1), 10)}${pad(np ? np.ms.toFixed(1) : '—', 10)}${pad(np ? (np.ms / r.tsMs).toFixed(1) + '×' : '—', 8)}${pad(np ? Math.abs(np.value - r.value).toExponential(1) : '—', 10)}`,
  );
}
// The crying baby's discounted infinite horizon has no finite reachable set: point-based value
// iteration with its certified bound (TypeScript only; the numpy script implements the finite recursion).
const infiniteBaby = extend(cryingBaby(10), horizon(Infinity));
const pbStart = performance.now();
const pb = beliefPosterior(exact({ backup: 'fixed-dynamics', beliefPoints: 20 }).run(compile(infiniteBaby), {}));
const pbMs = performance.now() - pbStart;
console.log(`\ncrying baby, γ = 0.9, infinite horizon, beliefPoints 20: V ∈ [${pb.value.toFixed(6)}, ${pb.approximation!.upper.toFixed(6)}], error bound ${pb.approximation!.errorBound.toExponential(1)}, ${pbMs.toFixed(0)} ms`);

const outDir = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}pomdp.json`, JSON.stringify({ reps, rows, cryingBabyInfinite: { lower: pb.value, upper: pb.approximation!.upper, errorBound: pb.approximation!.errorBound, ms: pbMs } }, null, 2));
