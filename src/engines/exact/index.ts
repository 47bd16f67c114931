/**
 * `exact({ backup })`: sum-product in log space on the compiled tables.
 *
 * - `backup: 'posterior'` (default) is exact inference in the graphical model:
 *   Q = r + α log E[exp(V'/α)]. Under stochastic dynamics this is optimistic —
 *   the posterior also "chooses" lucky transitions.
 * - `backup: 'fixed-dynamics'` keeps the dynamics and gives Q = r + E[V'], the
 *   optimum of the structured variational family (Levine 2018, §3); its
 *   `logEvidence` is that family's ELBO, a lower bound on log p(O).
 * - `backup: 'boltzmann'` and `backup: 'expected-utility'` are the agent models
 *   of cognitive science (Baker et al. 2009; agentmodels.org), in agents/.
 *
 * One `exact()`, several kernels: a graph that carries a kernel (a POMDP's
 * belief kernel, a linear-Gaussian model's soft-LQR kernel) is solved by it;
 * a graph without one is plain tables and is solved here. This file imports
 * no structure's kernel — the part that introduces the structure hands it to
 * the compiled graph (kernel.ts says how and why).
 */
import { checkOptions, fail, show } from '../../errors.js';
import type { Capability, Engine, RunContext } from '../../types/engine.js';
import type { BeliefPosterior } from '../../types/belief.js';
import type { GaussianPosterior } from './gaussian/posterior.js';
import type { LqgPosterior } from './gaussian/lqg.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Evidence, Exactness, Posterior } from '../../types/posterior.js';
import { tabularPosterior, TIE_TOLERANCE, type TabularPosterior } from '../../posterior/tabular.js';
import type { ExactKernel, KernelContext } from './kernel.js';
import { massDefect, NEAR, type BackupKind } from './backup.js';
import { checkTemperatureRange } from '../reward-scale.js';
import { mergedForward } from './forward.js';
import { policies } from './policy.js';
import { scaledApplies, solveFinite, solveInfinite, type FiniteSolution, type InfiniteSolution, type InfiniteSolver } from './solve.js';
import { runAgent, type AgentBackup } from './agents/index.js';

/** Options of `exact(...)`. */
export interface ExactOptions {
  /**
   * 'posterior' (exact p(τ|O), optimistic under stochastic dynamics), 'fixed-dynamics' (Q = r + E[V]),
   * 'boltzmann' (π ∝ p(a|s) exp(Q*(s,a)/α), Q* the hard-max values) or 'expected-utility'
   * (π ∝ p(a|s) exp(EU/α), EU the expected return of the agent's own policy).
   */
  readonly backup?: BackupKind | AgentBackup;
  /** Infinite horizon: stop soft value iteration when ‖V − TV‖∞ < tolerance (reward units). Default 1e-10. */
  readonly tolerance?: number;
  /** Infinite horizon: give up (with an error) after this many iterations. Default 100 000. */
  readonly maxIterations?: number;
  /**
   * Infinite horizon, `backup: 'fixed-dynamics'`: 'value-iteration' (default; Anderson-accelerated
   * sweeps of T) or `policyIteration()` ((soft) modified policy iteration: evaluate π by sweeps of
   * P_π, improve π ∝ p(a|s) e^{Q/α}; fewer full backups, fastest when rows are dense). Both stop
   * at ‖V − TV‖∞ < tolerance and return TV. Policy iteration needs an allowed action with a
   * finite reward at every state, and uses value iteration where there is none. It is a value,
   * not a name, so that a page that does not use it does not bundle it.
   */
  readonly solver?: 'value-iteration' | InfiniteSolver;
  /** POMDPs: beliefs equal to this in every coordinate share a node (default 1e-12). */
  readonly mergeTolerance?: number;
  /** POMDPs: refuse (with an estimate) once more distinct beliefs than this are reachable (default 1 000 000). */
  readonly maxBeliefs?: number;
  /**
   * POMDPs with a discounted infinite horizon at α = 0 whose reachable beliefs are infinite:
   * point-based value iteration over this many beliefs, with a certified error bound
   * (`post.approximation`). Left out, the reachable beliefs are solved exactly.
   */
  readonly beliefPoints?: number;
}

