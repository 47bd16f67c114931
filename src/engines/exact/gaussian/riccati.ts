/**
 * One soft Riccati step in place: the hot loop of the backward pass (and of
 * the infinite-horizon fixed point), on preallocated row-major Float64Arrays.
 * Nothing here allocates per step: every intermediate lives in this
 * workspace, products exploit symmetry and triangularity, and inverses are
 * Cholesky solves. The equations are those of backup.ts (and
 * docs/engines/gaussian.md); this file only fixes the order of operations.
 *
 * 1. `next` — the discounted backup of V_{t+1} = (P, p, v) through the noise:
 *      fixed-dynamics  P̂ = γP, p̂ = γp, v̂ = γ(v − ½ tr(PW));
 *      posterior       with W = LLᵀ, M = αI + LᵀPL = L_M L_Mᵀ, Y = L_M⁻¹(PL)ᵀ, z = L_M⁻¹Lᵀp:
 *                      P̂ = γ(P − YᵀY), p̂ = γ(p − Yᵀz), v̂ = γ(v + ½‖z‖² − (α/2)(log det M − n log α))
 *      (YᵀY = PL M⁻¹ LᵀP = PGP, Yᵀz = PGp, ‖z‖² = pᵀGp: the Woodbury form without forming G).
 * 2. `q` — Q_t(x, u) = r(x, u) + V̂(Ax + Bu + c): Q_xx = Q + AᵀP̂A, Q_ux = Nᵀ + BᵀP̂A,
 *      S = R + BᵀP̂B, h = p̂ − P̂c, q_x = q + Aᵀh, q_u = r + Bᵀh, q_0 = c₀ + v̂ + p̂ᵀc − ½cᵀP̂c.
 * 3. `soft` — with S = L_S L_Sᵀ: K = S⁻¹Q_ux, k = −S⁻¹q_u, P_t = Q_xx − Q_uxᵀK,
 *      p_t = q_x − Q_uxᵀS⁻¹q_u, v_t = q_0 + ½q_uᵀS⁻¹q_u + (α/2) log det(2παS⁻¹), covariance αS⁻¹.
 */
import { fail } from '../../../errors.js';
import type { LinearGaussianStep, QuadraticReward } from '../../../types/gaussian.js';
import { choleskyPsd, mat } from './linalg.js';

export type GaussianBackup = 'posterior' | 'fixed-dynamics';

/** Where a noise integral is taken, for messages: a time t (the noise W_t) or a phrase. */
export type Where = number | string;
const describe = (where: Where) => (typeof where === 'number' ? `the noise W at t = ${where}` : where);

export class Riccati {
  readonly n: number;
  readonly d: number;
  /** After `next`: V̂ = (P̂, p̂, v̂), the discounted backup of V_{t+1}. */
  readonly Phat: Float64Array;
  readonly phat: Float64Array;
  vhat = 0;
  /** After `q`: the quadratic Q_t. Qux is d × n. */
  readonly Qxx: Float64Array;
  readonly Qux: Float64Array;
  readonly S: Float64Array;
  readonly qx: Float64Array;
  readonly qu: Float64Array;
  q0 = 0;
  /** After `soft`: V_t = (P, p, v), the gain K (d × n), offset k and covariance αS⁻¹ of the policy. */
  readonly P: Float64Array;
  readonly p: Float64Array;
  v = 0;
  readonly K: Float64Array;
  readonly k: Float64Array;
  readonly covariance: Float64Array;
  private readonly PA: Float64Array;
  private readonly PB: Float64Array;
  private readonly h: Float64Array;
  private readonly PL: Float64Array;
  private readonly M: Float64Array;
  private readonly z: Float64Array;
  private readonly LS: Float64Array;
  private readonly su: Float64Array;
  private readonly col: Float64Array;
  /** The factor L of the last noise covariance seen (steps of stationary dynamics share one W array). */
  private lastW: Float64Array | undefined;
  private factorW: Float64Array | undefined;
  private zeroW = false;

