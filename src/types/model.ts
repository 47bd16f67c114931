/**
 * The model as plain data: every combinator returns a frozen part with a
 * `kind`, and a model is the frozen list of its parts. The compiler
 * dispatches on `kind` exhaustively, so a new kind fails to build wherever
 * it is not handled.
 */
import type { Distribution } from '../dist/categorical.js';
import type { Sampler } from '../dist/sampler.js';
import type { CompileGaussian, ContinuousActionPrior, LinearGaussianSpec, LinearObservationSpec, QuadraticSpec, QuadraticTerminalSpec } from './gaussian.js';
import type { TableKernel } from '../engines/exact/kernel.js';
import type { IndexedDomain, ObservationTables } from './factor-graph.js';
import type { IssueList } from '../errors.js';

/** A grid layout hint for pictures: where each state sits on a `width × height` grid. */
export interface GridLayout<S> {
  readonly width: number;
  readonly height: number;
  /** The cell of a state value (column x, row y, 0-based from the top-left), or undefined to leave it out. */
  cellOf(s: S): { readonly x: number; readonly y: number } | undefined;
}

/**
 * `state(name, domain, { initial, layout })`: one (possibly factored) state variable.
 * `V` is its value type, `N` its name (a literal type, so that several parts type a record).
 */
export interface StatePart<V = unknown, N extends string = string> {
  readonly kind: 'state';
  readonly name: N;
  readonly domain: readonly V[];
  /** A point mass (a domain value) or a distribution; uniform when absent. */
  readonly initial?: V | Distribution<V>;
  readonly layout?: GridLayout<unknown>;
}

/**
 * `state.simulated(name, { initial })`: a state variable with no finite domain
 * (continuous values, vectors, any value). Only simulating engines can run a
 * model that has one.
 */
export interface SimulatedStatePart<V = unknown, N extends string = string> {
  readonly kind: 'simulated-state';
  readonly name: N;
  /** A value (a point mass), a finite distribution, or a sampler. */
  readonly initial: V | Distribution<V> | Sampler<V>;
}

/** An action prior: the same distribution everywhere, or one per state. */
export type ActionPrior<S, A> = Distribution<A> | { bivarianceHack(s: S): Distribution<A> }['bivarianceHack'];

/** `action(name, domain, { prior })`: the decision variable, p(a|s) uniform unless given. */
export interface ActionPart<A = unknown, S = unknown> {
  readonly kind: 'action';
  readonly name: string;
  readonly domain: readonly A[];
  readonly prior?: ActionPrior<S, A>;
}

/**
 * `action.continuous(name, d, { prior })`: a vector action u ∈ ℝ^d with a
 * Lebesgue (default) or Gaussian prior. Only `exact()` solves models with one,
 * when they are linear-Gaussian (`linearGaussian` + `quadratic`).
 */
export interface ContinuousActionPart {
  readonly kind: 'continuous-action';
  readonly name: string;
  readonly dimension: number;
  readonly prior: ContinuousActionPrior;
  /** `bounds: { low, high }`, checked and broadcast to length d; absent for u ∈ ℝ^d. */
  readonly bounds?: { readonly low: readonly number[]; readonly high: readonly number[] };
}

/** `transition([variable,] fn)`: p(s_{t+1} | s_t, a_t), or one factor of it for a factored state. */
export interface TransitionPart<S = unknown, A = unknown> {
  readonly kind: 'transition';
  /** The state variable it moves; undefined for a model with one state variable. */
  readonly variable: string | undefined;
  /** A distribution over successors, or a sampler (the model can then only be simulated). */
  next(s: S, a: A): Distribution<unknown> | Sampler<unknown>;
  /** Set by `linearGaussian(...)`: the dynamics as matrices, for the exact Gaussian kernel. */
  readonly linearGaussian?: LinearGaussianSpec;
  /** Set by `linearGaussian(...)`: the compiler of linear-Gaussian models (see compile/linear-gaussian.ts for why it travels with the part). */
  readonly compileGaussian?: CompileGaussian;
}

