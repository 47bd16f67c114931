/** `isGaussianPosterior`, `gaussianPosterior` and their LQG twins, apart from the kernel so that importing them bundles nothing else. */
import { fail } from '../../../errors.js';
import type { GaussianPosterior } from './posterior.js';
import type { LqgPosterior } from './lqg.js';

/** Is `x` the posterior of a linear-Gaussian model? */
export function isGaussianPosterior(x: unknown): x is GaussianPosterior {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'linear-gaussian';
}

/**
 * The Gaussian posterior that `infer(model, exact())` returned for a
 * linear-Gaussian model, typed as such; refuses any other posterior.
 * @example const post = gaussianPosterior(infer(lqr, exact({ backup: 'fixed-dynamics' })));
 */
export function gaussianPosterior(post: unknown): GaussianPosterior {
  if (!isGaussianPosterior(post)) {
    fail({ code: 'option-invalid', part: 'gaussianPosterior()', message: 'gaussianPosterior(): this posterior is not of a linear-Gaussian model; give the model action.continuous(...), linearGaussian(...) and quadratic(...), or use the posterior as it is' });
  }
  return post;
}

/** Is `x` the posterior of a linear-Gaussian model observed through linearObservation(...) (LQG)? */
export function isLqgPosterior(x: unknown): x is LqgPosterior {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'lqg';
}

/**
 * The LQG posterior that `infer(model, exact({ backup: 'fixed-dynamics' }))` returned for a
 * model with linearObservation(...), typed as such; refuses any other posterior.
 * @example const post = lqgPosterior(infer(lqg, exact({ backup: 'fixed-dynamics' })));
 */
export function lqgPosterior(post: unknown): LqgPosterior {
  if (!isLqgPosterior(post)) {
    fail({ code: 'option-invalid', part: 'lqgPosterior()', message: 'lqgPosterior(): this posterior is not of a model observed through linearObservation(...); give the linear-Gaussian model linearObservation({ C, V }), or use gaussianPosterior() for a fully observed one' });
  }
  return post;
}
