/**
 * `evaluate(model, policy)`: the ordinary (not soft) value of any policy,
 *
 *   Q^π_t(s,a) = r_t(s,a) + γ Σ_{s'} p(s'|s,a) V^π_{t+1}(s')     (V^π_T = r_T, or 0)
 *   V^π_t(s)   = Σ_a π_t(a|s) Q^π_t(s,a),
 *
 * over a finite horizon, or to a tolerance for the discounted infinite one,
 * so that engines can be compared with each other and with textbook tables.
 * With `{ soft: true }` each decision also pays α log(π/p) — the soft value whose
 * start average over α is the ELBO of π:
 *
 *   V^π_t(s) = Σ_a π_t(a|s) [Q^π_t(s,a) − α log(π_t(a|s) / p(a|s))].
 */
import { compile } from '../compile/compile.js';
import { CaiError, checkOptions, fail, show, thrownText } from '../errors.js';
import { isDistribution, type Distribution } from '../dist/categorical.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Model } from '../types/model.js';
import type { EngineInput } from '../types/engine.js';
import type { Convergence, Posterior } from '../types/posterior.js';
import { SUM_TOLERANCE } from '../compile/tables.js';
import type { BeliefEvaluation, BeliefPolicy } from '../types/belief.js';
import type { TableKernel } from '../engines/exact/kernel.js';
import { policyValues } from './policy-value.js';
import { describeArgument, requireModelOrGraph } from '../compile/arguments.js';

/**
 * A policy to evaluate: a posterior of any engine (on a tabulated model), a
 * function of (s, t), or tables π_t (nS × nA, row-major).
 */
export type PolicyInput<S, A> =
  | Posterior<S, A, EngineInput>
  | ((s: S, t: number) => Distribution<A>)
  | { readonly table: (t: number) => Float64Array };

/** V^π and Q^π. */
export interface Evaluation {
  /** V^π_t(s), length nS. */
  V(t: number): Float64Array;
  /** Q^π_t(s, a), nS × nA. */
  Q(t: number): Float64Array;
  /** The expected return `E_{p(s_0)}[V^π_0(s_0)]` (with `soft: true`, α times the ELBO of π). */
  readonly value: number;
  readonly convergence: Convergence | undefined;
  /** What was assumed, e.g. how many (t, s) rows without a policy took the prior (`unvisited: 'prior'`). */
  readonly notes: readonly string[];
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Infinite horizon: stop when ‖V − T^π V‖∞ < tolerance (default 1e-10). */
  readonly tolerance?: number;
  /** Infinite horizon: give up after this many sweeps (default 100 000). */
  readonly maxIterations?: number;
  /**
   * The maximum-entropy (soft) value of π instead of the plain return (default false):
   * V^π_t(s) = Σ_a π(a|s) [Q^π_t(s,a) − α log(π(a|s) / p(a|s))], so that
   * E_{p(s_0)}[V^π_0] / α is the ELBO of π (≤ log p(O)), and at the fixed-dynamics
   * optimum V^π is that backup's soft V.
   */
  readonly soft?: boolean;
  /**
   * What to do where the policy has no row (all zeros) at a state that is not infeasible —
   * typically an importance posterior at a (t, s) no particle visited. An all-zero row at a
   * state from which every action meets −Infinity is infeasibility (V^π = −∞) for any policy;
   * anywhere else it says nothing about the value, so it is never read as −∞:
   * 'refuse' (default) throws `unsupported-query` naming the first such (t, s);
   * 'prior' uses p(a|s) there and counts those rows in `notes`.
   */
  readonly unvisited?: 'refuse' | 'prior';
}

/**
 * Expected return of a policy under the model's true dynamics.
 * @example evaluate(gridworld, () => uniform(['N', 'S', 'E', 'W'])).V(0)
 */
