/**
 * The combinators. Each checks its own arguments at once (an empty domain is
 * wrong wherever it ends up) and returns a frozen part; whole-model checks
 * (missing or repeated parts) happen in `model()`, and checks that need the
 * tables (rows summing to 1, rewards) in `compile()`.
 */
import { freeze } from 'immer';
import { isDistribution, type Distribution } from '../dist/categorical.js';
import type { Sampler } from '../dist/sampler.js';
import { checkValue, keyOf } from '../dist/value-key.js';
import { checkOptions, fail, IssueList, show } from '../errors.js';
import { continuousAction } from './continuous-action.js';
import type {
  ActionPart,
  ActionPrior,
  DiscountPart,
  GridLayout,
  HorizonPart,
  OptimalityPart,
  SimulatedStatePart,
  StatePart,
  TemperaturePart,
  TerminalPart,
  TransitionPart,
} from '../types/model.js';

/** Options of `state(...)`. */
export interface StateOptions<V> {
  /** A domain value (a point mass) or a distribution over the domain; uniform when left out. */
  readonly initial?: V | Distribution<V>;
  /** Where each value sits on a grid, for text grids and pictures. */
  readonly layout?: GridLayout<V>;
}

/** The most values one variable's domain may have (a JavaScript Map holds 2^24 keys). */
export const MAX_DOMAIN_SIZE = 2 ** 24;

/**
 * Check a domain: non-empty, valid values, no value twice. Returns a frozen copy.
 * `field` says which issue field holds a repeated value (`state` or `action`).
 */
function checkDomain<V>(part: string, domain: readonly V[], field: 'state' | 'action'): readonly V[] {
  if (!Array.isArray(domain)) {
    fail({ code: 'invalid-value', part, message: `${part}: the domain must be an array of values, got ${show(domain)}` });
  }
  if (domain.length === 0) {
    fail({ code: 'empty-domain', part, message: `${part}: the domain is empty; give at least one value` });
  }
  if (domain.length > MAX_DOMAIN_SIZE) {
    fail({
      code: 'too-large',
      part,
      message: `${part}: the domain has ${domain.length} values, more than the ${MAX_DOMAIN_SIZE} one variable can hold; split it into several state(...) parts (a factored state) or use an engine that samples`,
    });
  }
  const issues = new IssueList();
  const firstIndex = new Map<string, number>();
  domain.forEach((value, i) => {
    const why = checkValue(value);
    if (why !== undefined) {
      issues.add({
        code: 'invalid-value',
        part,
        message: `${part}: value at index ${i} ${why}; values must be finite numbers, strings, booleans or records of them`,
      });
      return;
    }
    const key = keyOf(value);
    const before = firstIndex.get(key);
    if (before !== undefined) {
      issues.add({
        code: 'duplicate-value',
        part,
        [field]: value,
        message: `${part}: value ${show(value)} appears twice (indices ${before} and ${i}); each value must be listed once`,
      });
    } else firstIndex.set(key, i);
  });
  issues.throwIfAny();
  // A structured copy, so freezing the model never freezes the caller's objects.
  return freeze(structuredClone([...domain]), true);
}

/**
 * A state variable with a finite domain. Several `state` parts make a factored
 * state: the state value is then a record `{ [name]: value }`.
 * @example state('cell', cells, { initial: { x: 0, y: 0 } })
 */
export function state<V, const N extends string = string>(name: N, domain: readonly V[], options: StateOptions<V> = {}): StatePart<V, N> {
  const part = `state('${name}')`;
  checkName(part, name);
  checkOptions(part, options, ['initial', 'layout']);
  const checked = checkDomain(part, domain, 'state');
  const result: StatePart<V, N> = { kind: 'state', name, domain: checked };
  return freeze({
    ...result,
    ...(options.initial !== undefined ? { initial: options.initial } : {}),
    ...(options.layout !== undefined ? { layout: options.layout as GridLayout<unknown> } : {}),
  }) as StatePart<V, N>;
}

