/**
 * The numbers a posterior is compared on, whatever produced them: a
 * `Posterior` from any engine, or one of the kit's references (`bruteForce`,
 * `fixedDynamicsReference`). Tables are indexed by the object's own `states`
 * and `actions` order (row-major `s * nA + a`); comparisons match states and
 * actions by value, so two objects may order them differently.
 *
 * This file imports types only: references built on it stay independent of
 * the engines they check (docs/reliability.md, promise 19).
 */
import type { EvidenceKind, Posterior } from '../types/posterior.js';

/**
 * Values, policy and marginals of a finite-horizon posterior, as tables.
 *
 *   V_t(s), Q_t(s,a) in reward units;  π_t(a|s) (rows of states with V_t(s) = −∞ are 0);
 *   p(s_t | O);  p(s_t, a_t | O);  log p(O) (or a bound / estimate of it).
 */
export interface PosteriorTables<S = unknown, A = unknown> {
  readonly states: readonly S[];
  readonly actions: readonly A[];
  /** Number of decisions T. */
  readonly horizon: number;
  readonly alpha: number;
  /** True when there is a terminal factor (then V(T) and stateMarginal(T) exist). */
  readonly hasTerminal: boolean;
  /** log p(O), the ELBO, or an estimate — see `evidenceKind`. */
  readonly logEvidence: number;
  readonly evidenceKind: EvidenceKind;
  /** Standard error of `logEvidence` when it is an estimate. */
  readonly standardError?: number | undefined;
  /** V_t(s), length nS; t = 0 … T − 1 (… T with a terminal factor). */
  V(t: number): ArrayLike<number>;
  /** Q_t(s, a), nS × nA. */
  Q(t: number): ArrayLike<number>;
  /** π_t(a | s), nS × nA. May throw when p(O) = 0. */
  policyTable(t: number): ArrayLike<number>;
  /** p(s_t | O), length nS. May throw when p(O) = 0. */
  stateMarginal(t: number): ArrayLike<number>;
  /** p(s_t, a_t | O), nS × nA. May throw when p(O) = 0. */
  stateActionMarginal(t: number): ArrayLike<number>;
  /** p(a_t | O), length nA; derived from `stateActionMarginal` when absent. */
  actionMarginal?(t: number): ArrayLike<number>;
}

/** Is `x` an engine's `Posterior` (rather than already a table view)? */
export function isPosterior<S, A>(x: Posterior<S, A> | PosteriorTables<S, A>): x is Posterior<S, A> {
  return (x as { graph?: unknown }).graph !== undefined && typeof (x as Posterior<S, A>).policy === 'function';
}

/**
 * The table view of a `Posterior` (no copies: queries are forwarded).
 * @example expectPosteriorsClose(posteriorTables(infer(m, exact())), bruteForce(m), LOG_TOL)
 */
export function posteriorTables<S, A>(post: Posterior<S, A> | PosteriorTables<S, A>): PosteriorTables<S, A> {
  if (!isPosterior(post)) return post;
  const graph = post.graph;
  if (!Number.isFinite(post.horizon)) throw new Error(`posteriorTables: the posterior has an infinite horizon; the kit compares finite-horizon posteriors`);
  return {
    states: graph.states.values,
    actions: graph.actions.values,
    horizon: post.horizon,
    alpha: graph.alpha,
    hasTerminal: graph.terminal !== undefined,
    logEvidence: post.logEvidence,
    evidenceKind: post.evidence.kind,
    standardError: post.evidence.standardError,
    V: (t) => post.V(t),
    Q: (t) => post.Q(t),
    policyTable: (t) => post.policyTable(t),
    stateMarginal: (t) => post.stateMarginal(t),
    stateActionMarginal: (t) => post.stateActionMarginal(t),
    actionMarginal: (t) => post.actionMarginal(t),
  };
}
