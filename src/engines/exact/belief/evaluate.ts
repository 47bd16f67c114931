/**
 * `evaluate(pomdp, { belief: π })`: the ordinary (not soft) value of a belief
 * policy, exactly, over the beliefs it reaches:
 *
 *   Q^π_t(b, a) = r_t(b, a) + γ Σ_o P(o | b, a) V^π_{t+1}(b'_{a,o}),   V^π_t(b) = Σ_a π_t(a | b) Q^π_t(b, a)
 *
 * and the value is Σ_{o_0} P(o_0) V^π_0(b_{o_0}).
 */
import { categorical, isDistribution, type Categorical } from '../../../dist/categorical.js';
import { CaiError, fail, show } from '../../../errors.js';
import type { BeliefEvaluation, BeliefPolicy } from '../../../types/belief.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';
import { BeliefTree } from './tree.js';

export function evaluateBeliefPolicy(
  graph: FactorGraph<unknown, unknown>,
  policy: BeliefPolicy<unknown, unknown>,
  options: { tolerance: number; maxIterations: number; mergeTolerance: number; maxBeliefs: number },
): BeliefEvaluation {
  if (typeof policy !== 'function') {
    fail({ code: 'option-invalid', part: 'evaluate()', message: `evaluate(): { belief } must be a function (t, belief) => distribution over actions, got ${show(policy)}` });
  }
  const z = graph.observation as ObservationTables;
  const { nA } = graph;
  // π is called once per (t, belief node): the tree asks twice (which actions to grow, then the value).
  const cache = new Map<Float64Array, Float64Array>();
  const pi = (t: number, b: Float64Array): Float64Array => {
    const hit = cache.get(b);
    if (hit !== undefined) return hit;
    const belief: Categorical<unknown> = categorical(graph.states.values.flatMap((s, i) => (b[i]! > 0 ? [[s, b[i]!] as const] : [])));
    let dist: unknown;
    try {
      dist = policy(t, belief);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw new CaiError([{ code: 'function-threw', part: 'evaluate()', t, message: `evaluate(): the belief policy threw at t=${t}: ${text}` }], { cause: error });
    }
    if (!isDistribution(dist)) fail({ code: 'transition-not-distribution', part: 'evaluate()', t, message: `evaluate(): the belief policy at t=${t} returned ${show(dist)}, not a distribution; return categorical([[action, p], …])` });
    const out = new Float64Array(nA);
    let sum = 0;
    dist.support.forEach((a, k) => {
      const i = graph.actions.indexOf(a);
      const p = dist.probs[k]!;
      if (i < 0) fail({ code: 'unknown-action', part: 'evaluate()', action: a, t, message: `evaluate(): the belief policy at t=${t} gives mass to ${show(a)}, which is not an action of the model` });
      if (!(p >= 0) || p === Infinity) fail({ code: 'probability-invalid', part: 'evaluate()', t, message: `evaluate(): the belief policy at t=${t} gives probability ${show(p)} to ${show(a)}; probabilities must be finite and ≥ 0` });
      out[i] = out[i]! + p;
      sum += p;
    });
    if (Math.abs(sum - 1) > 1e-9) fail({ code: 'probability-unnormalised', part: 'evaluate()', t, message: `evaluate(): the belief policy at t=${t} sums to ${sum}; expected 1 ± 1e-9` });
    cache.set(b, out);
    return out;
  };
  const tree = new BeliefTree(
    graph,
    z,
    {
      allowed: (t, b) => Array.from(pi(t, b), (p) => p > 0),
      combine: (t, b, q) => {
        const p = pi(t, b);
        let v = 0;
        for (let a = 0; a < nA; a++) {
          if (!(p[a]! > 0)) continue;
          if (q[a] === -Infinity) return -Infinity;
          v += p[a]! * q[a]!;
        }
        return v;
      },
    },
    { mergeTolerance: options.mergeTolerance, maxBeliefs: options.maxBeliefs, by: 'evaluate()' },
  );
  tree.build();
  if (tree.stationary) {
    const it = tree.iterate(options.tolerance, options.maxIterations);
    if (!(it.residual < options.tolerance)) {
      fail({ code: 'not-converged', part: 'evaluate()', message: `evaluate(): policy evaluation over ${tree.counts()[0]} beliefs did not reach tolerance ${options.tolerance} in ${options.maxIterations} sweeps (residual ${it.residual})` });
    }
  } else tree.solveAll();
  let value = 0;
  for (const root of tree.roots) {
    const v = tree.node(0, root.node).v;
    if (v === -Infinity) return { value: -Infinity, beliefCounts: tree.counts() };
    value += root.p * v;
  }
  return { value, beliefCounts: tree.counts() };
}
