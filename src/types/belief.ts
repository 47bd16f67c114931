/**
 * What a POMDP posterior answers: the same questions as the tabular one
 * (policy, value, evidence, samples, log-probabilities) with a history of
 * actions and observations, or a belief, where the tabular one takes a state.
 */
import type { Categorical, Distribution } from '../dist/categorical.js';
import type { Convergence, Evidence, Exactness, SampleOptions } from './posterior.js';
import type { FactorGraph } from './factor-graph.js';

/** A belief: p(s) indexed like `graph.states` (length nS, summing to 1). */
export type Belief = Float64Array;

/**
 * What the agent has seen before deciding at t: its actions a_0 … a_{t−1} and
 * the observation after each, `observations[k] = o_{k+1}` (emitted after
 * `actions[k]` landed). `initial` is o_0 when the model observes s_0.
 */
export interface History<A, O> {
  readonly actions: readonly A[];
  readonly observations: readonly O[];
  readonly initial?: O;
}

/** A belief policy π_t(a | b): what `evaluate(model, { belief })` scores. */
export type BeliefPolicy<S, A> = (t: number, belief: Categorical<S>) => Distribution<A>;

/** A trajectory of a POMDP: hidden states, actions and what was observed. */
export interface ObservedTrajectory<S, A, O> {
  /** s_0 … s_{T−1} (and s_T when the model has a terminal factor). */
  readonly states: readonly S[];
  readonly actions: readonly A[];
  /** o_{k+1} after a_k lands in s_{k+1}: one per state after the first. */
  readonly observations: readonly O[];
  /** o_0, when the model observes the initial state. */
  readonly initial?: O;
}

/** A trajectory with its log-probability. */
export interface ScoredObservedTrajectory<S, A, O> extends ObservedTrajectory<S, A, O> {
  readonly logProb: number;
}

/** The result of `evaluate(pomdp, { belief })`. */
export interface BeliefEvaluation {
  /** E[Σ_t γ^t r_t] under the belief policy (plus the terminal reward), from the initial belief. */
  readonly value: number;
  /** Reachable beliefs per decision step under the policy. */
  readonly beliefCounts: readonly number[];
}

/**
 * The posterior of a POMDP under `exact()`. `backup` says which agent it is:
 * 'fixed-dynamics' plans over beliefs (the agent cannot choose what it will
 * observe); 'posterior' is the exact conditional of the unrolled graph given O,
 * which is clairvoyant about the future (see docs/concepts.md).
 */
export interface BeliefPosterior<S = unknown, A = unknown, O = unknown> {
  readonly kind: 'belief-posterior';
  readonly engine: string;
  readonly backup: 'posterior' | 'fixed-dynamics';
  readonly exactness: Exactness;
  readonly graph: FactorGraph<S, A>;
  /** The observation values, indexed as in `graph.observation`. */
  readonly observations: readonly O[];
  readonly horizon: number;
  /** log p(O) (posterior backup), or the belief-MDP soft value over α (fixed dynamics, a lower bound). */
  readonly logEvidence: number;
  readonly evidence: Evidence;
  /** α·logEvidence: the soft value at the initial belief (the optimal POMDP value at α = 0). */
  readonly value: number;
  readonly convergence: Convergence | undefined;
  /** Distinct beliefs kept at each decision step t (merged when equal to `mergeTolerance`). */
  readonly beliefCounts: readonly number[];
  /**
   * Present when `exact({ beliefPoints })` solved the infinite horizon approximately (point-based
   * value iteration): `value` is then a lower bound on the optimal value and `upper` an upper
   * bound, so the optimum lies within `errorBound = upper − value` of `value`.
   */
  readonly approximation: { readonly points: number; readonly vectors: number; readonly upper: number; readonly errorBound: number } | undefined;
  /** The agent's belief p(s_t | history) by Bayes' rule (the filter). */
  belief(history: History<A, O>): Belief;
  /**
   * p(s_t | history, O_{0:t−1}): the belief the policy reads. The filter for
   * 'fixed-dynamics'; also tilted by the past optimality factors for 'posterior'.
   */
  posteriorBelief(history: History<A, O>): Belief;
  /** π_t(a | history), or π_t(a | b) at a belief (read as `posteriorBelief`). */
  policy(t: number, at: History<A, O> | Belief | Distribution<S>): Categorical<A>;
  /** The soft value V_t(b) in reward units. */
  V(t: number, at: History<A, O> | Belief | Distribution<S>): number;
  /** Q_t(b, ·) in reward units, length nA. */
  Q(t: number, at: History<A, O> | Belief | Distribution<S>): Float64Array;
  /** n trajectories (hidden states, actions, observations) from the posterior, reproducible from the seed. */
  sample(n: number, options: SampleOptions): ObservedTrajectory<S, A, O>[];
  /** The most probable (states, actions, observations) trajectory, with its log-probability. */
  mostProbable(): ScoredObservedTrajectory<S, A, O>;
  /** log-probability of a trajectory under the posterior; −Infinity when it cannot happen. */
  logProb(trajectory: ObservedTrajectory<S, A, O>): number;
}
