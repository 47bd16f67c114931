/**
 * Bayesian IRL by the Laplace approximation: around the MAP θ̂ the posterior
 * p(θ | demos) ∝ exp J(θ) (J = log-likelihood + log N(θ; 0, I/l2)) is taken
 * Gaussian,
 *
 *   θ | demos ≈ N(θ̂, Σ),   Σ = (−∇²J(θ̂))⁻¹,
 *
 * with the Hessian from central differences of the exact gradient (2K
 * evaluations). For 'maxent' with full-length demonstrations this Hessian is
 * −N·Cov_{p(τ|O)}[Σ_t φ]/α² − l2·I (test/irl-laplace.test.ts checks it against
 * brute-force enumeration). Credible intervals are θ̂_k ± z·√Σ_kk.
 */
import { fail, show } from '../errors.js';

/** A Gaussian approximation of p(θ | demonstrations). */
export interface LaplaceApproximation {
  /** θ̂, the mode. */
  readonly mean: Float64Array;
  /** Σ = (−∇²J(θ̂))⁻¹, K × K row-major. */
  readonly covariance: Float64Array;
  /** √Σ_kk. */
  readonly standardErrors: Float64Array;
  /** The central credible interval of θ_k at `level` (default 0.95): θ̂_k ± z·√Σ_kk. */
  interval(k: number, level?: number): readonly [number, number];
}

/** Above this many features the K × K Hessian (2K evaluations, O(K³) factorisation) is refused. */
const MAX_FEATURES = 2000;

/**
 * The Laplace approximation at `theta` (the mode) for a gradient function
 * `gradientAt(θ)` of J, with Hessian columns by central differences of step `h`.
 */
export function laplaceAt(gradientAt: (theta: Float64Array) => Float64Array, theta: Float64Array, h = 1e-5): LaplaceApproximation {
  const K = theta.length;
  if (K > MAX_FEATURES) {
    fail({ code: 'too-large', part: 'laplace', message: `laplace: ${K} features need a ${K} × ${K} Hessian (${2 * K} objective evaluations); the limit is ${MAX_FEATURES}. Use fewer features` });
  }
  // A = −∇²J, column j from (∇J(θ + h e_j) − ∇J(θ − h e_j)) / 2h, then symmetrised.
  const A = new Float64Array(K * K);
  const probe = Float64Array.from(theta);
  for (let j = 0; j < K; j++) {
    probe[j] = theta[j]! + h;
    const up = Float64Array.from(gradientAt(probe));
    probe[j] = theta[j]! - h;
    const down = gradientAt(probe);
    probe[j] = theta[j]!;
    for (let i = 0; i < K; i++) A[i * K + j] = -(up[i]! - down[i]!) / (2 * h);
  }
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < i; j++) {
      const m = (A[i * K + j]! + A[j * K + i]!) / 2;
      A[i * K + j] = m;
      A[j * K + i] = m;
    }
  }
  const covariance = inverseSpd(A, K);
  const standardErrors = new Float64Array(K);
  for (let k = 0; k < K; k++) standardErrors[k] = Math.sqrt(covariance[k * K + k]!);
  const mean = Float64Array.from(theta);
  return {
    mean,
    covariance,
    standardErrors,
    interval(k, level = 0.95) {
      if (!Number.isInteger(k) || k < 0 || k >= K) fail({ code: 'option-invalid', part: 'laplace', message: `laplace: feature index must be an integer in 0 … ${K - 1}, got ${show(k)}` });
      if (!(level > 0 && level < 1)) fail({ code: 'option-invalid', part: 'laplace', message: `laplace: level must be in (0, 1), got ${show(level)}` });
      const z = normalQuantile(0.5 + level / 2);
      return [mean[k]! - z * standardErrors[k]!, mean[k]! + z * standardErrors[k]!] as const;
    },
  };
}

/**
 * (A)⁻¹ for a symmetric positive definite A by Cholesky, A = L Lᵀ; refuses a matrix that is not,
 * or is singular to within the finite-difference noise (a pivot below 1e-9 of the largest diagonal).
 */
function inverseSpd(A: Float64Array, K: number): Float64Array {
  const L = new Float64Array(K * K);
  let largest = 0;
  for (let j = 0; j < K; j++) largest = Math.max(largest, Math.abs(A[j * K + j]!));
  for (let j = 0; j < K; j++) {
    let d = A[j * K + j]!;
    for (let k = 0; k < j; k++) d -= L[j * K + k]! * L[j * K + k]!;
    if (!(d > 1e-9 * largest)) {
      fail({
        code: 'not-converged',
        part: 'laplace',
        message: `laplace: −∇²J is not positive definite at θ (pivot ${j} is ${d.toExponential(2)}): θ is not a strict maximum. Fit first, or give l2 > 0 when some feature is not identified by the demonstrations`,
      });
    }
    const ljj = Math.sqrt(d);
    L[j * K + j] = ljj;
    for (let i = j + 1; i < K; i++) {
      let s = A[i * K + j]!;
      for (let k = 0; k < j; k++) s -= L[i * K + k]! * L[j * K + k]!;
      L[i * K + j] = s / ljj;
    }
  }
  // Solve L Lᵀ X = I column by column.
  const X = new Float64Array(K * K);
  const y = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < K; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i * K + k]! * y[k]!;
      y[i] = s / L[i * K + i]!;
    }
    for (let i = K - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < K; k++) s -= L[k * K + i]! * X[k * K + c]!;
      X[i * K + c] = s / L[i * K + i]!;
    }
  }
  return X;
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
