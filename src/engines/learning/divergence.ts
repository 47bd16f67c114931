/**
 * Learning engines stop when they diverge instead of returning a policy
 * built on exploded numbers. Two checks, each O(1) per step:
 *
 * - the behaviour policy π(·|s) must be finite (NaN logits otherwise reach
 *   the action draw and surface as a bogus "dead end at s=undefined");
 * - the critic's root-mean-square TD error of an episode must be finite and
 *   within EXPLOSION × the scale of the soft values. Every soft value obeys
 *
 *     |Q| ≤ H·(max|r| + α·log|A|)     (H = T, or the episode length)
 *
 *   up to the prior's log-ratios, so a TD error a million times that scale
 *   is an optimiser overshooting (learningRate 1e20 gives critics of −5.7e18),
 *   not learning.
 */
import { fail, show } from '../../errors.js';

/** How far beyond the soft values' scale the RMS TD error may go before the run is stopped. */
const EXPLOSION = 1e6;

export class DivergenceGuard {
  private largest = 0;

  constructor(
    private readonly part: string,
    private readonly learningRate: number,
    private readonly horizon: number,
    private readonly nA: number,
  ) {}

  /** Record a reward (and terminal tail) seen, for the scale of the soft values. */
  reward(r: number, tail: number): void {
    if (Number.isFinite(r) && Math.abs(r) > this.largest) this.largest = Math.abs(r);
    if (Number.isFinite(tail) && Math.abs(tail) > this.largest) this.largest = Math.abs(tail);
  }

  policy(pi: Float64Array, step: number, state: unknown): void {
    let sum = 0;
    for (let a = 0; a < pi.length; a++) sum += pi[a]!;
    if (Number.isFinite(sum) && sum > 0) return;
    this.stop(`the behaviour policy at s=${show(state)} is ${[...pi].map((p) => show(p)).join(', ')} (not a distribution) at environment step ${step}`);
  }

  /** `updated`: whether a critic was updated this episode (criticError is NaN, not an error, when none was, or there is no critic). */
  critic(criticError: number, updated: boolean, alpha: number, step: number, episode: number): void {
    if (!updated) return;
    const rms = Math.sqrt(criticError);
    const scale = this.horizon * (this.largest + alpha * Math.log(Math.max(2, this.nA)));
    if (Number.isFinite(rms) && rms <= EXPLOSION * Math.max(scale, Number.MIN_VALUE)) return;
    this.stop(`the critic's RMS TD error in episode ${episode} (environment step ${step}) is ${rms.toExponential(3)}, beyond ${EXPLOSION}× the scale of the soft values (H·(max|r| + α log|A|) = ${scale.toPrecision(3)})`);
  }

  private stop(what: string): never {
    return fail({
      code: 'not-converged',
      part: this.part,
      message: `${this.part}: the run diverged — ${what}; the updates overshoot. Lower learningRate (now ${this.learningRate >= 1e6 ? this.learningRate.toExponential() : this.learningRate}; also actorLearningRate where the engine has one), or rescale the rewards or features`,
    });
  }
}
