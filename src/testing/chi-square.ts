/**
 * χ² goodness of fit with the exact tail probability (regularised upper
 * incomplete gamma Q(k/2, x/2), Numerical Recipes' series / continued fraction),
 * for sample-frequency checks at a stated false-positive rate.
 */

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a); the χ²_k tail is Q(k/2, x/2).
 * @example upperGammaQ(1, 2) // = e^{−2}
 */
export function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(lead);
  }
  // Continued fraction (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lead) * h;
}

/** The outcome of `chiSquare`. */
export interface ChiSquareResult {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** Number of cells after pooling those with expected count < minExpected. */
  readonly cells: number;
}

/**
 * Pearson's χ² = Σ (o − e)²/e of observed counts against expected probabilities (Σ p = 1), with its p-value.
 * Cells with expected count below `minExpected` are pooled into one cell. Reject at false-positive rate α when pValue < α.
 * @example chiSquare([48, 52], [0.5, 0.5]).pValue // ≈ 0.69
 */
export function chiSquare(observed: readonly number[], probs: readonly number[], minExpected = 5): ChiSquareResult {
  const n = observed.reduce((a, b) => a + b, 0);
  const cells: { o: number; e: number }[] = [];
  let pooled = { o: 0, e: 0 };
  observed.forEach((o, i) => {
    const e = n * probs[i]!;
    if (e < minExpected) pooled = { o: pooled.o + o, e: pooled.e + e };
    else cells.push({ o, e });
  });
  if (pooled.e > 0 || pooled.o > 0) cells.push(pooled);
  let statistic = 0;
  for (const { o, e } of cells) statistic += e > 0 ? ((o - e) * (o - e)) / e : o > 0 ? Infinity : 0;
  const degreesOfFreedom = cells.length - 1;
  return { statistic, degreesOfFreedom, pValue: upperGammaQ(degreesOfFreedom / 2, statistic / 2), cells: cells.length };
}
