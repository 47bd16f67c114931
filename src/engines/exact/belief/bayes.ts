/**
 * Belief arithmetic of a POMDP, on the compiled tables:
 *
 *   predicted   b̄(s')      = Σ_s b(s) w(s) T(s' | s, a)          (w ≡ 1 for the filter)
 *   evidence    P(o | b, a) = Σ_{s'} b̄(s') Z(o | s', a)
 *   update      b'(s')      = b̄(s') Z(o | s', a) / P(o | b, a)     (Bayes' rule)
 *
 * The weight w tilts the belief by the optimality factor exp(r(s, a)/α),
 * which is what the posterior backup's belief p(s_t | h_t, O_{0:t−1}) needs.
 */
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';

/** A successor belief: observation index, its probability P(o | b, a) and b'_{a,o}. */
export interface Successor {
  readonly o: number;
  readonly p: number;
  readonly belief: Float64Array;
}

/** b̄(s') = Σ_s b(s) w(s) T(s'|s,a) into `out` (length nS); w undefined means 1. */
export function predict(graph: FactorGraph<unknown, unknown>, b: Float64Array, a: number, out: Float64Array, w?: Float64Array): void {
  const { nA, nS } = graph;
  const { rowStart, next, prob } = graph.dynamics;
  out.fill(0);
  for (let s = 0; s < nS; s++) {
    const mass = w === undefined ? b[s]! : b[s]! * w[s]!;
    if (mass === 0) continue;
    const row = s * nA + a;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) out[next[k]!] = out[next[k]!]! + mass * prob[k]!;
  }
}

/**
 * Every observation o with P(o | b̄, a) > 0 and its updated belief, from a
 * predicted belief b̄ (any positive scale: P is divided by Σ b̄).
 */
export function successors(graph: FactorGraph<unknown, unknown>, z: ObservationTables, predicted: Float64Array, a: number): Successor[] {
  const { nS, nA } = graph;
  const nO = z.nO;
  let total = 0;
  for (let s = 0; s < nS; s++) total += predicted[s]!;
  const mass = new Float64Array(nO);
  for (let s = 0; s < nS; s++) {
    const m = predicted[s]!;
    if (m === 0) continue;
    const row = (s * nA + a) * nO;
    for (let o = 0; o < nO; o++) mass[o] = mass[o]! + m * z.table[row + o]!;
  }
  const out: Successor[] = [];
  for (let o = 0; o < nO; o++) {
    if (!(mass[o]! > 0)) continue;
    const belief = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      const m = predicted[s]!;
      if (m !== 0) belief[s] = (m * z.table[(s * nA + a) * nO + o]!) / mass[o]!;
    }
    out.push({ o, p: mass[o]! / total, belief });
  }
  return out;
}

/** The initial beliefs: one per o_0 with P(o_0) > 0 when s_0 is observed, else p(s_0) itself (o = −1). */
export function initialBeliefs(graph: FactorGraph<unknown, unknown>, z: ObservationTables): Successor[] {
  const { nS } = graph;
  if (z.initial === undefined) return [{ o: -1, p: 1, belief: graph.initial.slice() }];
  const nO = z.nO;
  const out: Successor[] = [];
  for (let o = 0; o < nO; o++) {
    let mass = 0;
    for (let s = 0; s < nS; s++) mass += graph.initial[s]! * z.initial[s * nO + o]!;
    if (!(mass > 0)) continue;
    const belief = new Float64Array(nS);
    for (let s = 0; s < nS; s++) belief[s] = (graph.initial[s]! * z.initial[s * nO + o]!) / mass;
    out.push({ o, p: mass, belief });
  }
  return out;
}

/**
 * A key under which beliefs equal to `tolerance` in every coordinate share a
 * node: each coordinate rounded to the tolerance grid (beliefs on either side
 * of a grid boundary stay apart, which costs memory, never exactness).
 */
export function beliefKey(b: Float64Array, tolerance: number): string {
  let key = '';
  for (let s = 0; s < b.length; s++) {
    const q = Math.round(b[s]! / tolerance);
    if (q !== 0) key += `${s}:${q},`;
  }
  return key;
}

/** r_t(b, a) = Σ_s b(s) r_t(s, a); −Infinity when a state the belief allows forbids a. */
export function beliefReward(graph: FactorGraph<unknown, unknown>, reward: Float64Array, b: Float64Array, a: number): number {
  const { nS, nA } = graph;
  let sum = 0;
  for (let s = 0; s < nS; s++) {
    if (b[s] === 0) continue;
    const r = reward[s * nA + a]!;
    if (r === -Infinity) return -Infinity;
    sum += b[s]! * r;
  }
  return sum;
}

/** E_b̄[r_T] over a predicted belief (the terminal factor after the last decision). */
export function terminalValue(terminal: Float64Array, predicted: Float64Array): number {
  let sum = 0;
  for (let s = 0; s < predicted.length; s++) {
    if (predicted[s] === 0) continue;
    if (terminal[s] === -Infinity) return -Infinity;
    sum += predicted[s]! * terminal[s]!;
  }
  return sum;
}
