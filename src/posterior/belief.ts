/** Telling a POMDP's belief posterior from a tabular one (both come out of `infer(model, exact())`). */
import { fail } from '../errors.js';
import type { BeliefPosterior } from '../types/belief.js';

/** Is `post` the posterior of a partially observed model? */
export function isBeliefPosterior(post: unknown): post is BeliefPosterior<unknown, unknown, unknown> {
  return typeof post === 'object' && post !== null && (post as { kind?: unknown }).kind === 'belief-posterior';
}

/**
 * The belief posterior that `infer(pomdp, exact())` returned, typed with its
 * states, actions and observations; refuses a posterior of a fully observed model.
 * @example const post = beliefPosterior<Tiger, Act, Heard>(infer(tiger, exact({ backup: 'fixed-dynamics' })));
 */
export function beliefPosterior<S, A, O = unknown>(post: unknown): BeliefPosterior<S, A, O> {
  if (!isBeliefPosterior(post)) {
    fail({ code: 'option-invalid', part: 'beliefPosterior()', message: 'beliefPosterior(): this posterior is not of a partially observed model; give the model an observation(...) part, or use the posterior as it is' });
  }
  return post as BeliefPosterior<S, A, O>;
}
