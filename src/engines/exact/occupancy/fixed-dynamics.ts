/**
 * The fixed-dynamics backup (the maximum causal entropy policy) and its
 * forward pass. The environment's dynamics are not tilted by O, so
 *
 *   Q_t(s,a)  = r(s,a) + Σ_{s'} p(s'|s,a) V_{t+1}(s')          (Q_{T−1} = r)
 *   V_t(s)    = α log Σ_a p(a|s) exp(Q_t(s,a)/α)
 *   π_t(a|s)  = p(a|s) exp((Q_t(s,a) − V_t(s))/α)
 *
 * with V and π kept for every t (eagerly: the forward pass needs all of π),
 * and the forward pass pushes mass through p(s'|s,a) itself.
 */
import { resetForward, type Inject, type OccupancyState } from './state.js';

/** Fills V_t and π_t for `o.reward`; then the ELBO E_{p(s_0)}[V_0]/α and q(s_0) = p(s_0). */
export function solveFixed(o: OccupancyState): void {
  const { nS, nA, T, alpha, reward, pi, V, q } = o;
  const prior = o.graph.prior;
  const { rowStart, next, prob } = o.graph.dynamics;
  V.fill(0, T * nS, (T + 1) * nS);
  o.ready.fill(1); // every row is computed eagerly here
  for (let t = T - 1; t >= 0; t--) {
    const last = t === T - 1;
    const at = (t + 1) * nS;
    const base = t * nS;
    for (let s = 0; s < nS; s++) {
      // Q_t(s,a) = r(s,a) + E[V_{t+1}(s')], E as c + Σ p (V' − c) (as exactQ in log-space.ts; inline
      // here because this is the hot loop).
      let m = -Infinity;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const r = reward[row]!;
        let Q = r;
        if (!last && r !== -Infinity) {
          const start = rowStart[row]!;
          const end = rowStart[row + 1]!;
          const c = V[at + next[start]!]!;
          if (c === -Infinity) Q = -Infinity;
          else {
            let deviation = 0;
            for (let k = start; k < end; k++) deviation += prob[k]! * (V[at + next[k]!]! - c);
            Q = r + c + deviation;
          }
        }
        q[a] = Q;
        if (prior[row]! > 0 && Q > m) m = Q;
      }
      // π_t(a|s) = p(a|s) exp((Q − m)/α) / Σ, V_t(s) = m + α log Σ, m = max over allowed actions.
      const first = (base + s) * nA;
      if (m === -Infinity) {
        V[base + s] = -Infinity;
        pi.fill(0, first, first + nA);
        continue;
      }
      let sum = 0;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const p = prior[row]!;
        sum += pi[first + a] = p === 0 ? 0 : p * Math.exp((q[a]! - m) / alpha);
      }
      const inv = 1 / sum;
      for (let a = 0; a < nA; a++) pi[first + a] = pi[first + a]! * inv;
      V[base + s] = m + alpha * Math.log(sum);
    }
  }
  // ELBO = Σ_s p(s_0) V_0(s) / α; q(s_0) = p(s_0).
  const p0 = o.graph.initial;
  let elbo = 0;
  for (let s = 0; s < nS; s++) if (p0[s]! > 0) elbo += (p0[s]! * V[s]!) / alpha;
  o.logEvidence = elbo;
  o.initialPosterior.set(p0);
}

/**
 * m_{t+1}(s') = sources_{t+1}(s') + Σ_{s,a} m_t(s) π_t(a|s) p(s'|s,a); states += m_t, and
 * pairs(s,a) += m_t(s) π_t(a|s) when asked. States without mass are skipped (early steps reach few).
 */
export function forwardFixed(o: OccupancyState, inject: Inject, states: Float64Array, pairs: Float64Array | undefined): void {
  const { nS, nA, T, pi } = o;
  const { rowStart, next, prob } = o.graph.dynamics;
  let m = o.message;
  let acc = o.nextMessage;
  resetForward(o, states, pairs);
  for (let t = 0; t < T; t++) {
    inject(t, m);
    const last = t === T - 1;
    acc.fill(0);
    const base = t * nS * nA;
    for (let s = 0; s < nS; s++) {
      const ms = m[s]!;
      if (ms === 0) continue;
      states[s] = states[s]! + ms;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const mu = ms * pi[base + row]!;
        if (mu === 0) continue;
        if (pairs !== undefined) pairs[row] = pairs[row]! + mu;
        if (last) continue;
        const end = rowStart[row + 1]!;
        for (let k = rowStart[row]!; k < end; k++) acc[next[k]!] = acc[next[k]!]! + mu * prob[k]!;
      }
    }
    [m, acc] = [acc, m];
  }
}
