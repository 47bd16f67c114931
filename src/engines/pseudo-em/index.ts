/**
 * `pseudoLikelihoodEM({ actor, episodesPerIteration, mSteps, … })`: the
 * pseudo-likelihood EM family of reward-weighted updates (Dayan & Hinton
 * 1997; Peters & Schaal 2007; Levine 2018 §5), the classic alternative to the
 * variational route. It maximises
 *
 *   L(θ) = log E_{τ ~ π_θ}[exp(R(τ)/α)],
 *
 * the exact evidence with the dynamics inside the expectation — and so it
 * inherits the exact posterior's optimism: a policy is scored by the average
 * of exp(R/α), which a rare jackpot dominates. It is risk-seeking.
 *
 *   E-step  sample episodes τ_i from π_old; weight each by its return,
 *           w_i = exp((R_i − max R)/α) / Σ_j exp((R_j − max R)/α),   R_i = Σ_t γ^t r_t (+ γ^T r_T)
 *   M-step  θ ← argmax Σ_i w_i Σ_t log π_θ(a_t⁽ⁱ⁾ | s_t⁽ⁱ⁾)      (mSteps ascent steps, warm-started)
 *
 * The weight belongs to the whole episode: a decision's return to go would be
 * the same in expectation for a time-indexed policy, but a stationary one
 * pools decisions from every t, and late decisions of an episode (whose
 * returns to go sum fewer rewards) would outweigh the early ones by e^{ΔR/α}.
 * The M-step ascends plainly by default: the gradient of a state carries its
 * share of the weight, so states seen only in poor episodes barely move —
 * Adam's per-coordinate rescaling would undo exactly that.
 *
 * The replay buffer holds the iteration's episodes only: the weights are
 * valid for samples of π_old, so older episodes are not reused. There is no
 * critic; on an infinite horizon R is the return of each episode, truncated at
 * its `episodeLength` decisions.
 */
import { checkOptions, fail } from '../../errors.js';
import type { Engine } from '../../types/engine.js';
import { tabularSoftmax, type PolicyFamily } from '../variational/families.js';
import { Actor } from '../learning/actor.js';
import { learningEngine } from '../learning/driver.js';
import type { Learner, LearnerReadout, LearnerSetup } from '../learning/learner.js';
import { familyOption, integerOption, LEARNING_OPTIONS, learningSettings, type LearningOptions, type LearningSettings } from '../learning/options.js';
import type { ReplayBuffer } from '../learning/replay.js';

/** Options of `pseudoLikelihoodEM(...)`; `batchSize` and `warmup` do not apply (each M-step uses the whole iteration). */
export interface PseudoLikelihoodEMOptions<S = unknown, A = unknown> extends Omit<LearningOptions, 'batchSize' | 'warmup'> {
  /** The policy π_θ: `tabularSoftmax()` (default) or `linearSoftmax(features)`. */
  readonly actor?: PolicyFamily<S, A>;
  /** Episodes sampled per EM iteration (default 20). */
  readonly episodesPerIteration?: number;
  /** Ascent steps of the M-step per iteration (default 20). Here `optimizer` defaults to 'gradient-ascent' and `learningRate` to 1 (see the header: Adam's rescaling would let states of poor episodes move as fast as the rest). */
  readonly mSteps?: number;
}

export interface PseudoLikelihoodEMSettings extends LearningSettings {
  readonly actor: PolicyFamily;
  readonly episodesPerIteration: number;
  readonly mSteps: number;
}

const PART = 'pseudoLikelihoodEM()';
const KNOWN = [...LEARNING_OPTIONS.filter((k) => k !== 'batchSize' && k !== 'warmup'), 'actor', 'episodesPerIteration', 'mSteps'];

/**
 * Pseudo-likelihood EM: reward-weighted regression of the policy on its own episodes (risk-seeking under stochastic dynamics).
 * @example infer(lottery, pseudoLikelihoodEM({ steps: 4000, seed: 1 }))
 */
export function pseudoLikelihoodEM<S = unknown, A = unknown>(options: PseudoLikelihoodEMOptions<S, A> = {}): Engine<PseudoLikelihoodEMSettings, 'simulator', 'learned'> {
  checkOptions(PART, options, KNOWN);
  const shared = learningSettings(PART, { ...options, optimizer: options.optimizer ?? 'gradient-ascent', learningRate: options.learningRate ?? 1 });
  const settings: PseudoLikelihoodEMSettings = Object.freeze({
    ...shared,
    // No minibatch updates: learning happens at the end of each iteration's episodes, never after a warm-up.
    warmup: Infinity,
    actor: familyOption(PART, 'actor', options.actor, 'tabularSoftmax() or linearSoftmax(features)') ?? tabularSoftmax(),
    episodesPerIteration: integerOption(PART, 'episodesPerIteration', options.episodesPerIteration, 1) ?? 20,
    mSteps: integerOption(PART, 'mSteps', options.mSteps, 1) ?? 20,
  });
  return learningEngine('pseudoLikelihoodEM', settings, (setup, checked) => new PseudoLikelihoodEM(setup, checked), false);
}

