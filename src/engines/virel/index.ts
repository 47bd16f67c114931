/**
 * `virel({ critic, actor, betaScale, … })`: VIREL (Fellows, Mahajan, Rudner &
 * Whiteson 2019), actor-critic as variational EM. The critic Q_ω summarises
 * the future; the temperature is not fixed but the critic's own error,
 *
 *   β(ω) = c · E_{(s,a) ~ buffer}[(T^π Q_ω − Q_ω)(s, a)²],   T^π Q(s,a) = r + γ E_{s'}[Σ_{a'} π(a'|s') Q(s', a')],
 *
 * so a poor critic explores and a good one exploits:
 *
 *   E-step (actor)   θ ← θ + η_π · mean ∇_θ Σ_a π_θ(a|s) [Q_ω(s,a) − β(ω) log(π_θ(a|s) / p(a|s))]
 *   M-step (critic)  ω ← ω + η · mean[(y − Q_ω(s,a)) ∇Q_ω(s,a)],   y = r + γ Σ_{a'} π(a'|s') Q_ω̄(s', a').
 *
 * The residual at (s, a) is the mean TD error there, estimated on a finite
 * state domain by a running average per (t, s, a) — the squared TD error of a
 * single sample would add the variance of s' and never fall to zero. Without a
 * finite domain the squared TD error is used (an upper estimate). As β → 0 the
 * actor becomes greedy: VIREL targets the hard (α → 0) optimum of the true
 * dynamics, not the soft one; the model's α only enters the posterior's ELBO.
 */
import { checkOptions } from '../../errors.js';
import type { Engine } from '../../types/engine.js';
import { tabularSoftmax, type PolicyFamily } from '../variational/families.js';
import { Approximator } from '../learning/approximator.js';
import { tabularCritic } from '../learning/critics.js';
import { learningEngine } from '../learning/driver.js';
import { SquaredErrors, type Learner, type LearnerReadout, type LearnerSetup } from '../learning/learner.js';
import { familyOption, LEARNING_OPTIONS, learningSettings, positiveOption, rangeOption, type LearningOptions, type LearningSettings } from '../learning/options.js';
import type { ReplayBuffer } from '../learning/replay.js';
import { Actor } from '../learning/actor.js';
import { withGaussianActor } from '../learning/gaussian-actor-critic.js';
import { slotRowsFor, type SlotRows } from '../learning/slot-rows.js';
import { actorWeights, softmaxInto } from '../learning/softmax.js';
import { rowAdd, rowDots2 } from '../variational/families.js';

/** Options of `virel(...)`. */
export interface VirelOptions<S = unknown, A = unknown> extends LearningOptions {
  /** Q_ω: `tabularCritic()` (default) or `linearCritic(features)`. */
  readonly critic?: PolicyFamily<S, A>;
  /** The actor π_θ: `tabularSoftmax()` (default) or `linearSoftmax(features)`. */
  readonly actor?: PolicyFamily<S, A>;
  /** Step size of the actor's optimiser (default: `learningRate`). */
  readonly actorLearningRate?: number;
  /** Polyak rate τ of the target critic, in (0, 1] (default 0.01). */
  readonly targetSmoothing?: number;
  /** c in β(ω) = c · MSBE(ω), in 1/reward units (default 1). */
  readonly betaScale?: number;
  /** Rate of the running mean of the TD error at each (t, s, a), in (0, 1] (default 0.01; the first 100 visits average exactly). A lower rate lowers β's noise floor and tracks a changing critic more slowly. */
  readonly residualRate?: number;
}

export interface VirelSettings extends LearningSettings {
  readonly critic: PolicyFamily;
  readonly actor: PolicyFamily;
  readonly actorLearningRate: number;
  readonly targetSmoothing: number;
  readonly betaScale: number;
  readonly residualRate: number;
}

const PART = 'virel()';
const KNOWN = [...LEARNING_OPTIONS, 'critic', 'actor', 'actorLearningRate', 'targetSmoothing', 'betaScale', 'residualRate'];

/**
 * VIREL: an E-step actor with temperature β(ω) = c·MSBE(ω) and an M-step critic fitted to T^π.
 * @example infer(gridworld, virel({ steps: 50_000, seed: 1 }))
 */
