/**
 * A bounded approximation for POMDPs whose reachable beliefs are infinite:
 * point-based value iteration (Pineau, Gordon & Thrun 2003) at α = 0 with a
 * discount γ < 1, over a belief set the user sizes (`beliefPoints`: the first
 * N beliefs reached breadth-first from the start), with a certified bound.
 *
 *   lower bound  L(b) = max_{α∈Γ} α·b, Γ_0 = { r_min/(1−γ) }, each sweep backing up
 *                α_b = argmax_a [ r_a + γ Σ_o argmax_{g ∈ G_{a,o}} g·b ]·b  at every point b,
 *                with G_{a,o} = { s ↦ Σ_{s'} T(s'|s,a) Z(o|s',a) α(s') : α ∈ Γ };
 *                every vector is the value of a policy, so L ≤ V*.
 *   upper bound  the fast informed bound Q(s,a) = r(s,a) + γ Σ_o max_{a'} Σ_{s'} T Z Q(s',a') at the
 *                corners, then sawtooth backups at the points (HSVI), U(b) ≥ V*(b).
 *
 * The policy looks one step ahead on L (an achievable value, so still ≤ V*),
 * and the reported error bound at the start is U(b_0) − value.
 */
import { fail } from '../../../errors.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';
import type { BeliefAgent } from './agents.js';
import { filter } from './agents.js';
import { beliefKey, beliefReward, initialBeliefs, predict, successors } from './bayes.js';

export interface PointBasedResult extends BeliefAgent {
  readonly iterations: number;
  readonly residual: number;
  readonly points: number;
  /** U(b_0) averaged over the initial observation, and the vectors kept. */
  readonly upper: number;
  readonly vectors: number;
}

