/**
 * The combinators. Each checks its own arguments at once (an empty domain is
 * wrong wherever it ends up) and returns a frozen part; whole-model checks
 * (missing or repeated parts) happen in `model()`, and checks that need the
 * tables (rows summing to 1, rewards) in `compile()`.
 */
import { freeze } from './freeze.js';
import { categoricalOf, isDistribution, type Distribution } from '../dist/categorical.js';
import { isSampler, type Sampler } from '../dist/sampler.js';
import { SupportIndex } from '../dist/support-index.js';
import { checkValue } from '../dist/value-key.js';
import { checkOptions, fail, IssueList, show, thrownText } from '../errors.js';
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
  /**
   * Where each state sits on a grid, for text grids and pictures (a drawing hint: it never changes a number).
   * With one state variable `cellOf` receives its value; in a factored state (several `state` parts)
   * it receives the whole record `{ x, y, … }`, and is given on any one of the parts.
   */
  readonly layout?: GridLayout<NoInfer<V>> | GridLayout<object>;
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
  // Duplicates by content as keyOf decides, without a string per value (SupportIndex: whole
  // numbers by a typed hash table, records of one shape by field): 2.56 million cells of a
  // 1600×1600 gridworld took 2.9 s as keyOf strings in a Map<string>.
  const index = new SupportIndex(domain.length);
  const distinct: unknown[] = [];
  const firstIndex: number[] = [];
  let primitivesOnly = true;
  // A plain loop, not forEach: forEach skips the holes of [0, , 2] and new Array(3).
  for (let i = 0; i < domain.length; i++) {
    const why = i in domain ? checkValue(domain[i]) : 'is a hole (a sparse array such as [0, , 2] or new Array(3))';
    if (why !== undefined) {
      issues.add({
        code: 'invalid-value',
        part,
        message: `${part}: value at index ${i} ${why}; values must be finite numbers, strings, booleans or records of them`,
      });
      continue;
    }
    const value = domain[i]!;
    if (typeof value === 'object') primitivesOnly = false;
    const at = index.findOrAdd(distinct, value);
    const before = at < 0 ? undefined : firstIndex[at];
    if (before !== undefined) {
      issues.add({
        code: 'duplicate-value',
        part,
        [field]: value,
        message: `${part}: value ${show(value)} appears twice (indices ${before} and ${i}); each value must be listed once`,
      });
    } else {
      distinct.push(value);
      firstIndex.push(i);
    }
  }
  issues.throwIfAny();
  // A structured copy, so freezing the model never freezes the caller's objects. A spread array
  // of primitives holds nothing to copy or freeze deeply (a deep freeze of 2.56 million cells
  // listed Object.keys: a string per index).
  if (primitivesOnly) return freeze([...domain]);
  return freeze(copyOf(part, [...domain]), true);
}

/**
 * A deep copy of checked plain data. structuredClone refuses a Proxy that
 * checkValue could read; that is the user's value, so it gets a typed error.
 */
function copyOf<T>(part: string, value: T): T {
  try {
    return structuredClone(value);
  } catch (error) {
    return fail({ code: 'invalid-value', part, message: `${part}: a value cannot be copied (${thrownText(error)}); values must be plain data — not a Proxy, nor an object with getters` }, error);
  }
}

/**
 * The initial value or distribution as the model keeps it: a frozen copy, so
 * that changing the caller's object after model() cannot change any result.
 * A value that cannot be copied is kept as given; compile() then reports it
 * as not in the domain.
 */
function frozenInitial<V>(initial: V | Distribution<V>): V | Distribution<V> {
  if (isDistribution(initial)) {
    let support: V[];
    try {
      support = freeze(structuredClone([...initial.support]), true) as V[];
    } catch {
      support = [...initial.support] as V[];
    }
    return categoricalOf(support, [...initial.probs]) as Distribution<V>;
  }
  if (typeof initial !== 'object' || initial === null) return initial;
  try {
    return freeze(structuredClone(initial), true);
  } catch {
    return initial;
  }
}

/**
 * A state variable with a finite domain. Several `state` parts make a factored
 * state: the state value is then a record `{ [name]: value }`.
 * @example state('cell', cells, { initial: { x: 0, y: 0 } })
 */