export function virel<S = unknown, A = unknown>(options: VirelOptions<S, A> = {}): Engine<VirelSettings, 'simulator', 'learned'> {
  checkOptions(PART, options, KNOWN);
  const shared = learningSettings(PART, options);
  const settings: VirelSettings = Object.freeze({
    ...shared,
    critic: familyOption(PART, 'critic', options.critic, 'tabularCritic() or linearCritic(features)') ?? tabularCritic(),
    actor: familyOption(PART, 'actor', options.actor, 'tabularSoftmax() or linearSoftmax(features)') ?? tabularSoftmax(),
    actorLearningRate: positiveOption(PART, 'actorLearningRate', options.actorLearningRate) ?? shared.learningRate,
    targetSmoothing: rangeOption(PART, 'targetSmoothing', options.targetSmoothing, 0, 1) ?? 0.01,
    betaScale: positiveOption(PART, 'betaScale', options.betaScale) ?? 1,
    residualRate: rangeOption(PART, 'residualRate', options.residualRate, 0, 1) ?? 0.01,
  });
  // A continuous action gets the Gaussian actor and (x, u) critic of learning/gaussian-actor-critic.ts.
  return withGaussianActor(learningEngine('virel', settings, (setup, checked) => new Virel(setup, checked), false), { ...settings, algorithm: 'virel', actor: options.actor, critic: options.critic, temperature: 'fixed', targetEntropy: undefined, temperatureLearningRate: 0 });
}

class Virel<S> implements Learner<S> {
  readonly critic: Approximator<S>;
  private readonly actor: Actor<S>;
  readonly criticName: string;
  readonly actorName: string;
  readonly policyDescription: string;
  readonly temperature: number;
  /** β(ω); Infinity until the first M-step has measured the critic. */
  beta = Infinity;
  /** Running mean TD error and visit count per (t, s, a) on a finite domain. */
  private readonly residual: Float64Array | undefined;
  private readonly visits: Int32Array | undefined;
  private readonly nS: number;
  private readonly batch: Int32Array;
  private readonly rows: Float64Array[];
  private readonly errors = new SquaredErrors();
  /** Linear critic and actor on one φ of a simulated state: the rows of each replay slot, read by `fusedStep`. */
  private readonly slots: SlotRows<S> | undefined;

  constructor(
    private readonly setup: LearnerSetup<S>,
    private readonly settings: VirelSettings,
  ) {
    this.critic = new Approximator(setup.bind(settings.critic), settings.optimizer, settings.learningRate, settings.targetSmoothing);
    this.actor = new Actor(setup.bind(settings.actor), settings.optimizer, settings.actorLearningRate, setup.nA);
    this.criticName = settings.critic.name;
    this.actorName = settings.actor.name;
    this.temperature = setup.alpha;
    const states = setup.sim.states;
    this.nS = states?.size ?? 0;
    if (states !== undefined) {
      this.residual = new Float64Array(setup.slices * states.size * setup.nA);
      this.visits = new Int32Array(this.residual.length);
    }
    this.policyDescription = `the actor π_θ (${settings.actor.name}) of VIREL's E-step against a ${settings.critic.name} critic, with temperature β(ω) = ${settings.betaScale}·MSBE(ω): as the critic's Bellman residual falls, π approaches the greedy (α → 0) optimum of Q = r + γE[V]`;
    this.batch = new Int32Array(setup.batchSize);
    this.rows = Array.from({ length: 5 }, () => new Float64Array(setup.nA));
    this.slots = slotRowsFor(setup.capacity, this.critic.bound, this.actor.bound);
  }

  get actorParameters(): Float64Array {
    return this.actor.params;
  }

  behaviour(value: S, t: number, index: number, prior: Float64Array, out: Float64Array): void {
    this.actor.behaviour(value, t, index, prior, out);
  }

