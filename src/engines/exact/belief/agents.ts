/**
 * The two agents a POMDP posterior can describe, behind one small interface:
 * which belief the policy reads after a history, and Q/V at a belief.
 *
 * fixed-dynamics (the belief MDP, solved over reachable beliefs):
 *   Q_t(b, a) = r_t(b, a) + γ Σ_o P(o | b, a) V_{t+1}(b'_{a,o}),  V_t(b) = α log Σ_a p(a) exp(Q_t(b, a)/α)
 *
 * posterior (the exact conditional of the unrolled graph given O): the
 * observations of the future are marginalised away, so the backward messages
 * are those of the fully observed MDP, and only the realised history enters,
 * through φ_t(s) = p(s_t | h_t, O_{0:t−1}):
 *   exp(Q_t(φ, a)/α) = Σ_s φ(s) exp(Q^MDP_t(s, a)/α),  exp(V_t(φ)/α) = Σ_s φ(s) exp(V^MDP_t(s)/α)
 *   φ_{t+1}(s') ∝ Σ_s φ_t(s) exp(r_t(s, a_t)/α) T(s' | s, a_t) Z(o_{t+1} | s', a_t)
 */
import { fail, show } from '../../../errors.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';
import type { Posterior } from '../../../types/posterior.js';
import { TIE_TOLERANCE } from '../../../posterior/kernel.js';
import { softMax } from '../backup.js';
import { initialBeliefs, predict } from './bayes.js';
import type { IndexedHistory } from './inputs.js';
import { BeliefTree } from './tree.js';

export interface BeliefAgent {
  /** The belief the policy reads after `h` (time = h.actions.length). */
  readBelief(h: IndexedHistory, query: string): Float64Array;
  /** Q_t(b, ·) and V_t(b). */
  at(t: number, b: Float64Array): { readonly q: Float64Array; readonly v: number };
}

/**
 * Bayes' rule along a history, optionally tilted by exp(r_t(s, a_t)/α) at each
 * step (`tilt`). Throws when the history has probability 0.
 */
export function filter(graph: FactorGraph<unknown, unknown>, z: ObservationTables, h: IndexedHistory, query: string, tilt: boolean): Float64Array {
  const { nS, nA, alpha } = graph;
  const nO = z.nO;
  const impossible = (what: string): never =>
    fail({ code: 'history-invalid', part: query, message: `${query}: the history cannot happen: ${what} has probability 0 under the model` });
  let b = h.initial < 0 ? graph.initial.slice() : initialBeliefs(graph, z).find((r) => r.o === h.initial)?.belief ?? impossible(`o_0 = ${show(z.values.values[h.initial])}`);
  const predicted = new Float64Array(nS);
  const w = new Float64Array(nS);
  for (let k = 0; k < h.actions.length; k++) {
    const a = h.actions[k]!;
    const o = h.observations[k]!;
    let weights: Float64Array | undefined;
    if (tilt) {
      // w(s) = exp((r_k(s,a) − max)/α); at α = 0 the limit keeps the states attaining the max.
      const reward = graph.rewardAt(Number.isFinite(graph.horizon) && graph.rewardTimeVarying ? k : 0);
      let m = -Infinity;
      for (let s = 0; s < nS; s++) if (b[s]! > 0 && reward[s * nA + a]! > m) m = reward[s * nA + a]!;
      if (m === -Infinity) {
        fail({ code: 'state-infeasible', part: query, t: k, message: `${query}: actions[${k}] = ${show(graph.actions.values[a])} has reward −Infinity at every state the belief allows; the history is impossible given O` });
      }
      for (let s = 0; s < nS; s++) {
        const r = reward[s * nA + a]!;
        w[s] = alpha > 0 ? Math.exp((r - m) / alpha) : r >= m - TIE_TOLERANCE * Math.max(1, Math.abs(m)) ? 1 : 0;
      }
      weights = w;
    }
    predict(graph, b, a, predicted, weights);
    let mass = 0;
    const next = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      next[s] = predicted[s]! * z.table[(s * nA + a) * nO + o]!;
      mass += next[s]!;
    }
    if (!(mass > 0)) impossible(`observations[${k}] = ${show(z.values.values[o])} after actions[${k}] = ${show(graph.actions.values[a])}`);
    for (let s = 0; s < nS; s++) next[s] = next[s]! / mass;
    b = next;
  }
  return b;
}

