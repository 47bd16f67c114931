/**
 * Options every learning engine shares, checked at the boundary: a wrong
 * option is an error naming it, never a silent default. Each engine adds
 * its own (the actor, the temperature, β's scale, EM's batch) and checks them
 * with the same helpers.
 */
import { fail, show } from '../../errors.js';
import type { PolicyFamily } from '../variational/families.js';
import type { OptimizerKind } from '../variational/optimizers.js';

/** What `onProgress` receives at the end of each episode. */
export interface LearningProgress {
  /** Environment steps taken so far. */
  readonly step: number;
  /** The step budget. */
  readonly steps: number;
  /** Episodes completed. */
  readonly episode: number;
  /** The return Σ_t γ^t r_t (+ γ^T r_T) of the episode that just ended, in reward units. */
  readonly return: number;
}

/** Options shared by softQLearning, softActorCritic, virel and pseudoLikelihoodEM. */
export interface LearningOptions {
  /** Environment steps to learn from (default 20 000). */
  readonly steps?: number;
  /** Transitions per update (default 64). */
  readonly batchSize?: number;
  /** Replay buffer capacity in transitions (default 100 000; the oldest are overwritten). */
  readonly bufferSize?: number;
  /** Environment steps before the first update (default batchSize). */
  readonly warmup?: number;
  /** Step size of the critic's optimiser (default 0.01; the actor's too unless `actorLearningRate` is given). */
  readonly learningRate?: number;
  /** 'adam' (default) or 'gradient-ascent', for every learned function. */
  readonly optimizer?: OptimizerKind;
  /** Discounted infinite horizon only: decisions per episode before a reset from p(s_0) (default ⌈1/(1−γ)⌉, at least 10). */
  readonly episodeLength?: number;
  /** Monte Carlo trajectories for the final ELBO estimate on a model with no tables (default 200). */
  readonly evaluationSamples?: number;
  /** Seed of the run's one random stream (default 0). */
  readonly seed?: number | string;
  /** Called at the end of every episode (besides the `progress` of `infer`'s run context). */
  readonly onProgress?: (progress: LearningProgress) => void;
}

/** The shared options, checked and defaulted. */
export interface LearningSettings {
  readonly steps: number;
  readonly batchSize: number;
  readonly bufferSize: number;
  readonly warmup: number;
  readonly learningRate: number;
  readonly optimizer: OptimizerKind;
  readonly episodeLength: number | undefined;
  readonly evaluationSamples: number;
  readonly seed: number | string;
  readonly onProgress: ((progress: LearningProgress) => void) | undefined;
}

export const LEARNING_OPTIONS = ['steps', 'batchSize', 'bufferSize', 'warmup', 'learningRate', 'optimizer', 'episodeLength', 'evaluationSamples', 'seed', 'onProgress'] as const;

/** Throw `option-invalid` for `part`. */
export function invalidOption(part: string, message: string): never {
  return fail({ code: 'option-invalid', part, message: `${part}: ${message}` });
}

/** A number option: an integer ≥ least, or undefined. */
export function integerOption(part: string, name: string, value: unknown, least: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) invalidOption(part, `${name} must be an integer ≥ ${least}, got ${show(value)}`);
  return value;
}

/** A number option in (low, high] (or [low, high] when `closed`), or undefined. */
export function rangeOption(part: string, name: string, value: unknown, low: number, high: number, closed = false): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'number' && (closed ? value >= low : value > low) && value <= high && Number.isFinite(value);
  if (!ok) invalidOption(part, `${name} must be a number in ${closed ? '[' : '('}${low}, ${high}], got ${show(value)}`);
  return value as number;
}

/** A positive finite number option, or undefined. */
export function positiveOption(part: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) invalidOption(part, `${name} must be a positive finite number, got ${show(value)}`);
  return value;
}

/** A policy family (or critic) option, or undefined. */
export function familyOption(part: string, name: string, value: unknown, examples: string): PolicyFamily | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as PolicyFamily).bind !== 'function') {
    invalidOption(part, `${name} must be a family such as ${examples}, got ${show(value)}`);
  }
  return value as PolicyFamily;
}

/** Check and default the shared options (the caller has already refused unknown keys). */
export function learningSettings(part: string, options: LearningOptions): LearningSettings {
  const steps = integerOption(part, 'steps', options.steps, 1) ?? 20_000;
  const batchSize = integerOption(part, 'batchSize', options.batchSize, 1) ?? 64;
  const bufferSize = integerOption(part, 'bufferSize', options.bufferSize, 1) ?? 100_000;
  const warmup = integerOption(part, 'warmup', options.warmup, 1) ?? batchSize;
  const learningRate = positiveOption(part, 'learningRate', options.learningRate) ?? 0.01;
  const optimizer = options.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'gradient-ascent') invalidOption(part, `optimizer must be 'adam' or 'gradient-ascent', got ${show(optimizer)}`);
  const episodeLength = integerOption(part, 'episodeLength', options.episodeLength, 1);
  const evaluationSamples = integerOption(part, 'evaluationSamples', options.evaluationSamples, 2) ?? 200;
  const seed = options.seed ?? 0;
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') invalidOption(part, `seed must be a finite number or a string, got ${show(seed)}`);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') invalidOption(part, `onProgress must be a function, got ${show(onProgress)}`);
  return { steps, batchSize, bufferSize, warmup, learningRate, optimizer, episodeLength, evaluationSamples, seed, onProgress };
}