export function pointBasedAgent(
  graph: FactorGraph<unknown, unknown>,
  z: ObservationTables,
  options: { points: number; tolerance: number; maxIterations: number; mergeTolerance: number },
): PointBasedResult {
  const { nS, nA, gamma, prior } = graph;
  const nO = z.nO;
  const reward = graph.rewardAt(0);
  const allowed = Array.from({ length: nA }, (_, a) => prior[a]! > 0);
  let rMin = Infinity;
  for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) if (allowed[a]) rMin = Math.min(rMin, reward[s * nA + a]!);
  if (rMin === -Infinity) {
    fail({ code: 'observation-unsupported', part: 'exact()', message: 'exact(): beliefPoints (point-based value iteration) needs finite rewards; a −Infinity reward makes its lower bound −Infinity everywhere. Use a large finite penalty, or a finite horizon' });
  }
  // M[a][o] as dense nS × nS: M(s, s') = T(s'|s,a) Z(o|s',a), so g(s) = Σ_{s'} M(s,s') α(s').
  const M: Float64Array[] = [];
  for (let a = 0; a < nA; a++) {
    for (let o = 0; o < nO; o++) {
      const m = new Float64Array(nS * nS);
      const { rowStart, next, prob } = graph.dynamics;
      for (let s = 0; s < nS; s++) for (let k = rowStart[s * nA + a]!; k < rowStart[s * nA + a + 1]!; k++) m[s * nS + next[k]!] = prob[k]! * z.table[(next[k]! * nA + a) * nO + o]!;
      M.push(m);
    }
  }
  const project = (m: Float64Array, alpha: Float64Array, out: Float64Array) => {
    for (let s = 0; s < nS; s++) {
      let x = 0;
      for (let s2 = 0; s2 < nS; s2++) x += m[s * nS + s2]! * alpha[s2]!;
      out[s] = x;
    }
  };
  const dot = (x: Float64Array, b: Float64Array) => {
    let v = 0;
    for (let s = 0; s < nS; s++) if (b[s] !== 0) v += x[s]! * b[s]!;
    return v;
  };

  // The belief points: breadth-first from the start, the first `points` distinct beliefs.
  const B: Float64Array[] = [];
  const seen = new Set<string>();
  const scratch = new Float64Array(nS);
  for (const root of initialBeliefs(graph, z)) {
    const k = beliefKey(root.belief, options.mergeTolerance);
    if (!seen.has(k)) (seen.add(k), B.push(root.belief));
  }
  for (let i = 0; i < B.length && B.length < options.points; i++) {
    for (let a = 0; a < nA && B.length < options.points; a++) {
      if (!allowed[a]) continue;
      predict(graph, B[i]!, a, scratch);
      for (const s of successors(graph, z, scratch, a)) {
        const k = beliefKey(s.belief, options.mergeTolerance);
        if (seen.has(k)) continue;
        seen.add(k);
        B.push(s.belief);
        if (B.length >= options.points) break;
      }
    }
  }

  // Lower bound by point-based backups.
  let gammaSet: Float64Array[] = [new Float64Array(nS).fill(rMin / (1 - gamma))];
  let values = B.map(() => rMin / (1 - gamma));
  let iterations = 0;
  let residual = Infinity;
  const g = new Float64Array(nS);
  while (iterations < options.maxIterations) {
    iterations++;
    // G[a][o][k] = M_{a,o} α_k
    const G = M.map((m) => gammaSet.map((alpha) => {
      const out = new Float64Array(nS);
      project(m, alpha, out);
      return out;
    }));
    const next: Float64Array[] = [];
    const keys = new Set<string>();
    residual = 0;
    const fresh = B.map((b, i) => {
      let best: Float64Array | undefined;
      let bestValue = -Infinity;
      for (let a = 0; a < nA; a++) {
        if (!allowed[a]) continue;
        for (let s = 0; s < nS; s++) g[s] = reward[s * nA + a]!;
        for (let o = 0; o < nO; o++) {
          let arg = G[a * nO + o]![0]!;
          let m = -Infinity;
          for (const cand of G[a * nO + o]!) {
            const v = dot(cand, b);
            if (v > m) (m = v), (arg = cand);
          }
          for (let s = 0; s < nS; s++) g[s] = g[s]! + gamma * arg[s]!;
        }
        const v = dot(g, b);
        if (v > bestValue) (bestValue = v), (best = g.slice());
      }
      const key = Array.from(best!, (x) => x.toPrecision(14)).join(',');
      if (!keys.has(key)) (keys.add(key), next.push(best!));
      residual = Math.max(residual, Math.abs(bestValue - values[i]!));
      return bestValue;
    });
    gammaSet = next;
    values = fresh;
    // The point values rise monotonically; stop when a sweep moves none by more than the tolerance·(1−γ)/γ
    // (then the fixed point of the point backups is within the tolerance).
    if (residual * (gamma / (1 - gamma)) < options.tolerance) break;
  }
  const lower = (b: Float64Array) => {
    let m = -Infinity;
    for (const alpha of gammaSet) m = Math.max(m, dot(alpha, b));
    return m;
  };

  // Upper bound: the fast informed bound, iterated to the tolerance.
  let Q = new Float64Array(nS * nA);
  let maxR = -Infinity;
  for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) if (allowed[a]) maxR = Math.max(maxR, reward[s * nA + a]!);
  Q.fill(maxR / (1 - gamma));
  for (let it = 0; it < options.maxIterations; it++) {
    const fresh = new Float64Array(nS * nA);
    let change = 0;
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        if (!allowed[a]) continue;
        let future = 0;
        for (let o = 0; o < nO; o++) {
          let best = -Infinity;
          for (let a2 = 0; a2 < nA; a2++) {
            if (!allowed[a2]) continue;
            let x = 0;
            for (let s2 = 0; s2 < nS; s2++) x += M[a * nO + o]![s * nS + s2]! * Q[s2 * nA + a2]!;
            best = Math.max(best, x);
          }
          future += best;
        }
        fresh[s * nA + a] = reward[s * nA + a]! + gamma * future;
        change = Math.max(change, Math.abs(fresh[s * nA + a]! - Q[s * nA + a]!));
      }
    }
    Q = fresh;
    if (change * (gamma / (1 - gamma)) < options.tolerance) break;
  }
  // Sharpen the upper bound at the points (HSVI's sawtooth, Smith & Simmons 2004): with corner values
  // c(s) ≥ V*(e_s) and point values u_i ≥ V*(p_i), convexity of V* gives the upper bound
  //   Û(b) = Σ_s b(s) c(s) + min_i (u_i − Σ_s p_i(s) c(s)) · min_{s: p_i(s) > 0} b(s)/p_i(s),
  // and a backup u(b) ← max_a [r(b,a) + γ Σ_o P(o|b,a) Û(b'_{a,o})] keeps every value an upper bound.
  const corner = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    let m = -Infinity;
    for (let a = 0; a < nA; a++) if (allowed[a]) m = Math.max(m, Q[s * nA + a]!);
    corner[s] = m;
  }
  const points = [...Array.from({ length: nS }, (_, s) => Float64Array.from({ length: nS }, (_, j) => (j === s ? 1 : 0))), ...B];
  const u = points.map((b) => dot(corner, b));
  const interpolate = (b: Float64Array) => {
    const base = dot(corner, b);
    let best = 0;
    for (let i = nS; i < points.length; i++) {
      const p = points[i]!;
      const gap = u[i]! - dot(corner, p);
      if (gap >= 0) continue;
      let ratio = Infinity;
      for (let s = 0; s < nS; s++) if (p[s]! > 0) ratio = Math.min(ratio, b[s]! / p[s]!);
      best = Math.min(best, gap * ratio);
    }
    return base + best;
  };
  const upperBackup = (b: Float64Array) => {
    let m = -Infinity;
    for (let a = 0; a < nA; a++) {
      if (!allowed[a]) continue;
      predict(graph, b, a, scratch);
      let future = 0;
      for (const x of successors(graph, z, scratch, a)) future += x.p * interpolate(x.belief);
      m = Math.max(m, beliefReward(graph, reward, b, a) + gamma * future);
    }
    return m;
  };
  for (let it = 0; it < options.maxIterations; it++) {
    let change = 0;
    for (let i = 0; i < points.length; i++) {
      const v = Math.min(u[i]!, upperBackup(points[i]!));
      change = Math.max(change, u[i]! - v);
      u[i] = v;
      if (i < nS) corner[i] = v;
    }
    if (change * (gamma / (1 - gamma)) < options.tolerance) break;
  }
  const upperAt = interpolate;

  const at = (_t: number, b: Float64Array) => {
    const q = new Float64Array(nA).fill(-Infinity);
    let v = -Infinity;
    for (let a = 0; a < nA; a++) {
      if (!allowed[a]) continue;
      predict(graph, b, a, scratch);
      let future = 0;
      for (const s of successors(graph, z, scratch, a)) future += s.p * lower(s.belief);
      q[a] = beliefReward(graph, reward, b, a) + gamma * future;
      v = Math.max(v, q[a]!);
    }
    return { q, v };
  };
  let upper = 0;
  for (const root of initialBeliefs(graph, z)) upper += root.p * upperAt(root.belief);
  return {
    readBelief: (h, query) => filter(graph, z, h, query, false),
    at,
    iterations,
    residual,
    points: B.length,
    upper,
    vectors: gammaSet.length,
  };
}