export function state<V, const N extends string = string>(name: N, domain: readonly V[], options: StateOptions<V> = {}): StatePart<V, N> {
  const part = `state('${nameText(name)}')`;
  checkName(part, name);
  checkOptions(part, options, ['initial', 'layout']);
  const checked = checkDomain(part, domain, 'state');
  const result: StatePart<V, N> = { kind: 'state', name, domain: checked };
  // Copies, frozen: mutating the caller's initial record, distribution or layout after
  // model() must not change any result.
  return freeze({
    ...result,
    ...(options.initial !== undefined ? { initial: frozenInitial(options.initial) } : {}),
    ...(options.layout !== undefined ? { layout: guardedLayout(part, options.layout as GridLayout<unknown>) } : {}),
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
  const part = `state.simulated('${nameText(name)}')`;
  checkName(part, name);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail({ code: 'option-invalid', part, message: `${part}: expected options { initial }, got ${show(options)}; a simulated state has no domain to list` });
  }
  checkOptions(part, options, ['initial']);
  if (!('initial' in options) || options.initial === undefined) {
    fail({ code: 'option-invalid', part, message: `${part}: give { initial }: a value, a distribution or sampler((random) => value) for s_0` });
  }
  // A value or distribution is kept as a frozen copy (a sampler is a function of the stream: kept as given).
  const initial = isSampler(options.initial) ? options.initial : frozenInitial(options.initial as V | Distribution<V>);
  return freeze({ kind: 'simulated-state' as const, name, initial: initial as unknown as V });
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
  const part = `action('${nameText(name)}')`;
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
    ...(options.prior !== undefined ? { prior: isDistribution(prior) ? (frozenInitial(prior) as typeof options.prior) : options.prior } : {}),
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
  // 'false' is a truthy string: accept only a real boolean rather than read it as true.
  if (options.timeVarying !== undefined && typeof options.timeVarying !== 'boolean') {
    fail({ code: 'option-invalid', part: 'optimality', message: `optimality: timeVarying must be true or false, got ${show(options.timeVarying)}; leave it out to read the reward's declared parameters` });
  }
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
  // −0 is stored as 0: r/(−0) would be −Infinity for every positive reward.
  return freeze({ kind: 'temperature' as const, alpha: alpha === 0 ? 0 : alpha });
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
  // 1e308 is an integer to JavaScript, but no loop counts to it and no array holds it.
  if (steps !== Infinity && !Number.isSafeInteger(steps)) {
    fail({
      code: 'horizon-invalid',
      part: 'horizon',
      message: `horizon: ${show(steps)} decisions is more than can be counted (2^53 − 1); give a smaller T, or horizon(Infinity) with discount(γ) for an unending task`,
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
  return freeze({ kind: 'discount' as const, gamma: gamma === 0 ? 0 : gamma });
}

/**
 * The layout as the model keeps it: width and height read once (a later change to
 * the caller's object changes nothing) and cellOf guarded, so that a cellOf that
 * throws while a grid is drawn is reported as that, with the state it was given.
 */
function guardedLayout(part: string, layout: GridLayout<unknown>): GridLayout<unknown> {
  const ok = typeof layout === 'object' && layout !== null && typeof layout.cellOf === 'function';
  const { width, height } = ok ? layout : { width: NaN, height: NaN };
  if (!ok || !Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    fail({ code: 'option-invalid', part, message: `${part}: layout must be { width, height, cellOf } with positive integer width and height, got ${show(layout)}` });
  }
  // A frozen copy, so that mutating the caller's layout after model() changes nothing. A cellOf that
  // throws is reported where the pictures call it (viz/text.ts cellOfState), as a drawing hint that failed.
  const cellOf = layout.cellOf.bind(layout);
  return Object.freeze({ width, height, cellOf: (s: unknown) => cellOf(s) });
}

function checkName(part: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    fail({ code: 'option-invalid', part, message: `${part}: the name must be a non-empty string${typeof name === 'string' ? '' : `, got ${show(name)}`}` });
  }
}

/** A name for messages: a template literal of a symbol would throw before the name could be refused. */
function nameText(name: unknown): string {
  return typeof name === 'string' ? name : show(name);
}

/** A continuous action u ∈ ℝ^d; see `continuousAction` in dsl/continuous-action.ts. */
action.continuous = continuousAction;
