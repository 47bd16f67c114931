/**
 * `npm run bench:inverse-planning` — memo's MDP demo rebuilt (see maze.ts):
 * hard-max Q over 1000 steps for each goal and a β = 2 Boltzmann goal
 * posterior for every (state, action), with
 *
 *   - the 2-goal demo end to end (compile, one batched backward pass, goal posterior);
 *   - a 20-goal version, batched (inferBatch: one pass over 20 reward tables) against
 *     20 separate infer() runs;
 *   - a vectorised numpy reference of the same recursion, run side by side, whose
 *     goal posterior must agree to 1e-9.
 *
 * Medians over interleaved rounds (TS and numpy alternate) after one untimed warm-up
 * round, CPU and wall time.
 *   npx tsx bench/inverse-planning/run.ts [--rounds 5] [--no-numpy]
 * memo reports 6.85 s for Q and 4.66 ms for the goal inference (JAX, its author's CPU).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileModel, exact, infer, inferGoal, type FactorGraph, type Posterior } from '../../src/index.js';
import { inferBatch } from '../../src/engines/exact/batch/index.js';
import { agentModel, BETA, carve, goalsOf, STEPS, type Cell, type Move } from './maze.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here('../out/');
const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'no-numpy': { type: 'boolean', default: false } } });
const rounds = Number(args.rounds);
const engine = exact({ backup: 'boltzmann' });
const open = carve();

interface Timing {
  wallMs: number;
  cpuMs: number;
}
function timed<T>(f: () => T): [T, Timing] {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const value = f();
  const wallMs = performance.now() - w0;
  const c = process.cpuUsage(c0);
  return [value, { wallMs, cpuMs: (c.user + c.system) / 1e3 }];
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** p(g | s, a) ∝ π_g(a | s) (uniform prior), from each goal posterior's policy at t = 0; K × nS × nA. */
function goalPosterior(posts: readonly Posterior<Cell, Move, 'tables' | 'simulator'>[]): Float64Array {
  const tables = posts.map((p) => p.policyTable(0));
  const n = tables[0]!.length;
  const out = new Float64Array(tables.length * n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (const t of tables) z += t[i]!;
    tables.forEach((t, k) => (out[k * n + i] = t[i]! / z));
  }
  return out;
}

function problem(k: number, slip: number) {
  const goals = goalsOf(open, k);
  const models = goals.map((g) => agentModel(open, g, goals, slip));
  return { goals, models };
}

function runTs(k: number, slip: number) {
  const { models } = problem(k, slip);
  const [graphs, compile] = timed(() => models.map((m) => compileModel(m) as FactorGraph<Cell, Move>));
  const [posts, pass] = timed(() => inferBatch(graphs, engine));
  const [posterior, inference] = timed(() => goalPosterior(posts));
  return { graphs, posterior, compile, pass, inference };
}

/** The public API end to end: inferGoal on the first 20 steps of a path of goal 0's agent (compile, batched pass, likelihoods). */
function runInferGoal(k: number, slip: number, path: readonly { state: Cell; action: Move }[]) {
  const { goals, models } = problem(k, slip);
  const hypotheses = models.map((model, i) => ({ name: `goal ${goals[i]!.join(',')}`, model }));
  const [result, time] = timed(() => inferGoal(hypotheses, path, { engine }));
  return { time, first: result.posterior(path.length - 1)[0]! };
}

function runSeparate(graphs: readonly FactorGraph<Cell, Move>[]) {
  const [posts, pass] = timed(() => graphs.map((g) => infer(g, engine)));
  const [, inference] = timed(() => goalPosterior(posts));
  return { pass, inference };
}

