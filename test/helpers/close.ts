/**
 * Tolerances of RELIABILITY.md: `close(a, b)` means a === b (for ±∞) or
 * |a − b| ≤ atol + rtol·|b|; NaN never passes. Assertions throw plain errors
 * with a label, so they work inside fast-check properties (which report the
 * counterexample) as well as in plain tests.
 */

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Log quantities (log Z, V, Q, log p(τ|O)): rtol = atol = 1e-10. */
export const LOG_TOL: Tolerance = { rtol: 1e-10, atol: 1e-10 };
/** Probabilities: atol 1e-12. */
export const PROB_TOL: Tolerance = { rtol: 0, atol: 1e-12 };

export function close(a: number, b: number, tol: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (a === b) return true;
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
}

export function assertClose(actual: number, expected: number, tol: Tolerance, label: string): void {
  if (!close(actual, expected, tol)) {
    throw new Error(`${label}: got ${actual}, expected ${expected} (|diff| = ${Math.abs(actual - expected)}, rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

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
