/**
 * Tolerances of docs/reliability.md, usable outside any test framework.
 *
 * `close(a, b, tol)` means `a === b` (so ±Infinity equals itself) or
 * `|a − b| ≤ atol + rtol·|b|`; NaN never passes. Assertions throw a plain
 * `Error` whose message carries the label and the numbers, so they work inside
 * fast-check properties (which then report the counterexample) and in any
 * test runner.
 *
 * Statistical tolerances: `normalTwoSidedTail(z)` is the false-positive rate of a
 * "within z standard errors" check; `estimateTolerance(p, n, rate)` is the
 * Bernstein half-width an n-sample estimate of a probability p stays within
 * except with probability `rate` (how particle marginals are held).
 */

/** `|a − b| ≤ atol + rtol·|b|`. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * Log quantities (log Z, V, Q, log p(τ|O)): rtol = atol = 1e-10.
 * @example assertClose(post.logEvidence, bruteForce(m).logZ, LOG_TOL, 'log Z')
 */
export const LOG_TOL: Tolerance = Object.freeze({ rtol: 1e-10, atol: 1e-10 });

/**
 * Probabilities: atol 1e-12.
 * @example assertClose(pi.probs[0], 0.25, PROB_TOL, 'π_0(N|s)')
 */
export const PROB_TOL: Tolerance = Object.freeze({ rtol: 0, atol: 1e-12 });

/**
 * `a === b` or `|a − b| ≤ atol + rtol·|b|`; false whenever either is NaN.
 * @example close(1 + 1e-13, 1, PROB_TOL) // true
 */
export function close(a: number, b: number, tol: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (a === b) return true;
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
}

/** The sentence a failed `close` check prints. */
export function describeMismatch(actual: number, expected: number, tol: Tolerance, label: string): string {
  const diff = Math.abs(actual - expected);
  return `${label}: got ${actual}, expected ${expected} (|diff| = ${diff}, allowed ${tol.atol + tol.rtol * Math.abs(expected)} = atol ${tol.atol} + rtol ${tol.rtol}·|expected|)`;
}

/**
 * Throws `Error('<label>: got …, expected … (|diff| = …, allowed …)')` unless `close(actual, expected, tol)`.
 * @example assertClose(post.logEvidence, Math.log(25 / 64), LOG_TOL, 'log Z')
 */
export function assertClose(actual: number, expected: number, tol: Tolerance, label: string): void {
  if (!close(actual, expected, tol)) throw new Error(describeMismatch(actual, expected, tol, label));
}

/**
 * Two-sided normal tail 2·(1 − Φ(z)): the false-positive rate of a "within z standard errors" check.
 * Computed from erfc (series below 2, continued fraction above; relative error ~1e-14).
 * @example normalTwoSidedTail(4.5) // ≈ 6.8e-6
 */
export function normalTwoSidedTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Half-width of a two-sided interval for a probability p estimated from `n` effective samples, at
 * false-positive rate `rate`: Bernstein's inequality for a mean of n independent Bernoulli(p) draws,
 *
 *   P(|p̂ − p| ≥ ε) ≤ 2 exp(−n ε² / (2p(1 − p) + 2ε/3))  ⇒  ε = (L/3 + √(L²/9 + 2 n p(1 − p) L)) / n,  L = log(2/rate)
 *
 * (≤ √(2p(1 − p)L/n) + 2L/(3n)). Unlike z·√(p(1 − p)/n) it stays valid for rare events (n·p ~ 1), where the
 * normal approximation's tail is far too thin. 0 when p is 0 or 1 (a degenerate Bernoulli has no spread)
 * and ∞ when n < 1 or is not a number.
 * @example estimateTolerance(0.5, 1000, 1e-6) // ≈ 0.090
 */
export function estimateTolerance(p: number, n: number, rate: number): number {
  if (p <= 0 || p >= 1) return 0;
  if (!(n >= 1)) return Infinity;
  const L = Math.log(2 / rate);
  return (L / 3 + Math.sqrt((L * L) / 9 + 2 * n * p * (1 - p) * L)) / n;
}

/**
 * erfc(x) for x ≥ 0 by the continued fraction (x large) or the series of erf (x small);
 * relative error ~1e-15 on [0, 27].
 */
function erfc(x: number): number {
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^{2n+1} / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) (Lentz)
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
