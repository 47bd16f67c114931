/**
 * The soft Riccati recursion: both backups of control as inference on a
 * linear-Gaussian model with a quadratic reward, in closed form.
 *
 * With V_{t+1}(x) = −½ xᵀPx + pᵀx + v and x' = m + w, m = Ax + Bu + c, w ~ N(0, W):
 *
 * - fixed-dynamics: E_w V(m + w) = −½ mᵀPm + pᵀm + v − ½ tr(PW), so
 *   P̂ = P, p̂ = p, v̂ = v − ½ tr(PW);
 * - posterior: α log E_w exp(V(m + w)/α). With W = LLᵀ, M = αI + LᵀPL and
 *   G = L M⁻¹ Lᵀ (a Gaussian integral over w = Lz):
 *   P̂ = P − PGP = P (I + WP/α)⁻¹ (Woodbury), p̂ = (I − PG) p,
 *   v̂ = v + ½ pᵀGp − (α/2) log det(I + WP/α).
 *
 * With a discount γ the backup is scaled as the tabular engine scales it
 * (engines/exact/backup.ts: Q_t = r + γ·B(V_{t+1}), B the expectation or
 * α log E exp(V/α) of the *undiscounted* V_{t+1}), so P̂, p̂, v̂ above are
 * each multiplied by γ.
 *
 * Then Q_t(x, u) = r(x, u) + V̂(Ax + Bu + c) is a quadratic in (x, u) with
 * S = R + BᵀP̂B, and V_t(x) = α log ∫ exp(Q_t(x, u)/α) du (Lebesgue) gives the
 * policy N(−K x − k, α S⁻¹) with K = S⁻¹(Nᵀ + BᵀP̂A), k = −S⁻¹ q_u, and
 * V_t quadratic again: the Riccati recursion, which at α = 0 and W = 0 is
 * plain LQR. The step itself runs in place in riccati.ts; this file drives it
 * over t = T−1 … 0 (`backwardPass`) or to its fixed point for the discounted
 * infinite horizon (`stationaryPass`).
 */
import { fail } from '../../../errors.js';
import type { Convergence } from '../../../types/posterior.js';
import type { LinearGaussianGraph, LinearGaussianStep, QuadraticReward } from '../../../types/gaussian.js';
import { axpby, cholesky, choleskyPsd, cholSolve, identity, logDetChol, mat, mul, symmetrize, tmul, type Mat } from './linalg.js';
import { Riccati, type GaussianBackup, type Where } from './riccati.js';

export type { GaussianBackup } from './riccati.js';

/** V(x) = −½ xᵀPx + pᵀx + v. */
export interface QuadraticValue {
  readonly P: Mat;
  readonly p: Float64Array;
  readonly v: number;
}

/** Q(x, u) = −½ [x;u]ᵀ [[Qxx, Quxᵀ], [Qux, S]] [x;u] + qxᵀx + quᵀu + q0. */
export interface QuadraticQ {
  readonly Qxx: Mat;
  /** d × n. */
  readonly Qux: Mat;
  /** d × d: R + BᵀP̂B. */
  readonly S: Mat;
  readonly qx: Float64Array;
  readonly qu: Float64Array;
  readonly q0: number;
}

/** One decision of the solved backward pass. */
export interface SoftStep {
  /** The gain K (d × n) and offset k: the policy mean is −K x − k. */
  readonly K: Mat;
  readonly k: Float64Array;
  /** α S⁻¹. */
  readonly covariance: Mat;
  /** V_t. */
  readonly V: QuadraticValue;
}

/** The solved backward pass: step t for t = 0 … T−1 (any t ≥ 0 for a stationary solution) and V_T. */
export interface BackwardPass {
  step(t: number): SoftStep;
  /** V_T: the terminal reward (or 0); for an infinite horizon, the stationary V. */
  readonly VT: QuadraticValue;
  /** The fixed-point iteration of an infinite horizon. */
  readonly convergence: Convergence | undefined;
}

/** The tilt of a Gaussian N(m, LLᵀ) by exp(V/α): G = L (αI + LᵀPL)⁻¹ Lᵀ and log det(I + LᵀPL/α). */
export interface Tilt {
  readonly G: Mat;
  readonly logDet: number;
}

/**
 * G and log det(I + LᵀPL/α) for the noise (or initial) covariance `cov`, or a
 * `not-concave` error when E exp(V/α) diverges (αI + LᵀPL is not positive definite).
 * Used by the forward pass (the posterior chain); the backward pass never forms G.
 */
