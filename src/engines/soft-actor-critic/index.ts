/**
 * `softActorCritic({ critic, actor, temperature, … })`: soft actor-critic
 * (Haarnoja et al. 2018) for discrete actions, with the action prior as base
 * measure. Twin critics Q₁, Q₂ with Polyak-averaged targets, and an actor π_θ:
 *
 *   y      = r + γ Σ_{a'} π(a'|s') [min_i Q̄_i(s', a') − α log(π(a'|s') / p(a'|s'))]      (the expectation over a' is exact)
 *   critic ω_i ← ω_i + η · mean[(y − Q_i(s,a)) ∇Q_i(s,a)]
 *   actor  θ ← θ + η_π · mean ∇_θ Σ_a π_θ(a|s) [min_i Q_i(s,a) − α log(π_θ(a|s) / p(a|s))]
 *
 * The minimum of two critics, each fitted to a minibatch of its own, curbs the
 * overestimation that noise feeds into a max-like target. With `temperature: 'tuned'` α follows the dual step
 * log α ← log α − η_α (H(π(·|s)) − H̄) towards a target entropy H̄; the
 * policy is then soft-optimal for the learned α, not the model's (the
 * posterior's ELBO is still measured at the model's α). With the model's α
 * (the default) and tabular functions the fixed point is the policy of
 * `exact({ backup: 'fixed-dynamics' })`.
 */
import { checkOptions, show } from '../../errors.js';
import type { Engine } from '../../types/engine.js';
import { tabularSoftmax, type PolicyFamily } from '../variational/families.js';
import { Approximator } from '../learning/approximator.js';
import { tabularCritic } from '../learning/critics.js';
import { learningEngine } from '../learning/driver.js';
import { SquaredErrors, type Learner, type LearnerReadout, type LearnerSetup } from '../learning/learner.js';
import { familyOption, invalidOption, LEARNING_OPTIONS, learningSettings, positiveOption, rangeOption, type LearningOptions, type LearningSettings } from '../learning/options.js';
import type { ReplayBuffer } from '../learning/replay.js';
import { Actor } from '../learning/actor.js';
import { withGaussianActor } from '../learning/gaussian-actor-critic.js';
import { actorWeights, entropyOf, softmaxInto } from '../learning/softmax.js';
import { slotRowsFor, type SlotRows } from '../learning/slot-rows.js';
import { rowAdd, rowDot, rowDots3 } from '../variational/families.js';

/** Options of `softActorCritic(...)`. */
export interface SoftActorCriticOptions<S = unknown, A = unknown> extends LearningOptions {
  /** Both critics: `tabularCritic()` (default) or `linearCritic(features)`. */
  readonly critic?: PolicyFamily<S, A>;
  /** The actor π_θ: `tabularSoftmax()` (default) or `linearSoftmax(features)`. */
  readonly actor?: PolicyFamily<S, A>;
  /** Step size of the actor's optimiser (default: `learningRate`). */
  readonly actorLearningRate?: number;
  /** Polyak rate τ of the target critics, in (0, 1] (default 0.01). */
  readonly targetSmoothing?: number;
  /** 'fixed' (default): the model's α throughout; 'tuned': α adjusted towards `targetEntropy`. */
  readonly temperature?: 'fixed' | 'tuned';
  /** With `temperature: 'tuned'`: the target entropy H̄ in nats (default ½ log nA). */
  readonly targetEntropy?: number;
  /** With `temperature: 'tuned'`: the step size η_α of log α (default 0.01). */
  readonly temperatureLearningRate?: number;
}

export interface SoftActorCriticSettings extends LearningSettings {
  readonly critic: PolicyFamily;
  readonly actor: PolicyFamily;
  readonly actorLearningRate: number;
  readonly targetSmoothing: number;
  readonly temperature: 'fixed' | 'tuned';
  readonly targetEntropy: number | undefined;
  readonly temperatureLearningRate: number;
}

