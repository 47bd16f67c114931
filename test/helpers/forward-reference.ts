/**
 * An independent reference for the forward messages p(s_t | O) of the
 * posterior backup (γ = 1, α > 0), in log space throughout, from the compiled
 * arrays alone (it imports nothing from src/engines or src/posterior):
 *
 *   log β_t(s,a) = r(s,a)/α + log Σ_{s'} p(s'|s,a) exp(V_{t+1}(s')/α)      (r/α at the last decision without a terminal)
 *   V_t(s)/α     = log Σ_a p(a|s) β_t(s,a),  V_T = r_T (terminal)
 *   m_0(s) ∝ p_0(s) exp(V_0(s)/α)
 *   m_{t+1}(s') = Σ_{s,a} m_t(s) p(a|s) β_t(s,a)/exp(V_t(s)/α) · p(s'|s,a) exp(V_{t+1}(s')/α)/Σ_{s''} p(s''|s,a) exp(V_{t+1}(s'')/α)
 *
 * with every ratio formed as exp(difference of logs), so nothing underflows
 * before it multiplies a probability. Also returns log total_t(s) − its max, the
 * quantity whose underflow sends the engine to its exact fallback.
 */
import { logSumExp } from './close.js';

export interface ForwardInput {
  readonly nS: number;
  readonly nA: number;
  readonly horizon: number;
  readonly alpha: number;
  readonly initial: Float64Array;
  readonly prior: Float64Array;
  readonly reward: Float64Array;
  readonly terminal: Float64Array | undefined;
  readonly dynamics: { readonly rowStart: Int32Array; readonly next: Int32Array; readonly prob: Float64Array };
}

export function forwardReference(g: ForwardInput): { V: Float64Array[]; marginals: Float64Array[] } {
  const { nS, nA, horizon: T, alpha, prior, reward } = g;
  const { rowStart, next, prob } = g.dynamics;
  const V: Float64Array[] = new Array(T + 1);
  V[T] = g.terminal ? Float64Array.from(g.terminal) : new Float64Array(nS);
  // logB[t][row] = log Σ p(s'|s,a) exp(V_{t+1}(s')/α), 0 at the last decision without a terminal factor.
  const logB: Float64Array[] = new Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const b = new Float64Array(nS * nA);
    const v = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      const terms: number[] = [];
      for (let a = 0; a < nA; a++) {
        const row = s * nA + a;
        if (t === T - 1 && !g.terminal) b[row] = 0;
        else {
          const xs: number[] = [];
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) xs.push(Math.log(prob[k]!) + V[t + 1]![next[k]!]! / alpha);
          b[row] = logSumExp(xs);
        }
        if (prior[row]! > 0) terms.push(Math.log(prior[row]!) + reward[row]! / alpha + b[row]!);
      }
      v[s] = alpha * logSumExp(terms);
    }
    logB[t] = b;
    V[t] = v;
  }
  const marginals: Float64Array[] = [];
  const logM0 = Array.from(g.initial, (p, s) => (p > 0 ? Math.log(p) + V[0]![s]! / alpha : -Infinity));
  const z = logSumExp(logM0);
  marginals.push(Float64Array.from(logM0, (x) => Math.exp(x - z)));
  const last = g.terminal ? T : T - 1;
  for (let t = 0; t < last; t++) {
    const m = marginals[t]!;
    const out = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      if (m[s] === 0) continue;
      for (let a = 0; a < nA; a++) {
        const row = s * nA + a;
        if (!(prior[row]! > 0)) continue;
        const logPi = Math.log(prior[row]!) + reward[row]! / alpha + logB[t]![row]! - V[t]![s]! / alpha;
        for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
          const logK = Math.log(prob[k]!) + V[t + 1]![next[k]!]! / alpha - logB[t]![row]!;
          out[next[k]!] += m[s]! * Math.exp(logPi + logK);
        }
      }
    }
    marginals.push(out);
  }
  return { V, marginals };
}

/**
 * The discounted soft fixed point by plain value iteration (no acceleration),
 * in log space, until ‖V − TV‖∞ < tolerance:
 *
 *   posterior:       B(s,a) = α log Σ_{s'} p(s'|s,a) exp(V(s')/α)
 *   fixed dynamics:  B(s,a) = Σ_{s'} p(s'|s,a) V(s')        (−∞ if any successor is)
 *   V(s) = α log Σ_a p(a|s) exp((r(s,a) + γ B(s,a))/α)
 *
 * Returns V and the number of sweeps.
 */
export function discountedReference(g: ForwardInput & { readonly gamma: number }, backup: 'posterior' | 'fixed-dynamics', tolerance: number): { V: Float64Array; sweeps: number } {
  const { nS, nA, alpha, gamma, prior, reward } = g;
  const { rowStart, next, prob } = g.dynamics;
  let V = new Float64Array(nS);
  for (let sweep = 1; sweep < 1e6; sweep++) {
    const out = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      const terms: number[] = [];
      for (let a = 0; a < nA; a++) {
        const row = s * nA + a;
        if (!(prior[row]! > 0)) continue;
        let b: number;
        if (backup === 'posterior') {
          const xs: number[] = [];
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) xs.push(Math.log(prob[k]!) + V[next[k]!]! / alpha);
          b = alpha * logSumExp(xs);
        } else {
          b = 0;
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) b += V[next[k]!] === -Infinity ? -Infinity : prob[k]! * V[next[k]!]!;
        }
        const q = reward[row] === -Infinity || b === -Infinity ? -Infinity : reward[row]! + gamma * b;
        terms.push(Math.log(prior[row]!) + q / alpha);
      }
      out[s] = alpha * logSumExp(terms);
    }
    let residual = 0;
    for (let s = 0; s < nS; s++) residual = Math.max(residual, out[s] === V[s] ? 0 : Math.abs(out[s]! - V[s]!));
    V = out;
    if (residual < tolerance) return { V, sweeps: sweep };
  }
  throw new Error('discountedReference: no convergence');
}
