/**
 * The one result type every engine returns. Tables are indexed like the
 * factor graph: states by `graph.states.indexOf(s)`, rows `s * nA + a`.
 */
import type { Categorical } from '../dist/categorical.js';
import type { EngineInput } from './engine.js';
import type { FactorGraph } from './factor-graph.js';
import type { CompiledModel } from './simulator.js';

/** The graph an engine that reads `R` runs on: tables, or tables or a simulator. */
export type GraphFor<S, A, R extends EngineInput> = R extends 'tables' ? FactorGraph<S, A> : CompiledModel<S, A>;

/** A trajectory: states s_0 … and the actions a_0 … a_{T−1} taken in them. */
export interface Trajectory<S, A> {
  /** T states, or T + 1 when the model has a terminal factor (the state after the last decision). */
  readonly states: readonly S[];
  readonly actions: readonly A[];
}

/** How `logEvidence` relates to log p(O). */
export type EvidenceKind = 'exact' | 'lower-bound' | 'estimate';

/** The evidence with what kind of number it is. */
export interface Evidence {
  readonly kind: EvidenceKind;
  /** log p(O_{0:T−1}) (exact), a lower bound on it (ELBO), or an estimate. */
  readonly logValue: number;
  /** Standard error of an estimate; undefined for exact numbers and bounds. */
  readonly standardError?: number;
  /** A sentence saying what the number is. */
  readonly description: string;
}

/** What a posterior is exact about, in words a user can act on. */
export interface Exactness {
  /** True when policy, marginals and samples are those of the exact p(τ | O). */
  readonly posterior: boolean;
  /** What the policy is, e.g. "exact p(a_t | s_t, O_{t:T})" or "the fixed-dynamics (structured variational) optimum". */
  readonly policy: string;
  readonly evidence: EvidenceKind;
  readonly notes: readonly string[];
}

/** Convergence of an iterative solve (the discounted infinite horizon). */
export interface Convergence {
  readonly iterations: number;
  /** ‖V − T V‖∞ at the end, in reward units. */
  readonly residual: number;
  readonly tolerance: number;
}

/** Options of `sample`. */
export interface SampleOptions {
  readonly seed: number | string;
  /** Number of decisions per trajectory; required for an infinite horizon, at most T otherwise. */
  readonly steps?: number;
}

/** A trajectory with its log-probability under the posterior. */
export interface ScoredTrajectory<S, A> extends Trajectory<S, A> {
  readonly logProb: number;
}

/** The posterior over policies and trajectories, whatever engine produced it. */
export interface Posterior<S = unknown, A = unknown, R extends EngineInput = 'tables'> {
  /** The engine's name, e.g. 'exact'. */
  readonly engine: string;
  readonly exactness: Exactness;
  /** The compiled model: a `FactorGraph` for engines that read tables; possibly a `SimulatorGraph` otherwise. */
  readonly graph: GraphFor<S, A, R>;
  /** T, or Infinity for the discounted infinite horizon. */
  readonly horizon: number;
  /** log p(O_{0:T−1}); −Infinity when every trajectory violates a hard constraint. */
  readonly logEvidence: number;
  readonly evidence: Evidence;
  /**
   * α·logEvidence in reward units — the soft value of the start. At α = 0, where
   * log p(O) itself is ±∞, it is the value of the hard-max recursion (V* averaged over s_0).
   */
  readonly value: number;
  /** Present for iterative solves (infinite horizon). */
  readonly convergence: Convergence | undefined;
  /** p(a_t | s_t, O_{t:T}) at one state. Throws for a state from which O cannot hold. */
  policy(t: number, s: S): Categorical<A>;
  /** π_t(a | s) for every state, row-major nS × nA; rows of infeasible states are all 0. */
  policyTable(t: number): Float64Array;
  /** Soft Q_t(s, a) in reward units (log β_t = Q_t / α), nS × nA. */
  Q(t: number): Float64Array;
  /** Soft V_t(s) = α log Σ_a p(a|s) exp(Q_t(s,a)/α), length nS. */
  V(t: number): Float64Array;
  /** p(s_t | O), length nS (t = T is the terminal state when there is one). */
  stateMarginal(t: number): Float64Array;
  /** p(s_t, a_t | O), nS × nA. */
  stateActionMarginal(t: number): Float64Array;
  /** p(a_t | O), length nA. */
  actionMarginal(t: number): Float64Array;
  /** n independent trajectories from p(τ | O), reproducible from the seed. */
  sample(n: number, options: SampleOptions): Trajectory<S, A>[];
  /** The most probable trajectory (max-product), with its log-probability. */
  mostProbable(): ScoredTrajectory<S, A>;
  /** log p(τ | O); −Infinity for a trajectory the posterior cannot produce. */
  logProb(trajectory: Trajectory<S, A>): number;
}