export function tilt(value: QuadraticValue, cov: Mat, alpha: number, where: string): Tilt {
  const n = cov.r;
  const L = choleskyPsd(cov);
  if (L === undefined) {
    fail({ code: 'gaussian-invalid', part: 'exact()', message: `exact(): ${where} is not positive semi-definite; expected a covariance matrix` });
  }
  const M = symmetrize(axpby(1, identity(n, alpha), 1, tmul(L, mul(value.P, L))));
  const cholM = cholesky(M);
  if (cholM === undefined) {
    fail({
      code: 'not-concave',
      part: 'exact()',
      message: `exact(): α log E exp(V/α) over ${where} diverges (αI + LᵀPL is not positive definite: the value grows faster than the noise's density decays); expected a reward concave enough for the posterior backup, or use backup: 'fixed-dynamics'`,
    });
  }
  const G = symmetrize(mul(L, cholSolve(cholM, mat(n, n, transposeData(L)))));
  return { G, logDet: logDetChol(cholM) - n * Math.log(alpha) };
}

function transposeData(x: Mat): Float64Array {
  const out = new Float64Array(x.r * x.c);
  for (let i = 0; i < x.r; i++) for (let j = 0; j < x.c; j++) out[j * x.r + i] = x.d[i * x.c + j]!;
  return out;
}

/** The next-state value (P̂, p̂, v̂) of either backup, discounted by γ (a copy, off the hot path). */
export function nextValue(V: QuadraticValue, W: Mat, alpha: number, backup: GaussianBackup, where: Where, gamma = 1): QuadraticValue {
  const n = V.P.r;
  const ws = new Riccati(n, 1);
  ws.next(V.P.d, V.p, V.v, W.d, alpha, gamma, backup, where);
  return { P: mat(n, n, Float64Array.from(ws.Phat)), p: Float64Array.from(ws.phat), v: ws.vhat };
}

/** Q_t as a quadratic in (x, u): r(x, u) + γ·backup(V_{t+1})(Ax + Bu + c) (a copy, off the hot path). */
export function qOf(reward: QuadraticReward, step: LinearGaussianStep, next: QuadraticValue, alpha: number, gamma: number, backup: GaussianBackup, t: number, n: number, d: number): QuadraticQ {
  const ws = new Riccati(n, d);
  ws.next(next.P.d, next.p, next.v, step.W, alpha, gamma, backup, t);
  ws.q(reward, step);
  return { Qxx: mat(n, n, Float64Array.from(ws.Qxx)), Qux: mat(d, n, Float64Array.from(ws.Qux)), S: mat(d, d, Float64Array.from(ws.S)), qx: Float64Array.from(ws.qx), qu: Float64Array.from(ws.qu), q0: ws.q0 };
}

/** V_T: the terminal reward, or 0. */
function terminalValue(graph: LinearGaussianGraph): QuadraticValue {
  const { n } = graph;
  return graph.terminal
    ? { P: mat(n, n, Float64Array.from(graph.terminal.Q)), p: Float64Array.from(graph.terminal.q), v: graph.terminal.c }
    : { P: mat(n, n), p: new Float64Array(n), v: 0 };
}

/**
 * The backward pass t = T−1 … 0: V_T = terminal (or 0), then each step's soft
 * maximum over u. Every step's output is copied into one flat array per field
 * (no allocation in the loop); `step(t)` wraps views of them on demand.
 */
export function backwardPass(graph: LinearGaussianGraph, backup: GaussianBackup): BackwardPass {
  const { n, d, alpha, gamma, horizon: T } = graph;
  const VT = terminalValue(graph);
  const ws = new Riccati(n, d);
  const Ps = new Float64Array(T * n * n);
  const ps = new Float64Array(T * n);
  const vs = new Float64Array(T);
  const Ks = new Float64Array(T * d * n);
  const ks = new Float64Array(T * d);
  const covs = new Float64Array(T * d * d);
  ws.P.set(VT.P.d);
  ws.p.set(VT.p);
  ws.v = VT.v;
  for (let t = T - 1; t >= 0; t--) {
    const step = graph.steps[t]!;
    ws.next(ws.P, ws.p, ws.v, step.W, alpha, gamma, backup, t);
    ws.q(graph.effectiveReward, step);
    ws.soft(alpha, t);
    Ps.set(ws.P, t * n * n);
    ps.set(ws.p, t * n);
    vs[t] = ws.v;
    Ks.set(ws.K, t * d * n);
    ks.set(ws.k, t * d);
    covs.set(ws.covariance, t * d * d);
  }
  const made = new Array<SoftStep | undefined>(T);
  return {
    VT,
    convergence: undefined,
    step: (t) =>
      (made[t] ??= {
        K: mat(d, n, Ks.subarray(t * d * n, (t + 1) * d * n)),
        k: ks.subarray(t * d, (t + 1) * d),
        covariance: mat(d, d, covs.subarray(t * d * d, (t + 1) * d * d)),
        V: { P: mat(n, n, Ps.subarray(t * n * n, (t + 1) * n * n)), p: ps.subarray(t * n, (t + 1) * n), v: vs[t]! },
      }),
  };
}

