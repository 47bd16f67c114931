/**
 * What an engine of the learning family implements, and what it is given.
 * The driver (driver.ts) owns the environment, the replay buffer, the curves
 * and the progress; a learner owns its critic(s) and actor and says how to
 * act, how to learn from the buffer and what its final policy is.
 */
import type { Rng } from '../../dist/rng.js';
import type { Simulator } from '../../types/simulator.js';
import type { BoundFamily, PolicyFamily } from '../variational/families.js';
import type { Approximator } from './approximator.js';
import type { ReplayBuffer } from './replay.js';

/** Handed to an engine's learner factory. */
export interface LearnerSetup<S> {
  readonly sim: Simulator<unknown, S, unknown>;
  readonly random: Rng;
  readonly nA: number;
  /** α of the model (> 0). */
  readonly alpha: number;
  readonly gamma: number;
  /** True for a finite horizon: families are time-indexed by t; otherwise read at t = 0. */
  readonly finite: boolean;
  /** Number of time slices of a time-indexed family: T, or 1 for the infinite horizon. */
  readonly slices: number;
  readonly batchSize: number;
  /** Decisions per episode (T on a finite horizon), the step budget and the replay buffer's capacity. */
  readonly episodeLength: number;
  readonly steps: number;
  readonly capacity: number;
  /** Bind a family to the model (states, actions, slices). */
  bind(family: PolicyFamily): BoundFamily<S>;
}

/** What the curves record per episode beyond return and entropy, read and reset by the driver. */
export interface LearnerReadout {
  /** Mean squared TD error of the critic updates since the last readout (NaN if none). */
  readonly criticError: number;
  /** VIREL's β(ω) at the end of the episode. */
  readonly beta?: number;
  /** SAC's temperature at the end of the episode. */
  readonly temperature?: number;
}

export interface Learner<S> {
  /** The behaviour policy at state (value, index) and time slot t into `out`, given the masked prior. */
  behaviour(value: S, t: number, index: number, prior: Float64Array, out: Float64Array): void;
  /** Learn after one environment step (called once the buffer holds `warmup` transitions); returns updates made. */
  afterStep(buffer: ReplayBuffer<S>): number;
  /** Learn at the end of an episode of `length` decisions (the buffer's most recent ones); returns updates made. */
  afterEpisode?(buffer: ReplayBuffer<S>, length: number): number;
  readout(): LearnerReadout;
  /** The final policy's logits ℓ(s, ·, t) (π ∝ p(a|s) e^ℓ over the allowed actions) into `out`. */
  logits(value: S, t: number, index: number, out: Float64Array): void;
  /** The critic, when the engine has one (its Q in reward units). */
  readonly critic: Approximator<S> | undefined;
  /** The family names shown in descriptions. */
  readonly criticName: string | undefined;
  readonly actorName: string | undefined;
  /** The actor's parameters, when the engine has an actor apart from its critic. */
  readonly actorParameters: Float64Array | undefined;
  /** What the final policy is, in a sentence (Exactness.policy). */
  readonly policyDescription: string;
  /** α at the end (SAC tunes it; the others keep the model's). */
  readonly temperature: number;
  /** β(ω) at the end (VIREL). */
  readonly beta: number | undefined;
}

/** The critic's squared TD errors since the last readout: the `criticError` point of each episode. */
export class SquaredErrors {
  private sum = 0;
  private count = 0;

  add(delta: number): void {
    this.sum += delta * delta;
    this.count++;
  }

  /** add(deltas[0]), …, add(deltas[n − 1]), in that order (the same sum); a hot loop writes its errors to a typed array rather than passing each as an argument. */
  addAll(deltas: Float64Array, n: number): void {
    let sum = this.sum;
    for (let i = 0; i < n; i++) sum += deltas[i]! * deltas[i]!;
    this.sum = sum;
    this.count += n;
  }

  /** Their mean (NaN when no update ran), and start again. */
  take(): number {
    const mean = this.count > 0 ? this.sum / this.count : NaN;
    this.sum = 0;
    this.count = 0;
    return mean;
  }
}
