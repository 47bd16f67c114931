/** `isGaussianPosterior` and `gaussianPosterior`, apart from the kernel so that importing them bundles nothing else. */
import { fail } from '../../../errors.js';
import type { GaussianPosterior } from './posterior.js';

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
