/**
 * The model's true structure: which state variables (and whether the action)
 * each factor of a compiled model depends on, read off its own tables.
 *
 *   f depends on variable v  ⇔  ∃ inputs x, x′ that differ only in v with f(x) ≠ f(x′)
 *
 * Over the mixed-radix state index (the first variable varies slowest, stride
 * σ_v), that is: ∃ s with digit d_v(s) > 0 and f(s) ≠ f(s − d_v(s)·σ_v) — if
 * every state equals the one with v's digit set to 0, f is constant along v.
 * Likewise f depends on the action ⇔ ∃ s, a: f(s, a) ≠ f(s, 0).
 *
 * Reading the tables rather than tracing the functions' field reads gives the
 * exact answer whatever the function does: it may compare records by value,
 * spread them, branch, or read a field it then ignores. A factor that reads a
 * field without its value mattering has no edge, since the graph's scopes are
 * conditional independences, not source-code reads.
 *
 * Several optimality parts are one factor here (their tables are summed at
 * compile time: a product of exp(r_i/α) is exp(Σ r_i/α)); so are several
 * terminal parts. The initial distribution of a factored state is a product
 * of one factor per variable, each reading only its own variable.
 */
import type { FactorGraph, SparseDynamics } from '../types/factor-graph.js';
import { fail } from '../errors.js';
import { describeArgument } from './arguments.js';

/** What one factor reads: state variables (names, in `graph.variables` order) and whether the action. */
export interface FactorReads {
  readonly variables: readonly string[];
  readonly action: boolean;
}

/** The dependencies of every factor of a compiled model. */
export interface FactorDependencies {
  /** p(a | s): which state variables the action prior reads (none for a fixed prior). */
  readonly prior: FactorReads;
  /** r(s, a, t): the optimality factor p(O_t | ·); `time` when the reward reads t. */
  readonly reward: FactorReads & { readonly time: boolean };
  /** p(v′ | s, a), one per state variable (by name); a model with one variable has one entry. */
  readonly dynamics: Readonly<Record<string, FactorReads>>;
  /** r_T(s) when the model has a terminal reward. */
  readonly terminal: FactorReads | undefined;
  /** Z(o | s′, a) of a POMDP: the variables of s′ it reads, and whether the action. */
  readonly observation: FactorReads | undefined;
  /** Z_0(o_0 | s_0) of a POMDP whose first state is observed. */
  readonly observationInitial: FactorReads | undefined;
}

/**
 * Which variables and whether the action each factor of `graph` depends on.
 * Cost: one pass over each table (O(nS·nA·variables) comparisons, no allocation for numeric tables).
 * @example factorDependencies(compile(inventory)).dynamics.regime   // { variables: ['regime'], action: false }
 */
export function factorDependencies(graph: FactorGraph<unknown, unknown>): FactorDependencies {
  // The dependencies are read off the tables, so only a compiled model has them.
  if (typeof graph !== 'object' || graph === null || (graph as { kind?: unknown }).kind !== 'factor-graph') {
    fail({ code: 'argument-invalid', part: 'factorDependencies()', message: `factorDependencies(): expected a compiled model, compile(model), got ${describeArgument(graph)}; the dependencies are read off its tables` });
  }
  const { nS, nA } = graph;
  const sizes = graph.variables.map((v) => v.size);
  const strides = sizes.map((_, j) => sizes.slice(j + 1).reduce((a, b) => a * b, 1));
  const names = graph.variables.map((v) => v.name);
  const scan = (rows: number, cols: number, equal: (i: number, k: number) => boolean, readsCols: boolean): FactorReads => {
    const read = sizes.map(() => false);
    let action = false;
    for (let s = 0; s < rows; s++) {
      for (let a = 0; a < cols; a++) {
        const i = s * cols + a;
        if (readsCols && !action && a > 0 && !equal(i, s * cols)) action = true;
        for (let j = 0; j < sizes.length; j++) {
          if (read[j]) continue;
          const d = Math.floor(s / strides[j]!) % sizes[j]!;
          if (d > 0 && !equal(i, (s - d * strides[j]!) * cols + a)) read[j] = true;
        }
      }
    }
    return { variables: names.filter((_, j) => read[j]), action };
  };
  const numbers = (table: Float64Array, offset = 0) => (i: number, k: number) => table[offset + i] === table[offset + k];

  const prior = scan(nS, nA, numbers(graph.prior), false);
  // A time-varying reward is T stacked nS × nA tables: a variable is read if it matters at any t.
  const slices = graph.rewardTimeVarying ? graph.reward.length / (nS * nA) : 1;
  const perSlice = Array.from({ length: slices }, (_, t) => scan(nS, nA, numbers(graph.reward, t * nS * nA), true));
  const reward = {
    variables: names.filter((n) => perSlice.some((r) => r.variables.includes(n))),
    action: perSlice.some((r) => r.action),
    time: graph.rewardTimeVarying,
  };
  const dynamics: Record<string, FactorReads> = {};
  const tables = graph.variableDynamics ?? [graph.dynamics];
  tables.forEach((d, j) => (dynamics[names[j]!] = scan(nS, nA, (i, k) => sameRow(d, i, k), true)));
  const terminal = graph.terminal === undefined ? undefined : scan(nS, 1, numbers(graph.terminal), false);
  const z = graph.observation;
  const vectors = (table: Float64Array, n: number) => (i: number, k: number) => {
    for (let o = 0; o < n; o++) if (table[i * n + o] !== table[k * n + o]) return false;
    return true;
  };
  const observation = z === undefined ? undefined : scan(nS, nA, vectors(z.table, z.nO), true);
  const observationInitial = z?.initial === undefined ? undefined : scan(nS, 1, vectors(z.initial, z.nO), false);
  return Object.freeze({ prior, reward, dynamics: Object.freeze(dynamics), terminal, observation, observationInitial });
}

/**
 * Rows i and k of a CSR table hold the same distribution. Rows list successors in the order the
 * transition returned them, so equal rows are usually equal entry by entry; otherwise compare as sets.
 */
function sameRow(d: SparseDynamics, i: number, k: number): boolean {
  const a0 = d.rowStart[i]!;
  const b0 = d.rowStart[k]!;
  const n = d.rowStart[i + 1]! - a0;
  if (n !== d.rowStart[k + 1]! - b0) return false;
  let inOrder = true;
  for (let e = 0; e < n && inOrder; e++) inOrder = d.next[a0 + e] === d.next[b0 + e] && d.prob[a0 + e] === d.prob[b0 + e];
  if (inOrder) return true;
  const other = new Map<number, number>();
  for (let e = 0; e < n; e++) other.set(d.next[b0 + e]!, d.prob[b0 + e]!);
  for (let e = 0; e < n; e++) if (other.get(d.next[a0 + e]!) !== d.prob[a0 + e]) return false;
  return true;
}
