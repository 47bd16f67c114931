/**
 * Domain values are compared by content: `{x: 1, y: 2}` equals any other
 * record with the same fields, whatever the key order. `keyOf` gives the
 * canonical string used for hashing; `checkValue` says why a value cannot be
 * a domain member (NaN, functions, cycles, class instances…).
 */
import { isThenable, thrownText } from '../errors.js';

/** Canonical key: equal values (by content) have equal keys. */
export function keyOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 's' + value;
    case 'number':
      return 'n' + (value === 0 ? 0 : value);
    case 'boolean':
      return value ? 'T' : 'F';
    default:
      // A value that cannot be read (a Proxy, a throwing getter) or is nested
      // deeper than any domain value may be matches no domain value.
      try {
        return 'j' + canonical(value, 0);
      } catch {
        return UNMATCHED;
      }
  }
}

/** How deep a domain value may nest (records in arrays in records …). */
export const MAX_VALUE_DEPTH = 64;

/** The key of values no domain can hold; `keyOf` of a domain value never starts with a NUL. */
const UNMATCHED = '\u0000unmatched';

function canonical(value: unknown, depth: number): string {
  if (depth > MAX_VALUE_DEPTH) throw new RangeError('too deep');
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value === 0 ? 0 : value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // String concatenation rather than map/join, and a sort only when the keys are out of order:
  // compile and categorical key millions of records (Jack's car rental: 2 million).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonical(value[i], depth + 1);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (!(keys[i - 1]! < keys[i]!)) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += (i > 0 ? ',' : '') + quoted(keys[i]!) + ':' + canonical(record[keys[i]!], depth + 1);
  return out + '}';
}

/** JSON.stringify of a field name, remembered: records repeat the same few names. */
const QUOTED = new Map<string, string>();
function quoted(name: string): string {
  let q = QUOTED.get(name);
  if (q === undefined) {
    q = JSON.stringify(name);
    if (QUOTED.size < 1024) QUOTED.set(name, q);
  }
  return q;
}

/**
 * Why `value` cannot be a domain value, or undefined if it can.
 * Allowed: finite numbers, strings, booleans, null, and arrays (without holes)
 * or plain records of them, nested at most MAX_VALUE_DEPTH deep. Never throws:
 * a Proxy or a getter that throws while being read is itself the reason.
 */
export function checkValue(value: unknown): string | undefined {
  // A primitive needs no cycle set: a domain of 2.56 million cells made a Set per cell.
  if (typeof value !== 'object' || value === null) return checkAt(value, EMPTY, 0);
  try {
    return checkAt(value, new Set(), 0);
  } catch (error) {
    return `cannot be read (reading it threw: ${thrownText(error)}); a Proxy or a getter is not a plain value`;
  }
}

/** Never added to: `checkAt` adds to `seen` only for objects, which get a Set of their own. */
const EMPTY = new Set<object>();

function checkAt(value: unknown, seen: Set<object>, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `is ${value}`;
    case 'undefined':
      return 'is undefined';
    case 'function':
      return 'is a function';
    case 'bigint':
    case 'symbol':
      return `is a ${typeof value}`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (seen.has(object)) return 'is a cyclic object';
  if (depth >= MAX_VALUE_DEPTH) return `is nested more than ${MAX_VALUE_DEPTH} levels deep`;
  if (isThenable(object)) return 'is a Promise';
  const proto = Object.getPrototypeOf(object);
  if (!Array.isArray(object) && proto !== Object.prototype && proto !== null) return 'is a class instance';
  seen.add(object);
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) return `has a hole at index ${i} (a sparse array)`;
      const why = checkAt(object[i], seen, depth + 1);
      if (why !== undefined) return why.startsWith('contains') ? why : `contains a value that ${why}`;
    }
  } else {
    for (const v of Object.values(object)) {
      const why = checkAt(v, seen, depth + 1);
      if (why !== undefined) return why.startsWith('contains') ? why : `contains a value that ${why}`;
    }
  }
  seen.delete(object);
  return undefined;
}

/**
 * Set field `name` of a record as an own, enumerable data property. Plain
 * assignment `record[name] = v` would set the prototype when name is
 * '__proto__' (the variable would vanish from the state the reward sees);
 * defineProperty makes every string name a field.
 */
export function setField(record: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
}
