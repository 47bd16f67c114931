/**
 * Domain values are compared by content: `{x: 1, y: 2}` equals any other
 * record with the same fields, whatever the key order. `keyOf` gives the
 * canonical string used for hashing; `checkValue` says why a value cannot be
 * a domain member (NaN, functions, cycles, class instances…).
 */

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
      return 'j' + canonical(value);
  }
}

function canonical(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value === 0 ? 0 : value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // String concatenation rather than map/join, and a sort only when the keys are out of order:
  // compile and categorical key millions of records (Jack's car rental: 2 million).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonical(value[i]);
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
  for (let i = 0; i < keys.length; i++) out += (i > 0 ? ',' : '') + quoted(keys[i]!) + ':' + canonical(record[keys[i]!]);
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
 * Allowed: finite numbers, strings, booleans, null, and arrays or plain records of them.
 */
export function checkValue(value: unknown, seen: Set<object> = new Set()): string | undefined {
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
  const proto = Object.getPrototypeOf(object);
  if (!Array.isArray(object) && proto !== Object.prototype && proto !== null) return 'is a class instance';
  seen.add(object);
  for (const v of Object.values(object)) {
    const why = checkValue(v, seen);
    if (why !== undefined) return `contains a value that ${why}`;
  }
  seen.delete(object);
  return undefined;
}