  afterStep(buffer: ReplayBuffer<S>): number {
    if (this.slots !== undefined) return this.fusedStep(buffer, this.slots);
    const { critic, actor, batch, residual, visits } = this;
    const [prior, logits, pi, q, weights] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const { gamma, nA, finite, random } = this.setup;
    const scale = 1 / batch.length;
    const rate = this.settings.residualRate;
    let msbe = 0;
    buffer.sample(random, batch);
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      const t = buffer.time[k]!;
      const s = buffer.value[k]!;
      const index = buffer.index[k]!;
      // M-step target: y = r + γ Σ_a' π(a'|s') Q̄(s', a'), the Bellman operator of the actor.
      let y = buffer.reward[k]! + buffer.tail[k]!;
      if (buffer.bootstrap[k] === 1) {
        const s1 = buffer.nextValue[k]!;
        const t1 = finite ? t + 1 : 0;
        const index1 = buffer.nextIndex[k]!;
        buffer.nextPriorInto(k, prior);
        actor.policyAt(s1, t1, index1, prior, logits, pi);
        critic.targetValues(s1, t1, index1, q);
        let expected = 0;
        for (let a = 0; a < nA; a++) if (pi[a]! > 0) expected += pi[a]! * q[a]!;
        y += gamma * expected;
      }
      critic.values(s, t, index, q);
      const a = buffer.action[k]!;
      const delta = y - q[a]!;
      weights.fill(0);
      weights[a] = delta * scale;
      critic.add(s, t, index, weights);
      this.errors.add(delta);
      // The Bellman residual at (t, s, a): a running mean of δ (exact average over the first 1/rate visits).
      if (residual !== undefined && index >= 0) {
        const cell = (t * this.nS + index) * nA + a;
        const n = ++visits![cell]!;
        residual[cell] = residual[cell]! + Math.max(rate, 1 / n) * (delta - residual[cell]!);
        msbe += residual[cell]! * residual[cell]!;
      } else {
        msbe += delta * delta;
      }
      // E-step at s with the current β.
      if (Number.isFinite(this.beta)) {
        buffer.priorInto(k, prior);
        actor.ascend(s, t, index, prior, q, this.beta, scale);
      }
    }
    critic.step();
    actor.step();
    this.beta = this.settings.betaScale * msbe * scale;
    return 1;
  }

  /**
   * `afterStep` for a linear critic and actor on one φ, bit for bit the same arithmetic: rows read by
   * replay slot (no hashing), ℓ_θ and Q̄ at s′ in one pass over φ(s′, ·), Q and ℓ_θ at s in one pass
   * over φ(s, ·) (neither moves before the step at the end), gradients straight into the dense buffers.
   */
  private fusedStep(buffer: ReplayBuffer<S>, slots: SlotRows<S>): number {
    const { critic, actor, batch } = this;
    const [prior, logits, pi, q, weights] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const { gamma, nA, random } = this.setup;
    const d = slots.rows.d;
    const scale = 1 / batch.length;
    let msbe = 0;
    slots.sync(buffer);
    buffer.sample(random, batch);
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      let y = buffer.reward[k]! + buffer.tail[k]!;
      if (buffer.bootstrap[k] === 1) {
        buffer.nextPriorInto(k, prior);
        rowDots2(actor.params, critic.target, slots.next[k]!, d, nA, logits, q, 0);
        softmaxInto(prior, logits, 1, pi);
        let expected = 0;
        for (let a = 0; a < nA; a++) if (pi[a]! > 0) expected += pi[a]! * q[a]!;
        y += gamma * expected;
      }
      const row = slots.at[k]!;
      rowDots2(critic.params, actor.params, row, d, nA, q, logits, 0);
      const a = buffer.action[k]!;
      const delta = y - q[a]!;
      const w = delta * scale;
      if (w !== 0) rowAdd(critic.grad, 0, row, d, a, w);
      this.errors.add(delta);
      // No finite domain here (the rows are a simulated state's), so the residual is δ itself.
      msbe += delta * delta;
      // E-step at s with the current β, as Actor.ascend with the logits just read.
      if (Number.isFinite(this.beta)) {
        buffer.priorInto(k, prior);
        const L = softmaxInto(prior, logits, 1, pi);
        for (let b = 0; b < nA; b++) logits[b] = logits[b]! - L;
        actorWeights(pi, logits, q, this.beta, scale, weights);
        for (let b = 0; b < nA; b++) if (weights[b] !== 0) rowAdd(actor.grad, 0, row, d, b, weights[b]!);
      }
    }
    critic.step();
    actor.step();
    this.beta = this.settings.betaScale * msbe * scale;
    return 1;
  }

  readout(): LearnerReadout {
    const criticError = this.errors.take();
    return { criticError, beta: Number.isFinite(this.beta) ? this.beta : NaN };
  }

  logits(value: S, t: number, index: number, out: Float64Array): void {
    this.actor.values(value, t, index, out);
  }
}