const PART = 'softActorCritic()';
const KNOWN = [...LEARNING_OPTIONS, 'critic', 'actor', 'actorLearningRate', 'targetSmoothing', 'temperature', 'targetEntropy', 'temperatureLearningRate'];

/**
 * Soft actor-critic with twin critics, target smoothing and a fixed or tuned temperature.
 * @example infer(gridworld, softActorCritic({ steps: 50_000, temperature: 'tuned', seed: 1 }))
 */
export function softActorCritic<S = unknown, A = unknown>(options: SoftActorCriticOptions<S, A> = {}): Engine<SoftActorCriticSettings, 'simulator', 'learned'> {
  checkOptions(PART, options, KNOWN);
  const shared = learningSettings(PART, options);
  const temperature = options.temperature ?? 'fixed';
  if (temperature !== 'fixed' && temperature !== 'tuned') invalidOption(PART, `temperature must be 'fixed' (the model's α) or 'tuned', got ${show(temperature)}; to fix another α, give the model temperature(α)`);
  if (temperature === 'fixed' && (options.targetEntropy !== undefined || options.temperatureLearningRate !== undefined)) {
    invalidOption(PART, `targetEntropy and temperatureLearningRate apply to temperature: 'tuned'; the temperature is fixed — drop them or pass temperature: 'tuned'`);
  }
  const targetEntropy = options.targetEntropy;
  // Any finite number here: a continuous action's differential entropy may be negative (its default target is −d);
  // a finite action's range [0, log|A|] is checked once the model is known (the SoftActorCritic constructor).
  if (targetEntropy !== undefined && (typeof targetEntropy !== 'number' || !Number.isFinite(targetEntropy))) {
    invalidOption(PART, `targetEntropy must be a finite number of nats, got ${show(targetEntropy)}`);
  }
  const settings: SoftActorCriticSettings = Object.freeze({
    ...shared,
    critic: familyOption(PART, 'critic', options.critic, 'tabularCritic() or linearCritic(features)') ?? tabularCritic(),
    actor: familyOption(PART, 'actor', options.actor, 'tabularSoftmax() or linearSoftmax(features)') ?? tabularSoftmax(),
    actorLearningRate: positiveOption(PART, 'actorLearningRate', options.actorLearningRate) ?? shared.learningRate,
    targetSmoothing: rangeOption(PART, 'targetSmoothing', options.targetSmoothing, 0, 1) ?? 0.01,
    temperature,
    targetEntropy,
    temperatureLearningRate: positiveOption(PART, 'temperatureLearningRate', options.temperatureLearningRate) ?? 0.01,
  });
  // A continuous action gets the Gaussian actor and (x, u) critics of learning/gaussian-actor-critic.ts.
  return withGaussianActor(learningEngine('softActorCritic', settings, (setup, checked) => new SoftActorCritic(setup, checked), true), { ...settings, algorithm: 'softActorCritic', actor: options.actor, critic: options.critic, betaScale: 1 });
}

class SoftActorCritic<S> implements Learner<S> {
  readonly critic: Approximator<S>;
  private readonly twin: Approximator<S>;
  private readonly actor: Actor<S>;
  readonly criticName: string;
  readonly actorName: string;
  readonly beta = undefined;
  readonly policyDescription: string;
  private logAlpha: number;
  private readonly targetEntropy: number;
  private readonly batch: Int32Array;
  private readonly rows: Float64Array[];
  /** Q₁(s, ·) at each entry of the critic's batch, batch × nA. */
  private readonly criticQ: Float64Array;
  /** [logits, q1, q2] of `rows`: where the actor and the target critics at s′ are written together. */
  private readonly triple: readonly [Float64Array, Float64Array, Float64Array];
  private readonly errors = new SquaredErrors();
  /** Linear critics and actor on one φ: the rows of each replay slot, read by the fused minibatch (`fusedStep`). */
  private readonly slots: SlotRows<S> | undefined;
  /** Fused path: [Q₁, Q₂, ℓ_θ](s, ·) of the critic's batch, batch × nA each, read in one pass over φ(s, ·). */
  private readonly atS: readonly [Float64Array, Float64Array, Float64Array];
  /** Fused path: δ of each batch entry, summed into `errors` after the batch (same order, same bits). */
  private readonly deltas: Float64Array;