  constructor(n: number, d: number) {
    this.n = n;
    this.d = d;
    this.Phat = new Float64Array(n * n);
    this.phat = new Float64Array(n);
    this.Qxx = new Float64Array(n * n);
    this.Qux = new Float64Array(d * n);
    this.S = new Float64Array(d * d);
    this.qx = new Float64Array(n);
    this.qu = new Float64Array(d);
    this.P = new Float64Array(n * n);
    this.p = new Float64Array(n);
    this.K = new Float64Array(d * n);
    this.k = new Float64Array(d);
    this.covariance = new Float64Array(d * d);
    this.PA = new Float64Array(n * n);
    this.PB = new Float64Array(n * d);
    this.h = new Float64Array(n);
    this.PL = new Float64Array(n * n);
    this.M = new Float64Array(n * n);
    this.z = new Float64Array(n);
    this.LS = new Float64Array(d * d);
    this.su = new Float64Array(d);
    this.col = new Float64Array(d);
  }

  /** The noise factor L (W = LLᵀ), cached by array identity; undefined when W = 0. */
  private noiseFactor(W: Float64Array, where: Where): Float64Array | undefined {
    if (W !== this.lastW) {
      this.lastW = W;
      this.zeroW = W.every((x) => x === 0);
      if (this.zeroW) this.factorW = undefined;
      else {
        const L = choleskyPsd(mat(this.n, this.n, W));
        if (L === undefined) {
          this.lastW = undefined;
          fail({ code: 'gaussian-invalid', part: 'exact()', message: `exact(): ${describe(where)} is not positive semi-definite; expected a covariance matrix` });
        }
        this.factorW = L.d;
      }
    }
    return this.factorW;
  }

