/**
 * `npx tsx bench/irl/run.ts`: time to fit MaxEnt IRL on an N×N slippery
 * gridworld (one-hot state features, N² weights) from demonstrations, beside
 * a vectorised numpy + scipy L-BFGS-B implementation of the same objective
 * (bench/irl/reference.py) run on the same problem.
 *
 *   npx tsx bench/irl/run.ts                       32×32, T = 40, 50 demonstrations of length 40
 *   npx tsx bench/irl/run.ts --n 16 --reps 3 --no-numpy
 *
 * Timed: the whole `inferReward` call (compiling the model, checking the
 * demonstrations, the optimisation, and the posterior under the learned
 * reward), the median of --reps runs after one warm-up run. numpy's time is
 * its optimisation alone (its arrays are built before the clock starts), for
 * two implementations: 'scaled' (the TypeScript solver's linear-space
 * recursion, vectorised) and 'log' (the textbook log-space recursion). All
 * stop at max |∇J| ≤ tolerance · N with 50 L-BFGS pairs (inferReward's
 * history length for K = 1024; scipy's maxcor). Results go to stdout and, as
 * JSON, to bench/out/irl-latest.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { indicatorFeatures, inferReward, type IrlVariant, type RewardEstimate } from '../../src/irl/index.js';
import { findPython } from '../python.js';
import { problem, type Move, type Problem } from './problem.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outDir = here('../out/');
const log = (message: string) => process.stderr.write(`[bench:irl] ${message}\n`);

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '32' },
    horizon: { type: 'string', default: '40' },
    demos: { type: 'string', default: '50' },
    l2: { type: 'string', default: '1' },
    tolerance: { type: 'string', default: '1e-4' },
    steps: { type: 'string', default: '1000' },
    reps: { type: 'string', default: '5' },
    'no-numpy': { type: 'boolean', default: false },
    'no-causal': { type: 'boolean', default: false },
  },
});
const n = Number(args.n);
const T = Number(args.horizon);
const count = Number(args.demos);
const l2 = Number(args.l2);
const tolerance = Number(args.tolerance);
const steps = Number(args.steps);
const reps = Number(args.reps);

interface Timed {
  readonly seconds: number;
  /** Median CPU time of the process during the fit (user + system), robust to other load on the machine. */
  readonly cpuSeconds: number;
  readonly all: number[];
  readonly fit: RewardEstimate<number, Move>;
}

function time(p: Problem, variant: IrlVariant): Timed {
  // start: 'posterior' — reference.py scores the start by p(s_0 | O) (the uniform initial distribution makes the two conventions differ).
  const run = () => inferReward(p.world, p.demonstrations, { features: indicatorFeatures('state'), variant, start: 'posterior', l2, tolerance, steps });
  run(); // warm-up: JIT
  const all: number[] = [];
  const cpu: number[] = [];
  let fit!: RewardEstimate<number, Move>;
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    fit = run();
    const used = process.cpuUsage(cpu0);
    all.push((performance.now() - started) / 1000);
    cpu.push((used.user + used.system) / 1e6);
  }
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
  return { seconds: median(all), cpuSeconds: median(cpu), all, fit };
}

/** Pearson correlation. */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= x.length;
  my /= y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

function numpy(p: Problem, kinds: readonly string[]): Record<string, unknown>[] | undefined {
  // Debian's numpy first when it has scipy too (bench/python.ts); the version is printed.
  const python = findPython(['numpy', 'scipy']);
  if (python === undefined) {
    log('no python with numpy and scipy found: skipping the numpy column');
    return undefined;
  }
  log(`numpy peer: ${python.describe}`);
  const g = p.graph;
  const file = `${outDir}irl-problem.json`;
  writeFileSync(
    file,
    JSON.stringify({
      nS: g.nS,
      nA: g.nA,
      T: g.horizon,
      alpha: g.alpha,
      l2,
      tolerance,
      steps,
      memory: 50,
      rowStart: Array.from(g.dynamics.rowStart),
      next: Array.from(g.dynamics.next),
      prob: Array.from(g.dynamics.prob),
      initial: Array.from(g.initial),
      prior: Array.from(g.prior),
      states: p.demonstrations.flatMap((d) => d.map((step) => g.states.indexOf(step.state))),
      actions: p.demonstrations.flatMap((d) => d.map((step) => g.actions.indexOf(step.action))),
    }),
  );
  return kinds.flatMap((kind) => {
    log(`numpy + scipy L-BFGS-B (${kind}): ${reps} runs`);
    // One thread, as the TypeScript fit has: numpy's BLAS would otherwise spread over the cores.
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const result = spawnSync(python.path, [here('./reference.py'), file, String(reps), kind], { encoding: 'utf8', maxBuffer: 1 << 26, env });
    if (result.status !== 0) {
      log(`numpy reference (${kind}) failed:\n${result.stderr}`);
      return [];
    }
    const lines = result.stdout.trim().split('\n');
    return [JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>];
  });
}

