/**
 * Variational engine benchmark (issue 3): ELBO steps per second for the
 * tabular family on the 50×50 slippery gridworld of bench/exact/gridworld.ts
 * at T = 50, with the exact and the score-function gradient, and the ratio of
 * one exact-gradient step to one exact-engine inference on the same model
 * (target ≤ 3×: a step is a forward and a backward pass).
 *
 *   npx tsx bench/variational/run.ts [N] [T] [ROUNDS]     (defaults 50 50 7)
 *
 * Each round times, back to back (so machine load hits all alike):
 *   exact posterior     exact().run(graph, {}), then V(t) read for every t (nothing left lazy)
 *   exact fixed-dyn.    exact({ backup: 'fixed-dynamics' }).run(graph, {}), every V(t) read
 *   ELBO step (exact)   ExactElbo.evaluate(θ, ∇) + one Adam update: the engine's inner loop
 *   ELBO step (score)   ScoreFunction.gradient(θ, ∇) with 100 trajectories + one Adam update
 * each repeated until the sample lasts ≥ 200 ms; medians over rounds and the
 * median of per-round ratios are printed, with a JSON line at the end.
 * A whole `infer(m, variational({ steps: 20 }))` is timed once too (it adds
 * the mask, log Z by the exact engine, and the final full evaluation).
 */
import { exact, rng, simulatorOf, variational, variationalFit, infer } from '../../src/index.js';
import type { FactorGraph } from '../../src/index.js';
import { ExactElbo } from '../../src/engines/variational/elbo.js';
import { tabularSoftmax } from '../../src/engines/variational/families.js';
import { makeOptimizer } from '../../src/engines/variational/optimizers.js';
import { ScoreFunction } from '../../src/engines/variational/score-function.js';
import { supportOf } from '../../src/engines/variational/support.js';
import { gridworld, gridworldGraph } from '../exact/gridworld.js';

const N = Number(process.argv[2] ?? 50);
const T = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 7);
const MIN_MS = 200;

/** ms per call of `f`, from a batch lasting ≥ MIN_MS. */
function time(f: () => void): number {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) f();
    const ms = performance.now() - start;
    if (ms >= MIN_MS) return ms / batch;
    batch = Math.max(batch * 2, Math.ceil((batch * MIN_MS) / Math.max(ms, 1e-3)));
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const graph = gridworldGraph(N, T) as FactorGraph<unknown, unknown>;
// As the engine does for the exact gradient: the reachable states first, then the family keeps
// logits only for them (bench/variational measures the engine's own inner loop).
const support = supportOf(graph);
const family = tabularSoftmax({ timeIndexed: true }).bind({ states: graph.states, actions: graph.actions, horizon: T, example: graph.states.values[0], reachable: { start: support.start, list: support.list } });
const params = new Float64Array(family.size);
const grad = new Float64Array(family.size);
const elbo = new ExactElbo(graph, family, support);
// The score-function gradient keeps a full table (no reachability is known from simulation).
const fullFamily = tabularSoftmax({ timeIndexed: true }).bind({ states: graph.states, actions: graph.actions, horizon: T, example: graph.states.values[0] });
const fullParams = new Float64Array(fullFamily.size);
const fullGrad = new Float64Array(fullFamily.size);
const fullAdam = makeOptimizer('adam', fullFamily.size, 0.1);
const adam = makeOptimizer('adam', family.size, 0.1);
const SAMPLES = 100;
const score = new ScoreFunction(simulatorOf(graph), fullFamily, SAMPLES, rng(1), 'bench');
const estimate = { elbo: 0, standardError: 0 };
// Move θ away from the prior a little, so the timed steps see a generic q.
for (let k = 0; k < 5; k++) {
  elbo.evaluate(params, grad);
  adam.step(params, grad);
}

/**
 * The exact run with every V_t read: the engine leaves parts of its result lazy (V_t is
 * converted from the scaled recursion on first read), and a ratio against work not done
 * flatters the ELBO step. An exact-gradient step computes every row, so the denominator must.
 */
function readAll(post: { V(t: number): Float64Array }): void {
  for (let t = 0; t < T; t++) post.V(t);
}

const rows: Record<string, number[]> = { posterior: [], fixed: [], exactStep: [], scoreStep: [], ratioPosterior: [], ratioFixed: [] };
for (let r = 0; r < ROUNDS; r++) {
  const posterior = time(() => readAll(exact().run(graph, {})));
  const fixed = time(() => readAll(exact({ backup: 'fixed-dynamics' }).run(graph, {})));
  const exactStep = time(() => {
    elbo.evaluate(params, grad);
    adam.step(params, grad);
  });
  const scoreStep = time(() => {
    score.gradient(fullParams, fullGrad, estimate);
    fullAdam.step(fullParams, fullGrad);
  });
  rows.posterior!.push(posterior);
  rows.fixed!.push(fixed);
  rows.exactStep!.push(exactStep);
  rows.scoreStep!.push(scoreStep);
  rows.ratioPosterior!.push(exactStep / posterior);
  rows.ratioFixed!.push(exactStep / fixed);
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<string, number>;

const start = performance.now();
const post = infer(gridworld(N, T), variational({ steps: 20 }));
const whole = performance.now() - start;
const fit = variationalFit(post);

const nnz = graph.dynamics.nnz;
console.log(`Variational engine, ${N}×${N} slippery gridworld, T = ${T}: ${graph.nS} states × ${graph.nA} actions, ${nnz} transition entries, ${family.size} parameters (tabular, time-indexed, reachable (t, s) only; ${fullFamily.size} for the score function); medians of ${ROUNDS} rounds`);
console.log(`  exact() inference (posterior backup)      ${m.posterior!.toFixed(2)} ms`);
console.log(`  exact() inference (fixed-dynamics backup) ${m.fixed!.toFixed(2)} ms`);
console.log(`  ELBO step, exact gradient                 ${m.exactStep!.toFixed(2)} ms   ${(1000 / m.exactStep!).toFixed(1)} steps/s`);
console.log(`  ELBO step, score function (${SAMPLES} traj.)     ${m.scoreStep!.toFixed(2)} ms   ${(1000 / m.scoreStep!).toFixed(1)} steps/s`);
console.log(`  one exact-gradient step / one exact() inference: ${m.ratioPosterior!.toFixed(2)}× (posterior backup), ${m.ratioFixed!.toFixed(2)}× (fixed-dynamics)   target ≤ 3×`);
console.log(`  infer(model, variational({ steps: 20 })) end to end: ${whole.toFixed(0)} ms (compile, mask, 20 steps, final pass, log Z); ELBO ${fit.elbo[0]!.toFixed(3)} → ${post.logEvidence.toFixed(3)}, log Z − ELBO = ${fit.gap!.toFixed(3)}`);
console.log(JSON.stringify({ bench: 'variational', N, T, nS: graph.nS, nnz, parameters: family.size, rounds: ROUNDS, medianMs: m, samples: SAMPLES, endToEndMs: whole }));
