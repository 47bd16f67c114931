/**
 * `variational({ family, steps, optimizer, learningRate, tolerance, gradient, samples, seed })`:
 * fit a policy q by maximising
 *
 *   ELBO(q) = Σ_t γ^t E_q[r_t(s_t,a_t)/α + log p(a_t|s_t) − log q_t(a_t|s_t)]  (+ γ^T E_q[r_T/α])  ≤ log p(O)
 *
 * over q(τ) = p(s_0) Π_t q_t(a_t|s_t) p(s_{t+1}|s_t,a_t) — the dynamics kept
 * fixed, so q cannot "choose its luck" as the exact posterior does. On a
 * tabulated model the gradient is exact (elbo.ts: a forward and a backward
 * pass); on a model that can only be simulated it is the score-function
 * estimate (score-function.ts). The maximiser over all policies is the
 * fixed-dynamics optimum of `exact({ backup: 'fixed-dynamics' })`.
 */
import { simulatorGraph } from '../../simulate/model-simulator.js';
import { rng } from '../../dist/rng.js';
import { checkOptions, fail, show } from '../../errors.js';
import { requirePosterior } from '../../compile/arguments.js';
import { simulatorOf } from '../../simulate/index.js';
import { checkRewardScale } from '../reward-scale.js';
import { checkMemory } from '../../compile/memory.js';
import type { Capability, Engine, RunContext } from '../../types/engine.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { CompiledModel } from '../../types/simulator.js';
import { exact } from '../exact/index.js';
import { ExactElbo } from './elbo.js';
import { fitWarnings, saturation } from './honesty.js';
import { supportOf } from './support.js';
import { tabularSoftmax, type PolicyFamily } from './families.js';
import { makeOptimizer, type OptimizerKind } from './optimizers.js';
import { simulatedVariational, tabularVariational, type VariationalFit, type VariationalPosterior } from './posterior.js';
import { ScoreFunction, type ElboEstimate } from './score-function.js';
import { runContinuousVariational } from './gaussian-run.js';
import { compileContinuous } from '../../simulate/continuous-simulator.js';
import type { ContinuousSimulatorGraph } from '../../types/continuous.js';

export { tabularSoftmax, linearSoftmax } from './families.js';
export { gaussianPolicy, isGaussianFamily } from './gaussian-family.js';
export type { GaussianPolicyOptions, GaussianPolicyFamily } from './gaussian-family.js';
export { gaussianPolicyOf, isGaussianPolicyPosterior } from './gaussian-posterior.js';
export type { GaussianPolicyPosterior, GaussianPolicy, ContinuousTrajectory } from './gaussian-posterior.js';
export type { PolicyFamily, BoundFamily, FamilyContext, FamilyOptions, PolicyFeatures } from './families.js';
export type { OptimizerKind } from './optimizers.js';
export type { VariationalFit, VariationalPosterior } from './posterior.js';

declare module '../../types/engine.js' {
  /** `infer(model, variational())` is a `VariationalPosterior<S, A>`. */
  interface PosteriorTypes<S, A, R extends EngineInput> {
    readonly variational: VariationalPosterior<S, A>;
  }
}

/** What `onProgress` receives after each evaluation of the ELBO. */
export interface VariationalProgress {
  /** Updates taken so far. */
  readonly step: number;
  /** The step budget. */
  readonly steps: number;
  /** The ELBO at the current parameters (a batch estimate with the score-function gradient). */
  readonly elbo: number;
  /** Standard error of `elbo` (score-function), undefined when exact. */
  readonly standardError: number | undefined;
}

/** Options of `variational(...)`. */
export interface VariationalOptions<S = unknown, A = unknown> {
  /**
   * The policy family (default `tabularSoftmax({ timeIndexed: true })`, which needs a finite state domain;
   * `gaussianPolicy()` for a model with a continuous action).
   */
  readonly family?: PolicyFamily<S, A>;
  /** The step budget: at most this many updates (default 1000). */
  readonly steps?: number;
  /** 'adam' (default) or 'gradient-ascent'. */
  readonly optimizer?: OptimizerKind;
  /** Step size η (default 0.1 for Adam, 1 for gradient ascent). */
  readonly learningRate?: number;
  /**
   * Exact gradient: stop when the ELBO changes by at most tolerance · max(1, |ELBO|) on
   * 10 consecutive steps (default 1e-12). Not accepted with the score-function gradient,
   * whose noisy estimates always run the full `steps`.
   */
  readonly tolerance?: number;
  /**
   * 'exact' (default where the model has tables) or 'score-function' (default otherwise);
   * 'reparameterised' for a `gaussianPolicy()` on a linear-Gaussian model (its default there).
   */
  readonly gradient?: 'exact' | 'score-function' | 'reparameterised';
  /** Score-function gradient: trajectories per step (default 100). */
  readonly samples?: number;
  /** Score-function gradient on a simulated model: trajectories for the final ELBO estimate (default 1000). */
  readonly evaluationSamples?: number;
  /** Seed of the run's one random stream (score-function gradient). Default 0. */
  readonly seed?: number | string;
  /** Called after each evaluation of the ELBO (besides the `progress` of `infer`'s run context). */
  readonly onProgress?: (progress: VariationalProgress) => void;
}

