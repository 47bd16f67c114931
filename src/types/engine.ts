/**
 * An engine is a value: a frozen record with a name, what it can do, its
 * checked options and `run(graph, context)`. `infer(model, engine)` compiles
 * the model and calls `run`; there is no registry.
 */
import type { FactorGraph } from './factor-graph.js';
import type { Posterior } from './posterior.js';

/** What an engine can answer; queries name the capability they need. */
export type Capability = 'exact-policy' | 'marginals' | 'evidence' | 'sampling' | 'mode' | 'infinite-horizon' | 'fixed-dynamics';

/** Passed to `run`: cross-cutting settings that are not an engine's own options. */
export interface RunContext {
  /** Called with a fraction in [0, 1] on long runs. */
  readonly progress?: (fraction: number, message: string) => void;
}

export interface Engine<Options = unknown> {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  readonly options: Readonly<Options>;
  run<S, A>(graph: FactorGraph<S, A>, context: RunContext): Posterior<S, A>;
}
