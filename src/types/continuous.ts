/**
 * Models with a continuous action u ∈ ℝ^d (`action.continuous`) seen by the
 * engines that simulate: a `ContinuousSimulator` draws s_0, steps the model's
 * own functions with u as a Float64Array, and sums its rewards. The
 * linear-Gaussian matrices ride along when the model has them, so an engine
 * can differentiate the dynamics and the reward in u (reparameterised
 * gradients) without the user saying anything.
 */
import type { Rng } from '../dist/rng.js';
import type { ContinuousActionPrior, LinearGaussianGraph } from './gaussian.js';

/** The box of a bounded continuous action, low < high in every component. */
export interface ActionBounds {
  readonly low: Float64Array;
  readonly high: Float64Array;
}

/** One step of a simulation with a continuous action; the handle X is the state value. */
export interface ContinuousSimulator<X = unknown> {
  /** The action's name and dimension d. */
  readonly actionName: string;
  readonly dimension: number;
  /** The box low ≤ u ≤ high, or undefined for u ∈ ℝ^d. */
  readonly bounds: ActionBounds | undefined;
  /** Lebesgue (on ℝ^d, or on the box when bounded) or Gaussian. */
  readonly prior: ContinuousActionPrior;
  /** T, or Infinity for the discounted infinite horizon. */
  readonly horizon: number;
  readonly gamma: number;
  readonly alpha: number;
  readonly hasTerminal: boolean;
  /** Draw s_0 ~ p(s_0). */
  initial(random: Rng): X;
  /** r(s, u, t) summed over the optimality parts; −Infinity is a hard constraint; NaN throws `reward-invalid`. */
  reward(x: X, u: Float64Array, t: number): number;
  /** r_T(s) summed over the terminal parts; 0 without one. */
  terminal(x: X): number;
  /** Draw s_{t+1} ~ p(· | s_t, u_t). */
  step(x: X, u: Float64Array, random: Rng): X;
  /** log p(u): 0 under the Lebesgue prior (a density w.r.t. itself), the Gaussian log-density otherwise. */
  logPrior(u: Float64Array): number;
}

/** What `compileContinuous(model)` makes of a model with a continuous action. */
export interface ContinuousSimulatorGraph<S = unknown> {
  readonly kind: 'continuous-simulator';
  readonly horizon: number;
  readonly gamma: number;
  readonly alpha: number;
  readonly simulator: ContinuousSimulator<S>;
  /**
   * The model as matrices when it is linear-Gaussian (linearGaussian dynamics,
   * quadratic rewards, a finite horizon): its dynamics and reward are then
   * differentiable in (x, u), which reparameterised gradients use.
   */
  readonly linear: LinearGaussianGraph | undefined;
}