declare module '../../types/engine.js' {
  /** `infer(model, exact())` is a `Posterior<S, A>` … */
  interface PosteriorTypes<S, A, R extends EngineInput> {
    readonly exact: Posterior<S, A, R>;
  }
  /** … or, when the model's type names its structure, the posterior of the kernel that solves it (kernel.ts). */
  interface StructuredPosteriorTypes<S, A> {
    readonly belief: BeliefPosterior<S, A>;
    readonly gaussian: GaussianPosterior;
    readonly lqg: LqgPosterior;
  }
}

const KNOWN: readonly (keyof ExactOptions)[] = ['backup', 'tolerance', 'maxIterations', 'mergeTolerance', 'maxBeliefs', 'beliefPoints', 'solver'];

/**
 * The exact engine.
 * @example infer(model, exact({ backup: 'fixed-dynamics' }))
 */
export function exact(options: ExactOptions = {}): Engine<Required<Omit<ExactOptions, 'beliefPoints'>> & Pick<ExactOptions, 'beliefPoints'>, 'tables', 'exact'> {
  checkOptions('exact()', options, KNOWN);
  // Only a left-out option takes the default: a given null is checked like any value (and refused), never read as left out.
  const backup = options.backup === undefined ? 'posterior' : options.backup;
  if (backup !== 'posterior' && backup !== 'fixed-dynamics' && backup !== 'boltzmann' && backup !== 'expected-utility') {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): backup must be 'posterior', 'fixed-dynamics', 'boltzmann' or 'expected-utility', got ${show(backup)}` });
  }
  const tolerance = options.tolerance === undefined ? 1e-10 : options.tolerance;
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): tolerance must be a positive number, got ${show(tolerance)}` });
  }
  const maxIterations = options.maxIterations === undefined ? 100_000 : options.maxIterations;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): maxIterations must be a positive integer, got ${show(maxIterations)}` });
  }
  const solver = solverOption(options.solver, backup);
  const { mergeTolerance, maxBeliefs, beliefPoints } = beliefOptions(options);
  // The agent backups are defined for fully observed models only: without 'partial-observability', infer() refuses a POMDP for them.
  const capabilities: Capability[] =
    backup === 'boltzmann' || backup === 'expected-utility'
      ? ['marginals', 'evidence', 'sampling', 'mode', ...(backup === 'boltzmann' ? (['infinite-horizon'] as const) : [])]
      : ['exact-policy', 'marginals', 'evidence', 'sampling', 'mode', 'infinite-horizon', 'fixed-dynamics', 'partial-observability', 'linear-gaussian'];
  return Object.freeze({
    name: 'exact',
    capabilities,
    options: Object.freeze({ backup, tolerance, maxIterations, solver: solver ?? ('value-iteration' as const), mergeTolerance, maxBeliefs, ...(beliefPoints !== undefined ? { beliefPoints } : {}) }),
    reads: 'tables' as const,
    run: <S, A>(graph: FactorGraph<S, A>, context: RunContext) =>
      backup === 'boltzmann' || backup === 'expected-utility'
        ? (checkTemperatureRange(graph.alpha, 'exact()'), runAgent(graph, agentHorizon(graph, backup), { tolerance, maxIterations }, context))
        : (graph as { kernel?: unknown }).kernel !== undefined || graph.observation !== undefined
          ? // A structure's kernel, carried by the compiled graph (kernel.ts): belief/ for a POMDP, gaussian/ for soft LQR.
            // (Observation tables without their kernel are refused there, never solved as if the state were seen.)
            (runKernel(graph, backup, { settings: { tolerance, toleranceGiven: options.tolerance !== undefined, maxIterations, solver, mergeTolerance, maxBeliefs, beliefPoints }, run: context, tabular: (g) => runExact(g, backup, { tolerance, maxIterations }, context) }) as TabularPosterior<S, A>)
          : runExact(graph, backup, { tolerance, maxIterations, solver }, context),
  });
}

/** Solve a graph by the kernel it carries, after the kernel confirms the graph is one of its own. */
function runKernel(graph: unknown, backup: BackupKind, context: KernelContext): unknown {
  const kernel = (graph as { kernel: ExactKernel<unknown, unknown> }).kernel;
  if (typeof kernel !== 'object' || kernel === null || typeof kernel.accepts !== 'function' || typeof kernel.solve !== 'function' || !kernel.accepts(graph)) {
    fail({
      code: 'argument-invalid',
      part: 'exact()',
      message: `exact(): the ${show((graph as { kind?: unknown }).kind)} graph carries the kernel ${show((kernel as { name?: unknown } | null)?.name ?? kernel)}, which does not solve it; expected the graph compile() made from the model. Pass the model itself to infer()`,
    });
  }
  return kernel.solve(graph, backup, context);
}

/** 'value-iteration' (the default, undefined) or a solver value such as policyIteration(), which solves the fixed-dynamics backup only. */
function solverOption(solver: unknown, backup: string): InfiniteSolver | undefined {
  if (solver === undefined || solver === 'value-iteration') return undefined;
  if (solver === 'policy-iteration') {
    fail({
      code: 'option-invalid',
      part: 'exact()',
      message: `exact(): solver is the name 'policy-iteration'; expected the solver itself, solver: policyIteration() (import { policyIteration } from 'control-as-inference') — a value, so that a page that does not use it does not bundle it`,
    });
  }
  const given = solver as Partial<InfiniteSolver> | null;
  if (typeof given !== 'object' || given === null || given.kind !== 'solver' || typeof given.solve !== 'function' || typeof given.applies !== 'function') {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): solver must be 'value-iteration' or policyIteration(), got ${show(solver)}` });
  }
  if (backup !== 'fixed-dynamics') {
    fail({
      code: 'option-invalid',
      part: 'exact()',
      message: `exact(): solver policyIteration() at backup '${backup}'; expected backup: 'fixed-dynamics' — policy iteration evaluates a fixed policy under the dynamics (Q = r + γE[V]), which the ${backup} backup is not. Use backup: 'fixed-dynamics', or leave solver out`,
    });
  }
  return given as InfiniteSolver;
}

