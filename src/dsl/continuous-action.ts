/**
 * `action.continuous(name, d, { prior })`: a continuous action as plain data.
 * Kept apart from the linear-Gaussian parts (dsl/continuous.ts), so that a
 * model with finite actions does not bundle the Gaussian kernel they bring.
 */
import { freeze } from './freeze.js';
import type { Sampler } from '../dist/sampler.js';
import { checkOptions, fail, show } from '../errors.js';
import type { ContinuousActionPrior, Matrix } from '../types/gaussian.js';
import type { ContinuousActionPart } from '../types/model.js';

/** A Gaussian N(mean, covariance) that can be drawn from (a sampler) and read as moments. */
export interface MultivariateNormal extends Sampler<Float64Array> {
  readonly mean: Float64Array;
  readonly covariance: Matrix;
}

/** Is `x` made by `multivariateNormal(...)`? */
export function isMultivariateNormal(x: unknown): x is MultivariateNormal {
  return typeof x === 'object' && x !== null && (x as { mean?: unknown }).mean instanceof Float64Array && Array.isArray((x as { covariance?: unknown }).covariance);
}

/** Options of `action.continuous(...)`. */
export interface ContinuousActionOptions {
  /**
   * p(u): left out, the improper uniform (Lebesgue) prior of maximum-entropy RL,
   * V(x) = α log ∫ exp(Q(x, u)/α) du; or `multivariateNormal(mean, covariance)`.
   */
  readonly prior?: MultivariateNormal;
  /**
   * A box low ≤ u ≤ high (arrays of length d, or numbers broadcast to every
   * component; finite, low < high). The prior is then Lebesgue measure on the
   * box. exact() refuses a bounded action (the soft-LQR closed form integrates
   * over all of ℝ^d); variational() and softActorCritic() squash a Gaussian
   * into the box with tanh.
   */
  readonly bounds?: { readonly low: number | readonly number[]; readonly high: number | readonly number[] };
}

/**
 * A continuous action u ∈ ℝ^d. The default prior is Lebesgue (improper uniform):
 * it is the maximum-entropy RL convention, it adds nothing to the reward, and
 * the soft-optimal policy is then N(−K x − k, α S⁻¹) with no prior to choose.
 * A Gaussian prior N(μ, Σ) is the same as adding α log N(u; μ, Σ) to the reward.
 * @example action.continuous('u', 2)
 */
export function continuousAction(name: string, dimension: number, options: ContinuousActionOptions = {}): ContinuousActionPart {
  // show() for a name that is not a string: a template literal of a symbol or a hostile object would throw first.
  const part = `action.continuous('${typeof name === 'string' ? name : show(name)}')`;
  if (typeof name !== 'string' || name.length === 0) fail({ code: 'option-invalid', part, message: `${part}: the name must be a non-empty string${typeof name === 'string' ? '' : `, got ${show(name)}`}` });
  if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension < 1) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: the dimension is ${show(dimension)}; expected a positive integer` });
  }
  checkOptions(part, options, ['prior', 'bounds']);
  let prior: ContinuousActionPrior = { kind: 'lebesgue' };
  if (options.prior !== undefined) {
    if (!isMultivariateNormal(options.prior)) {
      fail({ code: 'gaussian-invalid', part, message: `${part}: the prior is ${show(options.prior)}; expected multivariateNormal(mean, covariance), or no prior for the Lebesgue (uniform) prior` });
    }
    if (options.prior.mean.length !== dimension) {
      fail({ code: 'gaussian-invalid', part, message: `${part}: the prior has dimension ${options.prior.mean.length}; expected ${dimension}, the action's dimension` });
    }
    prior = { kind: 'gaussian', mean: options.prior.mean, covariance: options.prior.covariance };
  }
  if (options.bounds === undefined) return freeze({ kind: 'continuous-action' as const, name, dimension, prior }, true);
  if (prior.kind === 'gaussian') {
    fail({ code: 'gaussian-invalid', part, message: `${part}: a Gaussian prior with bounds; expected one of them: with bounds the prior is Lebesgue measure on the box. Drop the prior, or the bounds` });
  }
  const bounds = checkBounds(part, options.bounds, dimension);
  return freeze({ kind: 'continuous-action' as const, name, dimension, prior, bounds }, true);
}

/** low and high as arrays of length d (a number is broadcast), finite with low < high in every component. */
function checkBounds(part: string, bounds: unknown, d: number): { readonly low: readonly number[]; readonly high: readonly number[] } {
  if (typeof bounds !== 'object' || bounds === null || Array.isArray(bounds)) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: bounds is ${show(bounds)}; expected { low, high }, arrays of length ${d} or numbers` });
  }
  checkOptions(`${part} bounds`, bounds as object, ['low', 'high']);
  const side = (field: 'low' | 'high'): number[] => {
    const v: unknown = (bounds as Record<string, unknown>)[field];
    const values = typeof v === 'number' ? new Array<number>(d).fill(v) : Array.isArray(v) ? (v as unknown[]) : undefined;
    if (values === undefined || values.length !== d || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail({ code: 'gaussian-invalid', part, message: `${part}: bounds.${field} is ${show(v)}; expected a finite number or an array of ${d} finite numbers` });
    }
    return values as number[];
  };
  const low = side('low');
  const high = side('high');
  for (let i = 0; i < d; i++) {
    if (!(low[i]! < high[i]!)) {
      fail({ code: 'gaussian-invalid', part, message: `${part}: bounds.low[${i}] = ${low[i]} is not below bounds.high[${i}] = ${high[i]}; expected low < high in every component` });
    }
  }
  return { low, high };
}

