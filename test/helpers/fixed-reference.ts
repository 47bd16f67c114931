/**
 * The finite-horizon fixed-dynamics values by the definition, written
 * independently of src/engines/exact (never imports it): from the compiled
 * tables of a graph,
 *
 *   V_T(s)   = r_T(s) (0 without a terminal factor)
 *   Q_t(s,a) = r_t(s,a) + γ Σ_{s'} p(s'|s,a) V_{t+1}(s')   (r alone at t = T−1 without a terminal factor;
 *              −Infinity if r is, or if any successor with p > 0 has V = −Infinity)
 *   V_t(s)   = α log Σ_a p(a|s) exp(Q_t(s,a)/α), shifted by the max; max over p(a|s) > 0 at α = 0.
 */
export interface FixedTables {
  readonly nS: number;
  readonly nA: number;
  readonly horizon: number;
  readonly alpha: number;
  readonly gamma: number;
  readonly prior: Float64Array;
  readonly terminal: Float64Array | undefined;
  readonly dynamics: { readonly rowStart: Int32Array; readonly next: Int32Array; readonly prob: Float64Array };
  rewardAt(t: number): Float64Array;
}

/** V_0 … V_T, each of length nS. */
export function fixedValuesByDefinition(g: FixedTables): Float64Array[] {
  const { nS, nA, horizon: T, alpha, gamma, prior } = g;
  const { rowStart, next, prob } = g.dynamics;
  const V: Float64Array[] = [];
  V[T] = g.terminal ? Float64Array.from(g.terminal) : new Float64Array(nS);
  for (let t = T - 1; t >= 0; t--) {
    const reward = g.rewardAt(t);
    const last = t === T - 1 && !g.terminal;
    const out = new Float64Array(nS);
    const q = new Float64Array(nA);
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        const row = s * nA + a;
        let value = reward[row]!;
        if (value !== -Infinity && !last) {
          let expected = 0;
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
            if (prob[k]! > 0 && V[t + 1]![next[k]!] === -Infinity) expected = -Infinity;
            if (expected !== -Infinity) expected += prob[k]! * V[t + 1]![next[k]!]!;
          }
          value = expected === -Infinity ? -Infinity : value + gamma * expected;
        }
        q[a] = value;
      }
      let m = -Infinity;
      for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0) m = Math.max(m, q[a]!);
      if (m === -Infinity || alpha === 0) {
        out[s] = m;
        continue;
      }
      let sum = 0;
      for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0) sum += prior[s * nA + a]! * Math.exp((q[a]! - m) / alpha);
      out[s] = m + alpha * Math.log(sum);
    }
    V[t] = out;
  }
  return V;
}
