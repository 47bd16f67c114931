/**
 * Expected feature counts from importance sampling, for models that can only
 * be simulated (a transition that returns `sampler(...)`, a `state.simulated`).
 *
 * One run of the importance engine on the model with r = 0 gives trajectories
 * τ_i from the proposal q with log-weights b_i = log p(τ_i)/q(τ_i) (zero for the
 * default prior proposal). For any θ they are reweighted, never re-simulated:
 *
 *   log w_i(θ) = b_i + θ·F_i/α,   F_i = Σ_t φ(s_t^i, a_t^i)
 *   log Ẑ(θ)   = log (1/n) Σ_i w_i(θ)                    (Ẑ estimates p(O | θ))
 *   E[F]       ≈ Σ_i W_i(θ) F_i,   W_i = w_i / Σ_j w_j
 *
 * The objective is the 'maxent' log-likelihood with Ẑ in place of Z,
 *
 *   LL(θ) = Σ_demos [θ·F_demo/α + Σ_t log p(a_t|s_t)] − N log Ẑ(θ),
 *
 * without the initial-state and dynamics terms log p(s_0) + Σ log p(s_{t+1}|s_t,a_t),
 * which a simulator cannot evaluate and which do not depend on θ. Its gradient
 * (empirical − N Σ_i W_i F_i)/α is exact for that estimate. The estimate is only
 * as good as the weights: when θ moves far from 0 the effective sample size of
 * W(θ) falls, which `ess` reports. Demonstrations must be full length (T steps):
 * the tail of a shorter one would need conditional expectations the particles
 * do not give.
 */
import { model as makeModel } from '../dsl/model.js';
import { optimality } from '../dsl/parts.js';
import { infer } from '../engines/engine.js';
import { importance, type ImportanceSettings } from '../engines/importance/index.js';
import { fail, IssueList, show } from '../errors.js';
import { particlesOf } from '../posterior/weighted.js';
import { simulatorOf } from '../simulate/index.js';
import type { Engine } from '../types/engine.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { Part } from '../types/model.js';
import type { Demonstration } from './demonstrations.js';
import { checkShape } from './demonstrations.js';
import { callFeatures, checkVector, nonEmpty, type Features } from './features.js';
import type { FeatureExpectations, IrlStart } from './likelihood.js';
import { keyOf } from '../dist/value-key.js';

/** Importance-sampling expectations, plus the effective sample size of the last evaluation. */
export interface SampledExpectations extends FeatureExpectations {
  /** (Σ W_i)² / Σ W_i² at the last θ evaluated. */
  readonly ess: number;
  /** Number of particles n. */
  readonly particles: number;
}

/** φ as a function of values, for indicator features through the model's finite state domain. */
export function featureFunction<S, A>(features: Features<S, A>, states: IndexedDomain<S> | undefined, actions: IndexedDomain<A>, part: string): (s: S, a: A) => readonly number[] | Float64Array {
  if (typeof features === 'function') return (s, a) => callFeatures(features, s, a);
  if (states === undefined) {
    fail({ code: 'option-invalid', part, message: `${part}: indicatorFeatures need a finite state domain, and this model's state is simulated; give features as a function (s, a) => number[]` });
  }
  const perAction = features.of === 'state-action';
  const size = perAction ? states.size * actions.size : states.size;
  return (s, a) => {
    const phi = new Float64Array(size);
    const i = states.indexOf(s);
    const j = actions.indexOf(a);
    if (i >= 0 && j >= 0) phi[perAction ? i * actions.size + j : i] = 1;
    return phi;
  };
}