/** mergeTolerance in (0, 0.5) and maxBeliefs a positive integer (POMDPs only). */
function beliefOptions(options: ExactOptions): { mergeTolerance: number; maxBeliefs: number; beliefPoints: number | undefined } {
  const mergeTolerance = options.mergeTolerance === undefined ? 1e-12 : options.mergeTolerance;
  if (typeof mergeTolerance !== 'number' || !(mergeTolerance > 0 && mergeTolerance < 0.5)) {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): mergeTolerance must be a number in (0, 0.5), got ${show(mergeTolerance)}` });
  }
  const maxBeliefs = options.maxBeliefs === undefined ? 1_000_000 : options.maxBeliefs;
  if (!Number.isInteger(maxBeliefs) || maxBeliefs < 1) {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): maxBeliefs must be a positive integer, got ${show(maxBeliefs)}` });
  }
  const beliefPoints = options.beliefPoints;
  if (beliefPoints !== undefined && (!Number.isInteger(beliefPoints) || beliefPoints < 1)) {
    fail({ code: 'option-invalid', part: 'exact()', message: `exact(): beliefPoints must be a positive integer, got ${show(beliefPoints)}` });
  }
  return { mergeTolerance, maxBeliefs, beliefPoints };
}

/**
 * The expected-utility agent has no discounted infinite-horizon version: its
 * operator U ↦ Σ_a softmax(Q/α) Q is not a contraction and may have several
 * fixed points (Asadi & Littman 2017), so a "stationary EU agent" is not well
 * defined. Refused here with the finite-horizon alternative.
 */
function agentHorizon(graph: FactorGraph<unknown, unknown>, backup: AgentBackup): AgentBackup {
  if (backup === 'expected-utility' && !Number.isFinite(graph.horizon)) {
    fail({
      code: 'unsupported-query',
      part: 'exact(expected-utility)',
      message: `exact(expected-utility): the model has an infinite horizon (discount(${graph.gamma})); expected a finite horizon — the softmax-weighted value U = Σ_a π Q is not a contraction and may have several fixed points, so the stationary agent is undefined. Give horizon(T) with discount(γ), or use backup: 'boltzmann'`,
    });
  }
  return backup;
}

