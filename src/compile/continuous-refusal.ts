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

/**
 * The refusal of a continuous action by whatever cannot handle one (`by` is
 * the engine or `compile()`), naming the one engine that can.
 */
export function refuseContinuousAction(name: string, by: string): never {
  fail({
    code: 'continuous-action',
    part: by,
    message: `${by}: action.continuous('${name}') is a continuous action, which ${by} cannot handle; expected a finite action(...). exact() solves continuous actions on linear-Gaussian models (state.simulated, linearGaussian(...), quadratic(...)); no other engine takes them yet`,
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