  constructor(
    private readonly setup: LearnerSetup<S>,
    private readonly settings: SoftActorCriticSettings,
  ) {
    const { optimizer, learningRate, targetSmoothing } = settings;
    // One binding serves both critics (the parameters are each approximator's own), so a
    // state's features are computed and cached once for the pair, not once per critic.
    const critics = setup.bind(settings.critic);
    this.critic = new Approximator(critics, optimizer, learningRate, targetSmoothing);
    this.twin = new Approximator(critics, optimizer, learningRate, targetSmoothing);
    this.actor = new Actor(setup.bind(settings.actor), optimizer, settings.actorLearningRate, setup.nA);
    this.criticName = settings.critic.name;
    this.actorName = settings.actor.name;
    this.logAlpha = Math.log(setup.alpha);
    // The entropy of a distribution over |A| actions lies in [0, log|A|]; a target outside it can never be met,
    // so tuning would drive α to 0 or ∞.
    if (settings.targetEntropy !== undefined && !(settings.targetEntropy >= 0 && settings.targetEntropy <= Math.log(setup.nA))) {
      invalidOption(PART, `targetEntropy is ${show(settings.targetEntropy)} nats for a finite action of ${setup.nA} values; expected a number in [0, log ${setup.nA} = ${formatNats(Math.log(setup.nA))}], the entropies a policy over ${setup.nA} actions can have (negative targets are for action.continuous(...))`);
    }
    this.targetEntropy = settings.targetEntropy ?? 0.5 * Math.log(setup.nA);
    const tuned = settings.temperature === 'tuned' ? `, its temperature tuned towards an entropy of ${this.targetEntropy.toPrecision(3)} nats` : '';
    this.policyDescription = `the actor π_θ (${settings.actor.name}) of soft actor-critic with twin ${settings.critic.name} critics${tuned}: the fixed-dynamics optimum (Q = r + γE[V]) at the model's α when the families can hold it and the temperature is fixed, up to sampling and optimisation error`;
    this.batch = new Int32Array(setup.batchSize);
    this.criticQ = new Float64Array(setup.batchSize * setup.nA);
    this.rows = Array.from({ length: 6 }, () => new Float64Array(setup.nA));
    this.triple = [this.rows[1]!, this.rows[3]!, this.rows[4]!];
    this.slots = slotRowsFor(setup.capacity, critics, this.actor.bound);
    const n = this.slots === undefined ? 0 : setup.batchSize * setup.nA;
    this.atS = [this.criticQ, new Float64Array(n), new Float64Array(n)];
    this.deltas = new Float64Array(this.slots === undefined ? 0 : setup.batchSize);
  }

  get alpha(): number {
    return Math.exp(this.logAlpha);
  }

  get temperature(): number {
    return this.alpha;
  }

  get actorParameters(): Float64Array {
    return this.actor.params;
  }

  behaviour(value: S, t: number, index: number, prior: Float64Array, out: Float64Array): void {
    this.actor.behaviour(value, t, index, prior, out);
  }

