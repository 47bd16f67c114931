/**
 * Models that can only be simulated. A transition may return a `Sampler`
 * instead of a distribution, and `state.simulated(name, …)` declares a state
 * with no finite domain (continuous values, vectors, anything). Such a model
 * has no tables: it compiles to a `SimulatorGraph`, which the engines that
 * sample (importance/SMC, the score-function variational engine) read through
 * the `Simulator` interface. Every tabulated `FactorGraph` can be simulated
 * too (`simulatorOf(graph)`), so those engines run on either.
 */
import type { Rng } from '../dist/rng.js';
import type { FactorGraph, IndexedDomain } from './factor-graph.js';
import type { GridLayout } from './model.js';

/**
 * One step of a simulation, seen through a handle `X` for the state: a state
 * index for a tabulated graph (so particles fit in an `Int32Array`), the state
 * value itself for a simulated one. Action `a` is an index into `actions`.
 */
export interface Simulator<X, S = unknown, A = unknown> {
  /** True when handles are state indices 0 … nS−1 (a tabulated graph). */
  readonly indexed: boolean;
  readonly actions: IndexedDomain<A>;
  readonly nA: number;
  /** The finite state domain when there is one (tabulated, or finite states with sampler transitions). */
  readonly states: IndexedDomain<S> | undefined;
  /** T, or Infinity for the discounted infinite horizon. */
  readonly horizon: number;
  readonly gamma: number;
  /** α in p(O = 1 | s, a) = exp(r / α). */
  readonly alpha: number;
  readonly hasTerminal: boolean;
  /** Draw s_0 ~ p(s_0). */
  initial(random: Rng): X;
  /** Write p(a | s) (length nA) into `out`. */
  prior(x: X, out: Float64Array): void;
  /** r(s, a, t) summed over the optimality parts; −Infinity is a hard constraint. NaN throws `reward-invalid`. */
  reward(x: X, a: number, t: number): number;
  /** r_T(s) summed over the terminal parts; 0 without one. */
  terminal(x: X): number;
  /** Draw s_{t+1} ~ p(· | s_t, a_t). */
  step(x: X, a: number, random: Rng): X;
  /** The state value of a handle. */
  value(x: X): S;
  /** The index of a handle in `states`, or −1 when the state is not in a finite domain. */
  index(x: X): number;
  /**
   * A POMDP (a model with an `observation(...)` part) only: the observation domain,
   * and draws from it. `observe(s', a)` draws o ~ Z(· | s', a) after a step into s'
   * with action a; `observeInitial(s_0)` draws o_0 ~ Z_0(· | s_0), or gives −1 when the
   * initial state is not observed. Both return an index into `observations.values`.
   * Undefined for a fully observed model.
   */
  readonly observations?: IndexedDomain<unknown>;
  observe?(next: X, a: number, random: Rng): number;
  observeInitial?(x: X, random: Rng): number;
}

/** What `compile` makes of a model that can only be simulated. */
export interface SimulatorGraph<S = unknown, A = unknown> {
  readonly kind: 'simulator';
  readonly actions: IndexedDomain<A>;
  readonly nA: number;
  /** The finite state domain when every state variable has one (sampler transitions over finite states). */
  readonly states: IndexedDomain<S> | undefined;
  readonly horizon: number;
  readonly gamma: number;
  readonly alpha: number;
  readonly layout: GridLayout<S> | undefined;
  /** Why the model could not be tabulated, e.g. "transition returned a sampler at s=0, a='push'". */
  readonly reason: string;
  readonly simulator: Simulator<S, S, A>;
}

/** A compiled model: tables when the model can be enumerated, a simulator otherwise. */
export type CompiledModel<S = unknown, A = unknown> = FactorGraph<S, A> | SimulatorGraph<S, A>;
