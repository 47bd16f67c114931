/**
 * The IRL objective as a value: `rewardLikelihood(model, demos, options)`
 * compiles the model once (without its reward), checks the demonstrations
 * and returns J(θ) = log p(demos | θ) − (l2/2)‖θ‖² with its exact gradient.
 * `inferReward` maximises it; it is public for custom optimisers, Laplace
 * approximations or MCMC over θ.
 */
import { refusePomdpQuery } from '../engines/partially-observed.js';
import { compile } from '../compile/compile.js';
import { attachViews } from '../compile/views.js';
import { model as makeModel } from '../dsl/model.js';
import { optimality } from '../dsl/parts.js';
import { exact } from '../engines/exact/index.js';
import { checkOptions, fail, show } from '../errors.js';
import type { Engine, EngineInput } from '../types/engine.js';
import type { FactorGraph, IndexedDomain } from '../types/factor-graph.js';
import { indexDomain } from '../compile/domain.js';
import type { Model, Part } from '../types/model.js';
import type { Posterior } from '../types/posterior.js';
import { indexDemonstrations, type Demonstration } from './demonstrations.js';
import { callFeatures, checkVector, featureTable, rewardInto, type Features, type FeatureTable } from './features.js';
import { exactExpectations, type FeatureExpectations, type IrlStart, type IrlVariant } from './likelihood.js';
import { discountedExpectations } from './discounted.js';
import { unboundedWeights, type Candidate, type UnboundedCheck } from './unbounded.js';
import { featureFunction, sampledExpectations } from './sampled.js';
import { infer } from '../engines/engine.js';
import { requireModel } from '../compile/arguments.js';

/** Options of `rewardLikelihood`. */
export interface RewardLikelihoodOptions<S, A, R extends EngineInput = 'tables'> {
  /** φ(s, a), or `indicatorFeatures('state' | 'state-action')`. */
  readonly features: Features<S, A>;
  /**
   * Engine for the expected feature counts: `exact()` (default; exact counts from the
   * forward pass) or `importance({ particles, seed, proposal })` (trajectories simulated
   * once and reweighted for every θ; the only choice for a model that can only be simulated).
   */
  readonly engine?: Engine<unknown, R>;
  /** 'maxent' (exact posterior, the default) or 'causal' (fixed dynamics: maximum causal entropy). */
  readonly variant?: IrlVariant;
  /**
   * 'observed' (default): condition on each demonstration's first state, log p(s_0) + log p(τ | s_0, O)
   * (Ziebart et al. 2008). 'posterior': the start is evidence too, log p(s_0 | O) + log p(τ | s_0, O).
   * The same for 'causal', whose start is never tilted.
   */
  readonly start?: IrlStart;
  /** Precision of the Gaussian prior θ ~ N(0, I/l2); 0 (default) is maximum likelihood. */
  readonly l2?: number;
}

const KNOWN: readonly (keyof RewardLikelihoodOptions<unknown, unknown, EngineInput>)[] = ['features', 'engine', 'variant', 'start', 'l2'];

/** J and its parts at one θ. */
export interface LikelihoodValue {
  /** Σ_demos log p(τ | θ). */
  readonly logLikelihood: number;
  /** logLikelihood − (l2/2)‖θ‖². */
  readonly objective: number;
  /** ∇J = (empirical − expected)/α − l2·θ. */
  readonly gradient: Float64Array;
  /** The expected feature counts the gradient is taken against (see likelihood.ts). */
  readonly expected: Float64Array;
}

