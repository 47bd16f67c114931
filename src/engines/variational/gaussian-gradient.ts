/**
 * ELBO gradients of a Gaussian policy on a model with a continuous action,
 *
 *   ELBO(θ) = E_q[ Σ_t γ^t (r_t(x_t,u_t)/α + log p(u_t) − log q_t(u_t|x_t)) + γ^T r_T(x_T)/α ].
 *
 * **Score function** (any simulated model): N trajectories from q,
 * ĝ = (1/N) Σ_i Σ_t γ^t (G_t⁽ⁱ⁾ − b_t⁽ⁱ⁾) ∇_θ log q_t(u_t⁽ⁱ⁾|x_t⁽ⁱ⁾), with the return to go G_t and the
 * leave-one-out baseline b_t, as in score-function.ts. The squashing does not
 * depend on θ, so ∇_θ log q(u|x) = ∇_θ log N(z; μ, LLᵀ) at z = squash⁻¹(u): with
 * ε = L⁻¹(z − μ) and h = L⁻ᵀε, ∂/∂μ = h, ∂/∂L_ij = h_i ε_j (j ≤ i), ∂/∂log L_ii = L_ii h_i ε_i − 1.
 *
 * **Reparameterised** (linear-Gaussian models, identity features): u = g(z),
 * z = W_t x + b_t + L_t ε, w_t = L_W ξ, so every trajectory is a differentiable
 * function of θ given (ε, ξ, x_0). With f_t = r_eff(x,u)/α − log q (r_eff = r + α log p(u)),
 * and −log q = ½|ε|² + Σ log L_ii + Σ log g'(z_i) + const, the adjoint of the state
 *
 *   λ_T = ∇_x r_T(x_T)/α   (0 without a terminal reward)
 *   g_z = g'(z) ⊙ (∇_u r_eff/α + γ Bᵀλ_{t+1}) − 2 tanh z   (the last term only when squashed; g_z = ∇_u … unbounded)
 *   λ_t = ∇_x r_eff/α + γ Aᵀλ_{t+1} + W_tᵀ g_z
 *
 * gives ∂/∂W_t = γ^t g_z xᵀ, ∂/∂b_t = γ^t g_z, ∂/∂L_ij = γ^t g_z,i ε_j, ∂/∂log L_ii = γ^t (L_ii g_z,i ε_i + 1).
 * Its variance is far below the score function's (no return multiplies it).
 */