function main(): void {
  mkdirSync(outDir, { recursive: true });
  const cpus = os.cpus();
  log(`node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  log(`problem: ${n}×${n} slippery gridworld, T = ${T}, ${count} demonstrations, one-hot state features (K = ${n * n}), l2 = ${l2}, tolerance ${tolerance}·N`);
  const p = problem(n, T, count);
  const rows: Record<string, unknown>[] = [];
  const line = (name: string, seconds: number, cpuSeconds: number, fit: { iterations: number; evaluations: number; converged: boolean; logLikelihood: number }, extra = '') =>
    `${name.padEnd(24)} ${(seconds * 1000).toFixed(0).padStart(6)} ms wall ${(cpuSeconds * 1000).toFixed(0).padStart(6)} ms cpu  ${String(fit.iterations).padStart(4)} it ${String(fit.evaluations).padStart(4)} evals  ${(((seconds * 1000) / fit.evaluations) || 0).toFixed(2).padStart(6)} ms/eval  LL ${fit.logLikelihood.toFixed(3)}${fit.converged ? '' : ' (not converged)'}${extra}`;
  const out: string[] = [];
  const variants: IrlVariant[] = args['no-causal'] ? ['maxent'] : ['maxent', 'causal'];
  const fits: Partial<Record<IrlVariant, Timed>> = {};
  for (const variant of variants) {
    log(`TypeScript ${variant}: warm-up + ${reps} runs`);
    const timed = time(p, variant);
    fits[variant] = timed;
    const r = correlation(timed.fit.theta, p.truth);
    out.push(line(`TS ${variant}`, timed.seconds, timed.cpuSeconds, timed.fit, `  corr(θ, r*) ${r.toFixed(3)}`));
    rows.push({ engine: 'ts', variant, seconds: timed.seconds, cpuSeconds: timed.cpuSeconds, all: timed.all, iterations: timed.fit.iterations, evaluations: timed.fit.evaluations, converged: timed.fit.converged, logLikelihood: timed.fit.logLikelihood, correlationWithTruth: r });
  }
  if (!args['no-numpy']) {
    for (const ref of numpy(p, ['scaled', 'log']) ?? []) {
      const theta = ref.theta as number[];
      const ts = fits.maxent!.fit.theta;
      let diff = 0;
      for (let i = 0; i < theta.length; i++) diff = Math.max(diff, Math.abs(theta[i]! - ts[i]!));
      out.push(
        line(`numpy maxent (${String(ref.kind)})`, ref.seconds as number, ref.cpuSeconds as number, { iterations: ref.iterations as number, evaluations: ref.evaluations as number, converged: ref.converged as boolean, logLikelihood: ref.logLikelihood as number }, `  max|θ_np − θ_ts| ${diff.toExponential(1)}; numpy/TS wall ${((ref.seconds as number) / fits.maxent!.seconds).toFixed(2)}×, cpu ${((ref.cpuSeconds as number) / fits.maxent!.cpuSeconds).toFixed(2)}×`),
      );
      const { theta: _theta, ...rest } = ref;
      rows.push({ engine: 'numpy', variant: 'maxent', ...rest, maxThetaDifference: diff });
    }
  }
  console.log(`IRL fit: ${n}×${n} gridworld, T = ${T}, ${count} demonstrations × ${T} steps, K = ${n * n} one-hot state features, l2 = ${l2}, stop at max|∇J| ≤ ${tolerance}·N (median of ${reps})`);
  console.log(out.join('\n'));
  writeFileSync(`${outDir}irl-latest.json`, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus[0]?.model, n, T, count, l2, tolerance, rows }, null, 2));
}

main();