/** J(θ) for fixed demonstrations, features and model. */
export interface RewardLikelihood<S, A, R extends EngineInput = 'tables'> {
  readonly variant: IrlVariant;
  /** How the demonstrations' first states are scored ('observed' or 'posterior'). */
  readonly start: IrlStart;
  /** K, the length of θ. */
  readonly size: number;
  /** Number of demonstrations N. */
  readonly count: number;
  readonly alpha: number;
  readonly l2: number;
  /** Σ_demos Σ_t φ(s_t, a_t). */
  readonly empirical: Float64Array;
  /** J, log-likelihood and gradient at θ (length K). */
  evaluate(theta: ArrayLike<number>): LikelihoodValue;
  /** J(θ) with ∇J written into `gradient`, no allocation (for optimisers). */
  objectiveInto(theta: Float64Array, gradient: Float64Array): number;
  /** The log-likelihood of the last `objectiveInto` / `evaluate`. */
  readonly lastLogLikelihood: number;
  /** The expected counts of the last `objectiveInto` / `evaluate` (a live buffer). */
  readonly lastExpected: Float64Array;
  /** r_θ(s, a) = θ · φ(s, a). */
  reward(theta: Float64Array): (s: S, a: A) => number;
  /** The model with its optimality parts replaced by optimality(r_θ). */
  model(theta: Float64Array): Model<S, A>;
  /**
   * The posterior under r_θ: exact (posterior backup for 'maxent', fixed dynamics for
   * 'causal'), or the importance engine's run on the learned model.
   */
  posterior(theta: Float64Array): Posterior<S, A, R>;
  /**
   * Weights whose maximum-likelihood value is infinite (unbounded.ts): every demonstrated step
   * already does the most (direction 1) or least (−1) of feature k the model allows. With θ,
   * only features whose weight is already large, |θ_k|·(max φ_k − min φ_k)/α ≥ 5, are checked
   * (a fit can only be running off on those), largest first, in the direction of their sign;
   * without, all K. A work budget (~2e8 dynamics entries) bounds the check; `unchecked` counts
   * the candidates it left. Undefined for importance(), which has no tables to check against.
   */
  unboundedWeights(theta?: ArrayLike<number>): UnboundedCheck | undefined;
  /** True when LL and its gradient are exact; false for importance-sampling estimates. */
  readonly exact: boolean;
  /** Importance sampling: the effective sample size of the weights at the last θ evaluated (NaN for exact). */
  readonly ess: number;
}

/**
 * The objective of inverse RL for a model (its states, actions, dynamics, prior,
 * horizon and temperature; its optimality parts are ignored) and demonstrations.
 * @example
 * const J = rewardLikelihood(gridworld, demos, { features: φ, l2: 0.1 });
 * J.evaluate([0.5, -1]).gradient;
 */
export function rewardLikelihood<S, A, R extends EngineInput = 'tables'>(
  base: Model<S, A>,
  demonstrations: readonly Demonstration<S, A>[],
  options: RewardLikelihoodOptions<S, A, R>,
): RewardLikelihood<S, A, R> {
  requireModel('rewardLikelihood()', base);
  checkOptions('rewardLikelihood', options, KNOWN);
  return prepare(base, demonstrations, options, 'rewardLikelihood');
}

/** The shared set-up of `rewardLikelihood` and `inferReward` (options already checked for unknown keys). */
export function prepare<S, A, R extends EngineInput>(
  base: Model<S, A>,
  demonstrations: readonly Demonstration<S, A>[],
  options: RewardLikelihoodOptions<S, A, R>,
  part: string,
): RewardLikelihood<S, A, R> {
  const engine = (options.engine ?? exact()) as Engine;
  // IRL here scores demonstrations with fully observed policies; a POMDP's demonstrator sees only observations.
  refusePomdpQuery(part, base as Model<unknown, unknown>, 'inverse RL over belief policies is not implemented; drop the observation(...) part to learn from a fully observed demonstrator');
  const variant = chooseVariant(engine, options.variant, part);
  const start = options.start ?? 'observed';
  if (start !== 'observed' && start !== 'posterior') {
    fail({ code: 'option-invalid', part, message: `${part}: start must be 'observed' (condition on each demonstration's first state) or 'posterior' (the start is evidence too), got ${show(start)}` });
  }
  const l2 = options.l2 ?? 0;
  const features = options.features;
  if (typeof features !== 'function' && (typeof features !== 'object' || features === null || features.kind !== 'indicator')) {
    fail({ code: 'option-invalid', part, message: `${part}: features must be a function (s, a) => number[] or indicatorFeatures(...), got ${show(features)}` });
  }
  if (!(l2 >= 0) || !Number.isFinite(l2)) fail({ code: 'option-invalid', part, message: `${part}: l2 must be a finite number ≥ 0, got ${show(l2)}` });

  // The model without its reward: r_θ is supplied table by table, never recompiled.
  const kept = base.parts.filter((p) => p.kind !== 'optimality' && p.kind !== 'terminal') as Part<S, A>[];
  const learnedModel = (r: (s: S, a: A) => number) => makeModel<S, A>(...kept, optimality((s: S, a: A) => r(s, a)));
  if (engine.name === 'importance') {
    const sampled = sampledExpectations(kept, demonstrations, features, engine, part, start);
    const rewardOf = (theta: Float64Array) => sampledReward(features, theta, base, part);
    return objectiveOf<S, A, R>(sampled, variant, start, l2, sampled, {
      reward: rewardOf,
      model: (theta) => learnedModel(rewardOf(theta)),
      posterior: (theta) => infer(learnedModel(rewardOf(theta)), engine as Engine<unknown, R>),
      unboundedWeights: () => undefined,
    });
  }
  const graph = compile(makeModel<S, A>(...kept, optimality(() => 0)));
  checkGraph(graph, part);
  const table = featureTable(graph, features);
  const indexed = indexDemonstrations(graph, demonstrations);
  const g = graph as FactorGraph<unknown, unknown>;
  // γ = 1 on a finite horizon: the fused scaled solver; otherwise the discounted log-space recursion.
  const expectations: FeatureExpectations =
    Number.isFinite(graph.horizon) && graph.gamma === 1 ? exactExpectations(g, table, indexed, variant, start) : discountedExpectations(g, table, indexed, variant, start);
  return objectiveOf<S, A, R>(expectations, variant, start, l2, { ess: NaN }, {
    reward: (theta) => rewardFunction(graph, table, theta, features),
    model: (theta) => learnedModel(rewardFunction(graph, table, theta, features)),
    posterior: (theta) => {
      // From the compiled graph with its reward table swapped (no recompilation).
      const rewardTable = new Float64Array(graph.nS * graph.nA);
      rewardInto(table, theta, rewardTable);
      return exact({ backup: variant === 'maxent' ? 'posterior' : 'fixed-dynamics' }).run(withReward(graph, rewardTable), {}) as unknown as Posterior<S, A, R>;
    },
    unboundedWeights: (theta) => {
      const K = table.size;
      const spread = featureSpread(table, graph.nS * graph.nA);
      const size = (k: number) => (theta === undefined ? 0 : (Math.abs(theta[k]!) * spread[k]!) / graph.alpha);
      const candidates: Candidate[] = [];
      for (let k = 0; k < K; k++) {
        if (theta === undefined) candidates.push({ feature: k });
        else if (size(k) >= 5) candidates.push({ feature: k, direction: theta[k]! > 0 ? 1 : -1 });
      }
      candidates.sort((x, y) => size(y.feature) - size(x.feature) || x.feature - y.feature);
      return unboundedWeights(g, table, indexed, variant, start, candidates);
    },
  });
}

