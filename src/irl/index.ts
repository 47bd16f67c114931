/**
 * Inverse RL: a reward from demonstrations. Under the optimality model a
 * demonstration is evidence about the reward; with r_θ(s, a) = θ · φ(s, a)
 * the gradient of its log-likelihood is
 *
 *   ∇_θ log p(demos | θ) = (empirical − expected feature counts) / α
 *
 * (MaxEnt IRL, Ziebart et al. 2008; with the fixed-dynamics backup, maximum
 * causal entropy IRL, Ziebart et al. 2010). A Gaussian prior θ ~ N(0, I/l2)
 * makes the result a MAP estimate. likelihood.ts states the exact objective.
 */
import { checkOptions, fail, show } from '../errors.js';
import type { Engine, EngineInput } from '../types/engine.js';
import type { Model } from '../types/model.js';
import type { Posterior } from '../types/posterior.js';
import type { Demonstration } from './demonstrations.js';
import { type Features } from './features.js';
import type { IrlStart, IrlVariant } from './likelihood.js';
import type { UnboundedWeight } from './unbounded.js';
import { prepare } from './objective.js';
import { laplaceAt, type LaplaceApproximation } from './laplace.js';
import { maximize } from './optimize.js';
import { requireModel } from '../compile/arguments.js';

export { indicatorFeatures, type Features, type FeatureFunction, type IndicatorFeatures } from './features.js';
export { loadDemonstrations, demonstrationsJSON, demonstrationsFrom, type Demonstration, type DemonstrationStep, type DemonstrationsFile } from './demonstrations.js';
export { rewardLikelihood, type RewardLikelihood, type RewardLikelihoodOptions, type LikelihoodValue } from './objective.js';
export type { IrlVariant, IrlStart, FeatureExpectations } from './likelihood.js';
export type { UnboundedWeight, UnboundedCheck } from './unbounded.js';
export type { LaplaceApproximation } from './laplace.js';

/** Progress of a fit, passed to `onProgress` after every accepted step. */
export interface IrlProgress {
  readonly iteration: number;
  /** Σ_demos log p(τ | θ). */
  readonly logLikelihood: number;
  /** logLikelihood − (l2/2)‖θ‖² (the log-posterior up to a constant). */
  readonly objective: number;
  /** ‖∇ objective‖∞ / N: the largest per-demonstration gradient entry (the stopping rule compares it with `tolerance`). */
  readonly gradientNorm: number;
}

/** Options of `inferReward`. */
export interface InferRewardOptions<S, A, R extends EngineInput = 'tables'> {
  /** φ(s, a), or `indicatorFeatures('state' | 'state-action')`. */
  readonly features: Features<S, A>;
  /**
   * Engine for the expected feature counts: `exact()` (default) or `importance({ particles, seed })`
   * (a model that can only be simulated; 'maxent' only, full-length demonstrations).
   */
  readonly engine?: Engine<unknown, R>;
  /** 'maxent' (exact posterior, the default) or 'causal' (fixed dynamics: maximum causal entropy). */
  readonly variant?: IrlVariant;
  /**
   * 'observed' (default): each demonstration's first state is given, and τ is scored by
   * p(s_0) p(τ | s_0, O) (Ziebart et al. 2008, Alg. 1; irl-maxent; imitation). 'posterior':
   * the start is evidence about the reward too, p(s_0 | O) ∝ p(s_0) exp(V_0(s_0)/α) — right
   * only when the demonstrator chose where to start. The same for 'causal'.
   */
  readonly start?: IrlStart;
  /** Precision of the Gaussian prior θ ~ N(0, I/l2); 0 (default) is maximum likelihood. */
  readonly l2?: number;
  /** Most optimiser iterations (default 200). */
  readonly steps?: number;
  /** Stop when ‖∇ objective‖∞ / N ≤ tolerance (default 1e-6). */
  readonly tolerance?: number;
  /** 'lbfgs' (default) or 'gradient' (gradient ascent with backtracking). */
  readonly optimizer?: 'lbfgs' | 'gradient';
  /** θ to start from (default zeros). */
  readonly initial?: readonly number[];
  readonly onProgress?: (progress: IrlProgress) => void;
}

const KNOWN: readonly (keyof InferRewardOptions<unknown, unknown, EngineInput>)[] = ['features', 'engine', 'variant', 'start', 'l2', 'steps', 'tolerance', 'optimizer', 'initial', 'onProgress'];

