/** `isGaussianPosterior`, apart from the kernel so that importing it bundles nothing else. */
import type { GaussianPosterior } from './posterior.js';

/** Is `x` the posterior of a linear-Gaussian model? Narrows `infer(model, exact())`. */
export function isGaussianPosterior(x: unknown): x is GaussianPosterior {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'linear-gaussian';
}
