/**
 * The learning engines: control as inference from sampled transitions, for
 * models that can only be simulated (and any tabulated one). Each engine is
 * a folder of its own (soft-q, soft-actor-critic, virel, pseudo-em) written
 * against the shared parts here: the environment loop, the replay buffer,
 * critics, the learned policy's posterior and its learning curves.
 */
import { fail, show } from '../../errors.js';
import { requirePosterior } from '../../compile/arguments.js';
import type { LearnedPosterior, LearningFit } from './posterior.js';

export { tabularCritic, linearCritic } from './critics.js';
export { quadraticCritic } from './action-critic.js';
export type { QuadraticCriticOptions, ActionCriticFamily } from './action-critic.js';
export type { LearningOptions, LearningProgress, LearningSettings } from './options.js';
export type { LearnedPosterior, LearningFit, LearningCurves } from './posterior.js';

declare module '../../types/engine.js' {
  /** `infer(model, softQLearning())` (or any learning engine) is a `LearnedPosterior<S, A>`. */
  interface PosteriorTypes<S, A, R extends EngineInput> {
    readonly learned: LearnedPosterior<S, A>;
  }
}

/** The names of the learning engines, as `post.engine` gives them. */
export const LEARNING_ENGINES: readonly string[] = ['softQLearning', 'softActorCritic', 'virel', 'pseudoLikelihoodEM'];

/**
 * `post.fit` of a learning engine's posterior, typed: curves, steps used, the critic's table; throws for another engine's posterior.
 * @example const { curves, environmentSteps } = learningFit(infer(model, softQLearning()));
 */
export function learningFit(post: { readonly engine: string }): LearningFit {
  requirePosterior('learningFit', post);
  const fit = (post as Partial<LearnedPosterior>).fit;
  if (!LEARNING_ENGINES.includes(post.engine) || fit === undefined) {
    fail({ code: 'option-invalid', part: 'learningFit', message: `learningFit: the posterior comes from ${show(post.engine)}, not a learning engine (${LEARNING_ENGINES.map((e) => `${e}()`).join(', ')}); only those have learning curves` });
  }
  return fit as LearningFit;
}
