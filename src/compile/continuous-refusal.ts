/**
 * What a continuous action meets outside the Gaussian kernel: the check that
 * a model has one, and the refusals (by engines that cannot take it, and by
 * exact() when the model is not linear-Gaussian). Small on purpose: infer()
 * and compile() import it, so every page bundles it.
 */
import { fail } from '../errors.js';
import type { Model } from '../types/model.js';

/** The name of the model's continuous action, or undefined when its action is finite. */
export function continuousActionName(m: Model<unknown, unknown>): string | undefined {
  const part = m.parts.find((p) => p.kind === 'continuous-action');
  return part?.kind === 'continuous-action' ? part.name : undefined;
}

/** The engines that take a continuous action, as the refusals name them. */
export const CONTINUOUS_ENGINES = 'exact() solves linear-Gaussian models (state.simulated, linearGaussian(...), quadratic(...)) in closed form; variational({ family: gaussianPolicy() }), softActorCritic() and virel() learn a Gaussian policy on any simulated model';

/** The model's action bounds, or undefined when its action is finite or unbounded. */
export function continuousActionBounds(m: Model<unknown, unknown>): { readonly low: readonly number[]; readonly high: readonly number[] } | undefined {
  const part = m.parts.find((p) => p.kind === 'continuous-action');
  return part?.kind === 'continuous-action' ? part.bounds : undefined;
}

/**
 * The refusal of a continuous action by whatever cannot handle one (`by` is
 * the engine or `compile()`), naming the engines that can.
 */
export function refuseContinuousAction(name: string, by: string): never {
  fail({
    code: 'continuous-action',
    part: by,
    message: `${by}: action.continuous('${name}') is a continuous action, which ${by} cannot handle; expected a finite action(...). ${CONTINUOUS_ENGINES}`,
  });
}

/** exact()'s refusal of a bounded continuous action: the soft-LQR closed form integrates u over all of ℝ^d. */
export function refuseBoundedAction(name: string): never {
  fail({
    code: 'continuous-action',
    part: 'exact()',
    message: `exact(): action.continuous('${name}') has bounds, and the soft-LQR closed form integrates u over all of ℝ^d (a Gaussian policy cannot stay in a box); expected an unbounded action. Drop the bounds for exact(), or use variational({ family: gaussianPolicy() }), softActorCritic() or virel(), which squash a Gaussian into the box with tanh`,
  });
}

/** exact()'s refusal of a continuous-action model that is not linear-Gaussian, saying what is not. */
export function notLinearGaussian(what: string): never {
  fail({
    code: 'continuous-action',
    part: 'exact()',
    message: `exact(): ${what}; expected a linear-Gaussian model (one state.simulated variable, linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T)) for a continuous action`,
  });
}