import { gaussian, type Rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import type { ContinuousSimulator } from '../../types/continuous.js';
import type { LinearGaussianGraph } from '../../types/gaussian.js';
import { accumulateGaussian, type BoundGaussianFamily } from './gaussian-family.js';
import type { ElboEstimate } from './score-function.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export class GaussianElbo<S> {
  private readonly T: number;
  private readonly d: number;
  private readonly m: number;
  private readonly alpha: number;
  private readonly gamma: number;
  // Per trajectory i and step t (slot i·T + t): φ, ε, z, the return-to-go (score function) or x, u (reparameterised).
  private readonly phiAt: Float64Array;
  private readonly epsAt: Float64Array;
  private readonly zAt: Float64Array;
  private readonly uAt: Float64Array;
  private readonly returns: Float64Array;
  private readonly baseTotals: Float64Array;
  private readonly totals: Float64Array;
  // Scratch of one step.
  private readonly phi: Float64Array;
  private readonly mu: Float64Array;
  private readonly eps: Float64Array;
  private readonly z: Float64Array;
  private readonly u: Float64Array;
  private readonly h: Float64Array;
  /** Noise factors L_W of the linear model's steps (reparameterised path). */
  private readonly noise: Float64Array[] | undefined;

  constructor(
    private readonly sim: ContinuousSimulator<S>,
    private readonly family: BoundGaussianFamily<S>,
    private readonly linear: LinearGaussianGraph | undefined,
    private readonly samples: number,
    private readonly random: Rng,
    private readonly part: string,
  ) {
    this.T = sim.horizon;
    this.d = family.d;
    this.m = family.m;
    this.alpha = sim.alpha;
    this.gamma = sim.gamma;
    const slots = samples * this.T;
    // The reparameterised path keeps x_0 … x_T (n = m with identity features) in phiAt.
    this.phiAt = new Float64Array((slots + samples) * this.m);
    this.epsAt = new Float64Array(slots * this.d);
    this.zAt = new Float64Array(slots * this.d);
    this.uAt = new Float64Array(slots * this.d);
    this.returns = new Float64Array(slots);
    this.baseTotals = new Float64Array(this.T);
    this.totals = new Float64Array(samples);
    this.phi = new Float64Array(this.m);
    this.mu = new Float64Array(this.d);
    this.eps = new Float64Array(this.d);
    this.z = new Float64Array(this.d);
    this.u = new Float64Array(this.d);
    this.h = new Float64Array(this.d);
    this.noise = linear?.steps.map((s) => psdFactor(s.W, linear.n));
  }

  /** log q(u|x) = −½|ε|² − Σ log L_ii − (d/2) log 2π − Σ log g'(z_i). */
  private logQ(params: Float64Array, t: number, eps: Float64Array, logJ: number): number {
    let q = 0;
    for (let i = 0; i < this.d; i++) q += eps[i]! ** 2;
    return -0.5 * q - this.family.logDetL(params, t) - this.d * HALF_LOG_2PI - logJ;
  }

  private drawEps(): void {
    for (let i = 0; i < this.d; i++) this.eps[i] = gaussian(this.random);
  }

  private nonFinite(what: string, t: number, x: unknown): never {
    return fail({ code: 'infeasible', part: this.part, t, message: `${this.part}: ${what} at t = ${t}, s=${show(x)}; a Gaussian policy needs finite rewards (a −Infinity reward cannot be steered around by a policy with full support) — use a large finite penalty` });
  }

  /**
   * Simulate N trajectories of q with the model's functions, recording what the score function needs;
   * totals[i] = the trajectory's ELBO term, returns[i·T + t] = G_t. Returns nothing; reads this.totals.
   */
  private simulate(params: Float64Array, n: number, record: boolean): void {
    const { sim, family, T, d, m, alpha, gamma } = this;
    for (let i = 0; i < n; i++) {
      let x = sim.initial(this.random);
      const c = record ? this.returns : undefined;
      let total = 0;
      let discount = 1;
      for (let t = 0; t < T; t++) {
        family.features(x, this.phi);
        family.mean(params, t, this.phi, this.mu);
        this.drawEps();
        family.perturb(params, t, this.mu, this.eps, this.z);
        const logJ = family.squash(this.z, this.u);
        const u = Float64Array.from(this.u);
        const r = sim.reward(x, u, t);
        const term = r / alpha + sim.logPrior(u) - this.logQ(params, t, this.eps, logJ);
        if (!Number.isFinite(term)) this.nonFinite(`r(s, u) is ${r}`, t, x);
        if (c !== undefined) {
          const k = i * T + t;
          c[k] = term;
          this.phiAt.set(this.phi, k * m);
          this.epsAt.set(this.eps, k * d);
          this.zAt.set(this.z, k * d);
        }
        total += discount * term;
        discount *= gamma;
        if (t < T - 1 || sim.hasTerminal) x = sim.step(x, u, this.random);
      }
      let tail = 0;
      if (sim.hasTerminal) {
        tail = sim.terminal(x) / alpha;
        if (!Number.isFinite(tail)) this.nonFinite(`r_T(s) is ${tail * alpha}`, T, x);
        total += discount * tail;
      }
      this.totals[i] = total;
      if (c !== undefined) {
        // Returns to go, G_t = c_t + γ G_{t+1}, G_T = r_T/α.
        let g = tail;
        for (let t = T - 1; t >= 0; t--) {
          g = c[i * T + t]! + gamma * g;
          c[i * T + t] = g;
        }
      }
    }
  }

  private summarise(n: number, out: ElboEstimate): ElboEstimate {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += this.totals[i]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (this.totals[i]! - mean) ** 2;
    out.elbo = mean;
    out.standardError = n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN;
    return out;
  }

  /** The ELBO estimated from `n` fresh trajectories (n ≤ the sample count of a gradient, or any n: it reuses a buffer of that size). */
  estimate(params: Float64Array, n: number, out: ElboEstimate): ElboEstimate {
    let done = 0;
    let sum = 0;
    let sumSq = 0;
    while (done < n) {
      const k = Math.min(this.samples, n - done);
      this.simulate(params, k, false);
      for (let i = 0; i < k; i++) {
        sum += this.totals[i]!;
        sumSq += this.totals[i]! ** 2;
      }
      done += k;
    }
    const mean = sum / n;
    out.elbo = mean;
    out.standardError = Math.sqrt(Math.max(0, sumSq / n - mean * mean) / Math.max(1, n - 1));
    return out;
  }

  /** The score-function estimate of ∇ELBO into `grad` (overwritten), the batch ELBO into `out`. */
  scoreFunction(params: Float64Array, grad: Float64Array, out: ElboEstimate): ElboEstimate {
    const { T, d, m, samples: n, gamma } = this;
    this.simulate(params, n, true);
    grad.fill(0);
    this.baseTotals.fill(0);
    for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) this.baseTotals[t]! += this.returns[i * T + t]!;
    for (let i = 0; i < n; i++) {
      let discount = 1;
      for (let t = 0; t < T; t++) {
        const k = i * T + t;
        const baseline = n > 1 ? (this.baseTotals[t]! - this.returns[k]!) / (n - 1) : 0;
        const weight = (discount * (this.returns[k]! - baseline)) / n;
        discount *= gamma;
        this.logQGradient(params, t, this.epsAt.subarray(k * d, (k + 1) * d), this.phiAt.subarray(k * m, (k + 1) * m), weight, grad);
      }
    }
    return this.summarise(n, out);
  }

  /** grad += weight · ∇_θ log q_t(u | x) at ε (so z = μ + Lε), features φ. */
  private logQGradient(params: Float64Array, t: number, eps: Float64Array, phi: Float64Array, weight: number, grad: Float64Array): void {
    const { family, d } = this;
    const L = family.choleskyRows(params, t);
    // h = L⁻ᵀ ε (back substitution on the upper-triangular Lᵀ).
    const h = this.h;
    for (let i = d - 1; i >= 0; i--) {
      let s = eps[i]!;
      for (let j = i + 1; j < d; j++) s -= L[j]![i]! * h[j]!;
      h[i] = s / L[i]![i]!;
    }
    accumulateGaussian(family, params, t, h, eps, phi, weight, -1, grad);
  }

  /** The reparameterised estimate of ∇ELBO (linear-Gaussian model, identity features) into `grad`. */
  reparameterised(params: Float64Array, grad: Float64Array, out: ElboEstimate): ElboEstimate {
    const lin = this.linear!;
    const { family, T, d, alpha, gamma, samples: n } = this;
    const nx = lin.n;
    const R = lin.effectiveReward;
    const term = lin.terminal;
    const xs = this.phiAt;
    const lam = new Float64Array(nx);
    const lamNext = new Float64Array(nx);
    const gu = new Float64Array(d);
    const gz = new Float64Array(d);
    const xi = new Float64Array(nx);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const base = i * (T + 1);
      const x0 = this.sim.initial(this.random) as unknown as ArrayLike<number>;
      for (let a = 0; a < nx; a++) xs[base * nx + a] = x0[a]!;
      let total = 0;
      let discount = 1;
      // Forward: x_{t+1} = A x + B u + c + L_W ξ.
      for (let t = 0; t < T; t++) {
        const x = xs.subarray((base + t) * nx, (base + t + 1) * nx);
        family.mean(params, t, x, this.mu);
        this.drawEps();
        family.perturb(params, t, this.mu, this.eps, this.z);
        const logJ = family.squash(this.z, this.u);
        const k = i * T + t;
        this.epsAt.set(this.eps, k * d);
        this.zAt.set(this.z, k * d);
        this.uAt.set(this.u, k * d);
        total += discount * (quadraticReward(R, x, this.u, nx, d) / alpha - this.logQ(params, t, this.eps, logJ));
        discount *= gamma;
        const step = lin.steps[t]!;
        const next = xs.subarray((base + t + 1) * nx, (base + t + 2) * nx);
        const Lw = this.noise![t]!;
        for (let a = 0; a < nx; a++) xi[a] = gaussian(this.random);
        for (let a = 0; a < nx; a++) {
          let s = step.c[a]!;
          for (let b = 0; b < nx; b++) s += step.A[a * nx + b]! * x[b]! + Lw[a * nx + b]! * xi[b]!;
          for (let b = 0; b < d; b++) s += step.B[a * d + b]! * this.u[b]!;
          next[a] = s;
        }
      }
      // Backward: the adjoint λ of the state, and the parameter gradient at each t.
      lamNext.fill(0);
      if (term !== undefined) {
        const xT = xs.subarray((base + T) * nx, (base + T + 1) * nx);
        let rT = term.c;
        for (let a = 0; a < nx; a++) {
          let qx = 0;
          for (let b = 0; b < nx; b++) qx += term.Q[a * nx + b]! * xT[b]!;
          lamNext[a] = (-qx + term.q[a]!) / alpha;
          rT += -0.5 * xT[a]! * qx + term.q[a]! * xT[a]!;
        }
        total += discount * (rT / alpha);
      }
      this.totals[i] = total;
      for (let t = T - 1; t >= 0; t--) {
        const k = i * T + t;
        const x = xs.subarray((base + t) * nx, (base + t + 1) * nx);
        const u = this.uAt.subarray(k * d, (k + 1) * d);
        const z = this.zAt.subarray(k * d, (k + 1) * d);
        const eps = this.epsAt.subarray(k * d, (k + 1) * d);
        const step = lin.steps[t]!;
        // g_u = (−R u − Nᵀx + r)/α + γ Bᵀ λ_{t+1}
        for (let b = 0; b < d; b++) {
          let s = R.r[b]!;
          for (let c = 0; c < d; c++) s -= R.R[b * d + c]! * u[c]!;
          for (let a = 0; a < nx; a++) s -= R.N[a * d + b]! * x[a]!;
          let back = 0;
          for (let a = 0; a < nx; a++) back += step.B[a * d + b]! * lamNext[a]!;
          gu[b] = s / alpha + gamma * back;
        }
        if (family.bounds !== undefined) {
          for (let b = 0; b < d; b++) {
            const th = Math.tanh(z[b]!);
            const half = (family.bounds.high[b]! - family.bounds.low[b]!) / 2;
            gz[b] = gu[b]! * half * (1 - th * th) - 2 * th;
          }
        } else gz.set(gu);
        const o = family.offset(t);
        accumulateGaussian(family, params, t, gz, eps, x, gamma ** t / n, 1, grad);
        // λ_t = (−Q x − N u + q)/α + γ Aᵀ λ_{t+1} + Wᵀ g_z
        for (let a = 0; a < nx; a++) {
          let s = R.q[a]!;
          for (let b = 0; b < nx; b++) s -= R.Q[a * nx + b]! * x[b]!;
          for (let b = 0; b < d; b++) s -= R.N[a * d + b]! * u[b]!;
          let back = 0;
          for (let b = 0; b < nx; b++) back += step.A[b * nx + a]! * lamNext[b]!;
          let through = 0;
          for (let b = 0; b < d; b++) through += params[o + b * nx + a]! * gz[b]!;
          lam[a] = s / alpha + gamma * back + through;
        }
        lamNext.set(lam);
      }
    }
    return this.summarise(n, out);
  }
}

