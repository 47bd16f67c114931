/**
 * What the weighted particles say about the evidence: normalised weights and
 * the standard error of log Ẑ.
 *
 * Standard error. With W_i the final normalised weights, E_i the index at t = 0
 * of particle i's ancestor ("Eve") and K the number of resamplings, Lee &
 * Whiteley (2018, Biometrika 105:609) estimate the relative variance of Ẑ by
 *
 *   Var(Ẑ)/Ẑ² ≈ 1 − (N/(N−1))^{K+1} · (1 − Σ_e Ω_e²),   Ω_e = Σ_{i : E_i = e} W_i,
 *
 * an unbiased estimate of Var(Ẑ) under multinomial resampling (an
 * approximation under systematic resampling). Without resampling every
 * particle is its own Eve and it is the delta-method variance of plain IS,
 * (N Σ W_i² − 1)/(N − 1) = (N/ESS − 1)/(N − 1). The delta method turns it into
 * SE(log Ẑ) ≈ √(Var(Ẑ))/Ẑ. The estimate can come out ≤ 0 when few lineages
 * survive with even weights; then the sum of the per-stage delta-method
 * variances, Σ_k (N/ESS_k − 1)/(N − 1), is reported instead (it ignores the
 * correlation the genealogy carries, so it is a floor rather than an estimate).
 */

/**
 * How the standard error of log Ẑ was obtained. 'single-lineage': the final
 * weight sits on fewer than two effective lineages (Σ_e Ω_e² > 1/2; without
 * resampling, ESS < 2), where both estimators above are capped at
 * Var(Ẑ)/Ẑ² ≤ 1 by construction — they would print "± 1.00" whatever the
 * spread of Ẑ — so the SE is reported as Infinity: it cannot be estimated.
 */
export type StandardErrorMethod = 'delta-method' | 'lee-whiteley' | 'stage-sum' | 'single-lineage';

/** W_i = exp(lw_i − max) / Σ_j exp(lw_j − max). */
export function normalisedWeights(lw: Float64Array): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < lw.length; i++) if (lw[i]! > m) m = lw[i]!;
  const w = new Float64Array(lw.length);
  let sum = 0;
  for (let i = 0; i < lw.length; i++) sum += w[i] = Math.exp(lw[i]! - m);
  for (let i = 0; i < lw.length; i++) w[i] = w[i]! / sum;
  return w;
}

/**
 * SE(log Ẑ) and how it was found (see the file header). `stageEss` holds the ESS of each
 * stage's weights when they were used (each resampling and the end).
 */
export function evidenceStandardError(
  weights: Float64Array,
  eves: Int32Array,
  resamplings: number,
  stageEss: readonly number[],
): { readonly standardError: number; readonly method: StandardErrorMethod } {
  const n = weights.length;
  if (n < 2) return { standardError: Infinity, method: resamplings === 0 ? 'delta-method' : 'lee-whiteley' };
  const omega = new Float64Array(n);
  for (let i = 0; i < n; i++) omega[eves[i]!] = omega[eves[i]!]! + weights[i]!;
  let concentration = 0;
  for (let e = 0; e < n; e++) concentration += omega[e]! * omega[e]!;
  // 1 − (N/(N−1))^{K+1}(1 − ΣΩ²) ≤ ΣΩ² ≤ 1: with one lineage the estimate is 1 ("± 1.00") however far Ẑ is off.
  if (concentration > 0.5) return { standardError: Infinity, method: 'single-lineage' };
  const inflation = Math.exp((resamplings + 1) * Math.log(n / (n - 1)));
  const relative = 1 - inflation * (1 - concentration);
  if (resamplings === 0) return { standardError: Math.sqrt(Math.max(0, relative)), method: 'delta-method' };
  if (relative > 0) return { standardError: Math.sqrt(relative), method: 'lee-whiteley' };
  let sum = 0;
  for (const ess of stageEss) sum += Math.max(0, n / ess - 1) / (n - 1);
  return { standardError: Math.sqrt(sum), method: 'stage-sum' };
}
