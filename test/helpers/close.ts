/**
 * Tolerances of RELIABILITY.md: `close(a, b)` means a === b (for ±∞) or
 * |a − b| ≤ atol + rtol·|b|; NaN never passes. `close`, `assertClose` and the
 * tolerances are the testing kit's (src/testing/tolerance.ts); the small
 * assertions below are test-only. They throw plain errors with a label, so
 * they work inside fast-check properties as well as in plain tests.
 */

export { assertClose, close, LOG_TOL, PROB_TOL, type Tolerance } from '../../src/testing/tolerance.js';

export function assert(condition: boolean, label: string): asserts condition {
  if (!condition) throw new Error(label);
}

export function assertNoNaN(values: ArrayLike<number>, label: string): void {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) throw new Error(`${label}: NaN at index ${i}`);
}

/** Runs `f` and returns the error's `code` (undefined if it did not throw or threw without a code). */
export function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : `threw without a code: ${String(error)}`;
  }
  return undefined;
}

/** Plain log Σ exp, exact for −Infinity terms (independent of the library's logSumExp). */
export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}
