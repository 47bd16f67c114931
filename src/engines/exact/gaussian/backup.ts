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
 * Then Q_t(x, u) = r(x, u) + V̂(Ax + Bu + c) is a quadratic in (x, u) with
 * S = R + BᵀP̂B, and V_t(x) = α log ∫ exp(Q_t(x, u)/α) du (Lebesgue) gives the
 * policy N(−K x − k, α S⁻¹) with K = S⁻¹(Nᵀ + BᵀP̂A), k = −S⁻¹ q_u, and
 * V_t quadratic again (`softMax` below): the Riccati recursion, which at
 * α = 0 and W = 0 is plain LQR.
 */
import { fail } from '../../../errors.js';
import type { LinearGaussianGraph, LinearGaussianStep, QuadraticReward } from '../../../types/gaussian.js';
import {
  addVec, axpby, cholesky, choleskyPsd, cholSolve, cholSolveVec, dot, identity, logDetChol, mat, mul, mulVec, quadForm, symmetrize, tmul, tmulVec, trace, type Mat,
} from './linalg.js';

export type GaussianBackup = 'posterior' | 'fixed-dynamics';

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

/** One step of the backward pass. */
export interface SoftStep {
  readonly Q: QuadraticQ;
  /** Cholesky factor of S. */
  readonly cholS: Mat;
  /** The gain K (d × n) and offset k: the policy mean is −K x − k. */
  readonly K: Mat;
  readonly k: Float64Array;
  /** α S⁻¹. */
  readonly covariance: Mat;
  readonly V: QuadraticValue;
  /** How V_{t+1} enters: the next-state value after the backup (P̂, p̂, v̂). */
  readonly hat: QuadraticValue;
}

/** The tilt of a Gaussian N(m, LLᵀ) by exp(V/α): G = L (αI + LᵀPL)⁻¹ Lᵀ and log det(I + LᵀPL/α). */
export interface Tilt {
  readonly G: Mat;
  readonly logDet: number;
}

/**
 * G and log det(I + LᵀPL/α) for the noise (or initial) covariance `cov`, or a
 * `not-concave` error when E exp(V/α) diverges (αI + LᵀPL is not positive definite).
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

function isZero(m: Mat): boolean {
  return m.d.every((v) => v === 0);
}

/** The next-state value seen from decision t: (P̂, p̂, v̂) of either backup. */
export function nextValue(V: QuadraticValue, W: Mat, alpha: number, backup: GaussianBackup, t: number): QuadraticValue {
  if (backup === 'fixed-dynamics' || isZero(W)) {
    // E_w V(m + w) = V(m) − ½ tr(P W)
    return { P: V.P, p: V.p, v: V.v - 0.5 * trace(mul(V.P, W)) };
  }
  if (alpha === 0) {
    fail({
      code: 'not-concave',
      part: 'exact()',
      message: `exact(): the posterior backup at α = 0 with noise W ≠ 0 at t = ${t} lets the posterior choose the noise (the limit is not a control problem); expected α > 0 or backup: 'fixed-dynamics'`,
    });
  }
  const { G, logDet } = tilt(V, W, alpha, `the noise W at t = ${t}`);
  const PG = mul(V.P, G);
  // P̂ = P − P G P, p̂ = p − P G p, v̂ = v + ½ pᵀGp − (α/2) log det(I + WP/α)
  const Phat = symmetrize(axpby(1, V.P, -1, mul(PG, V.P)));
  const phat = addVec(V.p, mulVec(PG, V.p), -1);
  return { P: Phat, p: phat, v: V.v + 0.5 * quadForm(G, V.p) - 0.5 * alpha * logDet };
}

