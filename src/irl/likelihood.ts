/**
 * The demonstrations' log-likelihood under r_θ = θ·φ and its gradient,
 * ∇ LL(θ) = (empirical − expected feature counts) / α, behind one small
 * interface so that any engine can supply the expected counts.
 *
 * 'maxent' (exact posterior). A demonstration τ of L ≤ T steps is scored by its
 * probability under p(τ | O) — for L < T the probability of the prefix, the
 * suffix summed out:
 *
 *   log p(τ_{0:L} | O) = log p(s_0|O) + Σ_{t<L} log π_t(a_t|s_t) + Σ_{t<L−1} log K_t(s_{t+1}|s_t,a_t)
 *                      = Σ_{t<L} r_θ(s_t,a_t)/α + log β_L(s_{L−1},a_{L−1}) − log Z(θ) + (terms free of θ)
 *
 * so ∇ = (Σ_{t<L} φ(s_t,a_t) + E[Σ_{t≥L} φ | s_{L−1}, a_{L−1}, O] − E_{p(τ|O)}[Σ_t φ]) / α.
 * Both expectations come out of ONE forward pass through the posterior with
 * signed sources: +N·p(s_0|O) at t = 0 and −K_{L−1}(·|s_{L−1},a_{L−1}) at t = L for
 * each demonstration that stops early. For full-length demonstrations this is
 * empirical − expected counts exactly.
 *
 * With an observed start (`start: 'observed'`, the default) log p(s_0|O) is replaced by
 * log p(s_0) — the score is log p(s_0) + log p(τ | s_0, O), whose θ-part is
 * Σ_t r_θ/α + log β_L − V_0(s_0)/α — and the source at t = 0 is δ(s_0) per
 * demonstration instead of N·p(s_0|O): the expected counts are taken from each
 * demonstration's own start (Ziebart et al. 2008, Alg. 1).
 *
 * 'causal' (maximum causal entropy, the fixed-dynamics policy). The score is
 * log p(s_0) + Σ_t log π_t(a_t|s_t) + Σ_t log p(s_{t+1}|s_t,a_t); only the policy
 * terms depend on θ, and with G_t(s) = ∇V_t(s)·α (expected future counts under
 * π and the true dynamics) their gradient telescopes to
 *
 *   α ∇ = Σ_t φ(s_t,a_t) − G_0(s_0) − Σ_{t≥1} [G_t(s_t) − E_{p(·|s_{t−1},a_{t−1})} G_t] + E[G_L | s_{L−1},a_{L−1}]
 *
 * — again one forward pass, through p(s'|s,a), from the signed sources
 * δ(s_0), δ(s_t) − p(·|s_{t−1},a_{t−1}) and (early stop) −p(·|s_{L−1},a_{L−1}). These
 * do not depend on θ and are built once. The correction terms vanish in
 * expectation when the demonstrations follow the model's dynamics (and exactly
 * under deterministic dynamics), leaving empirical − expected counts from the
 * demonstrations' starts.
 *
 * Either way the reported log-likelihood equals Σ_demos posterior.logProb(τ)
 * of the exact engine under the learned reward, and the gradient is its exact
 * gradient (test/irl.test.ts checks both, the gradient by finite differences).
 */
import type { BackupKind } from '../engines/exact/backup.js';
import { OccupancySolver } from '../engines/exact/occupancy/index.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { IndexedDemonstrations } from './demonstrations.js';
import { addRow, countsInto, rewardInto, stateRows, type FeatureTable } from './features.js';

/** 'maxent': demonstrations scored by the exact posterior p(τ|O); 'causal': by the fixed-dynamics (maximum causal entropy) policy. */
export type IrlVariant = 'maxent' | 'causal';

/**
 * How a demonstration's first state is scored (for 'maxent'). 'observed': the start is
 * given by the environment, s_0 ~ p(s_0), and the rest is scored by p(τ | s_0, O)
 * (Ziebart et al. 2008, Alg. 1; irl-maxent; imitation). 'posterior': the start too is
 * evidence, s_0 ~ p(s_0 | O) ∝ p(s_0) exp(V_0(s_0)/α) — right when the demonstrator
 * chose where to start. The causal variant never tilts the start, so both are the same there.
 */
export type IrlStart = 'observed' | 'posterior';

/**
 * What an engine supplies to inverse RL: for weights θ, the log-likelihood of
 * the demonstrations and the expected counts whose difference from
 * `empirical` is α·∇LL. The optimiser sees nothing else.
 */
export interface FeatureExpectations {
  /** K, the length of θ. */
  readonly size: number;
  /** Number of demonstrations N. */
  readonly count: number;
  readonly alpha: number;
  /** Σ_demos Σ_t φ(s_t, a_t). */
  readonly empirical: Float64Array;
  /** Whether LL and its gradient are exact (true) or Monte Carlo estimates. */
  readonly exact: boolean;
  /** LL(θ); writes the expected counts into `expected` (length K). */
  evaluate(theta: Float64Array, expected: Float64Array): number;
}

