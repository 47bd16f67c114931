/**
 * Inverse RL on a discounted model: `discount(γ)` with a finite `horizon(T)`,
 * or the infinite horizon (`horizon(Infinity)`, a stationary policy). The
 * fused γ = 1 solver (engines/exact/occupancy) does not apply; this is the
 * plain log-space recursion of the exact engine (backup.ts), one step at a time.
 *
 * The policy and kernel are those of `exact()` on the learned model:
 *   Q_t(s,a)    = r(s,a) + γ B_t(s,a)           B: α log E_p[exp(V_{t+1}/α)] (maxent) or E_p[V_{t+1}] (causal)
 *   π_t(a|s)    = p(a|s) exp((Q_t(s,a) − V_t(s))/α),   V_t = α log Σ_a p(a|s) exp(Q_t/α)
 *   K_t(s'|s,a) ∝ p(s'|s,a) exp(V_{t+1}(s')/α) (maxent), p(s'|s,a) (causal)
 * and a demonstration τ of L steps scores
 *   log p(τ) = start + Σ_{t<L} log π_t(a_t|s_t) + Σ_{t<L−1} log K_t(s_{t+1}|s_t,a_t).
 *
 * The gradient. With G_t(s) = ∂V_t(s)/∂θ — the expected discounted feature
 * counts from s: G_t(s) = Σ_a π_t(a|s)[φ(s,a) + γ Σ_{s'} K_t(s'|s,a) G_{t+1}(s')] —
 * one step contributes α∇[log π_t + log K_t] = φ(s_t,a_t) − G_t(s_t) + G_{t+1}(s_{t+1})
 * + (γ − 1) E_{K_t}[G_{t+1} | s_t,a_t] (maxent; for causal the kernel term is
 * absent and α∇ log π_t = φ − G_t(s_t) + γ E_p[G_{t+1} | s_t,a_t]). Summed over a
 * demonstration the G(s_{t+1}) terms telescope, and α∇LL = Σ_t φ(s_t,a_t) − Σ_t ⟨src_t, G_t⟩
 * with signed sources, per demonstration:
 *
 *   t = 0          δ(s_0) (observed start) or p(s_0|O) (posterior start: ∇ log p(s_0|O) adds G_0(s_0) − E_{p(s_0|O)} G_0)
 *   t = 1 … L−1    (1 − γ) K_{t−1}(·|s_{t−1},a_{t−1})          (maxent)
 *                  δ(s_t) − γ p(·|s_{t−1},a_{t−1})            (causal)
 *   t = L < T      −γ K_{L−1}(·|s_{L−1},a_{L−1})               (the continuation the demonstration did not show)
 *
 * and Σ_t ⟨src_t, G_t⟩ = Σ_t Σ_{s,a} m_t(s) π_t(a|s) φ(s,a) for the forward messages
 * m_{t+1} = src_{t+1} + γ Σ_{s,a} m_t(s) π_t(a|s) K_t(·|s,a). At γ = 1 the interior
 * maxent sources vanish and this is likelihood.ts's pass. On the infinite horizon
 * everything is stationary: the sources are summed into one src and
 * d = src + γ P_πᵀ d is solved by iteration (a γ-contraction), E = Σ_{s,a} d(s) π(a|s) φ(s,a).
 */
import { qTable, stateValues, workspace, type BackupKind } from '../engines/exact/backup.js';
import { fail } from '../errors.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { IndexedDemonstrations } from './demonstrations.js';
import { countsInto, rewardInto, type FeatureTable } from './features.js';
import type { FeatureExpectations, IrlStart, IrlVariant } from './likelihood.js';

/** Value iteration stops when ‖V − TV‖∞ ≤ TOLERANCE·max(1, ‖V‖∞) (the fixed point then lies within γ/(1−γ) of that). */
const TOLERANCE = 1e-14;
/** Bytes of V_t and the forward tables beyond which the finite solve refuses before allocating. */
const MAX_BYTES = 2 ** 31;

