/**
 * `npm run bench:jack`: Jack's car rental (bench/jack/model.ts), end to end,
 * beside numpy policy iteration (bench/jack/reference.py, which builds its own
 * dense P and r from the same Poisson arithmetic).
 *
 *   npx tsx bench/jack/run.ts --rounds 5 [--only factored|records] [--gc]
 *
 * What each side computes (α = 0, γ = 0.9; all one thread):
 *  - numpy: build P (441 × 11 × 441, an outer product of the two lots' day
 *    distributions) and r; then hard policy iteration, each evaluation an exact
 *    dense solve of (I − γP_π)V = r_π (LAPACK), until the greedy policy is stable.
 *  - ours, compile: the model as a user writes it, in two forms — `records`
 *    (one categorical of up to 441 { first, second } records per (s, a)) and
 *    `factored` (a DBN: one transition per lot, 21 numbers each, multiplied by
 *    the compiler). Both give the same tables (checked here: equal nnz and V).
 *  - ours, solve: exact({ backup: 'fixed-dynamics' }) — the hard-max Bellman
 *    operator at α = 0 — with solver 'value-iteration' (Anderson-accelerated
 *    sweeps) and 'policy-iteration' (modified policy iteration: evaluation by
 *    Anderson-accelerated sweeps of P_π). Both stop at ‖V − TV‖∞ < 1e-10, so
 *    |V − V*| < 1e-10·γ/(1 − γ) = 9e-10; numpy's V is exact up to LAPACK's
 *    rounding. The largest |V − V_numpy| over every round is printed.
 * Like with like: numpy policy iteration against our policy iteration on the
 * factored form (numpy builds P as an outer product too). Each round runs the
 * pipeline factored + policy iteration, then records + value iteration (the
 * defaults) — with --gc each from a collected heap (an untimed gc() before it) —
 * then numpy in its own process; rounds are interleaved after one warm-up round; every
 * figure is the median over rounds, CPU time (all threads, GC included) beside wall. Text on stderr; JSON in bench/out/jack-latest.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { compile, exact, infer, policyIteration } from '../../src/index.js';
import { median } from '../exact/stats.js';
import { findPython } from '../python.js';
import { jacksCarRental, jacksCarRentalFactored, type Lot } from './model.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'no-numpy': { type: 'boolean', default: false }, gc: { type: 'boolean', default: false }, only: { type: 'string' } } });
const rounds = Number(args.rounds);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Timing {
  wall: number[];
  cpu: number[];
}
const timing = (): Timing => ({ wall: [], cpu: [] });
function timed<T>(into: Timing | undefined, f: () => T): T {
  const w = performance.now();
  const c = process.cpuUsage();
  const result = f();
  const used = process.cpuUsage(c);
  into?.wall.push((performance.now() - w) / 1000);
  into?.cpu.push((used.user + used.system) / 1e6);
  return result;
}

const python = args['no-numpy'] ? undefined : findPython(['numpy']);
log(`Jack's car rental: ${rounds} interleaved rounds after one warm-up; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
log(python === undefined ? 'numpy peer: skipped' : `numpy peer: ${python.describe}`);

const forms = { records: jacksCarRental(), factored: jacksCarRentalFactored() };
const solvers = ['value-iteration', 'policy-iteration'] as const;
type Form = keyof typeof forms;
type Solver = (typeof solvers)[number];
const compileTimes: Record<Form, Timing> = { records: timing(), factored: timing() };
const solveTimes: Record<Solver, Timing> = { 'value-iteration': timing(), 'policy-iteration': timing() };
const iterations: Record<Solver, number> = { 'value-iteration': 0, 'policy-iteration': 0 };
const residuals: Record<Solver, number> = { 'value-iteration': 0, 'policy-iteration': 0 };
const peer = { build: timing(), solve: timing() };
let policyIterations = 0;
/** Largest |V − V_numpy| per solver, and between the two forms' tables. */
const worst: Record<Solver, number> = { 'value-iteration': 0, 'policy-iteration': 0 };
let formsDiffer = 0;
// With --gc, each pipeline starts from a collected heap (an untimed gc()), so that it pays for its
// own garbage and not the previous pipeline's (compiling the records form leaves 2 million objects).
let collect = () => {};
if (args.gc) {
  v8.setFlagsFromString('--expose-gc');
  collect = vm.runInNewContext('gc') as () => void;
}
/** The two pipelines a user would run: the records form with the defaults, and the DBN with policy iteration. */
const pipelines = (
  [
    { form: 'factored', solver: 'policy-iteration' },
    { form: 'records', solver: 'value-iteration' },
  ] as const
).filter((p) => args.only === undefined || p.form === args.only);
if (pipelines.length === 0) throw new Error(`--only takes 'factored' or 'records', got ${args.only}`);
for (let r = -1; r < rounds; r++) {
  const warm = r < 0;
  const V: Partial<Record<Solver, Float64Array>> = {};
  const graphs: Partial<Record<Form, ReturnType<typeof compile<Lot, number>>>> = {};
  for (const { form, solver } of pipelines) {
    collect();
    const graph = (graphs[form] = timed(warm ? undefined : compileTimes[form], () => compile(forms[form])));
    const post = timed(warm ? undefined : solveTimes[solver], () => infer(graph, exact({ backup: 'fixed-dynamics', solver: solver === 'policy-iteration' ? policyIteration() : solver })));
    // Read V so that nothing is left lazy inside the timed region's result.
    V[solver] = post.V(0);
    iterations[solver] = post.convergence?.iterations ?? 0;
    residuals[solver] = post.convergence?.residual ?? NaN;
  }
  if (graphs.records !== undefined && graphs.factored !== undefined) {
    const a = graphs.records.dynamics;
    const b = graphs.factored.dynamics;
    if (a.nnz !== b.nnz) formsDiffer = Infinity;
    for (let k = 0; k < a.nnz; k++) formsDiffer = Math.max(formsDiffer, a.next[k] === b.next[k] ? Math.abs(a.prob[k]! - b.prob[k]!) : Infinity);
  } else formsDiffer = NaN;
  collect();
  if (python === undefined) continue;
  // One thread, as ours has.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const run = spawnSync(python.path, [here('./reference.py')], { input: '{"rounds":1}', encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { V: number[]; iterations: number; buildWall: number; buildCpu: number; solveWall: number; solveCpu: number };
  if (!warm) {
    peer.build.wall.push(out.buildWall);
    peer.build.cpu.push(out.buildCpu);
    peer.solve.wall.push(out.solveWall);
    peer.solve.cpu.push(out.solveCpu);
  }
  policyIterations = out.iterations;
  for (const solver of solvers) if (V[solver] !== undefined) worst[solver] = Math.max(worst[solver], ...out.V.map((v, s) => Math.abs(v - V[solver]![s]!)));
}