/** r(x, u) = −½xᵀQx − ½uᵀRu − xᵀNu + qᵀx + rᵀu + c (row-major matrices). */
function quadraticReward(R: LinearGaussianGraph['effectiveReward'], x: ArrayLike<number>, u: ArrayLike<number>, n: number, d: number): number {
  let s = R.c;
  for (let a = 0; a < n; a++) {
    let qx = 0;
    for (let b = 0; b < n; b++) qx += R.Q[a * n + b]! * x[b]!;
    let nu = 0;
    for (let b = 0; b < d; b++) nu += R.N[a * d + b]! * u[b]!;
    s += -0.5 * x[a]! * qx - x[a]! * nu + R.q[a]! * x[a]!;
  }
  for (let a = 0; a < d; a++) {
    let ru = 0;
    for (let b = 0; b < d; b++) ru += R.R[a * d + b]! * u[b]!;
    s += -0.5 * u[a]! * ru + R.r[a]! * u[a]!;
  }
  return s;
}

/** A lower factor L (row-major) with W = L Lᵀ for a PSD W (zero columns where W is singular). */
function psdFactor(w: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  let scale = Number.MIN_VALUE;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(w[i * n + i]!));
  for (let j = 0; j < n; j++) {
    let s = w[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l[j * n + k]! ** 2;
    if (s <= 1e-13 * scale) continue;
    l[j * n + j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = w[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = t / l[j * n + j]!;
    }
  }
  return l;
}