/** J(θ) = LL(θ) − (l2/2)‖θ‖²,  ∇J = (empirical − expected)/α − l2 θ, around any source of expectations. */
function objectiveOf<S, A, R extends EngineInput>(
  expectations: FeatureExpectations,
  variant: IrlVariant,
  start: IrlStart,
  l2: number,
  sampling: { readonly ess: number },
  views: Pick<RewardLikelihood<S, A, R>, 'reward' | 'model' | 'posterior' | 'unboundedWeights'>,
): RewardLikelihood<S, A, R> {
  const K = expectations.size;
  const expected = new Float64Array(K);
  const state = { ll: NaN };
  const objectiveInto = (theta: Float64Array, gradient: Float64Array): number => {
    const ll = expectations.evaluate(theta, expected);
    state.ll = ll;
    let penalty = 0;
    for (let k = 0; k < K; k++) {
      penalty += theta[k]! * theta[k]!;
      gradient[k] = (expectations.empirical[k]! - expected[k]!) / expectations.alpha - l2 * theta[k]!;
    }
    return ll - 0.5 * l2 * penalty;
  };
  return {
    variant,
    start,
    size: K,
    count: expectations.count,
    alpha: expectations.alpha,
    l2,
    empirical: expectations.empirical,
    objectiveInto,
    get lastLogLikelihood() {
      return state.ll;
    },
    lastExpected: expected,
    exact: expectations.exact,
    get ess() {
      return sampling.ess;
    },
    evaluate(theta) {
      const x = new Float64Array(K);
      checkVector(Array.from(theta), K, 'θ', '(evaluate)');
      x.set(Array.from(theta));
      const gradient = new Float64Array(K);
      const objective = objectiveInto(x, gradient);
      return { logLikelihood: state.ll, objective, gradient, expected: expected.slice() };
    },
    ...views,
  };
}

function chooseVariant(engine: Engine, variant: IrlVariant | undefined, part: string): IrlVariant {
  if (variant !== undefined && variant !== 'maxent' && variant !== 'causal') {
    fail({ code: 'option-invalid', part, message: `${part}: variant must be 'maxent' or 'causal', got ${show(variant)}` });
  }
  if (engine.name === 'importance') {
    if (variant === 'causal') {
      fail({
        code: 'option-invalid',
        part,
        message: `${part}: variant 'causal' needs the fixed-dynamics policy, which importance() does not compute; use exact() for 'causal', or variant 'maxent' with importance()`,
      });
    }
    return 'maxent';
  }
  if (engine.name !== 'exact') {
    fail({ code: 'option-invalid', part, message: `${part}: engine ${show(engine.name)} cannot supply expected feature counts; use exact() or importance()` });
  }
  // Without a variant, the exact engine's backup says which one: fixed-dynamics is the causal variant.
  const backup = (engine.options as { backup?: string }).backup;
  return variant ?? (backup === 'fixed-dynamics' ? 'causal' : 'maxent');
}

