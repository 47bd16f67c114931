/**
 * Critics for the learning engines: Q_ω(s, a, t) as a table or a linear
 * function of features. They are the same parameterised functions as the
 * variational policy families (a table of numbers, or θ_t · φ(s, a)), read as
 * Q values in reward units instead of logits, so one binding serves both.
 */
import { linearFunction, tabularFunction, type FamilyOptions, type PolicyFamily, type PolicyFeatures } from '../variational/families.js';

/**
 * A tabular critic: Q_ω(s, a, t) = ω[t, s, a] (ω[s, a] when stationary). Needs a finite state domain.
 * Time-indexed by default on a finite horizon, where the optimal Q depends on t; a discounted
 * infinite horizon always reads the one stationary table.
 * @example softQLearning({ critic: tabularCritic() })
 */
export function tabularCritic(options: FamilyOptions = {}): PolicyFamily {
  return tabularFunction('tabularCritic', options);
}

/**
 * A linear critic: Q_ω(s, a, t) = ω_t · φ(s, a) (ω · φ(s, a) when stationary).
 * @example softActorCritic({ critic: linearCritic((s: Cell, a: Move) => [1, s.x, s.y, a === 'E' ? 1 : 0, a === 'N' ? 1 : 0]) })
 */
export function linearCritic<S, A>(features: PolicyFeatures<S, A>, options: FamilyOptions = {}): PolicyFamily<S, A> {
  return linearFunction('linearCritic', features, options);
}
