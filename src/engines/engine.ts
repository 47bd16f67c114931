/** `infer(model, engine)`: compile, then let the engine run on the compiled model. */
import { requireEngine, requireModelOrGraph } from '../compile/arguments.js';
import { needsSimulator } from '../compile/needs-simulator.js';
import { continuousActionBounds, continuousActionName, notLinearGaussian, refuseBoundedAction, refuseContinuousAction } from '../compile/continuous-refusal.js';
import { refusePartialObservability } from './partially-observed.js';
import { compile } from '../compile/compile.js';
import { CaiError, fail } from '../errors.js';
import type { Engine, EngineInput, InferredPosterior, PosteriorTag, RunContext } from '../types/engine.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Model } from '../types/model.js';
import type { GraphFor } from '../types/posterior.js';
import type { SimulatorGraph } from '../types/simulator.js';

/**
 * The posterior of a model (or an already compiled graph) under an engine.
 * An engine that reads tables gets the factor graph (a model that can only be
 * simulated is refused with an error naming the engines that sample); an
 * engine that can simulate gets the tables when the model has them, and a
 * `SimulatorGraph` otherwise.
 * @example const post = infer(gridworld, exact()); post.policy(0, start);
 */
export function infer<S, A, R extends EngineInput = 'tables', T extends PosteriorTag = PosteriorTag, X = unknown>(
  source: Model<S, A, X> | FactorGraph<S, A> | SimulatorGraph<S, A>,
  engine: Engine<unknown, R, T>,
  context: RunContext = {},
): InferredPosterior<S, A, R, T, X> {
  requireModelOrGraph('infer()', source);
  requireEngine('infer()', engine);
  // A continuous action: only an engine that solves linear-Gaussian models (exact) takes it, as matrices.
  // The compiler comes with the linearGaussian part (so a page without one does not bundle the kernel).
  const continuous = source.kind === 'model' ? continuousActionName(source as Model<unknown, unknown>) : undefined;
  if (continuous !== undefined) {
    const m = source as Model<unknown, unknown>;
    // An engine that simulates with a continuous action (a Gaussian policy) reads the model's own functions.
    if (engine.capabilities.includes('continuous-action') && engine.compileContinuous !== undefined) return engine.run(engine.compileContinuous(m) as GraphFor<S, A, R>, context) as unknown as InferredPosterior<S, A, R, T, X>;
    if (!engine.capabilities.includes('linear-gaussian')) refuseContinuousAction(continuous, `${engine.name}()`);
    if (continuousActionBounds(m) !== undefined) refuseBoundedAction(continuous);
    const transition = m.parts.find((p) => p.kind === 'transition');
    if (transition?.kind !== 'transition' || transition.compileGaussian === undefined) notLinearGaussian('the transition is a function, not linearGaussian({ A, B, c, W })');
    return engine.run(transition.compileGaussian(m) as unknown as GraphFor<S, A, R>, context) as unknown as InferredPosterior<S, A, R, T, X>;
  }
  // A POMDP given to an engine that would silently solve the fully observed problem is refused first.
  refusePartialObservability(source, engine);
  const graph = source.kind === 'model' ? compileFor(source, engine) : source;
  if (graph.kind === 'simulator' && engine.reads === 'tables') needsSimulator(graph.reason, `${engine.name}()`);
  // The engine's tag names the type of what its run returns (types only).
  return engine.run(graph as GraphFor<S, A, R>, context) as unknown as InferredPosterior<S, A, R, T, X>;
}

/**
 * Tables when the model can be enumerated; otherwise the simulator graph of
 * the engine's own `simulate` (carried by the engines that read simulators,
 * so that a page running only `exact()` does not bundle the model simulator).
 * An engine without one is refused with compile's reason and the engines that sample.
 */
function compileFor<S, A>(m: Model<S, A>, engine: Engine<unknown, EngineInput, PosteriorTag>): FactorGraph<S, A> | SimulatorGraph<S, A> {
  try {
    return compile(m);
  } catch (error) {
    if (!(error instanceof CaiError && error.code === 'needs-simulator')) throw error;
    const reason = (error.cause as { reason: string }).reason;
    refusePartialObservability(m, engine, true);
    if (engine.reads === 'tables') needsSimulator(reason, `${engine.name}()`);
    if (typeof engine.simulate !== 'function') {
      fail({
        code: 'argument-invalid',
        part: `${engine.name}()`,
        message: `${engine.name}(): the engine reads 'simulator' but carries no simulate, and the model has no tables (${reason}); expected simulate: simulatorGraph in the engine (import { simulatorGraph } from 'control-as-inference'), as importance() and variational() carry it`,
      });
    }
    return engine.simulate(m as Model<unknown, unknown>, reason) as SimulatorGraph<S, A>;
  }
}
