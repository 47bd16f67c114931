/**
 * The posterior backward pass (exact p(τ|O)) in linear space with one shift
 * per step, and the start distribution it implies. With c_s = max_a r(s,a),
 * C = max_s c_s, W(s,a) = p(a|s) exp((r(s,a) − c_s)/α) and the merged rows
 * M(s,s') = Σ_a W(s,a) p(s'|s,a) (merged-rows.ts):
 *
 *   total_t(s) = Σ_{s'} M(s,s') E_{t+1}(s')          (total_{T−1}(s) = Σ_a W(s,a))
 *   V_t(s)     = c_s + M_{t+1} + α log total_t(s)     (lazily: OccupancyState.values)
 *   M_t        = max_s V_t(s)
 *   E_t(s)     = exp((V_t(s) − M_t)/α) = scale_s · total_t(s) · exp((C + M_{t+1} − M_t)/α)
 *
 * so a step costs one multiply-add per merged entry and no exp or log per
 * state. A state whose total (or scale_s) underflowed is special: its V_t(s)
 * is computed first (in log space from V_{t+1} when the total underflowed,
 * exactRow = 1; from the total when only the scale did, exactRow = 2) and its
 * E_t(s) taken from V_t(s).
 */
import { exactValue } from './log-space.js';
import { gather, rowSums } from './merged-rows.js';
import { UNDERFLOW, type OccupancyState } from './state.js';

/** Fills W, scale, M(s,s'), total_t, E_t, M_t and the special V_t(s) for `o.reward`; then p(s_0|O) and log p(O). */
export function solvePosterior(o: OccupancyState): void {
  const { nS, nA, T, alpha, reward, weight, shift: c, scale, exactRow, V, E, M, merged } = o;
  const { stateStart, successor, slot } = o;
  const prior = o.graph.prior;
  const { rowStart, prob } = o.graph.dynamics;
  // Read into a local: an imported binding is a checked load (or, under a CommonJS transform, a
  // getter call) at every use, and this one is read once per state per step.
  const underflow = UNDERFLOW;
  // W(s,a) = p(a|s) exp((r − c_s)/α), c_s = max over allowed actions; scale_s = exp((c_s − C)/α).
  let C = -Infinity;
  for (let s = 0; s < nS; s++) {
    let cs = -Infinity;
    for (let a = 0, row = s * nA; a < nA; a++, row++) if (prior[row]! > 0 && reward[row]! > cs) cs = reward[row]!;
    c[s] = cs;
    if (cs > C) C = cs;
    for (let a = 0, row = s * nA; a < nA; a++, row++) {
      const p = prior[row]!;
      weight[row] = cs === -Infinity || p === 0 ? 0 : p * Math.exp((reward[row]! - cs) / alpha);
    }
  }
  for (let s = 0; s < nS; s++) scale[s] = c[s] === -Infinity ? 0 : Math.exp((c[s]! - C) / alpha);
  // M(s, s') = Σ_a W(s,a) p(s'|s,a), merged per state.
  merged.fill(0);
  for (let row = 0; row < nS * nA; row++) {
    const w = weight[row]!;
    if (w === 0) continue;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) merged[slot[k]!] = merged[slot[k]!]! + w * prob[k]!;
  }
  // Row T: V_T = 0, E_T = 1, M_T = 0 (no terminal factor).
  V.fill(0, T * nS, (T + 1) * nS);
  E.fill(1, T * nS, (T + 1) * nS);
  M[T] = 0;
  o.ready.fill(0);
  o.ready[T] = 1;
  for (let t = T - 1; t >= 0; t--) {
    const mNext = M[t + 1]!;
    const base = t * nS;
    let special = false; // some state of this step has its V in V already (exactRow ≠ 0)
    let maxScaled = 0; // max_s scale_s · total_t(s) over the ordinary states
    let maxV = -Infinity; // max V_t(s) over the special states
    const totals = o.totalRows[t]!;
    if (t === T - 1) rowSums(nS, nA, weight, totals);
    else gather(nS, stateStart, successor, merged, o.ERows[t + 1]!, totals);
    for (let s = 0; s < nS; s++) {
      const sum = totals[s]!;
      exactRow[base + s] = 0;
      if (sum > underflow && scale[s]! > 1e-290) {
        // E_t(s) ∝ exp((V_t(s) − M_{t+1} − C)/α) = scale_s · total_t(s); normalised once M_t is known.
        const e = scale[s]! * sum;
        E[base + s] = e;
        if (e > maxScaled) maxScaled = e;
        continue;
      }
      if (c[s] === -Infinity) {
        E[base + s] = 0;
        continue;
      }
      // Either the total underflowed (V and π in log space from V_{t+1}) or scale_s did (c_s far
      // below C: the product would lose E_t(s)). V_t(s) is kept and E_t(s) taken from it below.
      let v: number;
      if (sum > underflow) {
        v = c[s]! + mNext + alpha * Math.log(sum);
        exactRow[base + s] = 2;
      } else {
        o.values(t + 1);
        v = exactValue(o, t, s);
        exactRow[base + s] = 1;
      }
      V[base + s] = v;
      E[base + s] = NaN;
      special = true;
      if (v > maxV) maxV = v;
    }
    // M_t = max_s V_t(s); E_t(s) = exp((V_t(s) − M_t)/α) = scale_s · total_t(s) · exp((C + M_{t+1} − M_t)/α).
    const top = maxScaled > 0 ? C + mNext + alpha * Math.log(maxScaled) : -Infinity;
    const Mt = Math.max(top, maxV);
    M[t] = Mt;
    if (Mt === -Infinity) {
      E.fill(0, base, base + nS);
      continue;
    }
    const K = maxScaled > 0 ? Math.exp((top - Mt) / alpha) / maxScaled : 0;
    for (let s = 0; s < nS; s++) E[base + s] = E[base + s]! * K;
    if (special) for (let s = 0; s < nS; s++) if (exactRow[base + s] !== 0) E[base + s] = Math.exp((V[base + s]! - Mt) / alpha);
  }
  finishInitial(o);
}

/** log p(O) = log Σ_s p(s_0) exp(V_0(s)/α) and p(s_0 | O) ∝ p(s_0) exp(V_0(s)/α), shifted by max V_0. */
function finishInitial(o: OccupancyState): void {
  const { nS, alpha, V } = o;
  const p0 = o.graph.initial;
  const m0 = o.initialPosterior;
  o.values(0);
  let top = -Infinity;
  for (let s = 0; s < nS; s++) if (p0[s]! > 0 && V[s]! > top) top = V[s]!;
  if (top === -Infinity) {
    m0.fill(0);
    o.logEvidence = -Infinity;
    return;
  }
  let sum = 0;
  for (let s = 0; s < nS; s++) sum += m0[s] = p0[s]! > 0 ? p0[s]! * Math.exp((V[s]! - top) / alpha) : 0;
  for (let s = 0; s < nS; s++) m0[s] = m0[s]! / sum;
  o.logEvidence = top / alpha + Math.log(sum);
}