/** The expected counts of a tabulated model from the exact engine's passes (occupancy/). */
export function exactExpectations(graph: FactorGraph<unknown, unknown>, table: FeatureTable, demos: IndexedDemonstrations, variant: IrlVariant, start: IrlStart): FeatureExpectations {
  const backup: BackupKind = variant === 'maxent' ? 'posterior' : 'fixed-dynamics';
  const solver = new OccupancySolver(graph, backup);
  const { nS, nA, horizon: T } = graph;
  const reward = new Float64Array(nS * nA);
  // Action-independent features need only state occupancies (no policy per (s, a) in the forward pass).
  const perState = stateRows(table, nS, nA);
  const occupancy = new Float64Array(nS);
  const D = perState === undefined ? new Float64Array(nS * nA) : undefined;
  const empirical = new Float64Array(table.size);
  for (let j = 0; j < demos.state.length; j++) addRow(table, demos.state[j]! * nA + demos.action[j]!, 1, empirical);
  const { rowStart, next, prob } = graph.dynamics;

  // Early stops (L < T): the row (s_{L−1}, a_{L−1}) whose kernel is subtracted at t = L.
  const ends = bucket(T + 1, demos, (i, push) => {
    const L = demos.start[i + 1]! - demos.start[i]!;
    if (L < T) push(L, demos.state[demos.start[i + 1]! - 1]! * nA + demos.action[demos.start[i + 1]! - 1]!, 1);
  });
  // Causal: the θ-free sources δ(s_t) − p(·|s_{t−1}, a_{t−1}) (and δ(s_0), and the early stop), merged per step.
  const sources =
    variant === 'causal'
      ? mergedSources(
          T,
          nS,
          bucket(T, demos, (i, push) => {
            const first = demos.start[i]!;
            const L = demos.start[i + 1]! - first;
            for (let t = 0; t < L; t++) {
              push(t, demos.state[first + t]!, 1);
              if (t > 0) {
                const row = demos.state[first + t - 1]! * nA + demos.action[first + t - 1]!;
                for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) push(t, next[k]!, -prob[k]!);
              }
            }
            if (L < T) {
              const row = demos.state[first + L - 1]! * nA + demos.action[first + L - 1]!;
              for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) push(L, next[k]!, -prob[k]!);
            }
          }),
        )
      : undefined;

  const N = demos.count;
  // 'observed' starts: the source at t = 0 is the demonstrations' own starts, δ(s_0^i), not N·p(s_0|O).
  const starts = new Float64Array(nS);
  for (let i = 0; i < N; i++) starts[demos.state[demos.start[i]!]!]! += 1;
  const observed = start === 'observed';
  const inject =
    sources !== undefined
      ? (t: number, m: Float64Array) => {
          for (let j = sources.start[t]!; j < sources.start[t + 1]!; j++) m[sources.key[j]!] = m[sources.key[j]!]! + sources.weight[j]!;
        }
      : (t: number, m: Float64Array) => {
          if (t === 0 && observed) for (let s = 0; s < nS; s++) m[s] = m[s]! + starts[s]!;
          else if (t === 0) for (let s = 0; s < nS; s++) m[s] = m[s]! + N * solver.initialPosterior[s]!;
          for (let j = ends.start[t]!; j < ends.start[t + 1]!; j++) solver.subtractKernel(t - 1, ends.key[j]!, ends.weight[j]!, m);
        };

  return {
    size: table.size,
    count: N,
    alpha: graph.alpha,
    empirical,
    exact: true,
    evaluate(theta, expected) {
      rewardInto(table, theta, reward);
      solver.solve(reward);
      let ll = 0;
      for (let i = 0; i < N; i++) {
        const first = demos.start[i]!;
        const end = demos.start[i + 1]!;
        // log p(s_0 | O), or log p(s_0) for an observed start (free of θ).
        ll += observed ? Math.log(graph.initial[demos.state[first]!]!) : solver.logInitial(demos.state[first]!);
        for (let j = first; j < end; j++) {
          const t = j - first;
          // log π_t(a_t|s_t) (+ log K_t(s_{t+1}|s_t,a_t) for every step but the last)
          ll += j + 1 < end ? solver.logStep(t, demos.state[j]!, demos.action[j]!, demos.entry[j]!) : solver.logPolicy(t, demos.state[j]!, demos.action[j]!);
        }
      }
      solver.forward(inject, occupancy, D);
      if (perState !== undefined) countsInto(perState, occupancy, expected);
      else countsInto(table, D!, expected);
      return ll;
    },
  };
}

/** Lists keyed by step: entries start[t] … start[t+1]−1, each a key (state or row) and a weight. */
interface Buckets {
  readonly start: Int32Array;
  readonly key: Int32Array;
  readonly weight: Float64Array;
}

function bucket(steps: number, demos: IndexedDemonstrations, fill: (i: number, push: (t: number, key: number, weight: number) => void) => void): Buckets {
  const items: { t: number; key: number; weight: number }[] = [];
  for (let i = 0; i < demos.count; i++) fill(i, (t, key, weight) => items.push({ t, key, weight }));
  items.sort((x, y) => x.t - y.t || x.key - y.key);
  const start = new Int32Array(steps + 1);
  for (const item of items) start[item.t + 1]! += 1;
  for (let t = 0; t < steps; t++) start[t + 1]! += start[t]!;
  return { start, key: Int32Array.from(items, (x) => x.key), weight: Float64Array.from(items, (x) => x.weight) };
}

/** Equal keys of a step summed, exact zeros dropped (δ(s') − p(·|s,a) cancels under deterministic dynamics). */
function mergedSources(steps: number, nS: number, lists: Buckets): Buckets {
  const start = new Int32Array(steps + 1);
  const key: number[] = [];
  const weight: number[] = [];
  const sum = new Float64Array(nS);
  for (let t = 0; t < steps; t++) {
    start[t] = key.length;
    for (let j = lists.start[t]!; j < lists.start[t + 1]!; j++) sum[lists.key[j]!]! += lists.weight[j]!;
    for (let j = lists.start[t]!; j < lists.start[t + 1]!; j++) {
      const s = lists.key[j]!;
      if (sum[s] !== 0) {
        key.push(s);
        weight.push(sum[s]!);
        sum[s] = 0;
      }
    }
  }
  start[steps] = key.length;
  return { start, key: Int32Array.from(key), weight: Float64Array.from(weight) };
}
