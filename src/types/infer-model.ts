/**
 * The state and action types of a model, read off its parts at compile time,
 * so that `model(state('cell', [0, 1, 2]), action('move', ['left', 'right']), …)`
 * is a `Model<number, 'left' | 'right'>` without annotations, and the
 * posteriors, `evaluate`, `inferReward` and the pictures built on it are typed
 * by the same S and A. Types only: nothing here exists at run time.
 */
import type { ActionPart, ContinuousActionPart, Model, Part, SimulatedStatePart, StatePart } from './model.js';

/** The parts among `U` that declare a state variable. */
type StateParts<U> = Extract<U, { readonly kind: 'state' | 'simulated-state' }>;

/** The name of one state part (a literal type when the name was written as one). */
type NameOf<P> = P extends { readonly name: infer N extends string } ? N : never;

/** The value type of one state part. */
type ValueOf<P> = P extends StatePart<infer V, string> ? V : P extends SimulatedStatePart<infer V, string> ? V : never;

/** True when `T` is a union of two or more types. */
type IsUnion<T, All = T> = T extends unknown ? ([All] extends [T] ? false : true) : never;

/**
 * The state type of a model whose parts are the union `U`: the value type of
 * its one state variable, or, with several (a factored state), the record
 * `{ [name]: value }` of them. `unknown` when no state part is known.
 * @example StateOf<StatePart<number, 'x'> | StatePart<string, 'y'>> // { x: number; y: string }
 */
export type StateOf<U> = [StateParts<U>] extends [never]
  ? unknown
  : true extends IsUnion<StateParts<U>>
    ? { [P in StateParts<U> as NameOf<P>]: ValueOf<P> }
    : ValueOf<StateParts<U>>;

/**
 * The action type of a model whose parts are the union `U`; `unknown` when it has no action part,
 * `Float64Array` for a continuous action (`action.continuous`).
 */
export type ActionOf<U> = [Extract<U, { readonly kind: 'action' }>] extends [never]
  ? [Extract<U, { readonly kind: 'continuous-action' }>] extends [never]
    ? unknown
    : Float64Array
  : Extract<U, { readonly kind: 'action' }> extends ActionPart<infer A, never>
    ? A
    : unknown;

/**
 * Which kernel of `exact()` solves a model whose parts are the union `U`
 * (the third parameter of `Model`): `'belief'` with an `observation(...)`
 * part, `'gaussian'` with a continuous action, `'lqg'` with both (linearObservation), `unknown` otherwise.
 */
export type StructureOf<U> = [Extract<U, { readonly kind: 'observation' }>] extends [never]
  ? [Extract<U, { readonly kind: 'continuous-action' }>] extends [never]
    ? unknown
    : 'gaussian'
  : [Extract<U, { readonly kind: 'continuous-action' }>] extends [never]
    ? 'belief'
    : 'lqg';

/**
 * The parts that only read S and A — transition, optimality, terminal,
 * temperature, horizon, discount, and any kind added to `Part` later — whose
 * callbacks are typed by the model's state and action parts.
 */
export type ReadingPart<S, A> = Exclude<Part<S, A>, { readonly kind: 'state' | 'simulated-state' | 'action' | 'continuous-action' }>;

/**
 * What one argument of `model(...)` may be, given the union `U` of all its
 * arguments: a part that declares a variable (`P` itself, from which S and A
 * are inferred), or a part whose callbacks read the state and action — typed
 * by the declarations, so `transition((s, a) => …)` gets `s: S, a: A`, and a
 * callback written for another state type is a compile error. (The action
 * part is in the second list too, only so that a prior written as a function
 * of the state gets `s: S`.)
 */
export type ModelArgument<P, U> =
  | (P & { readonly kind: 'state' | 'simulated-state' | 'action' | 'continuous-action' })
  | NoInfer<ReadingPart<StateOf<U>, ActionOf<U>> | ActionPart<unknown, StateOf<U>>>;

/**
 * A part as `model<S, A>(...parts)` reads it. With the types given, any
 * state part is accepted (a factored S is a record of several). Without them
 * (an array spread into the call, or more parts than the inferring form
 * takes), S is inferred from the `state` parts and the callbacks together, so
 * a callback that contradicts the `state` part before it does not compile.
 */
export type ExplicitPart<S, A> =
  | StatePart<S, string>
  | StatePart<unknown, string>
  | SimulatedStatePart<S, string>
  | SimulatedStatePart<unknown, string>
  | ActionPart<A, NoInfer<S>>
  | ContinuousActionPart
  | ReadingPart<S, A>;

/**
 * The state type of a model value, for functions written around it.
 * @example type Cell = ModelState<typeof gridworld>;
 */
export type ModelState<M> = M extends Model<infer S, unknown> ? S : never;

/**
 * The action type of a model value.
 * @example type Move = ModelAction<typeof gridworld>; // 'N' | 'S' | 'E' | 'W'
 */
export type ModelAction<M> = M extends Model<unknown, infer A> ? A : never;
