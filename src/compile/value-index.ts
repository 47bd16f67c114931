/**
 * value → index over a validated, duplicate-free domain, comparing by content
 * exactly as `keyOf` does, without building a string per lookup.
 *
 * Compile looks up every successor of every (s, a): 12 million lookups for a
 * 1000×1000 gridworld. A string key (`keyOf`) and a `Map<string>` per lookup
 * were 30 % of compile and most of its garbage, so three fast paths come first:
 *
 *  - identity: values[i] === i (cells numbered 0 … n−1) → the number itself;
 *  - primitives: numbers, strings, booleans keyed directly (a Map compares
 *    with SameValueZero, so −0 finds 0, as `keyOf` does; 1 and '1' differ);
 *  - records of one shape with primitive fields ({x, y}): each field's value
 *    becomes a digit, and the digits a mixed-radix code looked up in a table.
 *
 * Anything else (arrays, nested records, mixed shapes) goes through `keyOf`.
 * A query that no domain value can equal (undefined, a function, a record of
 * another shape) gives −1, never a throw.
 */
import { keyOf } from '../dist/value-key.js';

type Primitive = number | string | boolean;

/** Fields with whole-number values below this get a direct digit table (`recordIndex`). */
const DIRECT = 4096;

function isPrimitive(x: unknown): x is Primitive {
  const t = typeof x;
  return t === 'number' || t === 'string' || t === 'boolean';
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** `indexOf` for `values`: the index of the value equal by content, or −1. */
export function valueIndex(values: readonly unknown[]): (value: unknown) => number {
  const n = values.length;
  let identity = true;
  for (let i = 0; i < n && identity; i++) identity = values[i] === i;
  if (identity) return (value) => (typeof value === 'number' && value >= 0 && value < n && (value | 0) === value ? value | 0 : -1);

  const primitives = new Map<unknown, number>();
  const others: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isPrimitive(v)) primitives.set(v, i);
    else others.push(i);
  }
  const byShape = others.length > 0 ? recordIndex(values, others) : undefined;
  const byKey = others.length > 0 && byShape === undefined ? new Map(others.map((i) => [keyOf(values[i]), i] as const)) : undefined;
  return (value) => {
    if (isPrimitive(value)) return primitives.get(value) ?? -1;
    if (byShape !== undefined) return byShape(value);
    if (byKey === undefined || typeof value !== 'object') return -1;
    try {
      return byKey.get(keyOf(value)) ?? -1;
    } catch {
      // keyOf cannot read a record holding undefined: such a value is in no domain.
      return -1;
    }
  };
}

/**
 * When every non-primitive value is a record with the same keys and primitive
 * (or null) fields: lookup by digits. Field k's value v has digit d_k(v); the
 * record's code is Σ_k d_k · Π_{j>k} radix_j, looked up in a table (an
 * Int32Array when the code space is at most 4 × the domain, else a Map).
 */
function recordIndex(values: readonly unknown[], members: readonly number[]): ((value: unknown) => number) | undefined {
  const first = values[members[0]!];
  if (!isPlainRecord(first)) return undefined;
  const keys = Object.keys(first);
  const K = keys.length;
  const digits = keys.map(() => new Map<unknown, number>());
  for (const i of members) {
    const v = values[i];
    if (!isPlainRecord(v)) return undefined;
    const own = Object.keys(v);
    if (own.length !== K) return undefined;
    for (let k = 0; k < K; k++) {
      if (own[k] !== keys[k]) return undefined;
      const field = v[keys[k]!];
      if (!(field === null || isPrimitive(field))) return undefined;
      if (!digits[k]!.has(field)) digits[k]!.set(field, digits[k]!.size);
    }
  }
  let space = 1;
  for (const d of digits) space *= d.size;
  // A field whose domain values are all whole numbers in [0, DIRECT) reads its digit from an
  // array indexed by the value (no Map lookup): cars 0 … 20, coordinates 0 … 999.
  const direct = digits.map((d) => {
    for (const v of d.keys()) if (typeof v !== 'number' || !(v >= 0 && v < DIRECT) || Math.floor(v) !== v) return undefined;
    const table = new Int32Array(Math.max(...(d.keys() as IterableIterator<number>)) + 1).fill(-1);
    for (const [v, digit] of d as Map<number, number>) table[v] = digit;
    return table;
  });
  const codeOf = (record: Record<string, unknown>): number => {
    let code = 0;
    for (let k = 0; k < K; k++) {
      const field = record[keys[k]!];
      const table = direct[k];
      let d: number | undefined;
      if (table !== undefined) {
        // −0 reads index 0, as keyOf and a Map (SameValueZero) compare it.
        d = typeof field === 'number' && field >= 0 && field < table.length && Math.floor(field) === field ? table[field]! : -1;
        if (d < 0) return -1;
      } else {
        // Only primitives and null can equal a field of the domain (a nested record never does).
        d = field === null || isPrimitive(field) ? digits[k]!.get(field) : undefined;
        if (d === undefined) return -1;
      }
      code = code * digits[k]!.size + d;
    }
    return code;
  };
  const dense = space <= 4 * members.length + 16;
  const table = dense ? new Int32Array(space).fill(-1) : undefined;
  const map = dense ? undefined : new Map<number, number>();
  for (const i of members) {
    const code = codeOf(values[i] as Record<string, unknown>);
    if (table !== undefined) table[code] = i;
    else map!.set(code, i);
  }
  return (value) => {
    try {
      return find(value);
    } catch {
      // A value that cannot be read (a Proxy, a throwing getter) is in no domain.
      return -1;
    }
  };
  function find(value: unknown): number {
    if (!isPlainRecord(value)) return -1;
    // The same own enumerable keys as the domain's records, in any order (what keyOf compares):
    // K distinct keys, each one of the domain's K. Read by for…in, skipping inherited keys (what is
    // left is Object.keys, in its order), because for…in makes no array per lookup: 2 million
    // lookups per compile of Jack's car rental.
    let j = 0;
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (j === K || (key !== keys[j] && !keys.includes(key))) return -1;
      j++;
    }
    if (j !== K) return -1;
    const code = codeOf(value);
    if (code < 0) return -1;
    return table !== undefined ? table[code]! : (map!.get(code) ?? -1);
  }
}