// Debian's python3-numpy (/usr/bin/python3) when it is installed, else the first python3 with numpy on PATH.
const python = ['/usr/bin/python3', 'python3'].find((bin) => spawnSync(bin, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);
const numpyOk = !args['no-numpy'] && python !== undefined;
mkdirSync(outDir, { recursive: true });
function writeProblem(k: number, graphs: readonly FactorGraph<Cell, Move>[]): string {
  const file = `${outDir}inverse-planning-${k}.json`;
  const g = graphs[0]!;
  writeFileSync(file, JSON.stringify({ nS: g.nS, nA: g.nA, T: STEPS, beta: BETA, next: Array.from(g.dynamics.next), rewards: graphs.flatMap((h) => Array.from(h.reward)) }));
  return file;
}
function runNumpy(file: string, k: number): { cpuMs: number; wallMs: number; numpy: string; python: string; posterior: number[] } {
  const out = `${outDir}inverse-planning-${k}-numpy.json`;
  const r = spawnSync(python!, [here('./reference.py'), file, out], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ...JSON.parse(r.stdout), posterior: JSON.parse(readFileSync(out, 'utf8')) as number[] };
}

const report: Record<string, unknown> = { steps: STEPS, beta: BETA, rounds, node: process.version, memo: { qSeconds: 6.85, inferenceMs: 4.66, note: 'memo notebook, JAX, its author\'s CPU' } };
const lines: string[] = [];
for (const [k, slip] of [[2, 0], [20, 0], [20, 0.2]] as const) {
  const samples = { compile: [] as Timing[], pass: [] as Timing[], inference: [] as Timing[], separatePass: [] as Timing[], numpy: [] as Timing[], inferGoal: [] as Timing[] };
  let pGoal0 = NaN;
  let agreement = NaN;
  let numpyVersion = '';
  let pythonPath = '';
  // One untimed warm-up round (JIT, first allocations), then the timed rounds.
  runSeparate(runTs(k, slip).graphs);
  for (let round = 0; round < rounds; round++) {
    const ts = runTs(k, slip);
    samples.compile.push(ts.compile);
    samples.pass.push(ts.pass);
    samples.inference.push(ts.inference);
    const separate = runSeparate(ts.graphs);
    samples.separatePass.push(separate.pass);
    // A typical path of goal 0's agent (a sample; the most probable trajectory may end in another goal's absorbing cell).
    const [walk] = infer(ts.graphs[0]!, engine).sample(1, { seed: round + 1 });
    const path = walk!.actions.slice(0, 20).map((action, t) => ({ state: walk!.states[t]!, action }));
    const goal = runInferGoal(k, slip, path);
    samples.inferGoal.push(goal.time);
    pGoal0 = goal.first;
    if (numpyOk) {
      const np = slip === 0 ? runNumpy(writeProblem(k, ts.graphs), k) : undefined;
      if (np === undefined) continue;
      samples.numpy.push(np);
      numpyVersion = np.numpy;
      pythonPath = np.python;
      agreement = 0;
      for (let i = 0; i < np.posterior.length; i++) agreement = Math.max(agreement, Math.abs(np.posterior[i]! - ts.posterior[i]!));
    }
  }
  const med = (xs: Timing[]) => ({ wallMs: median(xs.map((x) => x.wallMs)), cpuMs: median(xs.map((x) => x.cpuMs)) });
  const row = {
    goals: k,
    compile: med(samples.compile),
    batchedPass: med(samples.pass),
    goalPosterior: med(samples.inference),
    separatePasses: med(samples.separatePass),
    slip,
    inferGoal20Steps: med(samples.inferGoal),
    posteriorOfGoal0After20Steps: pGoal0,
    numpy: samples.numpy.length > 0 ? med(samples.numpy) : undefined,
    numpyVersion,
    python: pythonPath,
    maxAbsDiffPosteriorVsNumpy: agreement,
  };
  const endToEnd = row.compile.wallMs + row.batchedPass.wallMs + row.goalPosterior.wallMs;
  report[`goals${k}${slip > 0 ? '-slippery' : ''}`] = { ...row, endToEndWallMs: endToEnd, speedupVsMemo: (6850 + 4.66) / endToEnd };
  const f = (t: { wallMs: number; cpuMs: number }) => `${t.wallMs.toFixed(1)} ms wall / ${t.cpuMs.toFixed(1)} ms CPU`;
  lines.push(
    `${k} goals, 441 states × 4 actions, ${STEPS} steps${slip > 0 ? `, slippery (each move slips to another with ${slip})` : ''} (median of ${rounds} interleaved rounds)`,
    `  compile (models → tables)      ${f(row.compile)}`,
    `  batched backward pass (K=${k})   ${f(row.batchedPass)}`,
    `  ${k} separate infer() runs      ${f(row.separatePasses)}   (batched is ${(row.separatePasses.wallMs / row.batchedPass.wallMs).toFixed(2)}× faster)`,
    `  goal posterior, every (s, a)   ${f(row.goalPosterior)}`,
    `  inferGoal, 20 observed steps   ${f(row.inferGoal20Steps)}   (public API: compile, batched pass, likelihoods; p(goal 0 | steps) = ${pGoal0.toFixed(4)})`,
    `  end to end                     ${endToEnd.toFixed(1)} ms wall${k === 2 ? `   (memo: 6850 ms + 4.66 ms → ${((6850 + 4.66) / endToEnd).toFixed(0)}× faster)` : ''}`,
    row.numpy ? `  numpy ${numpyVersion} (${pythonPath}), same recursion: ${f(row.numpy)}; max |Δ p(g|s,a)| = ${agreement.toExponential(2)}` : `  numpy: ${numpyOk ? 'deterministic cases only' : 'skipped'}`,
  );
}
const text = lines.join('\n');
process.stdout.write(`${text}\n`);
writeFileSync(`${outDir}inverse-planning.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${outDir}inverse-planning.txt`, `${text}\n`);
