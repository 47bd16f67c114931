/**
 * Finite distributions as plain frozen data: `{ kind: 'categorical', support, probs }`.
 *
 * Constructors do not normalise or judge the numbers: the compiler checks them
 * with the model's context (which state, which action), so an error can say
 * where the bad row came from. Repeated support values are merged (their
 * probabilities add), because `categorical([[step(s, a), 0.8], [s, 0.2]])`
 * legitimately lists the same cell twice at a wall.
 */
import { argumentError, requireArray } from '../errors.js';
import { SCAN, SupportIndex } from './support-index.js';
import { keyOf } from './value-key.js';

const DISTRIBUTION = Symbol.for('control-as-inference.distribution');

/** A distribution over finitely many values. */
export interface Categorical<V> {
  readonly kind: 'categorical';
  readonly support: readonly V[];
  readonly probs: readonly number[];
}

/** Anything a `transition`, `initial` or action prior may return. */
export type Distribution<V> = Categorical<V>;

/** Is `x` a distribution made by this module (rather than a domain value)? */
export function isDistribution(x: unknown): x is Distribution<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  try {
    return (x as Record<symbol, unknown>)[DISTRIBUTION] === true;
  } catch {
    return false; // a Proxy that throws when read is not one of ours
  }
}

/** The class only carries the brand on its prototype; instances are plain frozen data. */
class CategoricalData<V> implements Categorical<V> {
  readonly kind = 'categorical' as const;
  /** Marks instances made here: `#made in x` reads no property and runs no Proxy trap. */
  readonly #made = true;
  constructor(
    readonly support: readonly V[],
    readonly probs: readonly number[],
  ) {
    Object.freeze(this);
  }

  static made(x: unknown): x is Categorical<unknown> {
    return typeof x === 'object' && x !== null && #made in x;
  }
}
Object.defineProperty(CategoricalData.prototype, DISTRIBUTION, { value: true });

/**
 * Made by this module's constructors (`categorical`, `deterministic`, `uniform`, `categoricalOf`):
 * frozen, `support` and `probs` plain frozen arrays of one length. Compile's fast path reads such a
 * distribution without the brand lookup (and without touching a Proxy); anything else (another copy
 * of the library, a Proxy) goes through `isDistribution` and the general check.
 */
export function isOwnCategorical(x: unknown): x is Categorical<unknown> {
  return CategoricalData.made(x);
}

/** Support and probabilities are frozen: a distribution kept in a model cannot be changed afterwards. */
function make<V>(support: V[], probs: number[]): Categorical<V> {
  return new CategoricalData(Object.freeze(support) as V[], Object.freeze(probs) as number[]);
}

/** A distribution from support and probabilities as given (no merging); for copies of checked distributions. */
export function categoricalOf<V>(support: V[], probs: number[]): Categorical<V> {
  return make(support, probs);
}

/**
 * `categorical([[v1, p1], [v2, p2], …])`: P(v_i) = p_i. Equal values are merged.
 * @example categorical([[{ x: 1, y: 0 }, 0.8], [{ x: 0, y: 0 }, 0.2]])
 */
export function categorical<V>(pairs: Iterable<readonly [V, number]>): Categorical<V> {
  if (typeof (pairs as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] !== 'function' || typeof pairs === 'string') {
    argumentError('categorical', '[[value, p], …]', pairs, "e.g. categorical([['heads', 0.5], ['tails', 0.5]])");
  }
  // Arrays (the usual argument) are read by index: no iterator and no destructuring per pair.
  const list = (Array.isArray(pairs) ? pairs : [...pairs]) as readonly (readonly [V, number])[];
  const support: V[] = [];
  const probs: number[] = [];
  // Primitives compare with === (0 and −0 alike); records by content (support-index.ts).
  // A short list of primitives (a gridworld's 3 cells) is scanned here, as SupportIndex would
  // scan it, without making the index: compile calls this S·A times (10 million at 1600²).
  const short = list.length <= SCAN;
  let index: SupportIndex | undefined;
  for (let j = 0; j < list.length; j++) {
    const pair = list[j];
    if (!Array.isArray(pair)) argumentError('categorical', 'each entry a pair [value, p]', pair, "e.g. categorical([['heads', 0.5], ['tails', 0.5]])");
    const value = pair[0] as V;
    const p = pair[1] as number;
    let at = -1;
    if (short && index === undefined && (typeof value !== 'object' || value === null)) {
      for (let i = 0; i < support.length; i++) {
        if (support[i] === value) {
          at = i;
          break;
        }
      }
    } else at = (index ??= new SupportIndex(list.length)).findOrAdd(support, value);
    if (at < 0) {
      support.push(value);
      probs.push(p);
    } else probs[at] = probs[at]! + p;
  }
  return make(support, probs);
}

/** A point mass: P(v) = 1. */
export function deterministic<V>(value: V): Categorical<V> {
  return make([value], [1]);
}

/** Uniform over the given values: P(v_i) = 1/n. Repeated values are merged. */
export function uniform<V>(values: readonly V[]): Categorical<V> {
  requireArray('uniform', 'an array of values', values);
  return categorical(values.map((v) => [v, 1 / values.length] as const));
}

/** P(value) under `dist` (0 when absent), comparing values by content. */
export function probOf<V>(dist: Distribution<V>, value: V): number {
  if (!isDistribution(dist)) argumentError('probOf', 'a distribution (categorical(...), deterministic(...), uniform(...))', dist);
  const key = keyOf(value);
  let p = 0;
  for (let i = 0; i < dist.support.length; i++) if (keyOf(dist.support[i]) === key) p += dist.probs[i]!;
  return p;
}