/** The checked options as the engine keeps them. */
export interface VariationalSettings {
  readonly family: PolicyFamily;
  /** False when `family` is the default (a continuous action then gets `gaussianPolicy()`). */
  readonly familyGiven?: boolean;
  readonly steps: number;
  readonly optimizer: OptimizerKind;
  readonly learningRate: number;
  readonly tolerance: number | undefined;
  readonly gradient: 'exact' | 'score-function' | 'reparameterised' | undefined;
  readonly samples: number | undefined;
  readonly evaluationSamples: number | undefined;
  readonly seed: number | string;
  readonly onProgress: ((progress: VariationalProgress) => void) | undefined;
}

const KNOWN: readonly (keyof VariationalOptions)[] = ['family', 'steps', 'optimizer', 'learningRate', 'tolerance', 'gradient', 'samples', 'evaluationSamples', 'seed', 'onProgress'];
const PART = 'variational()';
/** Consecutive calm steps before the exact-gradient fit counts as converged. */
const PATIENCE = 10;

function invalid(message: string): never {
  return fail({ code: 'option-invalid', part: PART, message: `${PART}: ${message}` });
}

function positiveInteger(name: string, value: unknown, least = 1): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) invalid(`${name} must be an integer ≥ ${least}, got ${show(value)}`);
}

/**
 * The variational engine.
 * @example infer(model, variational({ family: tabularSoftmax({ timeIndexed: true }), steps: 500 }))
 */
export function variational<S = unknown, A = unknown>(options: VariationalOptions<S, A> = {}): Engine<VariationalSettings, 'simulator', 'variational'> {
  checkOptions(PART, options, KNOWN);
  const family = (options.family ?? tabularSoftmax()) as PolicyFamily;
  if (typeof family !== 'object' || family === null || typeof family.bind !== 'function') {
    invalid(`family must be a policy family such as tabularSoftmax() or linearSoftmax(features), got ${show(family)}`);
  }
  const steps = options.steps ?? 1000;
  positiveInteger('steps', steps);
  const optimizer = options.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'gradient-ascent') invalid(`optimizer must be 'adam' or 'gradient-ascent', got ${show(optimizer)}`);
  const learningRate = options.learningRate ?? (optimizer === 'adam' ? 0.1 : 1);
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) invalid(`learningRate must be a positive finite number, got ${show(learningRate)}`);
  const gradient = options.gradient;
  if (gradient !== undefined && gradient !== 'exact' && gradient !== 'score-function' && gradient !== 'reparameterised') invalid(`gradient must be 'exact', 'score-function' or 'reparameterised', got ${show(gradient)}`);
  const tolerance = options.tolerance;
  if (tolerance !== undefined && (typeof tolerance !== 'number' || !(tolerance >= 0) || !Number.isFinite(tolerance))) invalid(`tolerance must be a finite number ≥ 0, got ${show(tolerance)}`);
  if (tolerance !== undefined && gradient === 'score-function') invalid(`tolerance applies to the exact gradient; a score-function fit is noisy and always runs the full steps — drop tolerance`);
  const samples = options.samples;
  if (samples !== undefined) positiveInteger('samples', samples);
  if (samples !== undefined && gradient === 'exact') invalid(`samples applies to gradient: 'score-function'; the exact gradient simulates nothing — drop samples`);
  const evaluationSamples = options.evaluationSamples;
  if (evaluationSamples !== undefined) positiveInteger('evaluationSamples', evaluationSamples, 2);
  if (evaluationSamples !== undefined && gradient === 'exact') invalid(`evaluationSamples applies to gradient: 'score-function'; drop it`);
  const seed = options.seed ?? 0;
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') invalid(`seed must be a finite number or a string, got ${show(seed)}`);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') invalid(`onProgress must be a function, got ${show(onProgress)}`);
  const settings: VariationalSettings = Object.freeze({ family, familyGiven: options.family !== undefined, steps, optimizer, learningRate, tolerance, gradient, samples, evaluationSamples, seed, onProgress });
  const capabilities: Capability[] = ['marginals', 'evidence', 'sampling', 'mode', 'fixed-dynamics', 'continuous-action'];
  return Object.freeze({
    name: 'variational',
    capabilities,
    options: settings,
    reads: 'simulator' as const,
    simulate: simulatorGraph,
    compileContinuous,
    // A model with a continuous action arrives as a ContinuousSimulatorGraph (infer() compiles it so) and gets a Gaussian policy.
    run: <S2, A2>(graph: CompiledModel<S2, A2>, context: RunContext) =>
      (graph as { kind: string }).kind === 'continuous-simulator'
        ? (runContinuousVariational(graph as unknown as ContinuousSimulatorGraph<S2>, settings, context) as unknown as VariationalPosterior<S2, A2>)
        : runVariational<S2, A2>(graph, settings, context),
  });
}

