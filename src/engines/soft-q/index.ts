/**
 * `softQLearning({ critic, targetSmoothing, … })`: soft Q-learning from
 * sampled transitions (Haarnoja et al. 2017, here with discrete actions and
 * the action prior as base measure). The critic regresses on the soft
 * Bellman target of the fixed dynamics,
 *
 *   y = r + γ V̄(s'),   V̄(s') = α log Σ_{a'} p(a'|s') exp(Q_ω̄(s', a')/α)      (ω̄: Polyak-averaged ω)
 *   ω ← ω + η · mean_batch[(y − Q_ω(s, a)) ∇_ω Q_ω(s, a)],
 *
 * and acts with the Boltzmann policy π(a|s) ∝ p(a|s) exp(Q_ω(s,a)/α), which is
 * also the policy it returns. With a tabular critic its fixed point is the
 * soft Q of `exact({ backup: 'fixed-dynamics' })` — not the optimistic exact
 * posterior, since a sampled s' cannot be chosen.
 */
import { checkOptions } from '../../errors.js';
import type { Engine } from '../../types/engine.js';
import type { PolicyFamily } from '../variational/families.js';
import { Approximator } from '../learning/approximator.js';
import { tabularCritic } from '../learning/critics.js';
import { learningEngine } from '../learning/driver.js';
import { SquaredErrors, type Learner, type LearnerReadout, type LearnerSetup } from '../learning/learner.js';
import { familyOption, LEARNING_OPTIONS, learningSettings, rangeOption, type LearningOptions, type LearningSettings } from '../learning/options.js';
import type { ReplayBuffer } from '../learning/replay.js';
import { softmaxInto } from '../learning/softmax.js';

/** Options of `softQLearning(...)`. */
export interface SoftQOptions<S = unknown, A = unknown> extends LearningOptions {
  /** Q_ω: `tabularCritic()` (default) or `linearCritic(features)`. */
  readonly critic?: PolicyFamily<S, A>;
  /** Polyak rate τ of the target critic, in (0, 1] (default 0.01; 1 means no target copy). */
  readonly targetSmoothing?: number;
}

export interface SoftQSettings extends LearningSettings {
  readonly critic: PolicyFamily;
  readonly targetSmoothing: number;
}

const PART = 'softQLearning()';

/**
 * Soft Q-learning: a critic fitted to the soft Bellman target from a replay buffer; the policy is its Boltzmann policy.
 * @example infer(gridworld, softQLearning({ steps: 50_000, seed: 1 }))
 */
export function softQLearning<S = unknown, A = unknown>(options: SoftQOptions<S, A> = {}): Engine<SoftQSettings, 'simulator', 'learned'> {
  checkOptions(PART, options, [...LEARNING_OPTIONS, 'critic', 'targetSmoothing']);
  const settings: SoftQSettings = Object.freeze({
    ...learningSettings(PART, options),
    critic: familyOption(PART, 'critic', options.critic, 'tabularCritic() or linearCritic(features)') ?? tabularCritic(),
    targetSmoothing: rangeOption(PART, 'targetSmoothing', options.targetSmoothing, 0, 1) ?? 0.01,
  });
  return learningEngine('softQLearning', settings, (setup, checked) => new SoftQ(setup, checked), true);
}

class SoftQ<S> implements Learner<S> {
  readonly critic: Approximator<S>;
  readonly criticName: string;
  readonly actorName = undefined;
  readonly actorParameters = undefined;
  readonly beta = undefined;
  readonly temperature: number;
  readonly policyDescription: string;
  private readonly batch: Int32Array;
  private readonly q: Float64Array;
  private readonly weights: Float64Array;
  private readonly scratch: Float64Array;
  private readonly prior: Float64Array;
  private readonly errors = new SquaredErrors();

  constructor(
    private readonly setup: LearnerSetup<S>,
    settings: SoftQSettings,
  ) {
    this.critic = new Approximator(setup.bind(settings.critic), settings.optimizer, settings.learningRate, settings.targetSmoothing);
    this.criticName = settings.critic.name;
    this.temperature = setup.alpha;
    this.policyDescription = `the Boltzmann policy p(a|s) exp(Q_ω(s,a)/α) of a ${settings.critic.name} fitted by soft Q-learning: the fixed-dynamics optimum (Q = r + γE[V]) when the critic can hold it, up to sampling and optimisation error`;
    this.batch = new Int32Array(setup.batchSize);
    this.q = new Float64Array(setup.nA);
    this.weights = new Float64Array(setup.nA);
    this.scratch = new Float64Array(setup.nA);
    this.prior = new Float64Array(setup.nA);
  }

  behaviour(value: S, t: number, index: number, prior: Float64Array, out: Float64Array): void {
    this.critic.values(value, t, index, this.q);
    softmaxInto(prior, this.q, 1 / this.setup.alpha, out);
  }

  afterStep(buffer: ReplayBuffer<S>): number {
    const { critic, q, weights, scratch, batch, prior } = this;
    const { alpha, gamma, finite, random } = this.setup;
    buffer.sample(random, batch);
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      const t = buffer.time[k]!;
      let y = buffer.reward[k]! + buffer.tail[k]!;
      if (buffer.bootstrap[k] === 1) {
        critic.targetValues(buffer.nextValue[k]!, finite ? t + 1 : 0, buffer.nextIndex[k]!, q);
        // V̄(s') = α log Σ p(a'|s') e^{Q̄/α}, the log-normaliser of the Boltzmann policy.
        buffer.nextPriorInto(k, prior);
        y += gamma * alpha * softmaxInto(prior, q, 1 / alpha, scratch);
      }
      critic.values(buffer.value[k]!, t, buffer.index[k]!, q);
      const a = buffer.action[k]!;
      const delta = y - q[a]!;
      weights.fill(0);
      weights[a] = delta / batch.length;
      critic.add(buffer.value[k]!, t, buffer.index[k]!, weights);
      this.errors.add(delta);
    }
    critic.step();
    return 1;
  }

  readout(): LearnerReadout {
    const criticError = this.errors.take();
    return { criticError };
  }

  logits(value: S, t: number, index: number, out: Float64Array): void {
    this.critic.values(value, t, index, out);
    for (let a = 0; a < out.length; a++) out[a] = out[a]! / this.setup.alpha;
  }
}