/** The stopping rule of the stationary iteration: max |ΔP|, |Δp| ≤ TOLERANCE · max(1, max |P|, max |p|). */
export const STATIONARY_TOLERANCE = 1e-13;
/** Iterations of the Riccati map before the stationary solve gives up. */
export const STATIONARY_MAX_ITERATIONS = 100_000;
/**
 * When the stationary solve stops. `tolerance` bounds the relative change of one
 * Riccati step, max(|ΔP|, |Δp|) / max(1, |P|, |p|) (entrywise maxima): a quadratic
 * V has no finite sup-norm over ℝⁿ, so the tabular rule ‖V − TV‖∞ < tol has no
 * Gaussian counterpart, and the coefficients' relative change is what is measured.
 * exact({ tolerance, maxIterations }) sets both; left out, 1e-13 and 100 000.
 */
export interface StationaryStop {
  readonly tolerance: number;
  readonly maxIterations: number;
}
const STATIONARY_DEFAULTS: StationaryStop = { tolerance: STATIONARY_TOLERANCE, maxIterations: STATIONARY_MAX_ITERATIONS };

/** |P| beyond this means the iteration diverges (the value is −Infinity for a non-stabilisable system). */
const DIVERGED = 1e150;

/**
 * The discounted infinite horizon (γ < 1, stationary dynamics): iterate the
 * soft Riccati map V ← softmax_u [r + γ·backup(V)] from V = 0 until P and p
 * stop moving (STATIONARY_TOLERANCE, relative), then solve the constant
 * exactly: v enters the map affinely with slope γ (v' = γv + κ), so
 * v* = κ/(1 − γ) with κ the map's constant at v = 0. P converges at the rate
 * of the discounted closed loop; a system that √γ A cannot stabilise through
 * B makes P grow without bound, which is refused (`not-converged`).
 */
export function stationaryPass(graph: LinearGaussianGraph, backup: GaussianBackup, stop: StationaryStop = STATIONARY_DEFAULTS): BackwardPass {
  const { n, d, alpha, gamma } = graph;
  const { tolerance, maxIterations } = stop;
  const step = graph.steps[0]!;
  const ws = new Riccati(n, d);
  const prevP = new Float64Array(n * n);
  const prevp = new Float64Array(n);
  let residual = Infinity;
  let iterations = 0;
  while (!(residual <= tolerance)) {
    if (iterations === maxIterations) {
      fail({
        code: 'not-converged',
        part: 'exact()',
        message: `exact(): the discounted soft Riccati iteration did not converge in ${maxIterations} iterations (relative change ${residual.toExponential(2)}, tolerance ${tolerance}); expected a system that √γ (A − BK) makes stable for some gain K, with a margin — lower γ, raise exact({ maxIterations }) or tolerance, or give a finite horizon(T)`,
      });
    }
    prevP.set(ws.P);
    prevp.set(ws.p);
    ws.next(ws.P, ws.p, 0, step.W, alpha, gamma, backup, 'the noise W');
    ws.q(graph.effectiveReward, step);
    ws.soft(alpha, 0);
    iterations++;
    let change = 0;
    let scale = 1;
    for (let i = 0; i < n * n; i++) {
      change = Math.max(change, Math.abs(ws.P[i]! - prevP[i]!));
      scale = Math.max(scale, Math.abs(ws.P[i]!));
    }
    for (let i = 0; i < n; i++) {
      change = Math.max(change, Math.abs(ws.p[i]! - prevp[i]!));
      scale = Math.max(scale, Math.abs(ws.p[i]!));
    }
    if (!(scale < DIVERGED)) {
      fail({
        code: 'not-converged',
        part: 'exact()',
        message: `exact(): the discounted soft Riccati iteration diverges (max |P| passed ${DIVERGED.toExponential(0)} after ${iterations} iterations), so V = −Infinity: some mode that √γ A makes unstable is not reached by B (the system is not stabilisable); expected √γ (A − BK) stable for some gain K, a smaller γ, or a finite horizon(T)`,
      });
    }
    residual = change / scale;
  }
  // V* = (P*, p*, κ/(1 − γ)), and the policy from one more step of V*: K, k and αS⁻¹ belong to V* exactly.
  const P = Float64Array.from(ws.P);
  const p = Float64Array.from(ws.p);
  ws.next(P, p, 0, step.W, alpha, gamma, backup, 'the noise W');
  ws.q(graph.effectiveReward, step);
  ws.soft(alpha, 0);
  const V: QuadraticValue = { P: mat(n, n, P), p, v: ws.v / (1 - gamma) };
  const stationary: SoftStep = { K: mat(d, n, Float64Array.from(ws.K)), k: Float64Array.from(ws.k), covariance: mat(d, d, Float64Array.from(ws.covariance)), V };
  return { VT: V, step: () => stationary, convergence: { iterations, residual, tolerance } };
}
