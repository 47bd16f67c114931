/**
 * The score-function (REINFORCE) estimate of the ELBO gradient, for models
 * that can only be simulated. N trajectories τ⁽ⁱ⁾ ~ q; with per-step terms
 * (α units, log p − log q = log Σ_b p_b e^{ℓ_b − m} − (ℓ_a − m), m the largest allowed logit)
 *
 *   c_t = r_t(s_t,a_t)/α + log p(a_t|s_t) − log q_t(a_t|s_t),   c_T = r_T(s_T)/α
 *   G_t = Σ_{k ≥ t} γ^{k−t} c_k                                    (the return to go)
 *   ĝ  = (1/N) Σ_i Σ_t γ^t (G_t⁽ⁱ⁾ − b_t⁽ⁱ⁾) ∇_θ log q_t(a_t⁽ⁱ⁾ | s_t⁽ⁱ⁾)
 *   ELBO ≈ (1/N) Σ_i G_0⁽ⁱ⁾
 *
 * Unbiased: E[∇ log q] = 0 removes the entropy term's own derivative, the
 * past terms of the return, and the baseline, which is the leave-one-out mean
 * b_t⁽ⁱ⁾ = (Σ_{j≠i} G_t⁽ʲ⁾)/(N − 1) — independent of trajectory i, so the
 * estimate stays unbiased (with N = 1 there is no baseline). In logit space
 * ∇_ℓ log q(a|s) = e_a − q(·|s); the family maps it to θ.
 *
 * Hard constraints: only actions with p(a|s) > 0 and r_t(s,a) > −∞ get mass
 * (the simulator cannot look further ahead); a trajectory that reaches a state
 * with no such action has ELBO −∞ for every q, and the run stops with an error.
 */
import type { Rng } from '../../dist/rng.js';
import { scaledReward } from '../reward-scale.js';
import { fail, show } from '../../errors.js';
import type { Simulator } from '../../types/simulator.js';
import type { BoundFamily } from './families.js';

/** An ELBO estimate with its standard error (sd / √N). */
export interface ElboEstimate {
  elbo: number;
  standardError: number;
}

export class ScoreFunction<S> {
  readonly T: number;
  readonly nA: number;
  private readonly alpha: number;
  private readonly gamma: number;
  private readonly terminal: boolean;
  // Per trajectory i and step t (slot i·T + t): the state, its index, the action, c_t, q_t(·|s_t).
  private readonly stateAt: unknown[];
  private readonly indexAt: Int32Array;
  private readonly actionAt: Int32Array;
  private readonly returns: Float64Array;
  private readonly qAt: Float64Array;
  private readonly finalC: Float64Array;
  private readonly baseTotals: Float64Array;
  // Scratch rows of one state.
  private readonly prior: Float64Array;
  private readonly logits: Float64Array;
  private readonly rewards: Float64Array;
  private readonly q: Float64Array;
  private readonly weights: Float64Array;

  constructor(
    private readonly sim: Simulator<unknown, S, unknown>,
    private readonly family: BoundFamily<S>,
    private readonly samples: number,
    private readonly random: Rng,
    private readonly part: string,
  ) {
    this.T = sim.horizon;
    this.nA = sim.nA;
    this.alpha = sim.alpha;
    this.gamma = sim.gamma;
    this.terminal = sim.hasTerminal;
    const slots = samples * this.T;
    this.stateAt = new Array<unknown>(slots);
    this.indexAt = new Int32Array(slots);
    this.actionAt = new Int32Array(slots);
    this.returns = new Float64Array(slots);
    this.qAt = new Float64Array(slots * this.nA);
    this.finalC = new Float64Array(samples);
    this.baseTotals = new Float64Array(this.T);
    this.prior = new Float64Array(this.nA);
    this.logits = new Float64Array(this.nA);
    this.rewards = new Float64Array(this.nA);
    this.q = new Float64Array(this.nA);
    this.weights = new Float64Array(this.nA);
  }

