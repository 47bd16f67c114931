/**
 * Which earlier support value equals a new one, by content, as `keyOf` decides:
 * what `categorical` needs to merge repeated values without a string per value.
 *
 *  - primitives (and null, functions …) compare with === (0 and −0 alike), by a
 *    scan of the support, or a Map once the support is long;
 *  - records of one shape (the first record's keys, any order, primitive or null
 *    fields) compare field by field: a scan while few, then a trie of Maps over
 *    the fields. Jack's car rental lists 441 records per row: 2 million keyOf
 *    strings were most of its compile time;
 *  - any other record or array by its canonical key (`keyOf`).
 *
 * Two values equal by `keyOf` are both of the shape or both not (a field's
 * canonical text tells a primitive from a record), so the three never disagree.
 */
import { keyOf } from './value-key.js';

/** Scans below this many values; a Map (or trie) above. */
export const SCAN = 32;

type Fields = Record<string, unknown>;

const isField = (v: unknown): boolean => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
// SameValueZero, as a Map compares: NaN equals NaN (keyOf writes both 'NaN'), 0 equals −0.
const sameField = (a: unknown, b: unknown): boolean => a === b || (a !== a && b !== b);

export class SupportIndex {
  private primitives: Map<unknown, number> | undefined;
  /** The first record's keys when its fields are primitive; null when records go by keyOf. */
  private shape: readonly string[] | null | undefined;
  private shapedAt: number[] | undefined;
  private trie: Map<unknown, unknown> | undefined;
  private byKey: Map<string, number> | undefined;
  /** Whole numbers in [0, 2^30), by value. */
  private numbers: CodeTable | undefined;
  /** Records whose fields are all small whole numbers, by `smallCode`; the others go by scan or trie. */
  private codes: CodeTable | undefined;

  /** @param expected how many values will be offered (sizes the tables). */
  constructor(private readonly expected = 0) {}

  /** The position in `support` of a value equal to `value`, or −1 after noting `value` at support.length. */
  findOrAdd(support: readonly unknown[], value: unknown): number {
    const n = support.length;
    if (typeof value !== 'object' || value === null) return this.primitive(support, value, n);
    if (this.shape === undefined) this.shape = safely(() => shapeOf(value), null);
    const shape = this.shape;
    // A value whose keys or fields cannot be read (a Proxy, a throwing getter) goes by keyOf,
    // which gives every such value one key that no domain value has.
    if (shape !== null && (sameKeys(value, shape) || safely(() => fits(value, shape), false))) return this.record(support, value as Fields, shape, n);
    const key = keyOf(value);
    this.byKey ??= new Map();
    const at = this.byKey.get(key);
    if (at !== undefined) return at;
    this.byKey.set(key, n);
    return -1;
  }

  private primitive(support: readonly unknown[], value: unknown, n: number): number {
    // Small whole numbers (cars 0 … 20, cells numbered 0 … n−1) by a typed table when many values
    // are expected (a short list is scanned: two typed arrays cost more than the scan); −0 is 0
    // there, as in a Map. Every other primitive by scan or Map: the two never hold equal values.
    if (this.expected > SCAN && typeof value === 'number' && value >= 0 && value < 2 ** 30 && Math.floor(value) === value) return (this.numbers ??= new CodeTable(this.expected)).findOrAdd(value | 0, n);
    if (this.primitives === undefined) {
      for (let i = 0; i < n; i++) if (support[i] === value) return i;
      if (n + 1 >= SCAN) {
        this.primitives = new Map();
        for (let i = 0; i < n; i++) if (typeof support[i] !== 'object' || support[i] === null) this.primitives.set(support[i], i);
        this.primitives.set(value, n);
      }
      return -1;
    }
    const at = this.primitives.get(value);
    if (at !== undefined) return at;
    this.primitives.set(value, n);
    return -1;
  }

  private record(support: readonly unknown[], value: Fields, shape: readonly string[], n: number): number {
    const K = shape.length;
    // Fields all small whole numbers (cars at two lots, cells {x, y}): one number for the record,
    // when many values are expected (else the scan below).
    const code = this.expected > SCAN ? smallCode(value, shape) : -1;
    if (code >= 0) return (this.codes ??= new CodeTable(this.expected)).findOrAdd(code, n);
    if (this.trie === undefined) {
      const shaped = (this.shapedAt ??= []);
      for (const i of shaped) {
        const other = support[i] as Fields;
        let k = 0;
        while (k < K && sameField(other[shape[k]!], value[shape[k]!])) k++;
        if (k === K) return i;
      }
      if (shaped.length + 1 >= SCAN) {
        this.trie = new Map();
        for (const i of shaped) insert(this.trie, support[i] as Fields, shape, i);
        insert(this.trie, value, shape, n);
      } else shaped.push(n);
      return -1;
    }
    return insert(this.trie, value, shape, n);
  }
}

