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

/** Lists of at most this many pairs of primitives and numbers take `few`'s path. */
const FEW = 4;

/**
 * `categorical` for ≤ FEW pairs (a gridworld's 3 cells; compile calls it S·A times, 10 million at
 * 1600²): the pairs are read and merged into locals, the support is made by one literal of its final
 * length, and the probabilities are the interned frozen list (`internProbs`). Why: every list grown by
 * `push` and every double list frozen in place allocates a new backing store; when V8 pretenures the
 * site (it does in some processes and not others) the old list then points at a young store, every
 * scavenge keeps those alive, and compile ran 3–4× slower. A literal of final length is allocated with
 * its elements; the interned probabilities are allocated once. Anything else — a record, a value that is
 * not a pair, a non-number probability — goes on from where it is with the general path, which merges
 * exactly as `few` did, so the result is the same distribution read in the same order.
 */
function few<V>(list: readonly (readonly [V, number])[]): Categorical<V> {
  let v0: V | undefined, v1: V | undefined, v2: V | undefined, v3: V | undefined;
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
  let k = 0;
  for (let j = 0; j < list.length; j++) {
    const pair = list[j];
    if (!Array.isArray(pair)) argumentError('categorical', 'each entry a pair [value, p]', pair, "e.g. categorical([['heads', 0.5], ['tails', 0.5]])");
    const value = pair[0] as V;
    const p = pair[1] as number;
    if ((typeof value === 'object' && value !== null) || typeof p !== 'number') {
      return general(list, gathered(k, v0, v1, v2, v3), [p0, p1, p2, p3].slice(0, k), j, value, p);
    }
    // === as the general path's scan: 0 and −0 alike, NaN never equal to itself.
    if (k > 0 && v0 === value) p0 += p;
    else if (k > 1 && v1 === value) p1 += p;
    else if (k > 2 && v2 === value) p2 += p;
    else if (k > 3 && v3 === value) p3 += p;
    else if (k === 0) (v0 = value), (p0 = p), (k = 1);
    else if (k === 1) (v1 = value), (p1 = p), (k = 2);
    else if (k === 2) (v2 = value), (p2 = p), (k = 3);
    else (v3 = value), (p3 = p), (k = 4);
  }
  const support = gathered(k, v0, v1, v2, v3) as V[];
  return new CategoricalData(Object.freeze(support), internProbs(k, p0, p1, p2, p3));
}

/** The first k of four values as one array literal of length k (allocated with its elements). */
function gathered<V>(k: number, v0: V | undefined, v1: V | undefined, v2: V | undefined, v3: V | undefined): V[] {
  return (k === 0 ? [] : k === 1 ? [v0] : k === 2 ? [v0, v1] : k === 3 ? [v0, v1, v2] : [v0, v1, v2, v3]) as V[];
}

/**
 * Frozen probability lists of ≤ FEW entries, shared by content: a model has few distinct ones
 * (0.8/0.1/0.1, 0.9/0.1, 1). Equal means `Object.is` entry by entry (−0 is not 0), so a shared
 * list is indistinguishable from a fresh frozen copy except by identity (`a.probs === b.probs`).
 * A direct-mapped table of 256 slots; a collision replaces the slot.
 */
const PROBS_CACHE: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(256).fill(undefined);

function internProbs(k: number, p0: number, p1: number, p2: number, p3: number): number[] {
  // Any mix of the entries will do as a hash: equality is checked below.
  const slot = (k * 73 + ((p0 * 1048573) | 0) * 31 + ((p1 * 1048573) | 0) * 17 + ((p2 * 1048573) | 0) * 7 + ((p3 * 1048573) | 0)) & 255;
  const cached = PROBS_CACHE[slot];
  if (
    cached !== undefined &&
    cached.length === k &&
    (k < 1 || Object.is(cached[0], p0)) &&
    (k < 2 || Object.is(cached[1], p1)) &&
    (k < 3 || Object.is(cached[2], p2)) &&
    (k < 4 || Object.is(cached[3], p3))
  ) {
    return cached as number[];
  }
  const probs = Object.freeze(k === 0 ? [] : k === 1 ? [p0] : k === 2 ? [p0, p1] : k === 3 ? [p0, p1, p2] : [p0, p1, p2, p3]);
  PROBS_CACHE[slot] = probs;
  return probs as number[];
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
      if (!Array.isArray(pair)) argumentError('categorical', 'each entry a pair [value, p]', pair, "e.g. categorical([['heads', 0.5], ['tails', 0.5]])");
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