  afterStep(buffer: ReplayBuffer<S>): number {
    if (this.slots !== undefined) return this.fusedStep(buffer, this.slots);
    const { critic, twin, actor, batch } = this;
    const [prior, logits, , q1, q2] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const { nA, random } = this.setup;
    const scale = 1 / batch.length;
    // Each critic regresses on a minibatch of its own, so the twins (which start equal) differ by
    // their sampling noise, and the minimum in the target has something to curb.
    buffer.sample(random, batch);
    this.regress(buffer, twin);
    buffer.sample(random, batch);
    this.regress(buffer, critic, this.criticQ);
    // The actor on the critic's batch, against the current critics' minimum. Q₁ there is what
    // `regress` just read (the critics step only after the actor), so it is not evaluated again.
    let entropy = 0;
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      const t = buffer.time[k]!;
      const s = buffer.value[k]!;
      const index = buffer.index[k]!;
      for (let b = 0; b < nA; b++) q1[b] = this.criticQ[i * nA + b]!;
      // The twin and the actor at s: one read of its features when they share φ.
      const together = Approximator.valuesTogether(twin, actor, s, t, index, q2, logits);
      if (!together) twin.values(s, t, index, q2);
      for (let b = 0; b < nA; b++) q1[b] = Math.min(q1[b]!, q2[b]!);
      buffer.priorInto(k, prior);
      entropy += actor.ascend(s, t, index, prior, q1, this.alpha, scale, together ? logits : undefined);
    }
    critic.step();
    twin.step();
    actor.step();
    // The dual step on log α: descend α (H − H̄), so a policy more random than H̄ cools.
    if (this.settings.temperature === 'tuned') this.logAlpha -= this.settings.temperatureLearningRate * (entropy * scale - this.targetEntropy);
    return 1;
  }

  /** Accumulate one critic's gradient on the batch: δ = y − Q(s,a), y from both targets and the actor; Q(s,·) of batch entry i into `keep` at i·nA when given. */
  private regress(buffer: ReplayBuffer<S>, fitted: Approximator<S>, keep?: Float64Array): void {
    const { critic, twin, actor, batch } = this;
    const [prior, logits, pi, q1, q2, weights] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const { gamma, nA, finite } = this.setup;
    const alpha = this.alpha;
    const scale = 1 / batch.length;
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      const t = buffer.time[k]!;
      let y = buffer.reward[k]! + buffer.tail[k]!;
      if (buffer.bootstrap[k] === 1) {
        const s1 = buffer.nextValue[k]!;
        const t1 = finite ? t + 1 : 0;
        const index1 = buffer.nextIndex[k]!;
        buffer.nextPriorInto(k, prior);
        // The actor and both target critics at s′: one read of its features when they share φ.
        let L: number;
        if (Approximator.actorAndTargets(actor, critic, twin, s1, t1, index1, this.triple)) L = softmaxInto(prior, logits, 1, pi);
        else {
          L = actor.policyAt(s1, t1, index1, prior, logits, pi);
          Approximator.targetPair(critic, twin, s1, t1, index1, q1, q2);
        }
        // Σ_a' π(a'|s') [min Q̄(s',a') − α log(π/p)],  log π − log p = ℓ − L
        let soft = 0;
        for (let a = 0; a < nA; a++) if (pi[a]! > 0) soft += pi[a]! * (Math.min(q1[a]!, q2[a]!) - alpha * (logits[a]! - L));
        y += gamma * soft;
      }
      const s = buffer.value[k]!;
      const index = buffer.index[k]!;
      fitted.values(s, t, index, q1);
      if (keep !== undefined) keep.set(q1, i * nA);
      const a = buffer.action[k]!;
      const delta = y - q1[a]!;
      weights.fill(0);
      weights[a] = delta * scale;
      fitted.add(s, t, index, weights);
      this.errors.add(delta);
    }
  }

  /**
   * `afterStep` for linear critics and actor on one φ, bit for bit the same arithmetic: rows read
   * by replay slot (no hashing), the actor and both targets at s′ in one pass over φ(s′, ·), and at
   * s the critic, the twin and the actor in one pass during the critic's regression, so the actor's
   * step reads nothing again; gradients go straight into the approximators' dense buffers.
   */
  private fusedStep(buffer: ReplayBuffer<S>, slots: SlotRows<S>): number {
    const { critic, twin, actor, batch, atS } = this;
    const [prior, logits, pi, q1, , weights] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const { nA } = this.setup;
    const d = slots.rows.d;
    const scale = 1 / batch.length;
    slots.sync(buffer);
    buffer.sample(this.setup.random, batch);
    this.fusedRegress(buffer, slots, twin, false);
    buffer.sample(this.setup.random, batch);
    this.fusedRegress(buffer, slots, critic, true);
    const [cq, tq, al] = atS;
    const alpha = this.alpha;
    // H(π(·|s)) feeds only the dual step of a tuned temperature (three logs per entry otherwise unused).
    const tuned = this.settings.temperature === 'tuned';
    let entropy = 0;
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      const o = i * nA;
      for (let b = 0; b < nA; b++) {
        q1[b] = Math.min(cq[o + b]!, tq[o + b]!);
        logits[b] = al[o + b]!;
      }
      buffer.priorInto(k, prior);
      // As Actor.ascend: π_θ(·|s), the logit-space gradient, then Σ_a w_a φ(s, a) into the actor's gradient.
      const L = softmaxInto(prior, logits, 1, pi);
      for (let b = 0; b < nA; b++) logits[b] = logits[b]! - L;
      actorWeights(pi, logits, q1, alpha, scale, weights);
      const row = slots.at[k]!;
      for (let b = 0; b < nA; b++) if (weights[b] !== 0) rowAdd(actor.grad, 0, row, d, b, weights[b]!);
      if (tuned) entropy += entropyOf(pi);
    }
    critic.step();
    twin.step();
    actor.step();
    if (tuned) this.logAlpha -= this.settings.temperatureLearningRate * (entropy * scale - this.targetEntropy);
    return 1;
  }

  /** `regress` on slot rows; with `keep`, Q₁, Q₂ and ℓ_θ at s of each batch entry into `atS` (one pass over φ(s, ·)). */
  private fusedRegress(buffer: ReplayBuffer<S>, slots: SlotRows<S>, fitted: Approximator<S>, keep: boolean): void {
    const { critic, twin, actor, batch, atS } = this;
    const [prior, logits, pi, q1, q2] = this.rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const { gamma, nA } = this.setup;
    const d = slots.rows.d;
    const alpha = this.alpha;
    const scale = 1 / batch.length;
    const triple = this.triple;
    const deltas = this.deltas;
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      let y = buffer.reward[k]! + buffer.tail[k]!;
      if (buffer.bootstrap[k] === 1) {
        buffer.nextPriorInto(k, prior);
        rowDots3(actor.params, critic.target, twin.target, slots.next[k]!, d, nA, triple, 0);
        const L = softmaxInto(prior, logits, 1, pi);
        let soft = 0;
        for (let a = 0; a < nA; a++) if (pi[a]! > 0) soft += pi[a]! * (Math.min(q1[a]!, q2[a]!) - alpha * (logits[a]! - L));
        y += gamma * soft;
      }
      const row = slots.at[k]!;
      const a = buffer.action[k]!;
      let q: number;
      if (keep) {
        rowDots3(critic.params, twin.params, actor.params, row, d, nA, atS, i * nA);
        q = atS[0][i * nA + a]!;
      } else q = rowDot(fitted.params, 0, row, d, a);
      const delta = y - q;
      const w = delta * scale;
      if (w !== 0) rowAdd(fitted.grad, 0, row, d, a, w);
      deltas[i] = delta;
    }
    this.errors.addAll(deltas, batch.length);
  }

  readout(): LearnerReadout {
    const criticError = this.errors.take();
    return this.settings.temperature === 'tuned' ? { criticError, temperature: this.alpha } : { criticError };
  }

  logits(value: S, t: number, index: number, out: Float64Array): void {
    this.actor.values(value, t, index, out);
  }
}

/** log|A| in a message: four significant digits (0 for one action). */
function formatNats(x: number): string {
  return x === 0 ? '0' : x.toPrecision(4);
}
