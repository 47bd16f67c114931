/**
 * The belief kernel of `exact()`: a model with an `observation(...)` part is
 * solved here. `fixed-dynamics` plans over the reachable beliefs (finite
 * horizon: layer by layer; discounted infinite horizon: value iteration over
 * the reachable set when it is finite at the merge tolerance). `posterior` is
 * the exact conditional of the unrolled graph given O, which is read off the
 * fully observed posterior (see agents.ts and docs/concepts.md).
 */
import { fail, show } from '../../../errors.js';
import type { BeliefPosterior } from '../../../types/belief.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';
import type { Evidence, Exactness, Posterior } from '../../../types/posterior.js';
import type { BackupKind } from '../backup.js';
import { fixedDynamicsAgent, posteriorAgent } from './agents.js';
import { makeBeliefPosterior } from './posterior.js';
import { initialBeliefs } from './bayes.js';
import { pointBasedAgent } from './point-based.js';

/** Options the belief kernel reads (checked by `exact()`). */
export interface BeliefOptions {
  readonly mergeTolerance: number;
  readonly maxBeliefs: number;
  readonly tolerance: number;
  readonly maxIterations: number;
  /** Point-based value iteration over this many beliefs (discounted infinite horizon, α = 0). */
  readonly beliefPoints: number | undefined;
}

/**
 * Solve a POMDP. `solveMdp` is the fully observed exact solver (the posterior
 * backup reads its messages), passed in so this folder does not import its caller.
 */
export function runBelief<S, A>(
  graph: FactorGraph<S, A>,
  backup: BackupKind,
  options: BeliefOptions,
  solveMdp: (graph: FactorGraph<unknown, unknown>) => Posterior<unknown, unknown>,
): BeliefPosterior<S, A, unknown> {
  const g = graph as FactorGraph<unknown, unknown>;
  const z = g.observation as ObservationTables;
  // Only these two agents are defined over beliefs here; any other backup exact() learns is refused, not guessed.
  const kind: string = backup;
  if (kind !== 'posterior' && kind !== 'fixed-dynamics') {
    fail({
      code: 'observation-unsupported',
      part: 'exact()',
      message: `exact(): backup '${kind}' is not defined for a POMDP (a model with an observation(...) part); use backup 'fixed-dynamics' (the belief MDP) or 'posterior' (the exact conditional given O)`,
    });
  }
  checkPrior(g);
  const { alpha } = g;
  if (backup === 'posterior') {
    if (g.gamma !== 1) {
      fail({
        code: 'observation-unsupported',
        part: 'exact()',
        message: `exact(): backup 'posterior' on a POMDP needs γ = 1, got γ = ${g.gamma}: discounting is not a factor of the unrolled graph, so there is no exact conditional to compute; use backup 'fixed-dynamics'`,
      });
    }
    // The exact conditional: observations of the future are marginalised away (see agents.ts).
    const stripped = { ...g, observation: undefined, kernel: undefined } as FactorGraph<unknown, unknown>;
    const mdp = solveMdp(stripped);
    const agent = posteriorAgent(g, z, mdp);
    return makeBeliefPosterior({
      graph: g,
      z,
      backup,
      agent,
      tree: undefined,
      mdp,
      value: mdp.value,
      evidence: { ...mdp.evidence, description: `log p(O) of the unrolled POMDP graph: the observation model drops out of it (observations are marginalised), so it equals the fully observed log p(O). ${mdp.evidence.description}` },
      exactness: {
        posterior: true,
        policy: 'exact p(a_t | o_{0:t}, a_{0:t−1}, O): the conditional of the unrolled graph, clairvoyant about the future (its later actions see the state)',
        evidence: mdp.evidence.kind,
        notes: [
          'The posterior backup on a POMDP is optimistic about what will be observed: future actions in p(τ | O) depend on the hidden state, so V(b) = α log E_b[exp(V_MDP/α)]; use backup: fixed-dynamics for an agent that must act on its beliefs.',
          ...mdp.exactness.notes,
        ],
      },
      convergence: mdp.convergence,
      beliefCounts: [],
      approximation: undefined,
    }) as BeliefPosterior<S, A, unknown>;
  }
  if (options.beliefPoints !== undefined) return pointBased(g, z, options, options.beliefPoints) as BeliefPosterior<S, A, unknown>;
  const agent = fixedDynamicsAgent(g, z, options);
  const { tree } = agent;
  // The agent cannot choose o_0: the value is its expectation, Σ_{o_0} P(o_0) V_0(b_{o_0}).
  let value = 0;
  for (const root of tree.roots) {
    const v = tree.node(0, root.node).v;
    value = v === -Infinity ? -Infinity : value + root.p * v;
    if (value === -Infinity) break;
  }
  const logEvidence = alpha > 0 ? value / alpha : value === 0 ? 0 : value > 0 ? Infinity : -Infinity;
  const discounted = g.gamma < 1 ? ' (with γ < 1 the discounted soft value, not a probability)' : '';
  const evidence: Evidence = {
    kind: 'lower-bound',
    logValue: logEvidence,
    description: `The belief-MDP soft value at the initial belief over α: the ELBO of the best belief policy, ≤ log p(O)${discounted}.${alpha === 0 ? ' At α = 0 see `value` for the optimal POMDP value.' : ''}`,
  };
  const notes = [`Exact over ${tree.counts().reduce((x, y) => x + y, 0)} reachable beliefs, merged when equal to ${options.mergeTolerance} in every coordinate.`];
  if (alpha === 0) notes.push('α = 0: the optimal POMDP value; the policy is uniform (under the prior) over maximising actions.');
  if (agent.iteration !== undefined) notes.push('Infinite horizon: value iteration over the reachable beliefs, to the reported tolerance.');
  const exactness: Exactness = {
    posterior: false,
    policy: 'the fixed-dynamics optimum over beliefs q(a_t | b_t) (Q(b,a) = r(b,a) + γ Σ_o P(o|b,a) V(b′))',
    evidence: 'lower-bound',
    notes,
  };
  return makeBeliefPosterior({
    graph: g,
    z,
    backup,
    agent,
    tree,
    mdp: undefined,
    value,
    evidence,
    exactness,
    convergence: agent.iteration === undefined ? undefined : { ...agent.iteration, tolerance: options.tolerance },
    beliefCounts: tree.counts(),
    approximation: undefined,
  }) as BeliefPosterior<S, A, unknown>;
}