/** Options of `state.simulated(...)`. */
export interface SimulatedStateOptions<V> {
  /** s_0: a value (a point mass), a finite distribution, or a `sampler(...)`. Required. */
  readonly initial: V | Distribution<V> | Sampler<V>;
}

/**
 * A state variable with no finite domain: continuous positions, vectors, any
 * value a transition's sampler returns. A model with one has no tables, so
 * only engines that simulate run it (`importance`, `variational` with
 * score-function gradients); `exact()` refuses it and says so.
 * @example state.simulated('x', { initial: 0 })
 */
state.simulated = function simulated<V, const N extends string = string>(name: N, options: SimulatedStateOptions<V>): SimulatedStatePart<V, N> {
  const part = `state.simulated('${name}')`;
  checkName(part, name);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail({ code: 'option-invalid', part, message: `${part}: expected options { initial }, got ${show(options)}; a simulated state has no domain to list` });
  }
  checkOptions(part, options, ['initial']);
  if (!('initial' in options) || options.initial === undefined) {
    fail({ code: 'option-invalid', part, message: `${part}: give { initial }: a value, a distribution or sampler((random) => value) for s_0` });
  }
  return freeze({ kind: 'simulated-state' as const, name, initial: options.initial as unknown as V });
};

/** Options of `action(...)`. */
export interface ActionOptions<A, S> {
  /** p(a | s): one distribution for every state, or a function of the state. Uniform when left out. */
  readonly prior?: ActionPrior<S, A>;
}

/**
 * The action variable and its prior p(a | s) (uniform unless given).
 * @example action('move', ['N', 'S', 'E', 'W'])
 */
export function action<const A, S = unknown>(
  name: string,
  domain: readonly A[],
  options: ActionOptions<A, S> = {},
): ActionPart<A, S> {
  const part = `action('${name}')`;
  checkName(part, name);
  checkOptions(part, options, ['prior']);
  const checked = checkDomain(part, domain, 'action');
  const prior: unknown = options.prior;
  // A plain record such as { N: 0.5, S: 0.5 } is refused here, not at every state in compile().
  if (prior !== undefined && typeof prior !== 'function' && !isDistribution(prior)) {
    fail({
      code: 'option-invalid',
      part,
      message: `${part}: prior must be a distribution or a function of the state, got ${show(prior)}; e.g. { prior: categorical([['N', 0.7], ['S', 0.3]]) }`,
    });
  }
  return freeze({
    kind: 'action' as const,
    name,
    domain: checked,
    ...(options.prior !== undefined ? { prior: options.prior } : {}),
  });
}

/**
 * The dynamics p(s_{t+1} | s_t, a_t). With several state variables, give one
 * `transition(name, fn)` per variable: fn(s, a) returns the distribution of
 * that variable at t + 1 given the whole state s_t and the action. Returning
 * a `sampler(...)` instead makes the model one that engines can only simulate.
 * @example transition((s, a) => categorical([[step(s, a), 0.8], [s, 0.2]]))
 */
export function transition<S, A>(next: (s: S, a: A) => Distribution<unknown> | Sampler<unknown>): TransitionPart<S, A>;
export function transition<S, A>(variable: string, next: (s: S, a: A) => Distribution<unknown> | Sampler<unknown>): TransitionPart<S, A>;
export function transition<S, A>(
  first: string | ((s: S, a: A) => Distribution<unknown> | Sampler<unknown>),
  second?: (s: S, a: A) => Distribution<unknown> | Sampler<unknown>,
): TransitionPart<S, A> {
  const variable = typeof first === 'string' ? first : undefined;
  const next = typeof first === 'string' ? second : first;
  const part = variable === undefined ? 'transition' : `transition('${variable}')`;
  if (typeof next !== 'function') {
    fail({ code: 'option-invalid', part, message: `${part}: expected a function (s, a) => distribution, got ${show(next)}` });
  }
  return freeze({ kind: 'transition' as const, variable, next });
}

