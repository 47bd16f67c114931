/** Simulation of any compiled model: an index-based simulator over tables, or the model's own functions. */
import type { CompiledModel, Simulator } from '../types/simulator.js';
import type { ContinuousSimulator, ContinuousSimulatorGraph } from '../types/continuous.js';
import { requireModelOrGraph } from '../compile/arguments.js';
import { tableSimulator } from './table-simulator.js';

export { compileModel } from './compile-model.js';
export { simulatorGraph } from './model-simulator.js';
export { tableSimulator } from './table-simulator.js';
export { compileContinuous } from './continuous-simulator.js';

/**
 * The simulator of a compiled model. Handles are opaque (`unknown`): state
 * indices when `indexed` (a FactorGraph; cast to number for typed-array
 * particles), state values otherwise.
 * @example const sim = simulatorOf(graph); let x = sim.initial(random); x = sim.step(x, 0, random);
 */
export function simulatorOf<S>(graph: ContinuousSimulatorGraph<S>): ContinuousSimulator<S>;
export function simulatorOf<S, A>(graph: CompiledModel<S, A>): Simulator<unknown, S, A>;
export function simulatorOf<S, A>(graph: CompiledModel<S, A> | ContinuousSimulatorGraph<S>): Simulator<unknown, S, A> | ContinuousSimulator<S> {
  // A model with a continuous action (compileContinuous): its simulator takes u as a Float64Array.
  if (typeof graph === 'object' && graph !== null && (graph as { kind?: unknown }).kind === 'continuous-simulator') return (graph as ContinuousSimulatorGraph<S>).simulator;
  const g = graph as CompiledModel<S, A>;
  requireModelOrGraph('simulatorOf()', g);
  return g.kind === 'factor-graph'
    ? (tableSimulator(g) as unknown as Simulator<unknown, S, A>)
    : (g.simulator as Simulator<unknown, S, A>);
}