/** `solution` is given when a batched pass (src/engines/exact/batch) already computed V. */
export function runExact<S, A>(
  graph: FactorGraph<S, A>,
  backup: BackupKind,
  iteration: { tolerance: number; maxIterations: number; solver?: InfiniteSolver | undefined },
  context: RunContext,
  solved?: FiniteSolution | InfiniteSolution,
): TabularPosterior<S, A> {
  const g = graph as FactorGraph<unknown, unknown>;
  const { nS, alpha } = graph;
  checkTemperatureRange(alpha, 'exact()');
  const finite = Number.isFinite(graph.horizon);
  const T = graph.horizon;
  // A solver handed in as a value (policyIteration()) where it applies; value iteration otherwise.
  // A finite horizon is one backward pass: there is no fixed point for a solver to find, so one asked for is refused, not ignored.
  if (finite && iteration.solver !== undefined) {
    fail({
      code: 'option-invalid',
      part: 'exact()',
      message: `exact(): solver ${iteration.solver.name === 'policy-iteration' ? 'policyIteration()' : show(iteration.solver.name)} on a model with horizon(${T}); expected an infinite horizon (discount(γ < 1) and no horizon), where a fixed point is solved — a finite horizon is one exact backward pass. Leave solver out`,
    });
  }
  const solver = !finite && backup === 'fixed-dynamics' && iteration.solver !== undefined && iteration.solver.applies(g) ? iteration.solver : undefined;
  const solution =
    solved ?? (finite ? solveFinite(g, backup, context.progress) : solver !== undefined ? solver.solve(g, iteration, context.progress) : solveInfinite(g, backup, iteration, context.progress));
  const V = (t: number) => (solution.kind === 'finite' ? solution.rows.row(t) : solution.values);
  /** V_{t+1}, or undefined at the last decision when there is no terminal factor. */
  const nextValues = (t: number) => (finite && t === T - 1 && !graph.terminal ? undefined : V(finite ? t + 1 : 0));

  const { policyRow, logPolicyRow, policyTableInto, Q } = policies(g, backup, V, nextValues, finite && scaledApplies(g, backup));

  // log p(O) = log Σ_s p(s_0) exp(V_0(s)/α)   (posterior backup)
  // ELBO     = Σ_s p(s_0) V_0(s) / α          (fixed dynamics: q(s_0) = p(s_0))
  const v0 = V(0);
  let value: number;
  let initial: Float64Array;
  if (backup === 'posterior') {
    value = -Infinity;
    for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0 && v0[s]! > value) value = v0[s]!;
    if (value > -Infinity && alpha > 0) {
      let low = Infinity;
      for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0 && v0[s]! < low) low = v0[s]!;
      // Large α: the log1p/expm1 form keeps α·log(Σ ≈ 1) to full precision (see NEAR in backup.ts).
      const near = value - low <= NEAR * alpha;
      let sum = 0;
      let total = 0;
      for (let s = 0; s < nS; s++) {
        if (!(graph.initial[s]! > 0)) continue;
        sum += graph.initial[s]! * (near ? Math.expm1 : Math.exp)((v0[s]! - value) / alpha);
        total += graph.initial[s]!;
      }
      value += alpha * (near ? Math.log1p(sum + massDefect(total, nS)) : Math.log(sum));
    }
    // p(s_0 | O) ∝ p(s_0) exp(V_0(s_0)/α)
    initial = tiltedInitial(graph.initial, v0, value, alpha);
  } else {
    value = 0;
    for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0) value += graph.initial[s]! * v0[s]!;
    initial = graph.initial.slice();
  }
  const logEvidence = alpha > 0 ? value / alpha : value === -Infinity ? -Infinity : value > 0 ? Infinity : value < 0 ? -Infinity : 0;

  return tabularPosterior({
    engine: 'exact',
    graph,
    exactness: exactness(backup, graph),
    evidence: evidence(backup, logEvidence, graph),
    value,
    convergence: solution.kind === 'infinite' ? solution.convergence : undefined,
    initial,
    logInitial: backup === 'posterior' ? logTiltedInitial(graph.initial, v0, value, alpha, initial) : graph.initial.map(Math.log),
    policyRow,
    logPolicyRow,
    policyTableInto,
    Q,
    // A copy: the stored rows must not be changed by callers (a row of totals is logged into the copy only).
    V: (t) => (solution.kind === 'finite' ? solution.rows.copy(t) : solution.values.slice()),
    tilt: backup === 'posterior' ? (t) => nextValues(t) ?? V(0) : () => undefined,
    // The scaled pass's merged rows serve the forward messages too (forward.ts): no π table per step.
    ...(solution.kind === 'finite' && solution.scaled ? { forwardStep: mergedForward(g, solution.rows, policyRow) } : {}),
    infeasible: value !== -Infinity ? undefined : backup === 'posterior' ? infeasibility(graph, V) : riskyStart(graph, v0),
    policyNeedsEvidence: backup === 'posterior',
  });
}