export function evaluate<S, A>(source: Model<S, A> | FactorGraph<S, A>, policy: { readonly belief: BeliefPolicy<S, A> }, options?: EvaluateOptions): BeliefEvaluation;
export function evaluate<S, A>(source: Model<S, A> | FactorGraph<S, A>, policy: PolicyInput<S, A>, options?: EvaluateOptions): Evaluation;
export function evaluate<S, A>(
  source: Model<S, A> | FactorGraph<S, A>,
  policy: PolicyInput<S, A> | { readonly belief: BeliefPolicy<S, A> },
  options: EvaluateOptions = {},
): Evaluation | BeliefEvaluation {
  requireModelOrGraph('evaluate()', source);
  requirePolicy(policy);
  checkOptions('evaluate()', options, ['tolerance', 'maxIterations', 'soft', 'unvisited']);
  const soft = options.soft ?? false;
  if (typeof soft !== 'boolean') fail({ code: 'option-invalid', part: 'evaluate()', message: `evaluate(): soft must be true or false, got ${show(soft)}` });
  const unvisited = options.unvisited ?? 'refuse';
  if (unvisited !== 'refuse' && unvisited !== 'prior') fail({ code: 'option-invalid', part: 'evaluate()', message: `evaluate(): unvisited must be 'refuse' or 'prior', got ${show(unvisited)}` });
  const graph = (source.kind === 'factor-graph' ? source : compile(source)) as FactorGraph<unknown, unknown>;
  // A POMDP is scored over the beliefs a belief policy reaches (engines/exact/belief/evaluate.ts), reached
  // through the kernel the graph carries (engines/exact/kernel.ts) so a fully observed page does not bundle it.
  const beliefPolicy = typeof policy === 'object' && policy !== null && 'belief' in policy ? policy.belief : undefined;
  if (graph.observation !== undefined || beliefPolicy !== undefined) {
    if (graph.observation === undefined) {
      fail({ code: 'option-invalid', part: 'evaluate()', message: 'evaluate(): { belief } policies are for models with an observation(...) part; this model is fully observed, so pass a function (s, t) => distribution' });
    }
    if (beliefPolicy === undefined) {
      fail({ code: 'observation-unsupported', part: 'evaluate()', message: 'evaluate(): the model has an observation(...) part (a POMDP), so a policy may not read the state; pass { belief: (t, b) => distribution } to evaluate a belief policy' });
    }
    if (soft) fail({ code: 'option-invalid', part: 'evaluate()', message: 'evaluate(): soft values of belief policies are not implemented; leave soft out' });
    return beliefKernelOf(graph).evaluate(graph, beliefPolicy as BeliefPolicy<unknown, unknown>, {
      tolerance: options.tolerance ?? 1e-10,
      maxIterations: options.maxIterations ?? 100_000,
      mergeTolerance: 1e-12,
      maxBeliefs: 1_000_000,
    });
  }
  const table = policyTables(graph, policy as PolicyInput<unknown, unknown>);
  // The backward pass itself is posterior/policy-value.ts.
  return policyValues(graph, table, { soft, unvisited, tolerance: options.tolerance ?? 1e-10, maxIterations: options.maxIterations ?? 100_000 }, policySource(policy as PolicyInput<unknown, unknown>));
}

/** How a refusal names the policy. */
function policySource(policy: PolicyInput<unknown, unknown>): string {
  return typeof policy === 'function' ? 'the policy' : 'table' in policy ? 'the policy table' : `the ${policy.engine} posterior`;
}

/** The belief kernel a POMDP's graph carries (compile() puts it there from the observation part). */
function beliefKernelOf(graph: FactorGraph<unknown, unknown>): TableKernel {
  const kernel = graph.kernel;
  if (typeof kernel !== 'object' || kernel === null || typeof kernel.evaluate !== 'function') {
    fail({ code: 'argument-invalid', part: 'evaluate()', message: `evaluate(): the graph has observation tables but carries no belief kernel (kernel is ${show(kernel)}); expected the graph compile() made from a model with an observation(...) part. Pass the model itself` });
  }
  return kernel;
}