/** What `inferReward` returns. */
export interface RewardEstimate<S, A, R extends EngineInput = 'tables'> {
  readonly variant: IrlVariant;
  /** How the demonstrations' first states were scored. */
  readonly start: IrlStart;
  /** The MAP (or maximum-likelihood) weights. */
  readonly theta: Float64Array;
  /** r_θ(s, a) = θ · φ(s, a). */
  reward(s: S, a: A): number;
  /** The input model with its optimality parts replaced by optimality(r_θ). */
  readonly model: Model<S, A>;
  /**
   * The posterior under r_θ: exact (posterior backup for 'maxent', fixed dynamics for
   * 'causal'), or for importance() the engine's run on the learned model. Computed on first access.
   */
  readonly posterior: Posterior<S, A, R>;
  /**
   * Σ_demos log p(τ | θ) at θ (exact: equals Σ posterior.logProb(τ)). With importance()
   * an estimate, and without the θ-free terms log p(s_0) + Σ log p(s'|s,a) a simulator cannot evaluate.
   */
  readonly logLikelihood: number;
  /** True when the log-likelihood and gradient are exact; false for importance-sampling estimates. */
  readonly exact: boolean;
  /** importance(): the effective sample size of the particle weights reweighted to the final θ (NaN for exact). */
  readonly ess: number;
  /** logLikelihood − (l2/2)‖θ‖². */
  readonly objective: number;
  /** logLikelihood after each accepted step (index 0 is the start). */
  readonly trace: readonly number[];
  /** (empirical − expected feature counts) / N at θ: the per-demonstration gap, length K. */
  readonly featureGap: Float64Array;
  /** ‖featureGap‖∞. With l2 = 0 it goes to 0 at the optimum; with a prior it settles at l2·α·θ/N. */
  readonly featureGapNorm: number;
  readonly iterations: number;
  /** Objective evaluations (one backward and one forward pass each). */
  readonly evaluations: number;
  /**
   * The stopping rule was met and no weight is running off to ±∞: false when `unbounded` is
   * not empty at l2 = 0 (the gradient there is small only because θ_k is huge).
   */
  readonly converged: boolean;
  /** Why the optimiser stopped. */
  readonly stop: 'tolerance' | 'steps' | 'line-search';
  /**
   * With l2 = 0: weights whose maximum-likelihood value is ±∞ (a feature every demonstration
   * does the most or least of that the model allows, e.g. a cell never entered); their θ_k
   * is wherever the optimiser stopped. Empty when l2 > 0 (the prior keeps θ finite) and for
   * importance(), which cannot check (see `notes`).
   */
  readonly unbounded: readonly UnboundedWeight[];
  /** Plain-language notes on the fit (unbounded weights and what to do, checks not run). */
  readonly notes: readonly string[];
  /**
   * Bayesian IRL by the Laplace approximation: p(θ | demos) ≈ N(θ, (−∇²J)⁻¹), the Hessian
   * from central differences of the exact gradient (2K evaluations; computed on the first call).
   * @example fit.laplace().interval(0, 0.95)
   */
  laplace(): LaplaceApproximation;
}

/**
 * Learn r_θ(s, a) = θ · φ(s, a) from demonstrations. The model supplies the
 * states, actions, dynamics, action prior, horizon and temperature; its own
 * optimality (and terminal) parts are ignored and replaced by r_θ.
 * @example
 * const fit = inferReward(gridworld, demos, { features: indicatorFeatures('state'), l2: 0.1 });
 * fit.reward(cell, 'N'); fit.posterior.policy(0, start);
 */
