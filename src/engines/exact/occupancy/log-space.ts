/**
 * The log-space fallback: V_t, Q_t and K_t recomputed exactly from the row
 * V_{t+1}, for the rare state whose shifted linear-space sum underflowed
 * (every successor far below the step's maximum M_{t+1}). These are the
 * engine's own log-space recursions (backup.ts), one state or one row at a
 * time, so the scaled passes stay exact without paying a log per entry.
 */
import type { OccupancyState } from './state.js';

/**
 * V_t(s) = m + α log Σ_a p(a|s) exp((Q_t(s,a) − m)/α), m = max_a Q_t(s,a), from the exact
 * V_{t+1}; Q_t(s,·) is left in `o.q`. For a state whose scaled total underflowed.
 */
export function exactValue(o: OccupancyState, t: number, s: number): number {
  const { nA, alpha, q } = o;
  const prior = o.graph.prior;
  let m = -Infinity;
  for (let a = 0; a < nA; a++) {
    q[a] = exactQ(o, t, s, a);
    if (prior[s * nA + a]! > 0 && q[a]! > m) m = q[a]!;
  }
  if (m === -Infinity) return -Infinity;
  let sum = 0;
  for (let a = 0; a < nA; a++) {
    const p = prior[s * nA + a]!;
    if (p > 0) sum += p * Math.exp((q[a]! - m) / alpha);
  }
  return m + alpha * Math.log(sum);
}

/**
 * Q_t(s,a) from the exact V_{t+1} (either backup; Q_{T−1} = r):
 *   posterior       Q = r + α log Σ_{s'} p(s'|s,a) exp(V_{t+1}(s')/α)
 *   fixed dynamics  Q = r + Σ_{s'} p(s'|s,a) V_{t+1}(s')
 */
export function exactQ(o: OccupancyState, t: number, s: number, a: number): number {
  const { nS, nA, T, alpha, V } = o;
  const row = s * nA + a;
  const r = o.reward[row]!;
  if (t === T - 1 || r === -Infinity) return r;
  const { rowStart, next, prob } = o.graph.dynamics;
  if (o.backup === 'posterior') o.values(t + 1);
  const at = (t + 1) * nS;
  const start = rowStart[row]!;
  const end = rowStart[row + 1]!;
  if (o.backup === 'fixed-dynamics') {
    // E[V'] as c + Σ p (V' − c) (c the first successor's value): exact when successors' values
    // are close. The same sum as solveFixed's inner loop (fixed-dynamics.ts), kept inline there.
    const c = V[at + next[start]!]!;
    if (c === -Infinity) return -Infinity;
    let deviation = 0;
    for (let k = start; k < end; k++) deviation += prob[k]! * (V[at + next[k]!]! - c);
    return r + c + deviation;
  }
  let m = -Infinity;
  for (let k = start; k < end; k++) if (V[at + next[k]!]! > m) m = V[at + next[k]!]!;
  if (m === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = start; k < end; k++) sum += prob[k]! * Math.exp((V[at + next[k]!]! - m) / alpha);
  return r + m + alpha * Math.log(sum);
}

/**
 * log K_t(s'|s,a) = log p(s'|s,a) + (V_{t+1}(s') − m)/α − log Σ_j p(s_j|s,a) exp((V_{t+1}(s_j) − m)/α)
 * for the CSR entry k of row s·nA + a (posterior backup), m the row's largest V_{t+1}.
 */
export function exactLogKernel(o: OccupancyState, t: number, row: number, k: number): number {
  const { rowStart, next, prob } = o.graph.dynamics;
  const { nS, alpha, V } = o;
  o.values(t + 1);
  const at = (t + 1) * nS;
  let m = -Infinity;
  for (let j = rowStart[row]!; j < rowStart[row + 1]!; j++) if (V[at + next[j]!]! > m) m = V[at + next[j]!]!;
  if (m === -Infinity) return -Infinity;
  let sum = 0;
  for (let j = rowStart[row]!; j < rowStart[row + 1]!; j++) sum += prob[j]! * Math.exp((V[at + next[j]!]! - m) / alpha);
  return Math.log(prob[k]!) + (V[at + next[k]!]! - m) / alpha - Math.log(sum);
}
