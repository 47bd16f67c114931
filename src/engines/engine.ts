/** `infer(model, engine)`: compile, then let the engine run on the factor graph. */
import { compile } from '../compile/compile.js';
import type { Engine, RunContext } from '../types/engine.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Model } from '../types/model.js';
import type { Posterior } from '../types/posterior.js';

/**
 * The posterior of a model (or an already compiled factor graph) under an engine.
 * @example const post = infer(gridworld, exact()); post.policy(0, start);
 */
export function infer<S, A>(source: Model<S, A> | FactorGraph<S, A>, engine: Engine, context: RunContext = {}): Posterior<S, A> {
  const graph = source.kind === 'factor-graph' ? source : compile(source);
  return engine.run(graph, context);
}