/** The bounded approximation (point-based value iteration) for an infinite reachable set. */
function pointBased(g: FactorGraph<unknown, unknown>, z: ObservationTables, options: BeliefOptions, points: number): BeliefPosterior<unknown, unknown, unknown> {
  if (Number.isFinite(g.horizon) || g.alpha !== 0) {
    fail({
      code: 'option-invalid',
      part: 'exact()',
      message: `exact(): beliefPoints (point-based value iteration) is for a discounted infinite horizon at temperature(0); this model has ${Number.isFinite(g.horizon) ? `horizon(${g.horizon})` : `α = ${g.alpha}`}. Leave beliefPoints out to solve it exactly over its reachable beliefs`,
    });
  }
  const agent = pointBasedAgent(g, z, { points, tolerance: options.tolerance, maxIterations: options.maxIterations, mergeTolerance: options.mergeTolerance });
  let value = 0;
  for (const root of initialBeliefs(g, z)) value += root.p * agent.at(0, root.belief).v;
  const errorBound = Math.max(0, agent.upper - value);
  return makeBeliefPosterior({
    graph: g,
    z,
    backup: 'fixed-dynamics',
    agent,
    tree: undefined,
    mdp: undefined,
    value,
    evidence: { kind: 'lower-bound', logValue: value === 0 ? 0 : value > 0 ? Infinity : -Infinity, description: 'At α = 0 see `value`: a lower bound on the optimal POMDP value (point-based value iteration), within `approximation.errorBound` of it.' },
    exactness: {
      posterior: false,
      policy: `approximate: one step of lookahead on a point-based lower bound (${agent.points} belief points, ${agent.vectors} α-vectors)`,
      evidence: 'lower-bound',
      notes: [`Point-based value iteration over ${agent.points} beliefs: the optimal value at the start lies in [${value.toFixed(6)}, ${agent.upper.toFixed(6)}] (upper: the fast informed bound); error bound ${errorBound.toExponential(3)}. Raise beliefPoints to tighten it.`],
    },
    convergence: { iterations: agent.iterations, residual: agent.residual, tolerance: options.tolerance },
    beliefCounts: [agent.points],
    approximation: { points: agent.points, vectors: agent.vectors, upper: agent.upper, errorBound },
  });
}

/** A POMDP agent cannot see the state, so its action prior must not depend on it. */
function checkPrior(g: FactorGraph<unknown, unknown>): void {
  const { nS, nA, prior } = g;
  for (let s = 1; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      if (Math.abs(prior[s * nA + a]! - prior[a]!) > 1e-12) {
        fail({
          code: 'observation-unsupported',
          part: `action('${g.actions.name}')`,
          message: `action('${g.actions.name}'): the prior p(a|s) depends on the state (it differs at s=${show(g.states.values[s])}), which a POMDP agent cannot see; give one distribution for every state`,
        });
      }
    }
  }
}