export function inferReward<S, A, R extends EngineInput = 'tables'>(
  base: Model<S, A>,
  demonstrations: readonly Demonstration<S, A>[],
  options: InferRewardOptions<S, A, R>,
): RewardEstimate<S, A, R> {
  requireModel('inferReward()', base);
  checkOptions('inferReward', options, KNOWN);
  const steps = options.steps ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const optimizer = options.optimizer ?? 'lbfgs';
  if (!Number.isInteger(steps) || steps < 1) fail({ code: 'option-invalid', part: 'inferReward', message: `inferReward: steps must be a positive integer, got ${show(steps)}` });
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) fail({ code: 'option-invalid', part: 'inferReward', message: `inferReward: tolerance must be a positive number, got ${show(tolerance)}` });
  if (optimizer !== 'lbfgs' && optimizer !== 'gradient') {
    fail({ code: 'option-invalid', part: 'inferReward', message: `inferReward: optimizer must be 'lbfgs' or 'gradient', got ${show(optimizer)}` });
  }
  const J = prepare(base, demonstrations, { features: options.features, engine: options.engine, variant: options.variant, start: options.start, l2: options.l2 }, 'inferReward');
  const K = J.size;
  const N = J.count;
  const theta0 = new Float64Array(K);
  if (options.initial !== undefined) {
    // The starting θ, not a feature vector: say so rather than name φ(s='initial', a='θ').
    const given: unknown = options.initial;
    const ok = (Array.isArray(given) || given instanceof Float64Array) && given.length === K && Array.from(given as ArrayLike<unknown>).every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!ok) {
      const what = Array.isArray(given) || given instanceof Float64Array ? `${show(Array.from(given as ArrayLike<unknown>))} (length ${(given as ArrayLike<unknown>).length})` : show(given);
      fail({ code: 'option-invalid', part: 'inferReward', message: `inferReward: initial must be ${K} finite starting weights θ_0, one per feature of φ, got ${what}` });
    }
    theta0.set(options.initial);
  }
  const trace: number[] = [];
  const result = maximize(
    (theta, gradient) => {
      const value = J.objectiveInto(theta, gradient);
      if (trace.length === 0) trace.push(J.lastLogLikelihood);
      return value;
    },
    theta0,
    {
      steps,
      tolerance: tolerance * N,
      memory: optimizer === 'lbfgs' ? lbfgsMemory(K) : 0,
      // The accepted point is always the last one evaluated, so lastLogLikelihood is its own.
      onStep: (iteration, value, norm) => {
        trace.push(J.lastLogLikelihood);
        options.onProgress?.({ iteration, objective: value, logLikelihood: J.lastLogLikelihood, gradientNorm: norm / N });
      },
    },
  );
  // Once more at the final θ (the line search may have ended on a rejected trial): LL and the gap.
  const theta = result.theta;
  // Honest convergence (unbounded.ts): at l2 = 0, weights whose ML value is infinite.
  const check = J.l2 === 0 ? J.unboundedWeights(theta) : { weights: [], unchecked: 0 };
  const unbounded = check?.weights;
  const notes: string[] = [];
  if (check !== undefined && check.unchecked > 0) {
    notes.push(`${check.unchecked} large weights were not checked for an infinite maximum-likelihood value (the check's work budget ran out); rewardLikelihood(...).unboundedWeights() checks them all, or give l2 > 0.`);
  }
  if (unbounded === undefined) notes.push('importance(): whether a weight\'s maximum-likelihood value is infinite is not checked (no tables); if a weight keeps growing, give l2 > 0.');
  else if (unbounded.length > 0) {
    const shown = unbounded.slice(0, 8).map((u) => `θ[${u.feature}] → ${u.direction > 0 ? '+' : '−'}∞`);
    const list = shown.join(', ') + (unbounded.length > shown.length ? ` and ${unbounded.length - shown.length} more (fit.unbounded)` : '');
    notes.push(
      `The maximum-likelihood weights are infinite (${list}): every demonstration does the ${unbounded.length === 1 ? (unbounded[0]!.direction > 0 ? 'most' : 'least') : 'most or least'} of ${unbounded.length === 1 ? 'that feature' : 'those features'} the model allows, so the likelihood rises without bound and θ stopped only where the gradient vanished numerically. Give l2 > 0 (a Gaussian prior, e.g. l2: 0.1·N) for a finite MAP estimate, or drop the feature.`,
    );
  }
  const objective = J.objectiveInto(theta, new Float64Array(K));
  const featureGap = new Float64Array(K);
  let featureGapNorm = 0;
  for (let k = 0; k < K; k++) {
    featureGap[k] = (J.empirical[k]! - J.lastExpected[k]!) / N;
    featureGapNorm = Math.max(featureGapNorm, Math.abs(featureGap[k]!));
  }
  // The posterior is computed on first access (one more backward pass), not as part of the fit.
  let posterior: Posterior<S, A, R> | undefined;
  let laplace: LaplaceApproximation | undefined;
  const gradient = new Float64Array(K);
  const gradientAt = (at: Float64Array) => {
    J.objectiveInto(at, gradient);
    return gradient;
  };
  return {
    variant: J.variant,
    start: J.start,
    theta,
    reward: J.reward(theta),
    model: J.model(theta),
    get posterior() {
      posterior ??= J.posterior(theta);
      return posterior;
    },
    logLikelihood: J.lastLogLikelihood,
    exact: J.exact,
    ess: J.ess,
    objective,
    trace,
    featureGap,
    featureGapNorm,
    iterations: result.iterations,
    evaluations: result.evaluations + 1,
    converged: result.converged && (unbounded === undefined || unbounded.length === 0),
    stop: result.stop,
    unbounded: unbounded ?? [],
    notes,
    laplace() {
      laplace ??= laplaceAt(gradientAt, theta);
      return laplace;
    },
  };
}

/**
 * L-BFGS history length: 50 pairs (on the 32×32 benchmark 50–60 pairs need
 * ~65 iterations where 10 need ~150), fewer when K is so large that the
 * history (2·m·K doubles) would pass 128 MB.
 */
function lbfgsMemory(K: number): number {
  return Math.max(3, Math.min(50, Math.floor(2 ** 24 / (2 * K))));
}