function requirePolicy(policy: unknown): void {
  if (typeof policy === 'function') return;
  if (typeof policy === 'object' && policy !== null && (typeof (policy as { table?: unknown }).table === 'function' || typeof (policy as { policy?: unknown }).policy === 'function' || typeof (policy as { belief?: unknown }).belief === 'function')) return;
  fail({
    code: 'argument-invalid',
    part: 'evaluate()',
    message: `evaluate(): expected a policy — a posterior, a function (s, t) => categorical([[action, p], …]), { table } or, for a POMDP, { belief } — got ${describeArgument(policy)}; for the uniform policy pass (s, t) => uniform(actions)`,
  });
}

function policyTables(graph: FactorGraph<unknown, unknown>, policy: PolicyInput<unknown, unknown>): (t: number) => Float64Array {
  const { nS, nA } = graph;
  if (typeof policy === 'function') {
    return (t) => {
      const out = new Float64Array(nS * nA);
      for (let s = 0; s < nS; s++) {
        const sv = graph.states.values[s];
        let dist: unknown;
        try {
          dist = policy(sv, t);
        } catch (error) {
          const text = thrownText(error);
          throw new CaiError([{ code: 'function-threw', part: 'evaluate()', state: sv, t, message: `evaluate(): the policy threw at s=${show(sv)}, t=${t}: ${text}` }], { cause: error });
        }
        if (!isDistribution(dist)) {
          fail({ code: 'transition-not-distribution', part: 'evaluate()', state: sv, t, message: `evaluate(): the policy at s=${show(sv)}, t=${t} returned ${show(dist)}, not a distribution; return categorical([[action, p], …])` });
        }
        let sum = 0;
        const d = dist as Distribution<unknown>;
        d.support.forEach((a, k) => {
          const i = graph.actions.indexOf(a);
          if (i < 0) fail({ code: 'unknown-action', part: 'evaluate()', state: sv, action: a, t, message: `evaluate(): the policy at s=${show(sv)}, t=${t} gives mass to ${show(a)}, which is not an action of the model` });
          out[s * nA + i] = out[s * nA + i]! + d.probs[k]!;
          sum += d.probs[k]!;
        });
        if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
          fail({ code: 'probability-unnormalised', part: 'evaluate()', state: sv, t, message: `evaluate(): the policy at s=${show(sv)}, t=${t} sums to ${sum}; expected 1 ± ${SUM_TOLERANCE}` });
        }
      }
      return out;
    };
  }
  const checked = (table: Float64Array, t: number) => {
    if (table.length !== nS * nA) {
      fail({ code: 'option-invalid', part: 'evaluate()', t, message: `evaluate(): the policy table at t=${t} has ${table.length} entries; this model needs ${nS} states × ${nA} actions = ${nS * nA}` });
    }
    return table;
  };
  if ('table' in policy) return (t) => checked(policy.table(t), t);
  if (policy.graph.kind !== 'factor-graph') {
    fail({ code: 'option-invalid', part: 'evaluate()', message: `evaluate(): the ${policy.engine} posterior comes from a model that can only be simulated, so there are no tables to evaluate it on; estimate its return by simulation (sample(n, { seed }))` });
  }
  const other = policy.graph;
  const same = other.nS === nS && other.nA === nA && other.states.values.every((v, i) => graph.states.indexOf(v) === i) && other.actions.values.every((v, i) => graph.actions.indexOf(v) === i);
  if (!same) {
    fail({ code: 'option-invalid', part: 'evaluate()', message: `evaluate(): the posterior belongs to another model (${other.nS} states × ${other.nA} actions, this one has ${nS} × ${nA} or orders them differently); evaluate a posterior on the model it came from` });
  }
  return (t) => checked(policy.policyTable(Number.isFinite(policy.horizon) ? t : 0), t);
}