class PseudoLikelihoodEM<S> implements Learner<S> {
  readonly critic = undefined;
  readonly criticName = undefined;
  readonly actorName: string;
  readonly beta = undefined;
  readonly temperature: number;
  readonly policyDescription: string;
  private readonly actor: Actor<S>;
  /** Decisions of the episodes collected in this iteration, and each episode's length. */
  private pending = 0;
  private readonly lengths: number[] = [];
  /** Returns to go, then E-step weights, of the iteration's transitions (newest first). */
  private go = new Float64Array(0);
  private readonly rows: Float64Array[];

  constructor(
    private readonly setup: LearnerSetup<S>,
    private readonly settings: PseudoLikelihoodEMSettings,
  ) {
    // One iteration is episodesPerIteration whole episodes, all held at once and all sampled before any update.
    const iteration = settings.episodesPerIteration * setup.episodeLength;
    const sizes = `${settings.episodesPerIteration} episodes × ${setup.episodeLength} decisions = ${iteration} transitions`;
    if (iteration > setup.steps) {
      fail({ code: 'option-invalid', part: PART, message: `${PART}: steps (${setup.steps}) is less than one EM iteration (${sizes}), so the policy would stay the prior; raise steps or lower episodesPerIteration` });
    }
    if (iteration > setup.capacity) {
      fail({ code: 'option-invalid', part: PART, message: `${PART}: one EM iteration (${sizes}) does not fit in bufferSize ${setup.capacity}; raise bufferSize or lower episodesPerIteration` });
    }
    this.actor = new Actor(setup.bind(settings.actor), settings.optimizer, settings.learningRate, setup.nA);
    this.actorName = settings.actor.name;
    this.temperature = setup.alpha;
    this.policyDescription = `π_θ (${settings.actor.name}) fitted by pseudo-likelihood EM, which maximises log E_π[exp(R/α)]: with stochastic dynamics it favours rare high returns (risk-seeking, like the exact posterior), not the fixed-dynamics optimum`;
    this.rows = Array.from({ length: 4 }, () => new Float64Array(setup.nA));
  }

  get actorParameters(): Float64Array {
    return this.actor.params;
  }

  behaviour(value: S, t: number, index: number, prior: Float64Array, out: Float64Array): void {
    this.actor.behaviour(value, t, index, prior, out);
  }

  afterStep(): number {
    return 0;
  }

  afterEpisode(buffer: ReplayBuffer<S>, length: number): number {
    this.pending += length;
    this.lengths.push(length);
    if (this.lengths.length < this.settings.episodesPerIteration) return 0;
    this.emIteration(buffer, this.pending);
    this.pending = 0;
    this.lengths.length = 0;
    return 1;
  }

  /** E-step weights over the last n transitions (whole episodes), then mSteps of the weighted M-step. */
  private emIteration(buffer: ReplayBuffer<S>, n: number): void {
    const { actor } = this;
    const { gamma, alpha, nA } = this.setup;
    if (this.go.length < n) this.go = new Float64Array(n);
    const go = this.go;
    // Each episode's return R = Σ_t γ^t (r_t + tail_t), accumulated newest first (G_t = r_t + tail_t + γ G_{t+1},
    // so G_0 = R), then given to every decision of that episode.
    let top = -Infinity;
    for (let e = this.lengths.length - 1, j = 0; e >= 0; e--) {
      const length = this.lengths[e]!;
      let g = 0;
      for (let i = 0; i < length; i++) {
        const k = buffer.recent(j + i);
        g = buffer.reward[k]! + buffer.tail[k]! + gamma * g;
      }
      go.fill(g, j, j + length);
      j += length;
      if (g > top) top = g;
    }
    let total = 0;
    for (let j = 0; j < n; j++) total += go[j] = Math.exp((go[j]! - top) / alpha);
    const [prior, logits, pi, weights] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let m = 0; m < this.settings.mSteps; m++) {
      for (let j = 0; j < n; j++) {
        const w = go[j]! / total;
        if (w === 0) continue;
        const k = buffer.recent(j);
        const s = buffer.value[k]!;
        const t = buffer.time[k]!;
        const index = buffer.index[k]!;
        buffer.priorInto(k, prior);
        actor.policyAt(s, t, index, prior, logits, pi);
        // ∂/∂ℓ of w log π(a|s) = w (e_a − π)
        for (let b = 0; b < nA; b++) weights[b] = -w * pi[b]!;
        const a = buffer.action[k]!;
        weights[a] = weights[a]! + w;
        actor.add(s, t, index, weights);
      }
      actor.step();
    }
  }

  readout(): LearnerReadout {
    return { criticError: NaN };
  }

  logits(value: S, t: number, index: number, out: Float64Array): void {
    this.actor.values(value, t, index, out);
  }
}
