/**
 * Log-space helpers. `logSumExp(x) = m + log Σ exp(x_i − m)` with `m = max x`,
 * exact for −Infinity entries (they contribute 0) and never NaN for finite or
 * −Infinity input.
 */

import { argumentError } from '../errors.js';

/** log Σ_i exp(x_i) over `x[from..to)`. */
export function logSumExp(x: ArrayLike<number>, from = 0, to = (x as ArrayLike<number> | undefined)?.length ?? 0): number {
  if (typeof x !== 'object' || x === null || typeof x.length !== 'number') argumentError('logSumExp', 'an array of numbers', x);
  // Typed arrays (what the engines pass) hold numbers by construction; a plain array is checked.
  if (Array.isArray(x)) for (let i = from; i < to; i++) if (typeof x[i] !== 'number') argumentError('logSumExp', 'an array of numbers', x[i], `entry ${i} is not a number`);
  let m = -Infinity;
  for (let i = from; i < to; i++) if (x[i]! > m) m = x[i]!;
  if (m === -Infinity || m === Infinity) return m;
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.exp(x[i]! - m);
  return m + Math.log(sum);
}

/** Differences of log quantities that treat −∞ − −∞ as 0 (equal) instead of NaN. */
export function logDifference(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b);
}
