/**
 * Views of a compiled graph: the time-unrolled factor graph (variables s_t,
 * a_t, O_t; factors that point at shared tables), Graphviz DOT, and JSON.
 */
import type {
  DotOptions,
  FactorGraph,
  FactorGraphJSON,
  FactorTableName,
  UnrolledFactor,
  UnrolledGraph,
  UnrolledVariable,
} from '../types/factor-graph.js';

type Core<S, A> = Omit<FactorGraph<S, A>, 'unrolled' | 'toDot' | 'toJSON'>;

/** Add `unrolled`, `toDot` and `toJSON` to the tables and freeze the result. */
export function attachViews<S, A>(core: Core<S, A>): FactorGraph<S, A> {
  const graph: FactorGraph<S, A> = {
    ...core,
    unrolled: (options) => unroll(graph, options),
    toDot: (options) => toDot(graph, options),
    toJSON: () => toJSON(graph),
  };
  return Object.freeze(graph);
}

/**
 * The unrolled graph over t = 0 … T−1. Every factor names a table; the
 * stationary tables (prior, reward, dynamics) exist once and every slice
 * points at the same object. `slices` limits the view (default: all of a
 * finite horizon, 3 of an infinite one).
 */
function unroll(graph: FactorGraph<unknown, unknown>, options: DotOptions = {}): UnrolledGraph {
  const T = graph.horizon;
  const shown = Math.min(T, options.slices ?? (Number.isFinite(T) ? T : 3));
  const factored = graph.variables.length > 1;
  const stateNames = (t: number) => (factored ? graph.variables.map((v) => `${v.name}_${t}`) : [`s_${t}`]);
  const variables: UnrolledVariable[] = [];
  const factors: UnrolledFactor[] = [];
  const tables: Record<string, UnrolledGraph['tables'][string]> = {
    initial: graph.initial,
    prior: graph.prior,
    reward: graph.reward,
    dynamics: graph.dynamics,
  };
  if (graph.terminal) tables.terminal = graph.terminal;
  // A POMDP: o_{t+1} ~ Z(· | s_{t+1}, a_t) after each transition, and o_0 ~ Z_0(· | s_0) when s_0 is observed.
  const z = graph.observation;
  if (z !== undefined) {
    tables.observation = z.table;
    if (z.initial !== undefined) tables['observation-initial'] = z.initial;
  }
  const addFactor = (name: string, table: FactorTableName, scope: string[], t: number) => factors.push({ name, table, scope, t });

  for (let t = 0; t < shown; t++) {
    const s = stateNames(t);
    graph.variables.forEach((v, j) => variables.push({ name: s[j]!, kind: 'state', t, domain: v.name }));
    variables.push({ name: `a_${t}`, kind: 'action', t, domain: graph.actions.name });
    variables.push({ name: `O_${t}`, kind: 'optimality', t, domain: 'O' });
    if (t === 0) addFactor('p(s_0)', 'initial', s, 0);
    if (t === 0 && z?.initial !== undefined) {
      variables.push({ name: 'o_0', kind: 'observation', t: 0, domain: 'observation' });
      addFactor('Z(o_0|s_0)', 'observation-initial', [...s, 'o_0'], 0);
    }
    addFactor(`p(a_${t}|s_${t})`, 'prior', [...s, `a_${t}`], t);
    addFactor(`p(O_${t}|s_${t},a_${t})`, 'reward', [...s, `a_${t}`, `O_${t}`], t);
    const last = t === T - 1;
    if (!last || graph.terminal) {
      const next = stateNames(t + 1);
      if (last) {
        graph.variables.forEach((v, j) => variables.push({ name: next[j]!, kind: 'state', t: t + 1, domain: v.name }));
      }
      if (factored) {
        graph.variables.forEach((v, j) =>
          addFactor(`p(${next[j]}|s_${t},a_${t})`, `dynamics:${v.name}`, [...s, `a_${t}`, next[j]!], t),
        );
      } else addFactor(`p(s_${t + 1}|s_${t},a_${t})`, 'dynamics', [...s, `a_${t}`, next[0]!], t);
      if (last) addFactor(`exp(r_T(s_${T}))`, 'terminal', next, T);
      if (z !== undefined) {
        variables.push({ name: `o_${t + 1}`, kind: 'observation', t: t + 1, domain: 'observation' });
        addFactor(`Z(o_${t + 1}|s_${t + 1},a_${t})`, 'observation', [...next, `a_${t}`, `o_${t + 1}`], t);
      }
    }
  }
  if (factored) {
    delete tables.dynamics; // the joint table is not a factor of the factored graph
    graph.variables.forEach((v, j) => (tables[`dynamics:${v.name}`] = graph.variableDynamics![j]!));
  }
  return Object.freeze({ variables, factors, tables, truncated: shown < T });
}

/** Graphviz DOT: circles for variables (O_t shaded: observed = 1), boxes for factors. */
function toDot(graph: FactorGraph<unknown, unknown>, options: DotOptions = {}): string {
  const u = unroll(graph, { slices: options.slices ?? Math.min(graph.horizon, 3) });
  const id = (name: string) => JSON.stringify(name);
  const lines = [
    'graph factor_graph {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica"];',
    `  label=${id(`|S|=${graph.nS}, |A|=${graph.nA}, T=${graph.horizon}, γ=${graph.gamma}, α=${graph.alpha}, nnz=${graph.dynamics.nnz}`)};`,
  ];
  for (const v of u.variables) {
    const style = v.kind === 'optimality' ? ', style=filled, fillcolor="#dddddd"' : '';
    lines.push(`  ${id(v.name)} [shape=circle${style}];`);
  }
  u.factors.forEach((f, i) => {
    lines.push(`  f${i} [shape=box, label=${id(f.name)}, tooltip=${id(`table: ${f.table}`)}];`);
    for (const v of f.scope) lines.push(`  f${i} -- ${id(v)};`);
  });
  if (u.truncated || graph.horizon > u.variables.reduce((m, v) => Math.max(m, v.t + 1), 0)) {
    lines.push('  more [shape=plaintext, label="…"];');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** JSON-able data; −Infinity rewards become null (JSON has no infinities). */
function toJSON(graph: FactorGraph<unknown, unknown>): FactorGraphJSON {
  const finite = (x: Float64Array) => Array.from(x, (v) => (Number.isFinite(v) ? v : null));
  return {
    states: graph.states.values,
    actions: graph.actions.values,
    variables: graph.variables.map((v) => ({ name: v.name, values: v.values })),
    horizon: Number.isFinite(graph.horizon) ? graph.horizon : null,
    gamma: graph.gamma,
    alpha: graph.alpha,
    initial: Array.from(graph.initial),
    prior: Array.from(graph.prior),
    reward: finite(graph.reward),
    rewardTimeVarying: graph.rewardTimeVarying,
    terminal: graph.terminal ? finite(graph.terminal) : null,
    dynamics: {
      rowStart: Array.from(graph.dynamics.rowStart),
      next: Array.from(graph.dynamics.next),
      prob: Array.from(graph.dynamics.prob),
    },
  };
}
