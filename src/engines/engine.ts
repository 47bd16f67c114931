/** `infer(model, engine)`: compile, then let the engine run on the compiled model. */
import { requireEngine, requireModelOrGraph } from '../compile/arguments.js';
import { needsSimulator } from '../compile/needs-simulator.js';
import { compileModel } from '../simulate/compile-model.js';
import type { Engine, EngineInput, RunContext } from '../types/engine.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Model } from '../types/model.js';
import type { GraphFor, Posterior } from '../types/posterior.js';
import type { SimulatorGraph } from '../types/simulator.js';

/**
 * The posterior of a model (or an already compiled graph) under an engine.
 * An engine that reads tables gets the factor graph (a model that can only be
 * simulated is refused with an error naming the engines that sample); an
 * engine that can simulate gets the tables when the model has them, and a
 * `SimulatorGraph` otherwise.
 * @example const post = infer(gridworld, exact()); post.policy(0, start);
 */
export function infer<S, A, R extends EngineInput = 'tables'>(
  source: Model<S, A> | FactorGraph<S, A> | SimulatorGraph<S, A>,
  engine: Engine<unknown, R>,
  context: RunContext = {},
): Posterior<S, A, R> {
  requireModelOrGraph('infer()', source);
  requireEngine('infer()', engine);
  const graph = source.kind === 'model' ? compileModel(source) : source;
  if (graph.kind === 'simulator' && engine.reads === 'tables') needsSimulator(graph.reason, `${engine.name}()`);
  return engine.run(graph as GraphFor<S, A, R>, context);
}