/** `post.fit` of a posterior from `variational()`, typed; throws for a posterior of another engine. */
export function variationalFit(post: { readonly engine: string }): VariationalFit {
  requirePosterior('variationalFit', post);
  const fit = (post as Partial<VariationalPosterior>).fit;
  if (post.engine !== 'variational' || fit === undefined) {
    fail({ code: 'option-invalid', part: 'variationalFit', message: `variationalFit: the posterior comes from ${show(post.engine)}, not variational(); only a variational fit has an ELBO trace` });
  }
  return fit;
}

function runVariational<S, A>(graph: CompiledModel<S, A>, settings: VariationalSettings, context: RunContext): VariationalPosterior<S, A> {
  const T = graph.horizon;
  if (!Number.isFinite(T)) {
    fail({ code: 'horizon-invalid', part: PART, message: `${PART}: the model has a discounted infinite horizon; the variational engine fits a finite-horizon q. Give horizon(T), or use exact() for the discounted fixed point` });
  }
  if (!(graph.alpha > 0)) {
    fail({ code: 'temperature-invalid', part: PART, message: `${PART}: temperature(0) is the hard-max limit, where the ELBO (r/α) is infinite; use temperature(α) with α > 0, or exact() for the hard max` });
  }
  checkRewardScale(graph as CompiledModel, PART);
  const tables = graph.kind === 'factor-graph' ? (graph as FactorGraph<S, A>) : undefined;
  if (settings.gradient === 'reparameterised') invalid(`gradient: 'reparameterised' is for a gaussianPolicy() on a model with action.continuous(...); this model's action is finite — use 'exact' or 'score-function'`);
  const gradient = settings.gradient ?? (tables ? 'exact' : 'score-function');
  if (gradient === 'exact' && tables === undefined) {
    const reason = graph.kind === 'simulator' ? graph.reason : '';
    fail({ code: 'needs-simulator', part: PART, message: `${PART}: gradient: 'exact' needs tables, but this model can only be simulated (${reason}); use gradient: 'score-function' (the default for such models)` });
  }
  if (gradient === 'exact' && (settings.samples !== undefined || settings.evaluationSamples !== undefined)) {
    invalid(`samples and evaluationSamples apply to the score-function gradient, but this model has tables and the gradient is exact; drop them or pass gradient: 'score-function'`);
  }
  if (gradient === 'score-function' && settings.tolerance !== undefined) {
    invalid(`tolerance applies to the exact gradient, but this model can only be simulated and the gradient is a score-function estimate, which always runs the full steps; drop tolerance`);
  }
  // Before anything is allocated: the ELBO trace (and its standard errors), 16 bytes per optimiser
  // step; the exact ELBO's ~ T·S·(64·A + 48) bytes (support, logits, q, Adam moments, marginals,
  // values), or the score-function estimate's (24 + 8·A) bytes per sample and step.
  const nA = graph.actions.size;
  checkMemory(PART, 16 * (settings.steps + 1), `the ELBO trace of ${settings.steps} steps`, 'take fewer steps (a fit that has not converged in 10^6 steps will not)');
  if (gradient === 'exact') {
    checkMemory(PART, T * tables!.nS * (64 * nA + 48), `the exact ELBO over T = ${T} steps × ${tables!.nS} states × ${nA} actions`, 'shorten the horizon, or use a stationary family (timeIndexed: false) with gradient: \'score-function\'');
  } else {
    checkMemory(PART, (settings.samples ?? 100) * T * (24 + 8 * nA), `the score-function estimate over ${settings.samples ?? 100} samples × T = ${T} steps`, 'use fewer samples or a shorter horizon');
  }
  const random = rng(settings.seed, PART);
  const sim = simulatorOf(graph);
  const states = sim.states;
  const example = states !== undefined ? states.values[0]! : sim.value(sim.initial(rng(settings.seed, PART)));
  // The exact gradient knows where q can go before binding the family (see support.ts).
  const support = tables !== undefined && gradient === 'exact' ? supportOf(tables as FactorGraph<unknown, unknown>) : undefined;
  const reachable = support !== undefined ? { start: support.start, list: support.list } : undefined;
  const family = settings.family.bind({ states, actions: graph.actions, horizon: T, example, ...(reachable !== undefined ? { reachable } : {}) });
  const params = new Float64Array(family.size);
  family.init(params);
  const grad = new Float64Array(family.size);
  const optimizer = makeOptimizer(settings.optimizer, family.size, settings.learningRate);
  const { steps } = settings;
  const trace = new Float64Array(steps + 1);
  const report = (k: number, elbo: number, se: number | undefined) => {
    settings.onProgress?.({ step: k, steps, elbo, standardError: se });
    if (context.progress !== undefined && (k % Math.max(1, Math.floor(steps / 100)) === 0 || k === steps)) {
      context.progress(k / steps, `variational: step ${k} of ${steps}, ELBO ${elbo.toPrecision(8)}`);
    }
  };
  const exactElbo = tables !== undefined ? new ExactElbo(tables, family, support) : undefined;
  if (exactElbo !== undefined) exactElbo.checkFeasible(PART);
  const diverged = (k: number) => {
    const where = exactElbo !== undefined && exactElbo.badState >= 0 ? ` at s=${show(graph.states!.values[exactElbo.badState])}, t=${exactElbo.badTime}` : '';
    return fail({
      code: 'not-converged',
      part: PART,
      message: `${PART}: the policy's logits${where} are not finite (NaN or ±Infinity) at step ${k}: the optimiser diverged — lower learningRate (now ${settings.learningRate}) — or the family returned them`,
    });
  };

  let taken = 0;
  let converged = false;
  let errors: Float64Array | undefined;
  let estimate: ElboEstimate = { elbo: NaN, standardError: NaN };
  if (gradient === 'exact') {
    const tolerance = settings.tolerance ?? 1e-12;
    let previous = NaN;
    let calm = 0;
    for (; taken < steps; taken++) {
      const value = exactElbo!.evaluate(params, grad);
      if (Number.isNaN(value)) diverged(taken);
      trace[taken] = value;
      report(taken, value, undefined);
      calm = Math.abs(value - previous) <= tolerance * Math.max(1, Math.abs(value)) ? calm + 1 : 0;
      previous = value;
      if (calm >= PATIENCE) {
        converged = true;
        break;
      }
      optimizer.step(params, grad);
    }
  } else {
    const samples = settings.samples ?? 100;
    const score = new ScoreFunction<S>(sim as never, family as never, samples, random, PART);
    errors = new Float64Array(steps + 1);
    for (; taken < steps; taken++) {
      score.gradient(params, grad, estimate);
      if (Number.isNaN(estimate.elbo)) diverged(taken);
      trace[taken] = estimate.elbo;
      errors[taken] = estimate.standardError;
      report(taken, estimate.elbo, estimate.standardError);
      optimizer.step(params, grad);
    }
    if (exactElbo === undefined) {
      const n = settings.evaluationSamples ?? 1000;
      estimate = score.estimate(params, n, { elbo: NaN, standardError: NaN });
      errors[taken] = estimate.standardError;
      trace[taken] = estimate.elbo;
      report(taken, estimate.elbo, estimate.standardError);
    }
  }

  context.progress?.(1, `variational: done after ${taken} steps${converged ? ' (converged)' : ''}`);
  const fitBase = {
    family: settings.family.name,
    gradient,
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    standardError: errors?.slice(0, taken + 1),
    steps: taken,
    converged,
    parameters: params.slice(),
  } as const;
  if (exactElbo !== undefined) {
    // The final q everywhere (not only where it goes) for the posterior's tables.
    const final = exactElbo.evaluate(params, undefined, true);
    if (Number.isNaN(final)) diverged(taken);
    trace[taken] = final;
    if (gradient !== 'exact') report(taken, final, undefined);
    const logZ = exact().run(tables!, {}).logEvidence;
    const warnings = fitWarnings(tables as FactorGraph<unknown, unknown>, trace, final, logZ, gradient === 'exact');
    const g = tables as FactorGraph<unknown, unknown>;
    let optimum: { policyTable(t: number): Float64Array } | undefined;
    const saturated = saturation(g, exactElbo.q, exactElbo.d, exactElbo.allowed, (t) => {
      optimum ??= exact({ backup: 'fixed-dynamics' }).run(g, {});
      return optimum.policyTable(t);
    });
    if (saturated !== undefined) warnings.push(saturated);
    const fit: VariationalFit = { ...fitBase, converged: converged && warnings.length === 0, warnings, elbo: trace.slice(0, taken + 1), logZ, gap: logZ - final };
    return tabularVariational(tables!, exactElbo, { fit, part: PART }, final) as VariationalPosterior<S, A>;
  }
  const fit: VariationalFit = { ...fitBase, warnings: [], elbo: trace.slice(0, taken + 1), logZ: undefined, gap: undefined };
  return simulatedVariational<S, A>(
    { graph: graph as never, sim: sim as never, family: family as never, params, estimate: { elbo: estimate.elbo, standardError: estimate.standardError, samples: settings.evaluationSamples ?? 1000 } },
    { fit, part: PART },
  );
}