  /**
   * Simulate one trajectory under q_θ. With `slot` ≥ 0 its states, actions, c_t (in `returns`)
   * and q rows are stored at trajectory `slot`. Returns G_0 (the trajectory's ELBO term).
   */
  private rollout(params: Float64Array, slot: number): number {
    const { sim, family, random, T, nA, alpha, gamma } = this;
    const { prior, logits, rewards, q } = this;
    let x = sim.initial(random);
    let total = 0;
    let discount = 1;
    for (let t = 0; t < T; t++) {
      const value = sim.value(x);
      const index = sim.index(x);
      sim.prior(x, prior);
      family.logits(params, value, t, logits, index);
      let m = -Infinity;
      for (let a = 0; a < nA; a++) {
        rewards[a] = prior[a]! > 0 ? sim.reward(x, a, t) : -Infinity;
        if (rewards[a]! > -Infinity && logits[a]! > m) m = logits[a]!;
      }
      if (m === -Infinity) this.deadEnd(value, t);
      if (!Number.isFinite(m)) this.diverged();
      // Shifted by the largest allowed logit m (no cancellation for huge logits): q_a = p_a e^{ℓ_a − m} / Σ.
      let sum = 0;
      for (let a = 0; a < nA; a++) {
        q[a] = rewards[a]! > -Infinity ? prior[a]! * Math.exp(logits[a]! - m) : 0;
        sum += q[a]!;
      }
      if (Number.isNaN(sum)) this.diverged();
      for (let a = 0; a < nA; a++) q[a] = q[a]! / sum;
      const logSum = Math.log(sum);
      // Draw a ~ q by inverse CDF over the allowed actions.
      let u = random.next();
      let chosen = -1;
      for (let a = 0; a < nA; a++) {
        if (q[a]! > 0) {
          chosen = a;
          u -= q[a]!;
          if (u < 0) break;
        }
      }
      // c_t = r/α + log p − log q = r/α + log Σ_b p_b e^{ℓ_b − m} − (ℓ_a − m)
      const c = scaledReward(rewards[chosen]!, rewards[chosen]! / alpha, alpha, 'variational()', t) + logSum - (logits[chosen]! - m);
      total += discount * c;
      if (slot >= 0) {
        const k = slot * T + t;
        this.stateAt[k] = value;
        this.indexAt[k] = index;
        this.actionAt[k] = chosen;
        this.returns[k] = c;
        for (let a = 0; a < nA; a++) this.qAt[k * nA + a] = q[a]!;
      }
      discount *= gamma;
      if (t < T - 1 || this.terminal) x = sim.step(x, chosen, random);
    }
    if (this.terminal) {
      const rT = sim.terminal(x);
      const cT = scaledReward(rT, rT / alpha, alpha, 'variational()', T);
      if (cT === -Infinity) this.deadEnd(sim.value(x), T);
      total += discount * cT;
      if (slot >= 0) this.finalC[slot] = cT;
    }
    return total;
  }

  /**
   * One gradient estimate from `samples` fresh trajectories: overwrites `grad` with ĝ and
   * returns the batch's ELBO estimate.
   */
  gradient(params: Float64Array, grad: Float64Array, out: ElboEstimate): ElboEstimate {
    const { T, nA, gamma, samples: N, returns } = this;
    grad.fill(0);
    for (let i = 0; i < N; i++) this.rollout(params, i);
    // c_t → G_t in place, backwards along each trajectory; Σ_i G_t for the baselines.
    this.baseTotals.fill(0);
    for (let i = 0; i < N; i++) {
      let g = this.terminal ? this.finalC[i]! : 0;
      for (let t = T - 1; t >= 0; t--) {
        g = returns[i * T + t]! + gamma * g;
        returns[i * T + t] = g;
        this.baseTotals[t] = this.baseTotals[t]! + g;
      }
    }
    const stats = new Welford();
    for (let i = 0; i < N; i++) {
      stats.add(returns[i * T]!);
      let discount = 1;
      for (let t = 0; t < T; t++, discount *= gamma) {
        const k = i * T + t;
        const baseline = N > 1 ? (this.baseTotals[t]! - returns[k]!) / (N - 1) : 0;
        const coef = (discount * (returns[k]! - baseline)) / N;
        if (coef === 0) continue;
        // ∂/∂ℓ_b of log q(a|s) = δ_ab − q_b
        const a = this.actionAt[k]!;
        for (let b = 0; b < nA; b++) this.weights[b] = -coef * this.qAt[k * nA + b]!;
        this.weights[a] = this.weights[a]! + coef;
        this.family.accumulate(this.stateAt[k] as S, t, this.weights, grad, this.indexAt[k]!);
      }
    }
    return stats.into(out);
  }

  /** An ELBO estimate from `n` fresh trajectories (nothing stored). */
  estimate(params: Float64Array, n: number, out: ElboEstimate): ElboEstimate {
    const stats = new Welford();
    for (let i = 0; i < n; i++) stats.add(this.rollout(params, -1));
    return stats.into(out);
  }

  private deadEnd(value: unknown, t: number): never {
    const where = t === this.T ? `the terminal reward r_T(s=${show(value)}) is −Infinity` : `every action at s=${show(value)}, t=${t} has r = −Infinity or prior 0`;
    return fail({
      code: 'infeasible',
      part: this.part,
      state: value,
      t,
      message: `${this.part}: a trajectory sampled from q reached a dead end — ${where} — so the ELBO of every q that can get there is −Infinity. The score-function gradient sees only the states it samples and cannot steer around a constraint it has not met; use a large finite penalty instead of −Infinity, or the exact gradient on a tabulable model`,
    });
  }

  private diverged(): never {
    return fail({ code: 'not-converged', part: this.part, message: `${this.part}: the policy's logits are not finite (NaN or ±Infinity): the optimiser diverged — lower learningRate — or the family returned them` });
  }
}

/** Mean and standard error of the mean by Welford's update (no cancellation for large |ELBO|). */
class Welford {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  add(x: number): void {
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }
  into(out: ElboEstimate): ElboEstimate {
    out.elbo = this.mean;
    out.standardError = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1) / this.n) : Infinity;
    return out;
  }
}