/** `optimality(r)`: the factor p(O_t = 1 | s_t, a_t) = exp(r(s_t, a_t, t) / α). */
export interface OptimalityPart<S = unknown, A = unknown> {
  readonly kind: 'optimality';
  /** True when `r` reads its third argument `t` (the reward then changes with time). */
  readonly timeVarying: boolean;
  reward(s: S, a: A, t: number): number;
  /** Set by `quadratic(...)`: the reward as matrices, for the exact Gaussian kernel. */
  readonly quadratic?: QuadraticSpec;
}

/** `optimality.terminal(rT)`: a factor exp(r_T(s_T) / α) on the state after the last decision. */
export interface TerminalPart<S = unknown> {
  readonly kind: 'terminal';
  reward(s: S): number;
  /** Set by `quadratic.terminal(...)`. */
  readonly quadratic?: QuadraticTerminalSpec;
}

/** `temperature(α)`: p(O = 1 | s, a) = exp(r / α); α = 0 is the hard-max limit. */
export interface TemperaturePart {
  readonly kind: 'temperature';
  readonly alpha: number;
}

/** `horizon(T)`: T decisions at t = 0 … T−1. */
export interface HorizonPart {
  readonly kind: 'horizon';
  readonly steps: number;
}

/** `discount(γ)`: Q = r + γ·backup(V); without a horizon, the infinite-horizon fixed point. */
export interface DiscountPart {
  readonly kind: 'discount';
  readonly gamma: number;
}

/**
 * `observation(emit, { initial })`: the observation model of a POMDP.
 * o_{t+1} ~ Z(· | s_{t+1}, a_t) is emitted after action a_t lands in s_{t+1};
 * `initial`, when given, emits o_0 ~ Z_0(· | s_0). A model with this part is
 * partially observed: its policies may depend on observations, not on states.
 */
export interface ObservationPart<S = unknown, A = unknown> {
  readonly kind: 'observation';
  emit(next: S, a: A): Distribution<unknown>;
  initial?(s: S): Distribution<unknown>;
  /** Set by `linearObservation(...)`: y = C x + v as matrices, for the exact Gaussian kernel (LQG). */
  readonly linearGaussian?: LinearObservationSpec;
  /**
   * Its compile stage (compile/observations.ts): the observation tables and the belief kernel of
   * `exact()`, which `compile()` puts on the POMDP's graph (engines/exact/kernel.ts).
   */
  readonly compile: CompileObservations;
}

/** The compile stage of the `observation(...)` part. */
export type CompileObservations = (
  part: ObservationPart,
  states: IndexedDomain<unknown>,
  actions: IndexedDomain<unknown>,
  issues: IssueList,
) => { readonly tables: ObservationTables | undefined; readonly kernel: TableKernel };

/** Any part a model is made of. */
export type Part<S = unknown, A = unknown> =
  | StatePart
  | SimulatedStatePart
  | ActionPart<A, S>
  | ContinuousActionPart
  | TransitionPart<S, A>
  | OptimalityPart<S, A>
  | TerminalPart<S>
  | TemperaturePart
  | HorizonPart
  | DiscountPart
  | ObservationPart<S, A>;

/** The kinds of part, for messages and exhaustive matching. */
export type PartKind = Part['kind'];

declare const stateType: unique symbol;
declare const actionType: unique symbol;
declare const structureType: unique symbol;

/**
 * An immutable, validated model. `S` is the state value (a record of the
 * state variables when there are several), `A` the action value. `X` says
 * which kernel of `exact()` solves it when `model(...)` could read that off
 * its parts — `'belief'` (an observation part), `'gaussian'` (a continuous
 * action) — so that `infer(model, exact())` is typed by the posterior that
 * kernel returns; `unknown` (any model) otherwise.
 */
export interface Model<S = unknown, A = unknown, X = unknown> {
  readonly kind: 'model';
  readonly parts: readonly Part[];
  /** Phantom fields carrying the value types; never present at run time. */
  readonly [stateType]?: S;
  readonly [actionType]?: A;
  readonly [structureType]?: X;
}