export function sampledExpectations<S, A>(
  kept: readonly Part<S, A>[],
  demonstrations: readonly Demonstration<S, A>[],
  features: Features<S, A>,
  engine: Engine,
  part: string,
  start: IrlStart,
): SampledExpectations {
  // Plain importance sampling of the r = 0 model: weights stay attached to whole trajectories.
  const settings = engine.options as ImportanceSettings;
  const zero = makeModel<S, A>(...kept, optimality(() => 0));
  const post = infer(zero, importance<S, A>({ particles: settings.particles, proposal: settings.proposal as never, seed: settings.seed, resample: 'none', ...(settings.steps !== undefined ? { steps: settings.steps } : {}) }));
  const particles = particlesOf(post);
  const sim = simulatorOf(post.graph);
  const T = particles.decisions;
  if (!Number.isFinite(post.graph.horizon) || post.graph.horizon !== T) {
    fail({ code: 'option-invalid', part, message: `${part}: importance-sampled IRL needs a finite horizon(T) simulated in full (no steps option); got T = ${post.graph.horizon}, ${T} simulated` });
  }
  if (sim.gamma !== 1) fail({ code: 'option-invalid', part, message: `${part}: the model has discount(${sim.gamma}); inverse RL needs γ = 1 (drop discount, keep horizon(T))` });
  const alpha = sim.alpha;
  const states = sim.states as IndexedDomain<S> | undefined;
  const actions = sim.actions as IndexedDomain<A>;
  const phi = featureFunction(features, states, actions, part);
  const K = nonEmpty(phi(particles.stateValues(0)[0]!, actions.values[0]!).length, particles.stateValues(0)[0], actions.values[0]);

  // F_i for every particle, row-major n × K.
  const n = particles.count;
  const F = new Float64Array(n * K);
  const base0 = Float64Array.from(particles.logWeights);
  for (let t = 0; t < T; t++) {
    const values = particles.stateValues(t);
    const acts = particles.actions[t]!;
    for (let i = 0; i < n; i++) {
      if (acts[i]! < 0) {
        base0[i] = -Infinity; // the proposal left p(τ) (weight 0): never counts
        continue;
      }
      const f = phi(values[i]!, actions.values[acts[i]!]!);
      checkVector(f, K, values[i], actions.values[acts[i]!]);
      for (let k = 0; k < K; k++) F[i * K + k] = F[i * K + k]! + f[k]!;
    }
  }

  // Demonstrations: known actions, states in the domain when there is one, exactly T steps.
  checkShape(demonstrations);
  const issues = new IssueList();
  const empirical = new Float64Array(K);
  let logPrior = 0;
  const row = new Float64Array(sim.nA);
  demonstrations.forEach((d, i) => {
    if (d.length !== T) {
      issues.add({ code: 'demonstration-invalid', part: 'irl', message: `irl: demonstration ${i} has ${d.length} steps; with importance() every demonstration must have T = ${T} steps (use exact() for shorter ones)` });
      return;
    }
    d.forEach((step, t) => {
      const a = actions.indexOf(step.action);
      const s = states?.indexOf(step.state) ?? 0;
      if (a < 0) issues.add({ code: 'demonstration-invalid', part: 'irl', t, action: step.action, message: `irl: demonstration ${i}, step ${t}: action ${show(step.action)} is not an action of the model` });
      if (s < 0) issues.add({ code: 'demonstration-invalid', part: 'irl', t, state: step.state, message: `irl: demonstration ${i}, step ${t}: state ${show(step.state)} is not a state of the model` });
      if (a < 0 || s < 0) return;
      const f = phi(step.state, step.action);
      checkVector(f, K, step.state, step.action);
      for (let k = 0; k < K; k++) empirical[k] = empirical[k]! + f[k]!;
      sim.prior(sim.indexed ? s : step.state, row);
      if (!(row[a]! > 0)) issues.add({ code: 'demonstration-invalid', part: 'irl', t, message: `irl: demonstration ${i}, step ${t}: a=${show(step.action)} has prior probability 0 at s=${show(step.state)}` });
      logPrior += Math.log(row[a]!);
    });
  });
  issues.throwIfAny();

  const N = demonstrations.length;
  // 'observed' starts: particles grouped by their first state; group g estimates Z(s_0) and E[F | s_0, O]
  // from its own particles (they started at s_0 ~ p(s_0), so within a group they are draws given s_0).
  // 'posterior' starts: one group of every particle, Ẑ(θ) = p(O | θ) with the start summed out.
  const groupOf = new Int32Array(n);
  const demoCount: number[] = [];
  if (start === 'observed') {
    const index = new Map<string, number>();
    const first = particles.stateValues(0);
    for (let i = 0; i < n; i++) {
      const key = keyOf(first[i]);
      if (!index.has(key)) index.set(key, index.size);
      groupOf[i] = index.get(key)!;
    }
    demonstrations.forEach((d, i) => {
      const g = index.get(keyOf(d[0]!.state));
      if (g === undefined) {
        issues.add({ code: 'demonstration-invalid', part: 'irl', t: 0, state: d[0]!.state, message: `irl: demonstration ${i} starts at s=${show(d[0]!.state)}, where no particle started, so start: 'observed' has no estimate of Z(s_0) there; use more particles, exact(), or start: 'posterior'` });
        return;
      }
      demoCount[g] = (demoCount[g] ?? 0) + 1;
    });
    issues.throwIfAny();
  } else demoCount[0] = N;
  const G = Math.max(1, demoCount.length);
  const groupSum = new Float64Array(G);
  const groupSquares = new Float64Array(G);
  const groupSize = new Float64Array(G);
  for (let i = 0; i < n; i++) groupSize[groupOf[i]!]! += 1;
  const groupExpected = new Float64Array(G * K);
  const lw = new Float64Array(n);
  const result = {
    size: K,
    count: N,
    alpha,
    empirical,
    exact: false,
    particles: n,
    ess: NaN,
    evaluate(theta: Float64Array, expected: Float64Array): number {
      // log w_i(θ) = b_i + θ·F_i/α; self-normalised, shifted by the max.
      let m = -Infinity;
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let k = 0; k < K; k++) dot += theta[k]! * F[i * K + k]!;
        lw[i] = base0[i]! + dot / alpha;
        if (lw[i]! > m) m = lw[i]!;
      }
      expected.fill(0);
      groupSum.fill(0);
      groupSquares.fill(0);
      groupExpected.fill(0);
      for (let i = 0; i < n; i++) {
        const w = lw[i] === -Infinity ? 0 : Math.exp(lw[i]! - m);
        const g = groupOf[i]!;
        groupSum[g]! += w;
        groupSquares[g]! += w * w;
        if (w > 0) for (let k = 0; k < K; k++) groupExpected[g * K + k]! += w * F[i * K + k]!;
      }
      // E[F] = Σ_g (demos starting in g) · E_g[F]; log Ẑ per group; ESS of the group the demos use least well.
      let logZ = 0;
      let ess = Infinity;
      for (let g = 0; g < G; g++) {
        const count = demoCount[g] ?? 0;
        if (count === 0) continue;
        for (let k = 0; k < K; k++) expected[k] = expected[k]! + (count * groupExpected[g * K + k]!) / groupSum[g]!;
        logZ += count * (m + Math.log(groupSum[g]! / groupSize[g]!));
        ess = Math.min(ess, (groupSum[g]! * groupSum[g]!) / groupSquares[g]!);
      }
      result.ess = ess;
      let emp = 0;
      for (let k = 0; k < K; k++) emp += theta[k]! * empirical[k]!;
      return emp / alpha + logPrior - logZ;
    },
  };
  return result;
}
