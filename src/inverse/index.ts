/**
 * Inference about agents (issue 16): given behaviour, which agent produced it?
 * This layer sits above the engines and reaches them only through `infer`
 * (and `inferBatch`, `infer` for many models with shared dynamics).
 */
export { inferGoal } from './goal.js';
export type { Hypothesis, ObservedStep, InferGoalOptions, GoalPosterior } from './goal.js';
