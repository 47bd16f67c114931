/** Indexed domains: value ↔ index, values compared by content. */
import { setField } from '../dist/value-key.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import { valueIndex } from './value-index.js';

/** An indexed domain over the given (already validated, distinct) values. */
export function indexDomain<V>(name: string, values: readonly V[]): IndexedDomain<V> {
  return Object.freeze({ name, values, size: values.length, indexOf: valueIndex(values) });
}

/**
 * The product of several state variables, flattened in mixed radix: the
 * first variable varies slowest. A state value is `{ [variable]: value }`.
 */
export function productDomain(
  variables: readonly IndexedDomain<unknown>[],
  keyOrder: readonly string[] = variables.map((v) => v.name),
): IndexedDomain<Record<string, unknown>> {
  const position = keyOrder.map((name) => variables.findIndex((v) => v.name === name));
  const sizes = variables.map((v) => v.size);
  const total = sizes.reduce((a, b) => a * b, 1);
  const values: Record<string, unknown>[] = new Array(total);
  const digits = new Array<number>(variables.length).fill(0);
  for (let i = 0; i < total; i++) {
    // Keys in the order the user declared the variables; flattening in `variables` order.
    const record: Record<string, unknown> = {};
    for (const j of position) setField(record, variables[j]!.name, variables[j]!.values[digits[j]!]);
    values[i] = Object.freeze(record);
    for (let j = variables.length - 1; j >= 0; j--) {
      if (++digits[j]! < sizes[j]!) break;
      digits[j] = 0;
    }
  }
  const indexOf = (value: unknown): number => {
    if (typeof value !== 'object' || value === null) return -1;
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length !== variables.length) return -1;
    let flat = 0;
    for (const v of variables) {
      // Own fields only: record.constructor or record.__proto__ of a record without that field is inherited.
      if (!Object.prototype.hasOwnProperty.call(record, v.name)) return -1;
      const i = v.indexOf(record[v.name]);
      if (i < 0) return -1;
      flat = flat * v.size + i;
    }
    return flat;
  };
  return Object.freeze({ name: variables.map((v) => v.name).join('×'), values, size: total, indexOf });
}