/**
 * The optimality factor p(O_t = 1 | s_t, a_t) = exp(r(s_t, a_t, t) / α).
 * Several `optimality` parts add their rewards. `-Infinity` is a hard constraint.
 * A reward that reads its third argument `t` is time-varying.
 * @example optimality((s, a) => (isGoal(s) ? 0 : -1))
 */
export function optimality<S, A>(reward: (s: S, a: A, t: number) => number, options: OptimalityOptions = {}): OptimalityPart<S, A> {
  if (typeof reward !== 'function') {
    fail({ code: 'option-invalid', part: 'optimality', message: `optimality: expected a reward function (s, a, t) => number, got ${show(reward)}` });
  }
  checkOptions('optimality', options, ['timeVarying']);
  // A function's declared arity says whether it reads t; default or rest parameters hide it,
  // hence the explicit option (and compile() probes a stationary reward at two times).
  return freeze({ kind: 'optimality' as const, timeVarying: options.timeVarying ?? reward.length >= 3, reward });
}

/** Options of `optimality(...)`. */
export interface OptimalityOptions {
  /** Whether r reads t; by default, whether the function declares a third parameter. */
  readonly timeVarying?: boolean;
}

/**
 * A terminal factor exp(r_T(s_T) / α) on the state reached after the last
 * decision (a finite horizon only). Several terminal parts add.
 */
optimality.terminal = function terminal<S>(reward: (s: S) => number): TerminalPart<S> {
  if (typeof reward !== 'function') {
    fail({ code: 'option-invalid', part: 'optimality.terminal', message: `optimality.terminal: expected a function s => number, got ${show(reward)}` });
  }
  return freeze({ kind: 'terminal' as const, reward });
};

/** The temperature α in p(O = 1 | s, a) = exp(r / α); 1 by default, 0 for the hard-max limit. */
export function temperature(alpha: number): TemperaturePart {
  if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha)) {
    fail({
      code: 'temperature-invalid',
      part: 'temperature',
      message: `temperature: α must be ≥ 0 and finite, got ${show(alpha)}. Use temperature(0) for the hard-max limit`,
    });
  }
  return freeze({ kind: 'temperature' as const, alpha });
}

/**
 * `horizon(T)`: T decisions at t = 0 … T−1, each with its optimality factor.
 * `horizon(Infinity)` (with `discount(γ < 1)`) is the infinite horizon — the same
 * as leaving horizon out, and the way `extend` turns a finite model infinite.
 */
export function horizon(steps: number): HorizonPart {
  if (typeof steps !== 'number' || !(Number.isInteger(steps) || steps === Infinity) || steps < 1) {
    fail({
      code: 'horizon-invalid',
      part: 'horizon',
      message: `horizon: expected a positive integer, got ${show(steps)}. For an infinite horizon give horizon(Infinity) (or no horizon) with discount(γ)`,
    });
  }
  return freeze({ kind: 'horizon' as const, steps });
}

/**
 * `discount(γ)`: Q = r + γ·backup(V). Without a horizon this is the
 * infinite-horizon model and needs γ in [0, 1); with a horizon, γ in [0, 1].
 */
export function discount(gamma: number): DiscountPart {
  if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) {
    fail({
      code: 'discount-invalid',
      part: 'discount',
      message: `discount: γ must be in [0, 1] (and below 1 for an infinite horizon), got ${show(gamma)}`,
    });
  }
  return freeze({ kind: 'discount' as const, gamma });
}

function checkName(part: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    fail({ code: 'option-invalid', part, message: `${part}: the name must be a non-empty string` });
  }
}

/** A continuous action u ∈ ℝ^d; see `continuousAction` in dsl/continuous-action.ts. */
action.continuous = continuousAction;