/**
 * Σ_k f_k · R^(K−1−k) with R = 2^15 (K ≤ 2) or 2^10 (K = 3), when every field f_k is a whole
 * number in [0, R), else −1: a code below 2^30. Equal records (by keyOf, which writes −0 as 0)
 * get equal codes, and a record with a field outside that range never gets one, so the codes
 * and the trie never hold two equal values.
 */
function smallCode(value: Fields, shape: readonly string[]): number {
  const K = shape.length;
  if (K > 3) return -1;
  const radix = K === 3 ? 1024 : 32768;
  let code = 0;
  for (let k = 0; k < K; k++) {
    const f = value[shape[k]!];
    if (typeof f !== 'number' || !(f >= 0 && f < radix) || Math.floor(f) !== f) return -1;
    code = code * radix + f;
  }
  return code | 0; // −0 → 0
}

/**
 * code → support position: open addressing with linear probing on a typed array (no Map, no
 * boxing), sized from the number of values expected so that it rarely grows. Slot i holds
 * code + 1 at 2i (so a fresh, zeroed array is empty) and the position at 2i + 1: one typed array
 * per table, not two — `categorical` makes a table per call (4 851 per compile of Jack's car rental,
 * 8 KB each), and every typed array is a separate allocation the collector tracks.
 */
class CodeTable {
  private slots: Int32Array;
  private count = 0;

  constructor(expected: number) {
    let size = 8;
    while (size < 2 * expected) size *= 2;
    this.slots = new Int32Array(2 * size);
  }

  /** The position stored for `code`, or −1 after storing `n` for it. */
  findOrAdd(code: number, n: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const stored = code + 1;
    let i = (Math.imul(code, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const key = slots[2 * i]!;
      if (key === stored) return slots[2 * i + 1]!;
      if (key === 0) break;
      i = (i + 1) & mask;
    }
    slots[2 * i] = stored;
    slots[2 * i + 1] = n;
    if (4 * ++this.count > slots.length) this.rehash();
    return -1;
  }

  /** Twice the slots; every stored pair inserted again (the count starts over). */
  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    this.count = 0;
    for (let j = 0; j < old.length; j += 2) if (old[j] !== 0) this.findOrAdd(old[j]! - 1, old[j + 1]!);
  }
}

/**
 * The common case of `fits`: own enumerable keys exactly `shape`, in its order, every field
 * primitive or null. False sends the value to `fits`, which decides (keys in another order).
 */
function sameKeys(value: object, shape: readonly string[]): boolean {
  try {
    // A plain record's keys by for…in (V8's enum cache: no array per record, unlike Object.keys, for
    // 2 million records per compile of Jack's car rental): with Object.prototype as its prototype,
    // whose own keys are not enumerable, for…in lists exactly the own enumerable keys, in
    // Object.keys' order. Anything else is left to `fits`.
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    let j = 0;
    for (const key in value) if (key !== shape[j++] || !Object.prototype.hasOwnProperty.call(value, key) || !isField((value as Fields)[key])) return false;
    return j === shape.length;
  } catch {
    return false;
  }
}

/** Walk (and extend) the trie along the fields; the index found, or −1 after storing n. */
function insert(trie: Map<unknown, unknown>, value: Fields, shape: readonly string[], n: number): number {
  let node = trie;
  const last = shape.length - 1;
  for (let k = 0; k < last; k++) {
    const f = value[shape[k]!];
    let child = node.get(f) as Map<unknown, unknown> | undefined;
    if (child === undefined) node.set(f, (child = new Map()));
    node = child;
  }
  const at = node.get(value[shape[last]!]) as number | undefined;
  if (at !== undefined) return at;
  node.set(value[shape[last]!], n);
  return -1;
}

function safely<T>(f: () => T, otherwise: T): T {
  try {
    return f();
  } catch {
    return otherwise;
  }
}

function shapeOf(value: object): readonly string[] | null {
  if (Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.length === 0) return null;
  for (const k of keys) if (!isField((value as Fields)[k])) return null;
  return keys;
}

/** Same own keys as `shape` (any order), every field primitive or null. */
function fits(value: object, shape: readonly string[]): boolean {
  if (Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== shape.length) return false;
  for (let j = 0; j < keys.length; j++) if (keys[j] !== shape[j] && !shape.includes(keys[j]!)) return false;
  for (let j = 0; j < shape.length; j++) if (!isField((value as Fields)[shape[j]!])) return false;
  return true;
}
