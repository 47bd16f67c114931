/**
 * Honest convergence: weights whose maximum-likelihood value is ±∞.
 *
 * When every demonstration does the most of feature k that the model allows
 * (say, it never enters a cell whose indicator is φ_k, though it could), the
 * likelihood keeps rising as θ_k → −∞ and the optimiser stops only because
 * the gradient, ∝ e^{−|θ_k|·spread/α}, falls below its tolerance — at θ_k ≈ ±243
 * with `converged: true`. This file certifies that case. For σ = ±1 it solves
 * the α → 0 problem with reward σ·φ_k alone (hard max over actions; over
 * successors too for 'maxent', whose posterior also chooses its luck):
 *
 *   Q*_t(s,a) = σφ_k(s,a) + γ·(max_{s': p(s'|s,a)>0} V*_{t+1}(s')  |  E_p[V*_{t+1}])   (maxent | causal)
 *   V*_t(s)   = max_{a: p(a|s)>0} Q*_t(s,a)                        (stationary on the infinite horizon)
 *
 * and asks whether every demonstrated step is optimal for it: Q*_t(s_t,a_t) = V*_t(s_t),
 * for maxent V*_{t+1}(s_{t+1}) = max over the successors of (s_t,a_t), and for a
 * 'posterior' start V*_0(s_0) = max over the support of p(s_0). If so, the
 * demonstrations are already the α → 0 limit in direction σe_k. For full-length
 * 'maxent' demonstrations this is exact: each one attains the most of σF_k its
 * start allows, so ∂LL/∂(σθ_k) = σ(F_k − E[F_k]) ≥ 0 at every θ and the
 * supremum lies at σθ_k → ∞. For 'causal' and for shorter demonstrations it is
 * the limit statement (the likelihood approaches its supremum there).
 *
 * A feature for which both directions pass is constant along every feasible
 * trajectory: unidentified, not unbounded, and not reported.
 */
import type { FactorGraph } from '../types/factor-graph.js';
import type { IndexedDemonstrations } from './demonstrations.js';
import type { FeatureTable } from './features.js';
import type { IrlStart, IrlVariant } from './likelihood.js';

/** A weight whose maximum-likelihood value is infinite: θ_feature → direction·∞. */
export interface UnboundedWeight {
  readonly feature: number;
  readonly direction: 1 | -1;
}

/** The result of the check: the unbounded weights found, and how many candidates the work budget left unchecked. */
export interface UnboundedCheck {
  readonly weights: readonly UnboundedWeight[];
  readonly unchecked: number;
}

/** A feature to check, and the direction to try first (the sign of its weight), or both. */
export interface Candidate {
  readonly feature: number;
  readonly direction?: 1 | -1;
}

/**
 * Dynamics entries visited (one hard-max pass: T·nnz, or nnz per sweep on the infinite horizon) beyond
 * which the remaining candidates are left unchecked and counted, so the check stays a small part of a fit.
 */
const BUDGET = 2e8;

/**
 * Features whose σφ_k makes every demonstrated step optimal (see the file comment), among `candidates`
 * (checked in the order given). With a direction, that one is tried first and the other only to rule
 * out a constant feature.
 */
export function unboundedWeights(
  graph: FactorGraph<unknown, unknown>,
  table: FeatureTable,
  demos: IndexedDemonstrations,
  variant: IrlVariant,
  start: IrlStart,
  candidates: readonly Candidate[],
): UnboundedCheck {
  const { nS, nA } = graph;
  // The table by column (feature → its rows), so that φ_k is written in O(its entries), not O(table).
  const count = new Int32Array(table.size + 1);
  for (let j = 0; j < table.index.length; j++) count[table.index[j]! + 1]! += 1;
  for (let k = 0; k < table.size; k++) count[k + 1]! += count[k]!;
  const rowsOf = new Int32Array(table.index.length);
  const valuesOf = new Float64Array(table.index.length);
  const fill = count.slice(0, table.size);
  for (let row = 0; row < nS * nA; row++) {
    for (let j = table.rowStart[row]!; j < table.rowStart[row + 1]!; j++) {
      const at = fill[table.index[j]!]!++;
      rowsOf[at] = row;
      valuesOf[at] = table.value[j]!;
    }
  }
  const column = new Float64Array(nS * nA);
  const found: UnboundedWeight[] = [];
  const work = { spent: 0 };
  let checked = 0;
  for (const { feature: k, direction } of candidates) {
    if (work.spent > BUDGET) break;
    checked++;
    for (let j = count[k]!; j < count[k + 1]!; j++) column[rowsOf[j]!] = column[rowsOf[j]!]! + valuesOf[j]!;
    const first = direction ?? 1;
    // Unbounded in direction σ when σ passes and −σ does not (both passing: constant, unidentified).
    if (extremal(graph, column, first, demos, variant, start, work)) {
      if (!extremal(graph, column, -first, demos, variant, start, work)) found.push({ feature: k, direction: first });
    } else if (direction === undefined && extremal(graph, column, -1, demos, variant, start, work)) found.push({ feature: k, direction: -1 });
    for (let j = count[k]!; j < count[k + 1]!; j++) column[rowsOf[j]!] = 0;
  }
  return { weights: found.sort((x, y) => x.feature - y.feature), unchecked: candidates.length - checked };
}