export function discountedExpectations(graph: FactorGraph<unknown, unknown>, table: FeatureTable, demos: IndexedDemonstrations, variant: IrlVariant, start: IrlStart): FeatureExpectations {
  const { nS, nA, alpha, gamma } = graph;
  const infinite = !Number.isFinite(graph.horizon);
  const T = infinite ? 1 : graph.horizon;
  const kind: BackupKind = variant === 'maxent' ? 'posterior' : 'fixed-dynamics';
  const bytes = 8 * (T + 1) * nS;
  if (bytes > MAX_BYTES) {
    fail({ code: 'too-large', part: 'irl', message: `irl: storing V_t for ${nS} states × ${T + 1} steps needs ${(bytes / 1e9).toFixed(1)} GB, above the ${(MAX_BYTES / 1e9).toFixed(1)} GB limit; shorten the horizon or use the infinite horizon` });
  }
  const { rowStart, next, prob } = graph.dynamics;
  const prior = graph.prior;
  const ws = workspace(graph);
  const reward = new Float64Array(nS * nA);
  // Finite: V_t for t = 0 … T (row T = 0). Infinite: one stationary row (kept between calls: a warm start).
  const V = new Float64Array((T + 1) * nS);
  const scratch = new Float64Array(nS);
  const Q = new Float64Array(nS * nA);
  const pi = new Float64Array(nS * nA);
  const kernel = new Float64Array(next.length);
  const D = new Float64Array(nS * nA);
  let m = new Float64Array(nS);
  let acc = new Float64Array(nS);
  const observed = start === 'observed' || variant === 'causal';
  const empirical = new Float64Array(table.size);
  for (let j = 0; j < demos.state.length; j++) {
    const row = demos.state[j]! * nA + demos.action[j]!;
    for (let k = table.rowStart[row]!; k < table.rowStart[row + 1]!; k++) empirical[table.index[k]!]! += table.value[k]!;
  }
  // Demonstration steps by local time t (finite horizon), so step t's sources are added when K_t is at hand.
  const byTime: number[][] = Array.from({ length: infinite ? 1 : T }, () => []);
  for (let i = 0; i < demos.count; i++) for (let j = demos.start[i]!; j < demos.start[i + 1]!; j++) byTime[infinite ? 0 : j - demos.start[i]!]!.push(j);
  const last = (j: number) => demos.entry[j]! < 0; // the demonstration's last step

  /** V_t for t = T−1 … 0 (finite) or the fixed point (infinite), for `reward`. */
  const backward = (): void => {
    if (!infinite) {
      V.fill(0, T * nS);
      for (let t = T - 1; t >= 0; t--) {
        qTable(graph, kind, reward, t === T - 1 ? undefined : V.subarray((t + 1) * nS, (t + 2) * nS), Q, ws);
        stateValues(graph, Q, V.subarray(t * nS, (t + 1) * nS));
      }
      return;
    }
    const current = V.subarray(0, nS);
    const limit = 100 + Math.ceil((2 * Math.log(1e-16)) / Math.log(Math.max(gamma, 1e-3)));
    let residual = Infinity;
    for (let iteration = 0; iteration < limit; iteration++) {
      qTable(graph, kind, reward, current, Q, ws);
      stateValues(graph, Q, scratch);
      residual = 0;
      let size = 1;
      for (let s = 0; s < nS; s++) {
        const d = scratch[s] === current[s] ? 0 : Math.abs(scratch[s]! - current[s]!);
        if (d > residual) residual = d;
        if (Math.abs(scratch[s]!) > size) size = Math.abs(scratch[s]!);
      }
      current.set(scratch);
      if (!(residual > TOLERANCE * size)) return;
    }
    // Rounding can keep the residual a few ulps above the target; beyond that it did not converge.
    if (!(residual < 1e-10 * Math.max(1, ...Array.from(current, Math.abs)))) {
      fail({ code: 'not-converged', part: 'irl', message: `irl: soft value iteration for the discounted likelihood did not converge in ${limit} iterations (residual ${residual.toExponential(3)}); lower γ or rescale the features` });
    }
  };

  /** Q_t, π_t and (t < T−1 or infinite) K_t into Q, pi, kernel. Needs V_t and V_{t+1}. */
  const step = (t: number): void => {
    const Vt = infinite ? V.subarray(0, nS) : V.subarray(t * nS, (t + 1) * nS);
    const Vn = infinite ? Vt : t === T - 1 ? undefined : V.subarray((t + 1) * nS, (t + 2) * nS);
    qTable(graph, kind, reward, Vn, Q, ws);
    for (let s = 0; s < nS; s++) {
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const p = prior[row]!;
        pi[row] = p === 0 || Vt[s] === -Infinity || Q[row] === -Infinity ? 0 : p * Math.exp((Q[row]! - Vt[s]!) / alpha);
      }
    }
    if (Vn === undefined) return;
    for (let row = 0; row < nS * nA; row++) {
      const first = rowStart[row]!;
      const end = rowStart[row + 1]!;
      if (kind === 'fixed-dynamics') {
        for (let k = first; k < end; k++) kernel[k] = prob[k]!;
        continue;
      }
      // K(s'|s,a) = p exp((V'(s') − max)/α) / Σ, each row with its own shift.
      let top = -Infinity;
      for (let k = first; k < end; k++) if (Vn[next[k]!]! > top) top = Vn[next[k]!]!;
      let sum = 0;
      for (let k = first; k < end; k++) sum += kernel[k] = top === -Infinity ? 0 : prob[k]! * Math.exp((Vn[next[k]!]! - top) / alpha);
      for (let k = first; k < end; k++) kernel[k] = sum > 0 ? kernel[k]! / sum : 0;
    }
  };

  /** The sources a demonstrated step j at local time t adds to m_{t+1} (K_t, π_t in place). */
  const addSources = (j: number, target: Float64Array): void => {
    const row = demos.state[j]! * nA + demos.action[j]!;
    const end = last(j);
    if (end && !infinite && j - startOf(j) === T - 1) return; // L = T: no continuation
    // maxent: (1 − γ) K_t (interior) or −γ K_t (the end); causal: δ(s_{t+1}) − γ p (interior) or −γ p (the end)
    const w = end ? -gamma : kind === 'posterior' ? 1 - gamma : -gamma;
    if (w !== 0) for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) target[next[k]!]! += w * kernel[k]!;
    if (!end && kind === 'fixed-dynamics') target[demos.state[j + 1]!]! += 1;
  };
  const owner = new Int32Array(demos.state.length);
  for (let i = 0; i < demos.count; i++) owner.fill(i, demos.start[i]!, demos.start[i + 1]!);
  const startOf = (j: number) => demos.start[owner[j]!]!;

  /** m_0: the starts (observed) or N·p(s_0|O) (posterior); returns Σ_i start term of LL. */
  const startSources = (target: Float64Array): number => {
    const V0 = V.subarray(0, nS);
    const p0 = graph.initial;
    let ll = 0;
    let logZ = -Infinity;
    if (!observed) {
      let top = -Infinity;
      for (let s = 0; s < nS; s++) if (p0[s]! > 0 && V0[s]! > top) top = V0[s]!;
      let sum = 0;
      for (let s = 0; s < nS; s++) if (p0[s]! > 0) sum += p0[s]! * Math.exp((V0[s]! - top) / alpha);
      logZ = top / alpha + Math.log(sum);
      for (let s = 0; s < nS; s++) target[s]! += p0[s]! > 0 ? demos.count * Math.exp(Math.log(p0[s]!) + V0[s]! / alpha - logZ) : 0;
    }
    for (let i = 0; i < demos.count; i++) {
      const s = demos.state[demos.start[i]!]!;
      if (observed) target[s]! += 1;
      ll += Math.log(p0[s]!) + (observed ? 0 : V0[s]! / alpha - logZ);
    }
    return ll;
  };

  /** LL terms of the demonstrated steps at local time t (or every step, infinite): log π_t (+ log K_t). */
  const stepLogLikelihood = (steps: readonly number[], Vt: Float64Array): number => {
    let ll = 0;
    for (const j of steps) {
      const s = demos.state[j]!;
      const row = s * nA + demos.action[j]!;
      ll += Math.log(prior[row]!) + (Q[row]! - Vt[s]!) / alpha;
      if (!last(j)) ll += Math.log(kernel[demos.entry[j]!]!);
    }
    return ll;
  };

  return {
    size: table.size,
    count: demos.count,
    alpha,
    empirical,
    exact: true,
    evaluate(theta, expected) {
      rewardInto(table, theta, reward);
      backward();
      D.fill(0);
      m.fill(0);
      let ll = startSources(m);
      if (infinite) {
        step(0);
        ll += stepLogLikelihood(byTime[0]!, V.subarray(0, nS));
        const src = m;
        for (const j of byTime[0]!) addSources(j, src);
        // d = src + γ P_πᵀ d, iterated from d = src until the change is below 1e-15 of ‖d‖₁.
        const d = acc;
        d.set(src);
        const limit = 100 + Math.ceil((2 * Math.log(1e-16)) / Math.log(Math.max(gamma, 1e-3)));
        for (let iteration = 0; iteration < limit; iteration++) {
          scratch.set(src);
          push(d, scratch, gamma);
          let change = 0;
          let size = 0;
          for (let s = 0; s < nS; s++) {
            change += Math.abs(scratch[s]! - d[s]!);
            size += Math.abs(scratch[s]!);
          }
          d.set(scratch);
          if (!(change > 1e-15 * size)) break;
        }
        for (let s = 0; s < nS; s++) for (let a = 0, row = s * nA; a < nA; a++, row++) D[row] = d[s]! * pi[row]!;
      } else {
        for (let t = 0; t < T; t++) {
          step(t);
          ll += stepLogLikelihood(byTime[t]!, V.subarray(t * nS, (t + 1) * nS));
          for (let s = 0; s < nS; s++) for (let a = 0, row = s * nA; a < nA; a++, row++) D[row] = D[row]! + m[s]! * pi[row]!;
          if (t === T - 1) break;
          acc.fill(0);
          for (const j of byTime[t]!) addSources(j, acc);
          push(m, acc, gamma);
          [m, acc] = [acc, m];
        }
      }
      countsInto(table, D, expected);
      return ll;
    },
  };

  /** out += γ Σ_{s,a} from(s) π(a|s) K(·|s,a). */
  function push(from: Float64Array, out: Float64Array, g: number): void {
    for (let s = 0; s < nS; s++) {
      const ms = from[s]!;
      if (ms === 0) continue;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const mu = g * ms * pi[row]!;
        if (mu === 0) continue;
        for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) out[next[k]!] = out[next[k]!]! + mu * kernel[k]!;
      }
    }
  }
}
