/** Simulation of any compiled model: an index-based simulator over tables, or the model's own functions. */
import type { CompiledModel, Simulator } from '../types/simulator.js';
import { requireModelOrGraph } from '../compile/arguments.js';
import { tableSimulator } from './table-simulator.js';

export { compileModel } from './compile-model.js';
export { simulatorGraph } from './model-simulator.js';
export { tableSimulator } from './table-simulator.js';

/**
 * The simulator of a compiled model. Handles are opaque (`unknown`): state
 * indices when `indexed` (a FactorGraph; cast to number for typed-array
 * particles), state values otherwise.
 * @example const sim = simulatorOf(graph); let x = sim.initial(random); x = sim.step(x, 0, random);
 */
export function simulatorOf<S, A>(graph: CompiledModel<S, A>): Simulator<unknown, S, A> {
  requireModelOrGraph('simulatorOf()', graph);
  return graph.kind === 'factor-graph'
    ? (tableSimulator(graph) as unknown as Simulator<unknown, S, A>)
    : (graph.simulator as Simulator<unknown, S, A>);
}
