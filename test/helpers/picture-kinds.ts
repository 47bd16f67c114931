/**
 * Every kind of posterior the library makes, small and fast, for the
 * picture-by-posterior matrix of test/viz-posterior-kinds.test.ts (issue 21 part 1).
 */
import {
  action,
  exact,
  gaussianPolicy,
  horizon,
  importance,
  infer,
  linearGaussian,
  linearObservation,
  model,
  quadratic,
  softQLearning,
  softActorCritic,
  state,
  temperature,
  variational,
} from '../../src/index.js';
import corridor from '../cli-models/corridor.js';
import { model as sampled } from '../cli-models/simulated.js';
import { tiger } from '../../dsl-examples/tiger.js';

type X = Float64Array;
const lqr = () => model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));
const lqg = () =>
  model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), linearObservation({ C: [[1]], V: [[0.1]] }), temperature(0.5), horizon(3));

/** name → a thunk making that posterior (thunks: each test builds only what it draws). */
export const POSTERIOR_KINDS: Record<string, () => unknown> = {
  tabular: () => infer(corridor, exact()),
  importance: () => infer(corridor, importance({ particles: 50, seed: 1 })),
  simulated: () => infer(sampled, importance({ particles: 50, seed: 1 })),
  learned: () => infer(corridor, softQLearning({ steps: 200, seed: 1 })),
  belief: () => infer(tiger(), exact()),
  'soft-lqr': () => infer(lqr(), exact()),
  lqg: () => infer(lqg(), exact({ backup: 'fixed-dynamics' })),
  'gaussian-policy': () => infer(lqr(), variational({ family: gaussianPolicy(), steps: 5, samples: 4, seed: 1 })),
  'gaussian-sac': () => infer(lqr(), softActorCritic({ steps: 100, seed: 1 })),
};

/** Values that are not posteriors at all. */
export const NOT_POSTERIORS: Record<string, unknown> = { undefined: undefined, null: null, number: 3, object: {}, string: 'post' };
