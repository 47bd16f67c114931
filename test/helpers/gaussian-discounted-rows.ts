/**
 * Catalogue rows E830–E849 (issue 19: discounted and infinite-horizon soft
 * LQR, and LQG): what the stationary solve refuses (γ = 1 forever, a system
 * it cannot stabilise, one that does not converge), the queries of a
 * stationary Gaussian posterior that need a length, and what LQG refuses.
 * Spread into MALFORMED by test/helpers/malformed.ts and listed in docs/errors.md.
 */
import {
  action, categorical, discount, exact, gaussianPosterior, horizon, infer, linearGaussian, linearObservation, lqgPosterior, model, observation, quadratic, state, temperature, type GaussianPosterior, type LqgPosterior, type Part,
} from '../../src/index.js';
import type { MalformedInput } from './malformed.js';

type X = Float64Array;
/** The scalar system x' = A x + B u + w, r = −½ x² − ½ u², α = 0.5, with the given length parts. */
const scalar = (A: number, B: number, ...length: Part<X, X>[]) =>
  model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A, B, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), ...length);
const forever = (): GaussianPosterior => gaussianPosterior(infer(scalar(1, 1, discount(0.9)), exact()));

export const GAUSSIAN_DISCOUNTED_ROWS: readonly MalformedInput[] = [
  { id: 'E830', input: 'a linear-Gaussian model with horizon(Infinity) and γ = 1', run: () => scalar(1, 1, horizon(Infinity), discount(1)), code: 'discount-invalid', message: 'discount: γ must be in [0, 1) for an infinite horizon, got 1. Give horizon(T) to use γ = 1' },
  { id: 'E831', input: 'an infinite horizon that √γ A makes unstable where B cannot reach (not stabilisable), fixed-dynamics', run: () => infer(scalar(2, 0, discount(0.9)), exact({ backup: 'fixed-dynamics' })), code: 'not-converged', message: 'exact(): the discounted soft Riccati iteration diverges (max |P| passed 1e+150 after 271 iterations), so V = −Infinity: some mode that √γ A makes unstable is not reached by B (the system is not stabilisable); expected √γ (A − BK) stable for some gain K, a smaller γ, or a finite horizon(T)' },
  { id: 'E832', input: 'an infinite horizon on the edge of stability (γA² = 1, B = 0), fixed-dynamics: the Riccati iteration never settles', run: () => infer(scalar(1 / 0.9, 0, discount(0.81)), exact({ backup: 'fixed-dynamics' })), code: 'not-converged', message: 'exact(): the discounted soft Riccati iteration did not converge in 100000 iterations (relative change 1.00e-5, tolerance 1e-13); expected a system that √γ (A − BK) makes stable for some gain K, with a margin — lower γ, raise exact({ maxIterations }) or tolerance, or give a finite horizon(T)' },
  { id: 'E833', input: 'sample() of an infinite-horizon Gaussian posterior without steps', run: () => forever().sample(3, { seed: 1 }), code: 'option-invalid', message: 'sample(): steps is undefined; expected a positive integer number of decisions (the horizon is infinite)' },
  { id: 'E834', input: 'mostProbable() of a finite-horizon Gaussian posterior with steps other than T', run: () => gaussianPosterior(infer(scalar(1, 1, horizon(3)), exact())).mostProbable({ steps: 2 }), code: 'option-invalid', message: 'mostProbable(): steps is 2; expected 3 (the horizon) or no steps' },
  { id: 'E835', input: 'policy(t) of an infinite-horizon Gaussian posterior at t = −1', run: () => forever().policy(-1, [0]), code: 'time-out-of-range', message: 'policy(): t = -1 is not a time; expected an integer t ≥ 0 (the horizon is infinite and the solution stationary)' },
  { id: 'E836', input: 'logProb() of an infinite-horizon trajectory with more states than actions', run: () => forever().logProb({ states: [[1], [0]], actions: [[0]] } as never), code: 'trajectory-invalid', message: 'logProb(): expected { states, actions } with k states and k actions (vectors), k ≥ 1, got {states:[[1],[0]],actions:[[0]]}' },
  { id: 'E837', input: 'evaluate() on an infinite horizon of a gain that does not stabilise the system', run: () => forever().evaluate({ K: [[-1]] }), code: 'not-converged', message: "evaluate(): the policy's discounted value diverges (max |P| passed 1e+150 after 270 iterations), so V^π = −Infinity: √γ (A − BK) is unstable under this policy; expected a stabilising gain K" },
];

