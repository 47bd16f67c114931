/**
 * p(s' | s, a) as CSR: the transition evaluated at every (state, action),
 * checked, and — for a factored state — multiplied over variables, keeping
 * each variable's own factor as well.
 */
import { CaiError, IssueList, show } from '../errors.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { TransitionPart } from '../types/model.js';
import { isSampler } from '../dist/sampler.js';
import { isOwnCategorical } from '../dist/categorical.js';
import { needsSimulator } from './needs-simulator.js';
import { addChecked, checkDistribution, CsrBuilder, guarded, THREW } from './tables.js';

/**
 * One transition part's loop state, always made here (one object shape) and read by small loop
 * functions with no per-compile closure, so that V8 optimises the loops once per process. (Before,
 * one large function with per-compile closures was deoptimised and re-optimised — 40–120 ms of
 * background TurboFan work — in every compile of Jack's car rental, counted in compile's CPU time.)
 */
const variableRow = (part: TransitionPart, domain: IndexedDomain<unknown>, where: string, into: CsrBuilder) => ({
  part,
  domain,
  where,
  indexOf: domain.indexOf,
  /** Where a row's successors go: the joint CSR (one variable), or this variable's own factor p(s'_v | s, a) (factored; kept for the unrolled view). */
  into,
  state: undefined as unknown,
  action: undefined as unknown,
});
type VariableRow = ReturnType<typeof variableRow>;

export function buildDynamics(
  transitions: readonly TransitionPart[],
  states: IndexedDomain<unknown>,
  variables: readonly IndexedDomain<unknown>[],
  actions: IndexedDomain<unknown>,
  issues: IssueList,
  csr: CsrBuilder = new CsrBuilder(states.size * actions.size, 3),
) {
  const factored = variables.length > 1;
  // One transition per variable, in the order of the variables.
  const rows = factored
    ? variables.map((v) => variableRow(transitions.find((t) => t.variable === v.name)!, v, `transition('${v.name}')`, new CsrBuilder(states.size * actions.size, 2)))
    : [variableRow(transitions[0]!, states, 'transition', csr)];
  const strides = variables.map((_, j) => variables.slice(j + 1).reduce((acc, v) => acc * v.size, 1));
  tabulate(rows, strides, states, actions, issues, csr, factored);
  return { joint: csr.finish(), perVariable: factored ? rows.map((r) => r.into.finish()) : undefined };
}

/**
 * Each (s, a): every variable's transition called, checked and its successors added to the current
 * row of its `into` — one of our own distributions by addChecked (4 million rows at 1000²); anything
 * else, or a row addChecked cannot take (cleared first), by checkDistribution in slowRow, which
 * reports every fault. One variable: straight into the joint CSR. Factored: into each variable's own
 * factor, and then their product into the joint CSR; a fault clears every row of that (s, a).
 */
function tabulate(rows: readonly VariableRow[], strides: readonly number[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, issues: IssueList, csr: CsrBuilder, factored: boolean): void {
  const factors = rows.map((r) => r.into);
  let faults = 0;
  for (let s = 0; s < states.size; s++) {
    for (let a = 0; a < actions.size; a++) {
      let ok = true;
      for (const row of rows) {
        row.state = states.values[s];
        row.action = actions.values[a];
        const dist = callNext(row, issues);
        if (dist === THREW) ok = false;
        else if (!(isOwnCategorical(dist) && addChecked(row.into, dist.support, dist.probs, row.indexOf))) {
          row.into.clearRow();
          if (!slowRow(row, dist, issues, !factored)) ok = false;
        }
      }
      if (!ok) {
        for (const row of rows) row.into.clearRow();
        csr.clearRow();
        if (++faults > 50) throw new CaiError(issues.items);
      } else if (factored) addProduct(csr, factors, strides, 0, 0, 1);
      csr.endRow();
      if (factored) for (const row of rows) row.into.endRow();
    }
  }
}

/** The user's transition at (row.state, row.action); a throw is reported and gives THREW. */
function callNext(row: VariableRow, issues: IssueList): unknown {
  try {
    return row.part.next(row.state, row.action);
  } catch (error) {
    guarded(issues, () => ({ part: row.where, state: row.state, action: row.action, message: `${row.where} threw at s=${show(row.state)}, a=${show(row.action)}` }), () => {
      throw error;
    });
    return THREW;
  }
}

/**
 * Anything addChecked does not take — a distribution from another copy of the library, a Proxy, a
 * faulty row, not a distribution at all: checkDistribution adds it or reports every fault. Its
 * context and callbacks are made here, off the loops' path.
 */
function slowRow(row: VariableRow, dist: unknown, issues: IssueList, merge: boolean): boolean {
  const { where, state, action } = row;
  if (isSampler(dist)) needsSimulator(`${where} returned a sampler at s=${show(state)}, a=${show(action)}`);
  const context = {
    part: where,
    state,
    action,
    label: () => `p(·|s=${show(state)}, a=${show(action)})`,
    origin: () => `from s=${show(state)} with a=${show(action)} it returned`,
    successorIn: `state('${row.domain.name}')`,
  };
  return checkDistribution(issues, dist, row.domain, context, (index, p) => (merge ? row.into.add(index, p) : row.into.push(index, p)));
}

/**
 * Append Π_v p(s'_v | s, a) over the cartesian product of the variables' successors (each factor's
 * current row). Each variable's successors are distinct (a categorical merges equal values, and
 * distinct values have distinct indices), so every product is a new successor: `push`, with no merge
 * check. Two variables (the common case: 2 million entries for Jack's car rental) are two plain
 * loops; the products are formed in the same order and grouping, (1·p₁)·p₂ = p₁·p₂, as the
 * general recursion.
 */
function addProduct(csr: CsrBuilder, factors: readonly CsrBuilder[], strides: readonly number[], j: number, flat: number, p: number): void {
  if (j === factors.length) return csr.push(flat, p);
  if (j === 0 && factors.length === 2) return csr.pushOuter(factors[0]!, strides[0]!, factors[1]!, strides[1]!);
  const f = factors[j]!;
  for (let k = f.rowStart[f.row]!; k < f.size; k++) addProduct(csr, factors, strides, j + 1, flat + f.next[k]! * strides[j]!, p * f.prob[k]!);
}
