/**
 * Simulating a tabulated model: handles are state indices, so particles fit
 * in an Int32Array and each step reads the CSR row of (s, a) — no user code,
 * no allocation.
 *
 *   s_0 ~ initial            by inverse CDF (binary search on its cumulative sum)
 *   s' ~ p(· | s, a)         a linear scan of the CSR row s·nA + a
 */
import type { Rng } from '../dist/rng.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Simulator } from '../types/simulator.js';

/** An index-based simulator over the graph's own tables. */
export function tableSimulator<S, A>(graph: FactorGraph<S, A>): Simulator<number, S, A> {
  const { nS, nA, dynamics, reward, terminal, prior } = graph;
  const { rowStart, next, prob } = dynamics;
  const cumulative = new Float64Array(nS);
  let acc = 0;
  for (let s = 0; s < nS; s++) cumulative[s] = acc += graph.initial[s]!;
  const lastPositive = lastNonZero(graph.initial);
  const sliceSize = nS * nA;
  const timeVarying = graph.rewardTimeVarying;
  return Object.freeze({
    indexed: true,
    actions: graph.actions,
    nA,
    states: graph.states,
    horizon: graph.horizon,
    gamma: graph.gamma,
    alpha: graph.alpha,
    hasTerminal: terminal !== undefined,
    initial(random: Rng): number {
      // The first s with cumulative[s] > u (u < total), never a zero-probability state.
      const u = random.next() * acc;
      let lo = 0;
      let hi = lastPositive;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    prior(s: number, out: Float64Array): void {
      // A copy loop, not out.set(subarray): a subarray is an allocation per call.
      const row = s * nA;
      for (let a = 0; a < nA; a++) out[a] = prior[row + a]!;
    },
    reward(s: number, a: number, t: number): number {
      return reward[(timeVarying ? t * sliceSize : 0) + s * nA + a]!;
    },
    terminal(s: number): number {
      return terminal === undefined ? 0 : terminal[s]!;
    },
    step(s: number, a: number, random: Rng): number {
      const row = s * nA + a;
      const end = rowStart[row + 1]!;
      let u = random.next();
      for (let k = rowStart[row]!; k < end - 1; k++) {
        u -= prob[k]!;
        if (u < 0) return next[k]!;
      }
      return next[end - 1]!;
    },
    value: (s: number): S => graph.states.values[s]!,
    index: (s: number) => s,
  });
}

function lastNonZero(p: Float64Array): number {
  for (let i = p.length - 1; i >= 0; i--) if (p[i]! > 0) return i;
  return 0;
}
