/**
 * `variational()` on a model with a continuous action: fit a Gaussian policy
 * (gaussian-family.ts) by stochastic ascent on the ELBO, with the
 * reparameterised gradient where the model is linear-Gaussian and the
 * features are the state itself, the score-function gradient otherwise
 * (gaussian-gradient.ts). Stochastic ascent with a constant step hovers
 * around the optimum; the returned θ is the average of the iterates over the
 * last quarter of the steps (Polyak–Ruppert averaging), which removes most of
 * that jitter.
 */
import { rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import { checkMemory } from '../../compile/memory.js';
import type { RunContext } from '../../types/engine.js';
import type { ContinuousSimulatorGraph } from '../../types/continuous.js';
import { gaussianPolicy, isGaussianFamily, type BoundGaussianFamily } from './gaussian-family.js';
import { GaussianElbo } from './gaussian-gradient.js';
import { gaussianPolicyPosterior, type GaussianPolicyPosterior } from './gaussian-posterior.js';
import { makeOptimizer } from './optimizers.js';
import type { ElboEstimate } from './score-function.js';
import type { VariationalFit } from './posterior.js';
import type { VariationalSettings } from './index.js';

const PART = 'variational()';

function invalid(message: string): never {
  return fail({ code: 'option-invalid', part: PART, message: `${PART}: ${message}` });
}

export function runContinuousVariational<S>(graph: ContinuousSimulatorGraph<S>, settings: VariationalSettings, context: RunContext): GaussianPolicyPosterior<S, VariationalFit> {
  const sim = graph.simulator;
  const T = graph.horizon;
  const name = sim.actionName;
  const given = settings.familyGiven === false ? gaussianPolicy() : settings.family;
  if (!isGaussianFamily(given)) {
    invalid(`action.continuous('${name}') is a continuous action, and family ${settings.family.name} is over a finite action; use family: gaussianPolicy()`);
  }
  if (!Number.isFinite(T)) {
    fail({ code: 'horizon-invalid', part: PART, message: `${PART}: the model has a discounted infinite horizon; the variational engine fits a finite-horizon q. Give horizon(T)` });
  }
  if (!(graph.alpha > 0)) {
    fail({ code: 'temperature-invalid', part: PART, message: `${PART}: temperature(0) is the hard-max limit, where the ELBO (r/α) is infinite; use temperature(α) with α > 0` });
  }
  if (settings.gradient === 'exact') invalid(`gradient: 'exact' needs tables, and a continuous action has none; use gradient: 'reparameterised' (linear-Gaussian models) or 'score-function'`);
  if (settings.tolerance !== undefined) invalid(`tolerance applies to the exact gradient; a fit of a Gaussian policy is stochastic and always runs the full steps — drop tolerance`);
  const random = rng(settings.seed, PART);
  const example = sim.initial(rng(settings.seed, PART));
  const family = given.bindContinuous({ dimension: sim.dimension, horizon: T, example, bounds: sim.bounds });
  const pathwise = graph.linear !== undefined && family.identity;
  const gradient = settings.gradient ?? (pathwise ? 'reparameterised' : 'score-function');
  if (gradient === 'reparameterised' && !pathwise) {
    const why = graph.linear === undefined ? 'the model is not linear-Gaussian (linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T), no discount), so its simulator cannot be differentiated in u' : 'the family has features of its own, whose derivative in the state is unknown';
    fail({ code: 'option-invalid', part: PART, message: `${PART}: gradient: 'reparameterised' needs a differentiable model, but ${why}; use gradient: 'score-function' (the default here)` });
  }
  const samples = settings.samples ?? 100;
  checkMemory(PART, samples * (T + 1) * 8 * (family.m + 3 * family.d + 1), `the trajectories of ${samples} samples × T = ${T} steps`, 'use fewer samples or a shorter horizon');
  const elbo = new GaussianElbo<S>(sim, family, graph.linear, samples, random, PART);
  const params = new Float64Array(family.size);
  family.init(params);
  const grad = new Float64Array(family.size);
  const optimizer = makeOptimizer(settings.optimizer, family.size, settings.learningRate);
  const { steps } = settings;
  const trace = new Float64Array(steps + 1);
  const errors = new Float64Array(steps + 1);
  const averaged = new Float64Array(family.size);
  const averageFrom = Math.floor((3 * steps) / 4);
  const estimate: ElboEstimate = { elbo: NaN, standardError: NaN };
  const report = (k: number) => {
    settings.onProgress?.({ step: k, steps, elbo: estimate.elbo, standardError: estimate.standardError });
    if (context.progress !== undefined && (k % Math.max(1, Math.floor(steps / 100)) === 0 || k === steps)) {
      context.progress(k / steps, `variational: step ${k} of ${steps}, ELBO ${estimate.elbo.toPrecision(8)}`);
    }
  };
  for (let k = 0; k < steps; k++) {
    if (gradient === 'reparameterised') elbo.reparameterised(params, grad, estimate);
    else elbo.scoreFunction(params, grad, estimate);
    if (!Number.isFinite(estimate.elbo) || grad.some((g) => !Number.isFinite(g))) diverged(k, settings.learningRate);
    trace[k] = estimate.elbo;
    errors[k] = estimate.standardError;
    report(k);
    optimizer.step(params, grad);
    if (k >= averageFrom) for (let i = 0; i < params.length; i++) averaged[i]! += params[i]! / (steps - averageFrom);
  }
  const evaluationSamples = settings.evaluationSamples ?? 1000;
  elbo.estimate(averaged, evaluationSamples, estimate);
  trace[steps] = estimate.elbo;
  errors[steps] = estimate.standardError;
  report(steps);
  context.progress?.(1, `variational: done after ${steps} steps`);
  const fit: VariationalFit = {
    family: given.name,
    gradient,
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    elbo: trace,
    standardError: errors,
    steps,
    converged: false,
    parameters: averaged.slice(),
    logZ: undefined,
    gap: undefined,
    warnings: [],
  };
  return gaussianPolicyPosterior(graph, family as BoundGaussianFamily<S>, averaged, fit, { ...estimate, samples: evaluationSamples });
}

function diverged(k: number, learningRate: number): never {
  return fail({ code: 'not-converged', part: PART, message: `${PART}: the ELBO or its gradient is not finite at step ${k}: the optimiser diverged — lower learningRate (now ${show(learningRate)}) or start from a smaller initialScale` });
}