const m = (t: Timing) => ({ wall: median(t.wall), cpu: median(t.cpu) });
const sum = (x: { wall: number; cpu: number }, y: { wall: number; cpu: number }) => ({ wall: x.wall + y.wall, cpu: x.cpu + y.cpu });
const ran = (form: Form) => pipelines.some((p) => p.form === form);
const rows = {
  ...(ran('records') ? { compileRecords: m(compileTimes.records), valueIteration: m(solveTimes['value-iteration']) } : {}),
  ...(ran('factored') ? { compileFactored: m(compileTimes.factored), policyIteration: m(solveTimes['policy-iteration']) } : {}),
  ...(python !== undefined ? { numpyBuild: m(peer.build), numpySolve: m(peer.solve) } : {}),
};
const fmt = (x: { wall: number; cpu: number }) => `${x.wall.toFixed(3)} s wall, ${x.cpu.toFixed(3)} s CPU`;
const ours: Record<string, { wall: number; cpu: number }> = {};
if (rows.compileRecords !== undefined && rows.valueIteration !== undefined) {
  log(`compile, records form (4 851 categoricals of 441 records)  ${fmt(rows.compileRecords)}   target ≤ 0.5 s`);
  log(`solve, value iteration on the records form's graph (${iterations['value-iteration']} backups, residual ${residuals['value-iteration'].toExponential(1)})   ${fmt(rows.valueIteration)}`);
  ours['records + value iteration (defaults)'] = sum(rows.compileRecords, rows.valueIteration);
}
if (rows.compileFactored !== undefined && rows.policyIteration !== undefined) {
  log(`compile, factored form (9 702 transitions, each one of 2 × 21 categoricals made once)  ${fmt(rows.compileFactored)}`);
  log(`solve, policy iteration on the factored form's graph (${iterations['policy-iteration']} backups, residual ${residuals['policy-iteration'].toExponential(1)})   ${fmt(rows.policyIteration)}`);
  ours['factored + policy iteration'] = sum(rows.compileFactored, rows.policyIteration);
}
if (!Number.isNaN(formsDiffer)) log(`the two forms' tables ${formsDiffer === 0 ? 'are identical (same successors, same probabilities bit for bit)' : `DIFFER (max |Δp| ${formsDiffer})`}`);
for (const [name, t] of Object.entries(ours)) log(`ours end to end, ${name.padEnd(38)} ${fmt(t)}`);
let ratio: number | undefined;
if (rows.numpyBuild !== undefined && rows.numpySolve !== undefined) {
  const numpyTotal = sum(rows.numpyBuild, rows.numpySolve);
  log(`numpy build P, r                        ${fmt(rows.numpyBuild)}`);
  log(`numpy policy iteration (${policyIterations} iterations)  ${fmt(rows.numpySolve)}`);
  log(`numpy end to end                        ${fmt(numpyTotal)}`);
  for (const [name, t] of Object.entries(ours)) log(`ours (${name}) ÷ numpy end to end: ${(t.cpu / numpyTotal.cpu).toFixed(2)}× CPU, ${(t.wall / numpyTotal.wall).toFixed(2)}× wall`);
  const pi = ours['factored + policy iteration'];
  ratio = pi === undefined ? undefined : pi.cpu / numpyTotal.cpu;
  log(`max |V − V_numpy|: ${pipelines.map((p) => `${p.solver} ${worst[p.solver].toExponential(1)}`).join(', ')} (bound 9e-10 from the stopping rule)`);
}
const outDir = here('../out/');
mkdirSync(outDir, { recursive: true });
const json = { bench: 'jack', date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, rounds, python: python ?? null, iterations, residuals, numpyPolicyIterations: policyIterations, maxAbsDiffV: worst, formsMaxAbsDiffP: formsDiffer, seconds: rows, factoredPolicyIterationOverNumpyCpu: ratio ?? null };
writeFileSync(`${outDir}jack-latest.json`, `${JSON.stringify(json, null, 2)}\n`);
log('JSON in bench/out/jack-latest.json');