/** A double integrator seen through its position: y = x₁ + v (LQG). */
const observed = (...more: Part<X, X>[]) =>
  model<X, X>(state.simulated('x', { initial: [1, 0] }), action.continuous('u', 1), linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]], W: [[0.01, 0], [0, 0.01]] }), quadratic({ Q: [[1, 0], [0, 0.1]], R: [[0.1]] }), ...more);
const lqg = (): LqgPosterior => lqgPosterior(infer(observed(linearObservation({ C: [[1, 0]], V: [[0.05]] }), horizon(3)), exact({ backup: 'fixed-dynamics' })));

export const LQG_ROWS: readonly MalformedInput[] = [
  { id: 'E838', input: 'LQG (linearObservation) under the posterior backup', run: () => infer(observed(linearObservation({ C: [[1, 0]], V: [[0.05]] }), horizon(3)), exact()), code: 'unsupported-query', message: "exact(): a model with linearObservation(...) is solved under backup: 'fixed-dynamics' only (the separation principle: a Kalman filter and the soft-LQR policy on its mean); the posterior backup's optimism would condition the observations as well. Give exact({ backup: 'fixed-dynamics' })" },
  { id: 'E839', input: 'LQG with an infinite horizon', run: () => infer(observed(linearObservation({ C: [[1, 0]], V: [[0.05]] }), discount(0.9)), exact({ backup: 'fixed-dynamics' })), code: 'continuous-action', message: 'exact(): the model has linearObservation(...) and an infinite horizon (LQG is solved over a finite horizon(T)); expected a linear-Gaussian model (one state.simulated variable, linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T)) for a continuous action' },
  { id: 'E840', input: 'linearObservation with a singular noise covariance', run: () => linearObservation({ C: [[1, 0], [0, 1]], V: [[1, 1], [1, 1]] }), code: 'gaussian-invalid', message: 'linearObservation: V = [[1,1],[1,1]] is not positive definite; expected a noise covariance with a density (a noiseless observation has no Kalman update)' },
  { id: 'E841', input: 'linearObservation whose V does not match the rows of C', run: () => linearObservation({ C: [[1, 0]], V: [[1, 0], [0, 1]] }), code: 'gaussian-invalid', message: 'linearObservation: V is 2 × 2 but C has 1 rows; expected V of size p × p for y ∈ ℝ^p' },
  { id: 'E842', input: 'linearObservation whose C does not match the state dimension', run: () => infer(observed(linearObservation({ C: [[1, 0, 0]], V: [[0.05]] }), horizon(3)), exact({ backup: 'fixed-dynamics' })), code: 'gaussian-invalid', message: 'linearObservation: C is 1 × 3; expected 1 × 2 (state dimension 2 from A, action dimension 1)' },
  { id: 'E843', input: 'policy() of an LQG posterior with one observation too many', run: () => lqg().policy({ actions: [[0]], observations: [[1], [1]] }), code: 'trajectory-invalid', message: 'policy(): expected { actions, observations } with t ≤ 2 actions and t observations (y_1 … y_t), got {actions:[[0]],observations:[[1],[1]]}' },
  { id: 'E844', input: 'a continuous-action model with a tabulated observation(...)', run: () => infer(observed(observation(() => categorical([['near', 1]])) as unknown as Part<X, X>, horizon(3)), exact({ backup: 'fixed-dynamics' })), code: 'continuous-action', message: 'exact(): the model has an observation(...) part with tabulated observations; a continuous state is observed through linearObservation({ C, V }); expected a linear-Gaussian model (one state.simulated variable, linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T)) for a continuous action' },
  { id: 'E845', input: 'lqgPosterior() of a fully observed Gaussian posterior', run: () => lqgPosterior(infer(observed(horizon(3)), exact())), code: 'option-invalid', message: 'lqgPosterior(): this posterior is not of a model observed through linearObservation(...); give the linear-Gaussian model linearObservation({ C, V }), or use gaussianPosterior() for a fully observed one' },
];