/** The belief-MDP agent (fixed-dynamics backup) over the reachable beliefs. */
export function fixedDynamicsAgent(
  graph: FactorGraph<unknown, unknown>,
  z: ObservationTables,
  options: { mergeTolerance: number; maxBeliefs: number; tolerance: number; maxIterations: number },
): BeliefAgent & { tree: BeliefTree; iteration: { iterations: number; residual: number } | undefined } {
  const nA = graph.nA;
  const tree = new BeliefTree(
    graph,
    z,
    {
      allowed: () => Array.from({ length: nA }, (_, a) => graph.prior[a]! > 0),
      // The prior is the same at every state (checked), so row 0 is p(a).
      combine: (_t, _b, q) => softMax(graph, q, 0),
    },
    { mergeTolerance: options.mergeTolerance, maxBeliefs: options.maxBeliefs, by: 'exact()' },
  );
  tree.setIteration(options.tolerance, options.maxIterations);
  tree.build();
  let iteration: { iterations: number; residual: number } | undefined;
  if (tree.stationary) {
    iteration = tree.iterate(options.tolerance, options.maxIterations);
    if (!(iteration.residual < options.tolerance)) {
      fail({
        code: 'not-converged',
        part: 'exact()',
        message: `exact(): value iteration over ${tree.counts()[0]} beliefs did not reach tolerance ${options.tolerance} in ${options.maxIterations} iterations (residual ${iteration.residual}); raise maxIterations or the tolerance`,
      });
    }
  } else tree.solveAll();
  return {
    tree,
    iteration,
    readBelief: (h, query) => filter(graph, z, h, query, false),
    at: (t, b) => {
      const node = tree.solvedNodeAt(t, b);
      return { q: node.q, v: node.v };
    },
  };
}

/** The exact-conditional agent (posterior backup), read off the fully observed posterior `mdp`. */
export function posteriorAgent(graph: FactorGraph<unknown, unknown>, z: ObservationTables, mdp: Posterior<unknown, unknown>): BeliefAgent {
  const { nS, nA, alpha } = graph;
  const cache = new Map<number, { Q: Float64Array; V: Float64Array }>();
  const tables = (t: number) => {
    const key = Number.isFinite(graph.horizon) ? t : 0;
    let entry = cache.get(key);
    if (entry === undefined) cache.set(key, (entry = { Q: mdp.Q(key), V: mdp.V(key) }));
    return entry;
  };
  /** α log Σ_s b(s) exp(x(s)/α) over the support of b (max over it at α = 0). */
  const average = (b: Float64Array, x: (s: number) => number): number => {
    let m = -Infinity;
    for (let s = 0; s < nS; s++) if (b[s]! > 0 && x(s) > m) m = x(s);
    if (m === -Infinity || alpha === 0) return m;
    let sum = 0;
    for (let s = 0; s < nS; s++) if (b[s]! > 0) sum += b[s]! * Math.exp((x(s) - m) / alpha);
    return m + alpha * Math.log(sum);
  };
  return {
    readBelief: (h, query) => filter(graph, z, h, query, true),
    at: (t, b) => {
      const { Q, V } = tables(t);
      const q = new Float64Array(nA);
      for (let a = 0; a < nA; a++) q[a] = graph.prior[a]! > 0 ? average(b, (s) => Q[s * nA + a]!) : -Infinity;
      return { q, v: average(b, (s) => V[s]!) };
    },
  };
}

/** π(a) = p(a) exp((Q(a) − V)/α); at α = 0 the prior restricted to the maximisers. Undefined (false) when V = −∞. */
export function policyFrom(graph: FactorGraph<unknown, unknown>, q: Float64Array, v: number, out: Float64Array): boolean {
  const { nA, alpha, prior } = graph;
  out.fill(0);
  if (v === -Infinity) return false;
  let sum = 0;
  for (let a = 0; a < nA; a++) {
    const p = prior[a]!;
    if (!(p > 0) || q[a] === -Infinity) continue;
    out[a] = alpha > 0 ? p * Math.exp((q[a]! - v) / alpha) : q[a]! >= v - TIE_TOLERANCE * Math.max(1, Math.abs(v)) ? p : 0;
    sum += out[a]!;
  }
  for (let a = 0; a < nA; a++) out[a] = out[a]! / sum;
  return true;
}
