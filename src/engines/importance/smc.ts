/**
 * The population steps of sequential Monte Carlo, on log-weights held in a
 * Float64Array:
 *
 *   ESS = (Σ w_i)² / Σ w_i²                     (Kish's effective sample size)
 *   log mean w = m + log(Σ exp(lw_i − m) / N)   (m = max lw: no overflow, no underflow to 0)
 *   resampling: ancestors A_i with E[#{i : A_i = j}] = N w_j / Σ w
 *
 * Both schemes are unbiased in that sense, so multiplying the stage means
 * keeps Ẑ = Π_k mean(w^(k)) an unbiased estimate of p(O) (Del Moral 2004,
 * Prop. 7.4.1). Systematic resampling uses one uniform and has lower
 * variance; multinomial draws N independent ancestors.
 */
import type { Rng } from '../../dist/rng.js';

/** How particles are resampled between steps. */
export type ResampleScheme = 'none' | 'systematic' | 'multinomial';

/** The log-weights' maximum, then Σ exp(lw − max) and Σ exp(2(lw − max)) into `out` (no allocation). */
export interface WeightSums {
  max: number;
  sum: number;
  sumSquares: number;
}

/** Fill `out` with max lw, Σ w, Σ w² (w relative to the max); max = −∞ when every weight is 0. */
export function weightSums(lw: Float64Array, n: number, out: WeightSums): WeightSums {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (lw[i]! > m) m = lw[i]!;
  out.max = m;
  out.sum = 0;
  out.sumSquares = 0;
  if (m === -Infinity) return out;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(lw[i]! - m);
    s += w;
    s2 += w * w;
  }
  out.sum = s;
  out.sumSquares = s2;
  return out;
}

/** ESS = (Σw)²/Σw² from `weightSums`; 0 when every weight is 0. */
export function essOf(sums: WeightSums): number {
  return sums.max === -Infinity ? 0 : (sums.sum * sums.sum) / sums.sumSquares;
}

/** log((1/N) Σ_i exp(lw_i)) from `weightSums`. */
export function logMeanOf(sums: WeightSums, n: number): number {
  return sums.max === -Infinity ? -Infinity : sums.max + Math.log(sums.sum / n);
}

/** Scratch arrays for `resample`, each of length N. */
export interface ResampleScratch {
  readonly cumulative: Float64Array;
  readonly positions: Float64Array;
}

/**
 * Ancestors for N particles with weights exp(lw − max) (sum `sums.sum`), into `ancestors`.
 *
 * Systematic: positions (u + j)/N, u ~ U[0,1), one uniform for the population.
 * Multinomial: N sorted uniforms from exponential spacings,
 *   U_(j) = (E_1 + … + E_j) / (E_1 + … + E_{N+1}),  E ~ Exp(1),
 * so the inverse-CDF walk stays O(N) without sorting.
 */
export function resample(
  scheme: Exclude<ResampleScheme, 'none'>,
  lw: Float64Array,
  n: number,
  sums: WeightSums,
  random: Rng,
  ancestors: Int32Array,
  scratch: ResampleScratch,
): void {
  const { cumulative, positions } = scratch;
  const { max, sum } = sums;
  let acc = 0;
  for (let i = 0; i < n; i++) cumulative[i] = acc += Math.exp(lw[i]! - max) / sum;
  // The last positive weight takes any rounding slack at the top of the CDF.
  let last = n - 1;
  while (last > 0 && !(lw[last]! > -Infinity)) last--;
  if (scheme === 'systematic') {
    const u = random.next();
    for (let j = 0; j < n; j++) positions[j] = (u + j) / n;
  } else {
    let total = 0;
    for (let j = 0; j < n; j++) positions[j] = total -= Math.log(1 - random.next());
    total -= Math.log(1 - random.next());
    for (let j = 0; j < n; j++) positions[j] = positions[j]! / total;
  }
  let i = 0;
  for (let j = 0; j < n; j++) {
    const position = positions[j]!;
    while (i < last && cumulative[i]! <= position) i++;
    ancestors[j] = i;
  }
}
