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
}

/**
 * Expected return of a policy under the model's true dynamics.
 * @example evaluate(gridworld, () => uniform(['N', 'S', 'E', 'W'])).V(0)
 */
export function evaluate<S, A>(source: Model<S, A> | FactorGraph<S, A>, policy: PolicyInput<S, A>, options: EvaluateOptions = {}): Evaluation {
  requireModelOrGraph('evaluate()', source);
  requirePolicy(policy);
  checkOptions('evaluate()', options, ['tolerance', 'maxIterations', 'soft']);
  const soft = options.soft ?? false;
  if (typeof soft !== 'boolean') fail({ code: 'option-invalid', part: 'evaluate()', message: `evaluate(): soft must be true or false, got ${show(soft)}` });
  const graph = (source.kind === 'factor-graph' ? source : compile(source)) as FactorGraph<unknown, unknown>;
  const table = policyTables(graph, policy as PolicyInput<unknown, unknown>);
  const { nS, nA } = graph;
  const finite = Number.isFinite(graph.horizon);
  const q = new Float64Array(nS * nA);

  /** Q^π_t into q from V^π_{t+1} (`next`, undefined at the last decision without a terminal factor). */
  const fillQ = (reward: Float64Array, next: Float64Array | undefined) => {
    const { rowStart, next: succ, prob } = graph.dynamics;
    for (let row = 0; row < nS * nA; row++) {
      let expected = 0;
      if (next !== undefined) for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) expected += prob[k]! * next[succ[k]!]!;
      q[row] = reward[row] === -Infinity || expected === -Infinity ? -Infinity : reward[row]! + graph.gamma * expected;
    }
  };
  // The soft value charges α log(π/p) per decision (−∞ where π leaves the prior's support).
  const alpha = soft ? graph.alpha : 0;
  const fillV = (pi: Float64Array, out: Float64Array) => {
    for (let s = 0; s < nS; s++) {
      let v = 0;
      let mass = 0;
      for (let a = 0; a < nA; a++) {
        const p = pi[s * nA + a]!;
        if (p > 0) v += p * (alpha === 0 ? q[s * nA + a]! : q[s * nA + a]! - alpha * Math.log(p / graph.prior[s * nA + a]!)); // skip p = 0 so that 0·(−∞) never makes NaN
        mass += p;
      }
      // A posterior's all-zero row marks a state where every action meets −∞ eventually.
      out[s] = mass > 0 ? v : -Infinity;
    }
  };

  if (finite) {
    const T = graph.horizon;
    const values = new Float64Array(nS * (T + 1));
    if (graph.terminal) values.set(graph.terminal, T * nS);
    const V = (t: number) => values.subarray(t * nS, (t + 1) * nS);
    const next = (t: number) => (t === T - 1 && !graph.terminal ? undefined : V(t + 1));
    for (let t = T - 1; t >= 0; t--) {
      fillQ(graph.rewardAt(t), next(t));
      fillV(table(t), V(t));
    }
    return {
      V: (t) => V(t).slice(),
      Q: (t) => (fillQ(graph.rewardAt(t), next(t)), q.slice()),
      value: expectation(graph.initial, V(0)),
      convergence: undefined,
    };
  }
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100_000;
  const pi = table(0);
  let current = new Float64Array(nS);
  let updated = new Float64Array(nS);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    fillQ(graph.reward, current);
    fillV(pi, updated);
    let residual = 0;
    for (let s = 0; s < nS; s++) residual = Math.max(residual, updated[s] === current[s] ? 0 : Math.abs(updated[s]! - current[s]!));
    [current, updated] = [updated, current];
    if (residual < tolerance) {
      const V = current;
      return {
        V: () => V.slice(),
        Q: () => (fillQ(graph.reward, V), q.slice()),
        value: expectation(graph.initial, V),
        convergence: { iterations: iteration, residual, tolerance },
      };
    }
  }
  return fail({
    code: 'not-converged',
    part: 'evaluate()',
    message: `evaluate(): policy evaluation did not converge in ${maxIterations} iterations; raise maxIterations or tolerance`,
  });
}

function expectation(p: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let s = 0; s < p.length; s++) if (p[s]! > 0) sum += p[s]! * v[s]!;
  return sum;
}

/** Normalise the accepted policy forms to t ↦ π_t table, checking rows as we go. */
/** A posterior, a function (s, t) => distribution, or { table }; e.g. 'uniform' is refused with the way to say it. */
function requirePolicy(policy: unknown): void {
  if (typeof policy === 'function') return;
  if (typeof policy === 'object' && policy !== null && (typeof (policy as { table?: unknown }).table === 'function' || typeof (policy as { policy?: unknown }).policy === 'function')) return;
  fail({
    code: 'argument-invalid',
    part: 'evaluate()',
    message: `evaluate(): expected a policy — a posterior, a function (s, t) => categorical([[action, p], …]) or { table } — got ${describeArgument(policy)}; for the uniform policy pass (s, t) => uniform(actions)`,
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