/** p(s_0 | O) = p(s_0) exp((V_0(s_0) − value)/α); at α = 0 the initial states attaining the max. */
function tiltedInitial(p0: Float64Array, v0: Float64Array, value: number, alpha: number): Float64Array {
  const out = new Float64Array(p0.length);
  if (value === -Infinity) return out;
  let sum = 0;
  for (let s = 0; s < p0.length; s++) {
    if (p0[s]! <= 0) continue;
    out[s] = alpha > 0 ? p0[s]! * Math.exp((v0[s]! - value) / alpha) : v0[s]! >= value - TIE_TOLERANCE * Math.max(1, Math.abs(value)) ? p0[s]! : 0;
    sum += out[s]!;
  }
  for (let s = 0; s < p0.length; s++) out[s] = out[s]! / sum;
  return out;
}

/** log p(s_0 | O) = log p(s_0) + (V_0(s_0) − value)/α, in log space (α = 0: the log of the tie-uniform weights). */
function logTiltedInitial(p0: Float64Array, v0: Float64Array, value: number, alpha: number, linear: Float64Array): Float64Array {
  if (alpha === 0 || value === -Infinity) return linear.map(Math.log);
  return p0.map((p, s) => (p > 0 && v0[s]! > -Infinity ? Math.log(p) + (v0[s]! - value) / alpha : -Infinity));
}

/** Why p(O) = 0: the earliest step from which no state is feasible, or that no initial state is. */
function infeasibility(graph: FactorGraph<unknown, unknown>, V: (t: number) => Float64Array): string {
  const last = Number.isFinite(graph.horizon) ? graph.horizon - 1 : 0;
  // If V_t ≡ −∞ then so is every earlier V; the latest such t says where the constraints bite.
  let latest = -1;
  for (let t = last; t >= 0; t--) {
    if (V(t).every((v) => v === -Infinity)) {
      latest = t;
      break;
    }
  }
  const where =
    latest >= 0
      ? `nothing is feasible from t = ${latest}`
      : 'no state the initial distribution allows has a feasible continuation';
  return `exact: p(O) = 0 — every trajectory meets a −Infinity reward; ${where}. Relax a hard constraint or change the initial state`;
}

/** Why the fixed-dynamics ELBO is −∞: q(s_0) = p(s_0) starts where every action risks a −∞ reward. */
function riskyStart(graph: FactorGraph<unknown, unknown>, v0: Float64Array): string {
  let s = 0;
  while (s < graph.nS && !(graph.initial[s]! > 0 && v0[s] === -Infinity)) s++;
  return `exact(fixed-dynamics): the ELBO is −Infinity — p(s_0) gives mass to s=${show(graph.states.values[s])}, from which every action risks a −Infinity reward under the true dynamics; q(τ) is undefined there (policies at other states are still defined)`;
}

function exactness(backup: BackupKind, graph: FactorGraph<unknown, unknown>): Exactness {
  const notes: string[] = [];
  if (backup === 'posterior' && !graph.deterministic) {
    notes.push('Stochastic dynamics: the exact posterior is optimistic (it also conditions the transitions on O); use backup: fixed-dynamics for a policy that cannot choose its luck.');
  }
  if (graph.alpha === 0) notes.push('α = 0: the hard-max limit; the policy is uniform (under the prior) over maximising actions.');
  if (!Number.isFinite(graph.horizon)) notes.push('Infinite horizon: V is the discounted fixed point, to the reported tolerance.');
  return {
    posterior: backup === 'posterior',
    policy: backup === 'posterior' ? 'exact p(a_t | s_t, O_{t:T})' : 'the fixed-dynamics optimum q(a_t | s_t) (Q = r + E[V], the structured variational solution)',
    evidence: backup === 'posterior' ? 'exact' : 'lower-bound',
    notes,
  };
}

function evidence(backup: BackupKind, logValue: number, graph: FactorGraph<unknown, unknown>): Evidence {
  const discounted = !Number.isFinite(graph.horizon) || graph.gamma < 1 ? ' (with γ < 1 this is the discounted soft value, not a probability)' : '';
  const hardMax = graph.alpha === 0 ? ' At α = 0 it is the limit (±Infinity or 0); see `value` for the hard-max value.' : '';
  return backup === 'posterior'
    ? { kind: 'exact', logValue, description: `log p(O) by exact sum-product${discounted}.${hardMax}` }
    : { kind: 'lower-bound', logValue, description: `ELBO of the fixed-dynamics variational posterior, E_{p(s_0)}[V_0]/α ≤ log p(O)${discounted}.${hardMax}` };
}