/** Whether every demonstrated step is optimal for the reward σ·φ in the α → 0 limit. */
function extremal(graph: FactorGraph<unknown, unknown>, phi: Float64Array, sigma: number, demos: IndexedDemonstrations, variant: IrlVariant, start: IrlStart, work: { spent: number }): boolean {
  const { nS, nA, gamma, prior } = graph;
  const { rowStart, next, prob } = graph.dynamics;
  const infinite = !Number.isFinite(graph.horizon);
  const T = infinite ? 1 : graph.horizon;
  const maxent = variant === 'maxent';
  const V = new Float64Array((T + 1) * nS);
  const Q = new Float64Array(nS * nA);
  let scale = 1;
  for (let row = 0; row < nS * nA; row++) scale = Math.max(scale, Math.abs(phi[row]!));
  /** Q*(s,a) from V' (undefined: no successor), and V* into `out`. */
  const backup = (Vn: Float64Array | undefined, out: Float64Array): void => {
    work.spent += next.length;
    for (let s = 0; s < nS; s++) {
      let best = -Infinity;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        let b = 0;
        if (Vn !== undefined) {
          b = maxent ? -Infinity : 0;
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) b = maxent ? Math.max(b, Vn[next[k]!]!) : b + prob[k]! * Vn[next[k]!]!;
        }
        Q[row] = sigma * phi[row]! + gamma * b;
        if (prior[row]! > 0 && Q[row]! > best) best = Q[row]!;
      }
      out[s] = best;
    }
  };
  const tolerance = () => 1e-9 * scale * (infinite ? 1 / (1 - gamma) : T);
  const stepsOptimal = (t: number, steps: (j: number) => boolean): boolean => {
    const Vt = V.subarray(infinite ? 0 : t * nS, (infinite ? 0 : t) * nS + nS);
    const Vn = infinite ? Vt : V.subarray((t + 1) * nS, (t + 2) * nS);
    const tol = tolerance();
    for (let i = 0; i < demos.count; i++) {
      for (let j = demos.start[i]!; j < demos.start[i + 1]!; j++) {
        if (!steps(j)) continue;
        const s = demos.state[j]!;
        const row = s * nA + demos.action[j]!;
        if (Q[row]! < Vt[s]! - tol) return false;
        if (maxent && demos.entry[j]! >= 0) {
          let best = -Infinity;
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) best = Math.max(best, Vn[next[k]!]!);
          if (Vn[demos.state[j + 1]!]! < best - tol) return false;
        }
      }
    }
    return true;
  };
  if (infinite) {
    const current = V.subarray(0, nS);
    const scratch = new Float64Array(nS);
    // Hard value iteration: a γ-contraction; stop when the change is far below the tie tolerance.
    for (let iteration = 0; iteration < 100000; iteration++) {
      backup(current, scratch);
      let change = 0;
      for (let s = 0; s < nS; s++) change = Math.max(change, Math.abs(scratch[s]! - current[s]!));
      current.set(scratch);
      if (change <= 1e-12 * scale) break;
    }
    backup(current, scratch); // Q* from the fixed point
    if (!stepsOptimal(0, () => true)) return false;
  } else {
    // Backward, checking the steps of local time t as Q*_t is formed (Q is one step's table).
    const local = new Int32Array(demos.state.length);
    for (let i = 0; i < demos.count; i++) for (let j = demos.start[i]!; j < demos.start[i + 1]!; j++) local[j] = j - demos.start[i]!;
    for (let t = T - 1; t >= 0; t--) {
      backup(t === T - 1 ? undefined : V.subarray((t + 1) * nS, (t + 2) * nS), V.subarray(t * nS, (t + 1) * nS));
      if (!stepsOptimal(t, (j) => local[j] === t)) return false;
    }
  }
  if (maxent && start === 'posterior') {
    let best = -Infinity;
    for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0) best = Math.max(best, V[s]!);
    for (let i = 0; i < demos.count; i++) if (V[demos.state[demos.start[i]!]!]! < best - tolerance()) return false;
  }
  return true;
}
