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
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(record[k])).join(',') + '}';
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
