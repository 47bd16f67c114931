/**
 * What a kernel of `exact()` is, and how `exact()` finds it.
 *
 * The user has one `exact({ backup })`. Inside, a compiled model is solved by
 * the kernel of its structure: the tabular kernel (this folder: backup.ts,
 * solve.ts, …) for a fully observed table model, the belief kernel
 * (belief/) for a model with an `observation(...)` part, the soft-LQR kernel
 * (gaussian/) for a linear-Gaussian model. One mechanism reaches every
 * non-tabular kernel:
 *
 *   the part that introduces a structure  →  the compile stage it carries  →  `graph.kernel`  →  exact()
 *
 * - `observation(emit)` makes a part that carries its compile stage
 *   (`compileObservations`, compile/observations.ts); `compile()` calls it,
 *   and puts the tables and the kernel it returns (`beliefKernel`) on the
 *   POMDP's `FactorGraph`.
 * - `linearGaussian({ A, B, c, W })` makes a transition part that carries its
 *   compile stage (`compileLinearGaussian`, compile/linear-gaussian.ts);
 *   `infer()` calls it, and it puts `gaussianKernel` on the
 *   `LinearGaussianGraph` it builds.
 * - `exact().run(graph)` reads `graph.kernel`: present, it checks
 *   `kernel.accepts(graph)` and returns `kernel.solve(graph, backup, …)`;
 *   absent, the graph is plain tables and the tabular kernel solves it.
 *
 * So the kernel is chosen at compile time, by a compile-stage module, and the
 * DSL only carries a reference to that module (dsl → compile → engines, the
 * direction the data flows anyway).
 *
 * Why the reference runs from the part to the kernel, and not from `exact()`
 * to the kernels: a bundler keeps only what is statically reachable from what
 * a page imports. A page that imports `exact` but never `observation` must not
 * carry the belief kernel, so `exact()` may not import it; the only value that
 * exists exactly when a model has the structure is the part the user called,
 * so that part — through the compile stage it carries — is where the
 * reference lives. The alternatives fail one test each: a static import in `exact()`
 * makes every page pay for every kernel (issue 14 measured 143 KB); a dynamic
 * `import()` makes `infer()` asynchronous; a registry filled by side effects
 * breaks under `sideEffects: false` and depends on import order. The core —
 * dsl/model.ts, compile/compile.ts, this folder's index.ts — imports no
 * structure's kernel; only the structure's own part does, and the kernel
 * imports nothing of the DSL (it sees compiled graphs only). A new structure
 * is a part, its compile stage and a kernel folder that exports an
 * `ExactKernel`; `exact()` does not change. (`evaluate(pomdp, { belief })`
 * reaches the belief tree the same way, through `graph.kernel`.)
 *
 * The agent backups ('boltzmann', 'expected-utility') are not kernels: they
 * are other backups of the tabular kernel, chosen by the `backup` string.
 */
import type { InfiniteSolver } from './solve.js';
import type { BeliefEvaluation, BeliefPolicy, BeliefPosterior } from '../../types/belief.js';
import type { RunContext } from '../../types/engine.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Posterior } from '../../types/posterior.js';

/** The backups a structured kernel is asked for (the agent backups stay tabular). */
export type KernelBackup = 'posterior' | 'fixed-dynamics';

/** `exact()`'s checked options, as every kernel may read them. */
export interface KernelSettings {
  /** Infinite horizon: stop value iteration when ‖V − TV‖∞ < tolerance. */
  readonly tolerance: number;
  /** Whether the user gave `tolerance` (a kernel whose stopping rule measures something else keeps its own default otherwise). */
  readonly toleranceGiven: boolean;
  readonly maxIterations: number;
  /** exact({ solver }): a solver handed in (policyIteration()), which a kernel without it refuses (kernel-solver.ts); undefined for value iteration. */
  readonly solver: InfiniteSolver | undefined;
  /** POMDPs: beliefs equal to this in every coordinate share a node. */
  readonly mergeTolerance: number;
  /** POMDPs: refuse once more distinct beliefs than this are reachable. */
  readonly maxBeliefs: number;
  /** POMDPs: point-based value iteration over this many beliefs, or undefined for the exact reachable set. */
  readonly beliefPoints: number | undefined;
}

/** What `exact()` hands a kernel besides the graph and the backup. */
export interface KernelContext {
  readonly settings: KernelSettings;
  readonly run: RunContext;
  /**
   * The tabular kernel with the same backup and settings, for a kernel that
   * reduces to the fully observed problem (the belief kernel's posterior
   * backup reads the MDP's messages). Passed in so no kernel imports `exact()`.
   */
  tabular(graph: FactorGraph<unknown, unknown>): Posterior<unknown, unknown>;
}

/**
 * A kernel of `exact()` for graphs of type `G`, answering with posteriors of type `P`.
 * Kernels are frozen records without state; a compiled graph carries the one
 * that solves it (`graph.kernel`).
 */
export interface ExactKernel<G, P> {
  /** The structure it solves, for messages: 'belief' (POMDPs), 'gaussian' (soft LQR). */
  readonly name: string;
  /** Whether `graph` is one of the compiled graphs this kernel solves (`exact()` checks before `solve`). */
  accepts(graph: unknown): graph is G;
  /** The posterior of `graph` under `backup`. */
  solve(graph: G, backup: KernelBackup, context: KernelContext): P;
}

/**
 * The kernel a `FactorGraph` carries (today only the belief kernel, on a
 * POMDP's graph). It also scores policies of its structure's own form, so
 * that `evaluate(pomdp, { belief })` reaches the belief tree the same way
 * `exact()` does: through the graph, not through an import.
 */
export interface TableKernel extends ExactKernel<FactorGraph<unknown, unknown>, BeliefPosterior<unknown, unknown, unknown>> {
  evaluate(graph: FactorGraph<unknown, unknown>, policy: BeliefPolicy<unknown, unknown>, options: BeliefEvaluateSettings): BeliefEvaluation;
}

/** What `evaluate()` passes the belief-policy scorer. */
export interface BeliefEvaluateSettings {
  readonly tolerance: number;
  readonly maxIterations: number;
  readonly mergeTolerance: number;
  readonly maxBeliefs: number;
}