/** Q_t as a quadratic in (x, u): r(x, u) + V̂(Ax + Bu + c). */
export function qOf(reward: QuadraticReward, step: LinearGaussianStep, hat: QuadraticValue, n: number, d: number): QuadraticQ {
  const A = mat(n, n, step.A);
  const B = mat(n, d, step.B);
  const PA = mul(hat.P, A);
  const PB = mul(hat.P, B);
  // h = p̂ − P̂c: the linear term of V̂ at m = Ax + Bu + c
  const h = addVec(hat.p, mulVec(hat.P, step.c), -1);
  const Qxx = symmetrize(axpby(1, mat(n, n, reward.Q), 1, tmul(A, PA)));
  const NT = mat(d, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) NT.d[j * n + i] = reward.N[i * d + j]!;
  const Qux = axpby(1, NT, 1, tmul(B, PA));
  const S = symmetrize(axpby(1, mat(d, d, reward.R), 1, tmul(B, PB)));
  const qx = addVec(reward.q, tmulVec(A, h));
  const qu = addVec(reward.r, tmulVec(B, h));
  const q0 = reward.c + hat.v + dot(hat.p, step.c) - 0.5 * quadForm(hat.P, step.c);
  return { Qxx, Qux, S, qx, qu, q0 };
}

/** The backward pass t = T−1 … 0: V_T = terminal (or 0), then each step's soft maximum over u. */
export function backwardPass(graph: LinearGaussianGraph, backup: GaussianBackup): { steps: SoftStep[]; VT: QuadraticValue } {
  const { n, d, alpha, horizon: T } = graph;
  const VT: QuadraticValue = graph.terminal
    ? { P: mat(n, n, Float64Array.from(graph.terminal.Q)), p: Float64Array.from(graph.terminal.q), v: graph.terminal.c }
    : { P: mat(n, n), p: new Float64Array(n), v: 0 };
  let V = VT;
  const out = new Array<SoftStep>(T);
  for (let t = T - 1; t >= 0; t--) {
    const step = graph.steps[t]!;
    const hat = nextValue(V, mat(n, n, step.W), alpha, backup, t);
    const Q = qOf(graph.effectiveReward, step, hat, n, d);
    const soft = softMax(Q, alpha, d, t);
    out[t] = { Q, hat, ...soft };
    V = soft.V;
  }
  return { steps: out, VT };
}

/**
 * V(x) = α log ∫ exp(Q(x, u)/α) du: with S = L Lᵀ the maximiser is
 * u* = S⁻¹(q_u − Q_ux x) = −K x − k, and
 * P = Q_xx − Q_uxᵀ S⁻¹ Q_ux, p = q_x − Q_uxᵀ S⁻¹ q_u,
 * v = q0 + ½ q_uᵀ S⁻¹ q_u + (α/2) log det(2π α S⁻¹)  (0 at α = 0: the hard max).
 */
export function softMax(Q: QuadraticQ, alpha: number, d: number, t: number): Omit<SoftStep, 'Q' | 'hat'> {
  const cholS = cholesky(Q.S);
  if (cholS === undefined) {
    fail({
      code: 'not-concave',
      part: 'exact()',
      t,
      message: `exact(): S = R + BᵀP̂B is not positive definite at t = ${t}, so the reward grows without bound in some direction of u and V = +Infinity; expected a reward concave in u (R positive definite is enough with a concave terminal)`,
    });
  }
  const K = cholSolve(cholS, Q.Qux);
  const Sinv_qu = cholSolveVec(cholS, Q.qu);
  const k = Sinv_qu.map((x) => 0 - x); // 0 − x, not −x: no −0 in the gains
  const P = symmetrize(axpby(1, Q.Qxx, -1, tmul(Q.Qux, K)));
  const p = addVec(Q.qx, tmulVec(Q.Qux, Sinv_qu), -1);
  const logDetS = logDetChol(cholS);
  const entropy = alpha > 0 ? 0.5 * alpha * (d * Math.log(2 * Math.PI * alpha) - logDetS) : 0;
  const v = Q.q0 + 0.5 * dot(Q.qu, Sinv_qu) + entropy;
  const Sinv = cholSolve(cholS, identity(d));
  const covariance = symmetrize(axpby(alpha, Sinv, 0, Sinv));
  return { cholS, K, k, covariance, V: { P, p, v } };
}
