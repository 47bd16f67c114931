/**
 * An engine is a value: a frozen record with a name, what it can do, its
 * checked options and `run(graph, context)`. `infer(model, engine)` compiles
 * the model and calls `run`; there is no registry.
 */
import type { GraphFor, Posterior } from './posterior.js';

/** What an engine can answer; queries name the capability they need. */
export type Capability = 'exact-policy' | 'marginals' | 'evidence' | 'sampling' | 'mode' | 'infinite-horizon' | 'fixed-dynamics' | 'partial-observability';

/** Passed to `run`: cross-cutting settings that are not an engine's own options. */
export interface RunContext {
  /** Called with a fraction in [0, 1] on long runs. */
  readonly progress?: (fraction: number, message: string) => void;
}

/**
 * What an engine reads: `'tables'` needs a tabulated `FactorGraph` (the model
 * must be enumerable); `'simulator'` also runs on a `SimulatorGraph` (a model
 * whose transition only samples, or whose states have no finite domain).
 */
export type EngineInput = 'tables' | 'simulator';

export interface Engine<Options = unknown, Reads extends EngineInput = EngineInput> {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  readonly options: Readonly<Options>;
  readonly reads: Reads;
  run<S, A>(graph: GraphFor<S, A, Reads>, context: RunContext): Posterior<S, A, Reads>;
}
