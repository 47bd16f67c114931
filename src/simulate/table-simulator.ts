/**
 * Simulating a tabulated model: handles are state indices, so particles fit
 * in an Int32Array and each step reads the CSR row of (s, a) — no user code,
 * no allocation.
 *
 *   s_0 ~ initial            by inverse CDF (bisection on its running sums)
 *   s' ~ p(· | s, a)         a linear scan of the CSR row s·nA + a
 */
import { InverseCdf, type Rng } from '../dist/rng.js';
import type { FactorGraph } from '../types/factor-graph.js';
import { argumentError } from '../errors.js';
import type { Simulator } from '../types/simulator.js';

/** An index-based simulator over the graph's own tables. */
export function tableSimulator<S, A>(graph: FactorGraph<S, A>): Simulator<number, S, A> {
  if (typeof graph !== 'object' || graph === null || (graph as { kind?: unknown }).kind !== 'factor-graph') argumentError('tableSimulator()', 'a compiled factor graph', graph, 'pass compile(model)');
  const { nS, nA, dynamics, reward, terminal, prior } = graph;
  const { rowStart, next, prob } = dynamics;
  const initial = new InverseCdf(graph.initial);
  const sliceSize = nS * nA;
  const timeVarying = graph.rewardTimeVarying;
  return Object.freeze({
    indexed: true,
    actions: graph.actions,
    nA,
    states: graph.states,
    horizon: graph.horizon,
    gamma: graph.gamma,
    alpha: graph.alpha,
    hasTerminal: terminal !== undefined,
    initial(random: Rng): number {
      return initial.draw(random);
    },
    prior(s: number, out: Float64Array): void {
      // A copy loop, not out.set(subarray): a subarray is an allocation per call.
      const row = s * nA;
      for (let a = 0; a < nA; a++) out[a] = prior[row + a]!;
    },
    reward(s: number, a: number, t: number): number {
      return reward[(timeVarying ? t * sliceSize : 0) + s * nA + a]!;
    },
    terminal(s: number): number {
      return terminal === undefined ? 0 : terminal[s]!;
    },
    step(s: number, a: number, random: Rng): number {
      const row = s * nA + a;
      const end = rowStart[row + 1]!;
      let u = random.next();
      for (let k = rowStart[row]!; k < end - 1; k++) {
        u -= prob[k]!;
        if (u < 0) return next[k]!;
      }
      return next[end - 1]!;
    },
    value: (s: number): S => graph.states.values[s]!,
    index: (s: number) => s,
    ...observer(graph),
  });
}

/**
 * A POMDP's observations, drawn from its tables: o ~ Z(· | s', a) at
 * `table[(s'·nA + a)·nO + o]` and o_0 ~ Z_0(· | s_0) at `initial[s·nO + o]`
 * (types/factor-graph.ts ObservationTables), by a linear scan of the row.
 */
function observer(graph: FactorGraph<unknown, unknown>): Pick<Simulator<number>, 'observations' | 'observe' | 'observeInitial'> {
  const tables = graph.observation;
  if (tables === undefined) return {};
  const { nO, table, initial } = tables;
  const { nA } = graph;
  const draw = (row: Float64Array, start: number, random: Rng): number => {
    // Rounding may leave u ≥ 0 after the last term: then the last observation with mass, never one of probability 0.
    let u = random.next();
    let last = 0;
    for (let o = 0; o < nO; o++) {
      const p = row[start + o]!;
      if (p <= 0) continue;
      u -= p;
      if (u < 0) return o;
      last = o;
    }
    return last;
  };
  return {
    observations: tables.values,
    observe: (next: number, a: number, random: Rng) => draw(table, (next * nA + a) * nO, random),
    observeInitial: (s: number, random: Rng) => (initial === undefined ? -1 : draw(initial, s * nO, random)),
  };
}

