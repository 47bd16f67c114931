/**
 * An engine is a value: a frozen record with a name, what it can do, its
 * checked options and `run(graph, context)`. `infer(model, engine)` compiles
 * the model and calls `run`; there is no registry.
 */
import type { GraphFor, Posterior } from './posterior.js';
import type { Model } from './model.js';

/** What an engine can answer; queries name the capability they need. */
export type Capability = 'exact-policy' | 'marginals' | 'evidence' | 'sampling' | 'mode' | 'infinite-horizon' | 'fixed-dynamics' | 'partial-observability' | 'linear-gaussian' | 'continuous-action';

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

declare const posteriorTag: unique symbol;

/**
 * The posterior type `infer(model, engine)` returns, by the engine's tag. An
 * engine whose posterior answers more than `Posterior` (importance's
 * particles, a variational or learned fit) adds its entry where it is defined,
 * by declaration merging, so `infer(m, importance())` is an
 * `ImportancePosterior<S, A>` with no cast and this file imports no engine.
 */
export interface PosteriorTypes<S, A, R extends EngineInput> {
  readonly posterior: Posterior<S, A, R>;
}

/** The tags of `PosteriorTypes`. */
export type PosteriorTag = keyof PosteriorTypes<unknown, unknown, EngineInput>;

/** What `infer` returns for an engine tagged `T`: `Posterior<S, A, R>` when the tag is not known. */
export type PosteriorOf<S, A, R extends EngineInput, T extends PosteriorTag> = [PosteriorTag] extends [T] ? Posterior<S, A, R> : PosteriorTypes<S, A, R>[T];

/**
 * The posterior of each kernel of `exact()` by the structure a model's type
 * names (`Model`'s third parameter, read off its parts by `model(...)`):
 * filled by declaration merging beside `exact()` (engines/exact/index.ts), so
 * this file imports no engine.
 */
export interface StructuredPosteriorTypes<S, A> {}

/**
 * What `infer(source, engine)` returns: `PosteriorOf`, except that `exact()`
 * on a model whose type names its structure (`Model<S, A, 'belief'>`, …)
 * returns that kernel's posterior (a `BeliefPosterior`, a `GaussianPosterior`).
 */
export type InferredPosterior<S, A, R extends EngineInput, T extends PosteriorTag, X> = [T] extends ['exact']
  ? X extends keyof StructuredPosteriorTypes<S, A>
    ? StructuredPosteriorTypes<S, A>[X]
    : PosteriorOf<S, A, R, T>
  : PosteriorOf<S, A, R, T>;

export interface Engine<Options = unknown, Reads extends EngineInput = EngineInput, Tag extends PosteriorTag = PosteriorTag> {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  readonly options: Readonly<Options>;
  readonly reads: Reads;
  run<S, A>(graph: GraphFor<S, A, Reads>, context: RunContext): Posterior<S, A, Reads>;
  /**
   * With the 'continuous-action' capability: the compiler of a model with a continuous action
   * (`compileContinuous`), whose result `run` takes. It travels with the engine so that a page that
   * never uses such an engine does not bundle the continuous simulator.
   */
  readonly compileContinuous?: (m: Model<unknown, unknown>) => unknown;
  /**
   * With `reads: 'simulator'`: how a model that cannot be tabulated becomes what `run` takes
   * (`simulatorGraph`, exported from the root). It travels with the engine, as
   * `compileContinuous` does, so that a page that only runs `exact()` does not bundle the
   * model simulator; `infer()` refuses a sampled model for an engine without it.
   */
  readonly simulate?: (m: Model<unknown, unknown>, reason: string) => unknown;
  /** Phantom: which entry of `PosteriorTypes` `infer` returns; never present at run time. */
  readonly [posteriorTag]?: Tag;
}
