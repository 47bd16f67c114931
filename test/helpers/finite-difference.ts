/**
 * Central finite differences, (f(x + h·e_i) − f(x − h·e_i)) / 2h: truncation
 * O(h²), rounding ~ε|f|/h. The reference for every gradient the tests check.
 */

/** ∂f/∂x_i at x, perturbing `x` in place and restoring it. */
export function centralDifference(f: (x: Float64Array) => number, x: Float64Array, i: number, h = 1e-5): number {
  const keep = x[i]!;
  x[i] = keep + h;
  const up = f(x);
  x[i] = keep - h;
  const down = f(x);
  x[i] = keep;
  return (up - down) / (2 * h);
}