function checkGraph(graph: FactorGraph<unknown, unknown>, part: string): void {
  if (!(graph.alpha > 0)) {
    fail({ code: 'option-invalid', part, message: `${part}: temperature(0) gives every demonstration that is not exactly optimal probability 0; give a temperature α > 0` });
  }
}

/** max − min of each φ_k over every (s, a); a row without an entry for k holds φ_k = 0. */
function featureSpread(table: FeatureTable, rows: number): Float64Array {
  const K = table.size;
  const high = new Float64Array(K).fill(-Infinity);
  const low = new Float64Array(K).fill(Infinity);
  const seen = new Int32Array(K);
  for (let j = 0; j < table.index.length; j++) {
    const k = table.index[j]!;
    high[k] = Math.max(high[k]!, table.value[j]!);
    low[k] = Math.min(low[k]!, table.value[j]!);
    seen[k]! += 1;
  }
  return Float64Array.from({ length: K }, (_, k) => (seen[k]! < rows ? Math.max(high[k]!, 0) - Math.min(low[k]!, 0) : high[k]! - low[k]!));
}

/** r_θ(s, a) = θ · φ(s, a): by table lookup for states of the model, by calling φ otherwise. */
function rewardFunction<S, A>(graph: FactorGraph<S, A>, table: FeatureTable, theta: Float64Array, features: Features<S, A>): (s: S, a: A) => number {
  const { nA } = graph;
  return (s: S, a: A): number => {
    const i = graph.states.indexOf(s);
    const j = graph.actions.indexOf(a);
    if (i >= 0 && j >= 0) {
      let r = 0;
      for (let k = table.rowStart[i * nA + j]!; k < table.rowStart[i * nA + j + 1]!; k++) r += table.value[k]! * theta[table.index[k]!]!;
      return r;
    }
    if (typeof features !== 'function') {
      fail({ code: 'unknown-state', part: 'reward', state: s, action: a, message: `reward: (s=${show(s)}, a=${show(a)}) is not a state-action pair of the model; indicator features have no weight for it` });
    }
    const phi = callFeatures(features, s, a);
    checkVector(phi, theta.length, s, a);
    let r = 0;
    for (let k = 0; k < phi.length; k++) r += phi[k]! * theta[k]!;
    return r;
  };
}

/** The same compiled graph with a stationary reward table r(s, a) in place of its own. */
function withReward<S, A>(graph: FactorGraph<S, A>, reward: Float64Array): FactorGraph<S, A> {
  const { unrolled: _unrolled, toDot: _toDot, toJSON: _toJSON, ...core } = graph;
  return attachViews({ ...core, reward, rewardTimeVarying: false, rewardAt: () => reward });
}

/** r_θ(s, a) = θ · φ(s, a) by calling φ (models without tables). */
function sampledReward<S, A>(features: Features<S, A>, theta: Float64Array, base: Model<S, A>, part: string): (s: S, a: A) => number {
  const domains = domainsOf(base);
  const phi = featureFunction(features, domains.states, domains.actions, part);
  return (s: S, a: A) => {
    const f = phi(s, a);
    checkVector(f, theta.length, s, a);
    let r = 0;
    for (let k = 0; k < f.length; k++) r += f[k]! * theta[k]!;
    return r;
  };
}

/** The finite state domain (one state variable) and the action domain of a model, for indicator features. */
function domainsOf<S, A>(base: Model<S, A>): { states: IndexedDomain<S> | undefined; actions: IndexedDomain<A> } {
  const stateParts = base.parts.filter((p) => p.kind === 'state' || p.kind === 'simulated-state');
  const actionPart = base.parts.find((p) => p.kind === 'action');
  const states = stateParts.length === 1 && stateParts[0]!.kind === 'state' ? indexDomain(stateParts[0]!.name, stateParts[0]!.domain as readonly S[]) : undefined;
  return { states, actions: indexDomain(actionPart?.kind === 'action' ? actionPart.name : 'action', (actionPart?.kind === 'action' ? actionPart.domain : []) as readonly A[]) };
}