  /** Step 1: V̂ into (Phat, phat, vhat) from V = (P, p, v) and the noise covariance W. */
  next(P: Float64Array, p: Float64Array, v: number, W: Float64Array, alpha: number, gamma: number, backup: GaussianBackup, where: Where): void {
    const n = this.n;
    const { Phat, phat } = this;
    const L = this.noiseFactor(W, where);
    if (backup === 'fixed-dynamics' || L === undefined) {
      // E_w V(m + w) = V(m) − ½ tr(PW)
      let tr = 0;
      if (L !== undefined) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) tr += P[i * n + j]! * W[j * n + i]!;
      for (let i = 0; i < n * n; i++) Phat[i] = gamma * P[i]!;
      for (let i = 0; i < n; i++) phat[i] = gamma * p[i]!;
      this.vhat = gamma * (v - 0.5 * tr);
      return;
    }
    if (alpha === 0) {
      fail({
        code: 'not-concave',
        part: 'exact()',
        message: `exact(): the posterior backup at α = 0 with noise W ≠ 0 at t = ${typeof where === 'number' ? where : 0} lets the posterior choose the noise (the limit is not a control problem); expected α > 0 or backup: 'fixed-dynamics'`,
      });
    }
    const { PL, M, z } = this;
    // PL = P L (L lower triangular: column j of L is zero above j)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = j; k < n; k++) s += P[i * n + k]! * L[k * n + j]!;
        PL[i * n + j] = s;
      }
    }
    // M = αI + Lᵀ(PL), upper triangle then mirrored
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = i === j ? alpha : 0;
        for (let k = i; k < n; k++) s += L[k * n + i]! * PL[k * n + j]!;
        M[i * n + j] = s;
        M[j * n + i] = s;
      }
    }
    // M = L_M L_Mᵀ in place (lower triangle)
    if (!choleskyInPlace(M, n)) {
      fail({
        code: 'not-concave',
        part: 'exact()',
        message: `exact(): α log E exp(V/α) over ${describe(where)} diverges (αI + LᵀPL is not positive definite: the value grows faster than the noise's density decays); expected a reward concave enough for the posterior backup, or use backup: 'fixed-dynamics'`,
      });
    }
    let logDetM = 0;
    for (let i = 0; i < n; i++) logDetM += Math.log(M[i * n + i]!);
    logDetM *= 2;
    // Row r of Y' = L_M⁻¹ (row r of PL)ᵀ, in place over PL: Y'[r] = column r of Y
    for (let r = 0; r < n; r++) forwardSolve(M, n, PL, r * n);
    // z = L_M⁻¹ Lᵀ p
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = i; k < n; k++) s += L[k * n + i]! * p[k]!;
      z[i] = s;
    }
    forwardSolve(M, n, z, 0);
    let zz = 0;
    for (let i = 0; i < n; i++) zz += z[i]! * z[i]!;
    // P̂ = γ(P − YᵀY), (YᵀY)_ab = Y'[a]·Y'[b]; p̂ = γ(p − Yᵀz)
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += PL[a * n + i]! * PL[b * n + i]!;
        const value = gamma * (0.5 * (P[a * n + b]! + P[b * n + a]!) - s);
        Phat[a * n + b] = value;
        Phat[b * n + a] = value;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += PL[a * n + i]! * z[i]!;
      phat[a] = gamma * (p[a]! - s);
    }
    this.vhat = gamma * (v + 0.5 * zz - 0.5 * alpha * (logDetM - n * Math.log(alpha)));
  }

  /** Step 2: Q_t from V̂ (after `next`), the reward and the step's dynamics. */
  q(reward: QuadraticReward, step: LinearGaussianStep): void {
    const { n, d, Phat, phat, PA, PB, Qxx, Qux, S, qx, qu, h } = this;
    const { A, B, c } = step;
    // PA = P̂A, PB = P̂B
    PA.fill(0);
    PB.fill(0);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const a = Phat[i * n + k]!;
        if (a === 0) continue;
        for (let j = 0; j < n; j++) PA[i * n + j]! += a * A[k * n + j]!;
        for (let j = 0; j < d; j++) PB[i * d + j]! += a * B[k * d + j]!;
      }
    }
    // Q_xx = Q + Aᵀ(PA), upper triangle then mirrored
    Qxx.set(reward.Q);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        const a = A[k * n + i]!;
        if (a === 0) continue;
        for (let j = i; j < n; j++) Qxx[i * n + j]! += a * PA[k * n + j]!;
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) Qxx[i * n + j] = Qxx[j * n + i]!;
    // Q_ux = Nᵀ + Bᵀ(PA) (d × n); S = R + Bᵀ(PB)
    for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) Qux[j * n + i] = reward.N[i * d + j]!;
    S.set(reward.R);
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < d; j++) {
        const b = B[k * d + j]!;
        if (b === 0) continue;
        for (let i = 0; i < n; i++) Qux[j * n + i]! += b * PA[k * n + i]!;
        for (let i = j; i < d; i++) S[j * d + i]! += b * PB[k * d + i]!;
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) S[i * d + j] = S[j * d + i]!;
    // h = p̂ − P̂c; q_x = q + Aᵀh; q_u = r + Bᵀh; q_0 = c₀ + v̂ + p̂ᵀc − ½cᵀP̂c
    let pc = 0;
    let cPc = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Phat[i * n + j]! * c[j]!;
      h[i] = phat[i]! - s;
      pc += phat[i]! * c[i]!;
      cPc += c[i]! * s;
    }
    qx.set(reward.q);
    qu.set(reward.r);
    for (let k = 0; k < n; k++) {
      const hk = h[k]!;
      if (hk === 0) continue;
      for (let i = 0; i < n; i++) qx[i]! += A[k * n + i]! * hk;
      for (let j = 0; j < d; j++) qu[j]! += B[k * d + j]! * hk;
    }
    this.q0 = reward.c + this.vhat + pc - 0.5 * cPc;
  }

  /** Step 3: the soft maximum over u of Q_t (after `q`) into (P, p, v, K, k, covariance). */
  soft(alpha: number, t: number): void {
    const { n, d, Qxx, Qux, S, qx, qu, LS, su, col } = this;
    LS.set(S);
    if (!choleskyInPlace(LS, d)) {
      fail({
        code: 'not-concave',
        part: 'exact()',
        t,
        message: `exact(): S = R + BᵀP̂B is not positive definite at t = ${t}, so the reward grows without bound in some direction of u and V = +Infinity; expected a reward concave in u (R positive definite is enough with a concave terminal)`,
      });
    }
    const { K, k, covariance, P, p } = this;
    // K = S⁻¹Q_ux: forward then back substitution on whole rows (contiguous over the n columns)
    K.set(Qux);
    for (let i = 0; i < d; i++) {
      for (let m = 0; m < i; m++) {
        const l = LS[i * d + m]!;
        for (let j = 0; j < n; j++) K[i * n + j]! -= l * K[m * n + j]!;
      }
      const inv = 1 / LS[i * d + i]!;
      for (let j = 0; j < n; j++) K[i * n + j]! *= inv;
    }
    for (let i = d - 1; i >= 0; i--) {
      for (let m = i + 1; m < d; m++) {
        const l = LS[m * d + i]!;
        for (let j = 0; j < n; j++) K[i * n + j]! -= l * K[m * n + j]!;
      }
      const inv = 1 / LS[i * d + i]!;
      for (let j = 0; j < n; j++) K[i * n + j]! *= inv;
    }
    su.set(qu);
    cholSolveInPlace(LS, d, su, 0);
    let quSu = 0;
    for (let i = 0; i < d; i++) {
      k[i] = 0 - su[i]!; // 0 − x, not −x: no −0 in the gains
      quSu += qu[i]! * su[i]!;
    }
    // P_t = Q_xx − Q_uxᵀK (upper triangle, mirrored); p_t = q_x − Q_uxᵀS⁻¹q_u
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let m = 0; m < d; m++) s += Qux[m * n + i]! * K[m * n + j]!;
        const value = Qxx[i * n + j]! - s;
        P[i * n + j] = value;
        P[j * n + i] = value;
      }
      let s = 0;
      for (let m = 0; m < d; m++) s += Qux[m * n + i]! * su[m]!;
      p[i] = qx[i]! - s;
    }
    // covariance = αS⁻¹, column by column, symmetrised
    let logDetS = 0;
    for (let i = 0; i < d; i++) logDetS += Math.log(LS[i * d + i]!);
    logDetS *= 2;
    for (let j = 0; j < d; j++) {
      col.fill(0);
      col[j] = 1;
      cholSolveInPlace(LS, d, col, 0);
      for (let i = 0; i < d; i++) covariance[i * d + j] = alpha * col[i]!;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const value = 0.5 * (covariance[i * d + j]! + covariance[j * d + i]!);
        covariance[i * d + j] = value;
        covariance[j * d + i] = value;
      }
    }
    const entropy = alpha > 0 ? 0.5 * alpha * (d * Math.log(2 * Math.PI * alpha) - logDetS) : 0;
    this.v = this.q0 + 0.5 * quSu + entropy;
  }
}

