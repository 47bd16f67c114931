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
  return list.length <= FEW ? few(list) : general(list, [], [], 0);
}

function notAPair(pair: unknown): never {
  return argumentError('categorical', 'each entry a pair [value, p]', pair, "e.g. categorical([['heads', 0.5], ['tails', 0.5]])");
}

/** Lists of at most this many pairs of primitives and numbers take `few`'s path. */
const FEW = 4;

/** few's scratch: values and summed probabilities of the pairs read so far (primitives and numbers only). */
const VALUES: unknown[] = [0, 0, 0, 0];
const SUMS: number[] = [0.5, 0.5, 0.5, 0.5];
/** True while few reads a list: a categorical called meanwhile (a Proxy pair's trap) takes the general path. */
let reading = false;

/**
 * `categorical` for ≤ FEW pairs (a gridworld's 3 cells; compile calls it S·A times, 10 million at
 * 1600²): the pairs are merged in a scratch list, the support is made by one literal of its final
 * length, and the probabilities are the shared frozen list with those entries (`internProbs`).
 * Why: a list grown by `push`, or a list of doubles frozen in place (V8 boxes its entries into a new
 * store), allocates its store again — one more object per call, and in a process where V8 pretenures
 * the site an old list pointing at a young store, which every scavenge then keeps alive (compile at
 * 1000² took 5.8 s instead of 1.6 s). A record, a value that is not a pair or a non-number probability
 * hands over to the general path where it is, which merges as this does: the same distribution, each
 * pair read once, in order.
 */
function few<V>(list: readonly (readonly [V, number])[]): Categorical<V> {
  if (reading) return general(list, [], [], 0);
  reading = true;
  let k = 0;
  try {
    for (let j = 0; j < list.length; j++) {
      const pair = list[j];
      if (!Array.isArray(pair)) notAPair(pair);
      const value = pair[0] as V;
      const p = pair[1] as number;
      if ((typeof value === 'object' && value !== null) || typeof p !== 'number') {
        reading = false;
        return general(list, VALUES.slice(0, k) as V[], SUMS.slice(0, k), j, value, p);
      }
      // === as the general path's scan: 0 and −0 alike, NaN never equal to itself.
      let i = 0;
      while (i < k && VALUES[i] !== value) i++;
      if (i < k) SUMS[i] = SUMS[i]! + p;
      else (VALUES[k] = value), (SUMS[k++] = p);
    }
  } finally {
    reading = false;
  }
  // A literal of the final length for the usual lengths (2 and 3: walls and moves); slice otherwise.
  const support = (k === 3 ? [VALUES[0], VALUES[1], VALUES[2]] : k === 2 ? [VALUES[0], VALUES[1]] : VALUES.slice(0, k)) as V[];
  return new CategoricalData(Object.freeze(support), internProbs(k));
}

/**
 * The frozen list of SUMS[0 … k−1], shared by content: a model has few distinct ones (0.8/0.1/0.1,
 * 0.9/0.1, 1). Equal means `Object.is` entry by entry (−0 is not 0), so a shared list is
 * indistinguishable from a fresh frozen copy except by identity (`a.probs === b.probs`). A
 * direct-mapped table of 256 slots; a collision replaces the slot.
 */
const PROBS_CACHE: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(256).fill(undefined);

function internProbs(k: number): number[] {
  // Any mix of the entries will do as a hash (ToInt32 of a sum): equality is checked below.
  let hash = k;
  for (let i = 0; i < k; i++) hash += SUMS[i]! * (2 * i + 1) * 1048573;
  const slot = hash & 255;
  const cached = PROBS_CACHE[slot];
  let same = cached !== undefined && cached.length === k;
  for (let i = 0; same && i < k; i++) same = Object.is(cached![i], SUMS[i]);
  return (same ? cached : (PROBS_CACHE[slot] = Object.freeze(SUMS.slice(0, k)))) as number[];
}

/**
 * The general path, from pair `from` on, with `support`/`probs` holding what the pairs before it
 * gave; `value`/`p`, when given, are pair `from`'s entries already read (each pair is read once).
 */
function general<V>(list: readonly (readonly [V, number])[], support: V[], probs: number[], from: number, ...read: [] | [V, number]): Categorical<V> {
  // Primitives compare with === (0 and −0 alike); records by content (support-index.ts).
  // A short list of primitives is scanned here, as SupportIndex would scan it, without making the index.
  const short = list.length <= SCAN;
  let index: SupportIndex | undefined;
  // Values already in the support are primitives (few() stops at the first record): an index made
  // later sees them as SupportIndex would have.
  for (let j = from; j < list.length; j++) {
    let value: V;
    let p: number;
    if (j === from && read.length === 2) [value, p] = read;
    else {
      const pair = list[j];
      if (!Array.isArray(pair)) notAPair(pair);
      value = pair[0] as V;
      p = pair[1] as number;
    }
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
