/**
 * The posterior forward pass. Since
 *
 *   π_t(a|s) K_t(s'|s,a) = W(s,a) S_t(s,a)/total_t(s) · p(s'|s,a) E_{t+1}(s')/S_t(s,a)
 *                        = W(s,a) p(s'|s,a) E_{t+1}(s') / total_t(s),
 *
 * summing over a gives the merged rows, and the message needs no policy table:
 *
 *   m_{t+1} = sources_{t+1} + E_{t+1} ⊙ Mᵀ(m_t ⊘ total_t)
 *
 * one multiply-add per merged entry (merged-rows.ts `scatter`). The pairs
 * D(s,a) += m_t(s) π_t(a|s) do need S_t(s,a), one short sum per allowed action,
 * and are computed only when asked. States redone in log space (exactRow = 1)
 * are skipped by both and pushed row by row with exact π and K (`pushExact`).
 */
import { scatter } from './merged-rows.js';
import type { OccupancySolver } from './solver.js';
import { resetForward, type Inject } from './state.js';

/** states = Σ_t m_t and, when `pairs` is given, pairs(s,a) = Σ_t m_t(s) π_t(a|s), after `solvePosterior`. */
export function forwardPosterior(o: OccupancySolver, inject: Inject, states: Float64Array, pairs: Float64Array | undefined): void {
  const { nS, nA, T, E, merged, stateStart, successor, weight } = o;
  let m = o.message;
  let acc = o.nextMessage;
  resetForward(o, states, pairs);
  for (let t = 0; t < T; t++) {
    inject(t, m);
    const last = t === T - 1;
    acc.fill(0);
    const totals = o.totalRows[t]!;
    const flags = o.flagRows[t]!;
    for (let s = 0; s < nS; s++) states[s] = states[s]! + m[s]!;
    // Rare: a state whose total underflowed pushes its mass row by row with exact π and K (pushExact).
    const direct = flags.indexOf(1) >= 0;
    if (pairs !== undefined) {
      // π_t(a|s) = W(s,a) S_t(s,a) / total_t(s); the pairs need S_t, the messages do not.
      for (let s = 0; s < nS; s++) {
        if (m[s] === 0 || flags[s] === 1) continue;
        const w = m[s]! / totals[s]!;
        for (let a = 0, row = s * nA; a < nA; a++, row++) if (weight[row]! > 0) pairs[row] = pairs[row]! + w * weight[row]! * o.inner(t, row);
      }
    }
    if (last) break;
    scatter(nS, m, totals, flags, stateStart, successor, merged, acc);
    // m_{t+1} = E_{t+1} ⊙ Mᵀ(m_t ⊘ total_t)
    const at = (t + 1) * nS;
    for (let s = 0; s < nS; s++) acc[s] = acc[s]! * E[at + s]!;
    if (direct) pushExact(o, t, m, acc, pairs);
    [m, acc] = [acc, m];
  }
  if (T > 0 && pairs !== undefined) {
    // The last step's states that were redone exactly still owe their pairs (the loop broke before pushExact).
    pushExact(o, T - 1, m, undefined, pairs);
  }
}

/**
 * The mass of the redone (underflowed, exactRow = 1) states at step t, pushed with exact π and K:
 * pairs(s,a) += m_t(s) π_t(a|s) and acc += m_t(s) π_t(a|s) K_t(·|s,a) (a subtraction of −μ).
 */
function pushExact(o: OccupancySolver, t: number, m: Float64Array, acc: Float64Array | undefined, pairs: Float64Array | undefined): void {
  const { nS, nA } = o;
  for (let s = 0; s < nS; s++) {
    if (o.exactRow[t * nS + s] !== 1 || m[s] === 0) continue;
    for (let a = 0, row = s * nA; a < nA; a++, row++) {
      const lp = o.logPolicy(t, s, a);
      if (lp === -Infinity) continue;
      const mu = m[s]! * Math.exp(lp);
      if (pairs !== undefined) pairs[row] = pairs[row]! + mu;
      if (acc !== undefined && t < o.T - 1) o.subtractKernel(t, row, -mu, acc);
    }
  }
}