/**
 * M = L Lᵀ in place (lower triangle; the upper is left as it was), false when
 * M is not positive definite (a pivot ≤ 1e-14 of the diagonal's scale).
 */
export function choleskyInPlace(m: Float64Array, n: number): boolean {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(m[i * n + i]!));
  for (let j = 0; j < n; j++) {
    let s = m[j * n + j]!;
    for (let k = 0; k < j; k++) s -= m[j * n + k]! * m[j * n + k]!;
    if (!(s > 1e-14 * scale) || !Number.isFinite(s)) return false;
    const ljj = Math.sqrt(s);
    m[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = m[i * n + j]!;
      for (let k = 0; k < j; k++) t -= m[i * n + k]! * m[j * n + k]!;
      m[i * n + j] = t / ljj;
    }
  }
  return true;
}

/** x ← L⁻¹x for the n-vector at x[offset …] (L the lower triangle of `l`). */
function forwardSolve(l: Float64Array, n: number, x: Float64Array, offset: number): void {
  for (let i = 0; i < n; i++) {
    let s = x[offset + i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[offset + k]!;
    x[offset + i] = s / l[i * n + i]!;
  }
}

/** x ← (LLᵀ)⁻¹x. */
function cholSolveInPlace(l: Float64Array, n: number, x: Float64Array, offset: number): void {
  forwardSolve(l, n, x, offset);
  for (let i = n - 1; i >= 0; i--) {
    let s = x[offset + i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[offset + k]!;
    x[offset + i] = s / l[i * n + i]!;
  }
}
