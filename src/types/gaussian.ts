/**
 * Linear-Gaussian control as plain data: a continuous action with its prior,
 * linear-Gaussian dynamics x' = A_t x + B_t u + c_t + w, w ~ N(0, W_t), and
 * quadratic rewards. The DSL parts carry these specs; the exact engine's
 * Gaussian kernel reads the compiled `LinearGaussianGraph`.
 */
import type { GaussianPosterior } from '../engines/exact/gaussian/posterior.js';
import type { LqgPosterior } from '../engines/exact/gaussian/lqg.js';
import type { Model } from './model.js';
import type { ExactKernel } from '../engines/exact/kernel.js';

/** A matrix as rows of numbers, e.g. [[1, 0.1], [0, 1]]. */
export type Matrix = readonly (readonly number[])[];

/** A vector as numbers. */
export type Vector = readonly number[] | Float64Array;

/** A matrix, or a number for a 1 × 1 matrix (scalar systems). */
export type MatrixInput = Matrix | number;

/** A vector, or a number for a vector of length 1. */
export type VectorInput = Vector | number;

/** A matrix that may change with time t (the function is called for t = 0 … T−1). */
export type TimeMatrix = MatrixInput | ((t: number) => MatrixInput);

/** A vector that may change with time t. */
export type TimeVector = VectorInput | ((t: number) => VectorInput);

/** The prior p(u) of a continuous action. */
export type ContinuousActionPrior =
  /** The improper uniform (Lebesgue) prior of maximum-entropy RL: V(x) = α log ∫ exp(Q(x, u)/α) du. */
  | { readonly kind: 'lebesgue' }
  /** A Gaussian prior N(mean, covariance). */
  | { readonly kind: 'gaussian'; readonly mean: Float64Array; readonly covariance: Matrix };

/** `linearGaussian({ A, B, c, W })`: x' = A_t x + B_t u + c_t + w, w ~ N(0, W_t). */
export interface LinearGaussianSpec {
  readonly A: TimeMatrix;
  readonly B: TimeMatrix;
  /** The drift c_t; zero when left out. */
  readonly c?: TimeVector;
  /** The noise covariance W_t (positive semi-definite); zero (deterministic) when left out. */
  readonly W?: TimeMatrix;
}

/**
 * `quadratic({ Q, R, N, q, r, c })`:
 * r(x, u) = −½ xᵀQx − ½ uᵀRu − xᵀNu + qᵀx + rᵀu + c. Every field defaults to zero.
 */
export interface QuadraticSpec {
  readonly Q?: MatrixInput;
  readonly R?: MatrixInput;
  /** The cross term, n × d. */
  readonly N?: MatrixInput;
  readonly q?: VectorInput;
  readonly r?: VectorInput;
  readonly c?: number;
}

/** `quadratic.terminal({ Q, q, c })`: r_T(x) = −½ xᵀQx + qᵀx + c. */
export interface QuadraticTerminalSpec {
  readonly Q?: MatrixInput;
  readonly q?: VectorInput;
  readonly c?: number;
}

/**
 * `linearObservation({ C, V, initial })`: after each decision the agent sees
 * y_{t+1} = C x_{t+1} + v, v ~ N(0, V) (and y_0 = C x_0 + v before the first
 * decision when `initial` is true) — a linear-Gaussian observation (LQG).
 */
export interface LinearObservationSpec {
  /** p × n. */
  readonly C: MatrixInput;
  /** p × p, positive definite. */
  readonly V: MatrixInput;
  /** Observe y_0 = C x_0 + v before the first decision (default false). */
  readonly initial?: boolean;
}

/** One step's data, row-major Float64Arrays: A (n×n), B (n×d), c (n), W (n×n). */
export interface LinearGaussianStep {
  readonly A: Float64Array;
  readonly B: Float64Array;
  readonly c: Float64Array;
  readonly W: Float64Array;
}

/** r(x, u) = −½ [x;u]ᵀ [[Q, N], [Nᵀ, R]] [x;u] + qᵀx + rᵀu + c, row-major. */
export interface QuadraticReward {
  readonly Q: Float64Array;
  readonly R: Float64Array;
  readonly N: Float64Array;
  readonly q: Float64Array;
  readonly r: Float64Array;
  readonly c: number;
}

/** What `compile` makes of a linear-Gaussian model with a continuous action. */
export interface LinearGaussianGraph {
  readonly kind: 'linear-gaussian';
  /** State dimension n and action dimension d. */
  readonly n: number;
  readonly d: number;
  readonly stateName: string;
  readonly actionName: string;
  /** T, or Infinity for the discounted infinite horizon (stationary dynamics: `steps` holds one step). */
  readonly horizon: number;
  readonly alpha: number;
  /** The discount γ (1 without discount(γ)): Q_t = r + γ·backup(V_{t+1}), as in the tabular engine. */
  readonly gamma: number;
  /** The dynamics after decision t, t = 0 … T−1 (the last one matters only with a terminal reward); one step for an infinite horizon. */
  readonly steps: readonly LinearGaussianStep[];
  /** The reward as the user wrote it (summed over the quadratic parts), without the action prior. */
  readonly reward: QuadraticReward;
  /** The reward plus α log p(u) for a Gaussian prior (equal to `reward` under the Lebesgue prior). */
  readonly effectiveReward: QuadraticReward;
  readonly terminal: { readonly Q: Float64Array; readonly q: Float64Array; readonly c: number } | undefined;
  readonly prior: ContinuousActionPrior;
  /** p(x_0): a point (covariance zero) or a Gaussian. */
  readonly initial: { readonly mean: Float64Array; readonly covariance: Float64Array };
  /** Linear-Gaussian observations (LQG): y = C x + v, v ~ N(0, V), C p × n; undefined when the state is observed. */
  readonly observation: { readonly C: Float64Array; readonly V: Float64Array; readonly p: number; readonly initial: boolean } | undefined;
  /** The soft-LQR kernel (engines/exact/gaussian), put here by the compiler so that exact() need not import it (engines/exact/kernel.ts); an LqgPosterior when `observation` is set. */
  readonly kernel: ExactKernel<LinearGaussianGraph, GaussianPosterior | LqgPosterior>;
}

/** The compiler of linear-Gaussian models, carried by the `linearGaussian` part. */
export type CompileGaussian = (m: Model<unknown, unknown>) => LinearGaussianGraph;
