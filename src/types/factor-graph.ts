/**
 * The compiled model: indexed domains, typed-array tables and sparse (CSR)
 * dynamics. Engines see only this. Stationary tables are stored once and
 * shared by every time step of the unrolled view.
 */
import type { GridLayout } from './model.js';
import type { TableKernel } from '../engines/exact/kernel.js';

/** A finite domain with a value ↔ index map (values compared by content). */
export interface IndexedDomain<V> {
  readonly name: string;
  readonly values: readonly V[];
  readonly size: number;
  /** Index of `value`, or −1 when it is not in the domain. */
  indexOf(value: unknown): number;
}

/**
 * Compressed sparse rows of p(s' | s, a): the row of (s, a) is `s * nA + a`;
 * its entries are `rowStart[row] … rowStart[row + 1] − 1`, each a successor
 * index `next[k]` with probability `prob[k] > 0`.
 */
export interface SparseDynamics {
  readonly rowStart: Int32Array;
  readonly next: Int32Array;
  readonly prob: Float64Array;
  /** Number of stored entries (non-zero transition probabilities). */
  readonly nnz: number;
}

/** A variable of the time-unrolled graph: s_t, a_t or O_t. */
export interface UnrolledVariable {
  readonly name: string;
  readonly kind: 'state' | 'action' | 'optimality' | 'observation';
  readonly t: number;
  /** Domain name (state variable or action); 'O' for optimality variables. */
  readonly domain: string;
}

/** A factor of the unrolled graph. `table` names one shared table; equal names mean the same object. */
export interface UnrolledFactor {
  readonly name: string;
  readonly table: FactorTableName;
  readonly scope: readonly string[];
  readonly t: number;
}

/** The shared tables a factor can point at. */
export type FactorTableName = 'initial' | 'prior' | 'reward' | 'dynamics' | 'terminal' | 'observation' | 'observation-initial' | `dynamics:${string}`;

/** The time-unrolled view: variables s_t, a_t, O_t and factors over them, tables shared across t. */
export interface UnrolledGraph {
  readonly variables: readonly UnrolledVariable[];
  readonly factors: readonly UnrolledFactor[];
  /** The table each factor name refers to; stationary tables appear once, whatever the horizon. */
  readonly tables: Readonly<Record<string, Float64Array | SparseDynamics>>;
  /** True when the horizon is infinite and only the first slices are shown. */
  readonly truncated: boolean;
}

/** Options of `toDot`. */
export interface DotOptions {
  /** How many time slices to draw before an ellipsis (default 3). */
  readonly slices?: number;
}

/**
 * The observation model of a POMDP as tables: Z(o | s', a) at
 * `table[(s'·nA + a)·nO + o]`, and Z_0(o | s_0) at `initial[s·nO + o]` when
 * the initial state is observed.
 */
export interface ObservationTables<O = unknown> {
  readonly values: IndexedDomain<O>;
  readonly nO: number;
  readonly table: Float64Array;
  readonly initial: Float64Array | undefined;
}

/** Everything an engine needs, as typed arrays. */
export interface FactorGraph<S = unknown, A = unknown> {
  readonly kind: 'factor-graph';
  /** The (flattened) state domain; a record `{ [variable]: value }` per state when factored. */
  readonly states: IndexedDomain<S>;
  readonly actions: IndexedDomain<A>;
  /** The state variables as declared (one unless the state is factored). */
  readonly variables: readonly IndexedDomain<unknown>[];
  readonly nS: number;
  readonly nA: number;
  /** Number of decisions T, or Infinity for the discounted infinite horizon. */
  readonly horizon: number;
  /** γ; 1 for an undiscounted finite horizon. */
  readonly gamma: number;
  /** α; 0 is the hard-max limit. */
  readonly alpha: number;
  /** p(s_0), length nS. */
  readonly initial: Float64Array;
  /** p(a | s), row-major nS × nA. */
  readonly prior: Float64Array;
  /** r(s, a) row-major nS × nA, or r_t(s, a) stacked T × nS × nA when time-varying. */
  readonly reward: Float64Array;
  readonly rewardTimeVarying: boolean;
  /** r_T(s) on the state after the last decision, or undefined. */
  readonly terminal: Float64Array | undefined;
  readonly dynamics: SparseDynamics;
  /**
   * Factored states: each variable's own factor p(s'_v | s, a) (rows s·nA + a, successors
   * indexed in that variable's domain), in the order of `variables`; undefined otherwise.
   * `dynamics` is their product.
   */
  readonly variableDynamics: readonly SparseDynamics[] | undefined;
  /** Every (s, a) has exactly one successor. */
  readonly deterministic: boolean;
  readonly layout: GridLayout<S> | undefined;
  /** The observation model when the model is partially observed (a POMDP); undefined when fully observed. */
  readonly observation?: ObservationTables;
  /**
   * The kernel of `exact()` that solves this graph when it is not plain tables (a POMDP: the belief
   * kernel, handed over by the `observation(...)` part); undefined for the tabular kernel. See engines/exact/kernel.ts.
   */
  readonly kernel?: TableKernel;
  /** r_t(s, a) as an nS × nA view (no copy). */
  rewardAt(t: number): Float64Array;
  /** The time-unrolled factor graph (tables shared, not copied). */
  unrolled(options?: DotOptions): UnrolledGraph;
  /** Graphviz DOT of the unrolled factor graph. */
  toDot(options?: DotOptions): string;
  /** Plain JSON-able data: domains, tables, CSR. */
  toJSON(): FactorGraphJSON;
}

/** `toJSON()` output. */
export interface FactorGraphJSON {
  readonly states: readonly unknown[];
  readonly actions: readonly unknown[];
  readonly variables: readonly { readonly name: string; readonly values: readonly unknown[] }[];
  readonly horizon: number | null;
  readonly gamma: number;
  readonly alpha: number;
  readonly initial: readonly number[];
  readonly prior: readonly number[];
  readonly reward: readonly (number | null)[];
  readonly rewardTimeVarying: boolean;
  readonly terminal: readonly (number | null)[] | null;
  readonly dynamics: { readonly rowStart: readonly number[]; readonly next: readonly number[]; readonly prob: readonly number[] };
}
