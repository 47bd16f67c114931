/**
 * A Posterior method an engine cannot answer throws rather than guessing:
 * Q tables of a continuous state, marginals of a policy that was only
 * sampled. The message names the engine, the query, why, and what to use.
 */
import { fail } from '../errors.js';

/**
 * @example unsupported('importance', 'Q(t)', 'the state is continuous, so there is no table', 'exact() on a tabulable model')
 */
export function unsupported(engine: string, query: string, why: string, instead: string): never {
  fail({
    code: 'unsupported-query',
    part: `${engine}()`,
    message: `${engine}(): ${query} is not available: ${why}; use ${instead}`,
  });
}
