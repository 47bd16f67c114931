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
  checkOptions(part, options, ['prior']);
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
  return freeze({ kind: 'continuous-action' as const, name, dimension, prior }, true);
}

