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
import { addChecked, checkDistribution, CsrBuilder, EntryBuffer, guarded, THREW } from './tables.js';

/**
 * One transition part's loop state, always made here (one object shape) and read by small loop
 * functions with no per-compile closure, so that V8 optimises the loops once per process. (Before,
 * one large function with per-compile closures was deoptimised and re-optimised — 40–120 ms of
 * background TurboFan work — in every compile of Jack's car rental, counted in compile's CPU time.)
 */
const variableRow = (part: TransitionPart, domain: IndexedDomain<unknown>, where: string, into: CsrBuilder | EntryBuffer, own?: CsrBuilder) => ({
  part,
  domain,
  where,
  indexOf: domain.indexOf,
  /** Where a row's successors go: the joint CSR (one variable) or this variable's buffer (factored). */
  into,
  /** Factored: this variable's own factor p(s'_v | s, a), kept for the unrolled view. */
  own,
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
    ? variables.map((v) => variableRow(transitions.find((t) => t.variable === v.name)!, v, `transition('${v.name}')`, new EntryBuffer(), new CsrBuilder(states.size * actions.size, 2)))
    : [variableRow(transitions[0]!, states, 'transition', csr)];
  const strides = variables.map((_, j) => variables.slice(j + 1).reduce((acc, v) => acc * v.size, 1));
  tabulate(rows, strides, states, actions, issues, csr, factored);
  return { joint: csr.finish(), perVariable: factored ? rows.map((r) => r.own!.finish()) : undefined };
}

/**
 * Each (s, a): every variable's transition called, checked and its successors added to the row's
 * `into` — one of our own distributions by addChecked (4 million rows at 1000²); anything else, or a
 * row addChecked cannot take (cleared first), by checkDistribution in slowRow, which reports every
 * fault. One variable: straight into the joint CSR. Factored: the product of the variables' rows.
 */
function tabulate(rows: readonly VariableRow[], strides: readonly number[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, issues: IssueList, csr: CsrBuilder, factored: boolean): void {
  const entryLists = rows.map((r) => r.into as EntryBuffer);
  let faults = 0;
  for (let s = 0; s < states.size; s++) {
    for (let a = 0; a < actions.size; a++) {
      let ok = true;
      for (let j = 0; j < rows.length; j++) {
        const row = rows[j]!;
        if (factored) entryLists[j]!.clear();
        row.state = states.values[s];
        row.action = actions.values[a];
        const dist = callNext(row, issues);
        if (dist === THREW) ok = false;
        else if (!(isOwnCategorical(dist) && addChecked(row.into, dist.support, dist.probs, row.indexOf))) {
          if (factored) entryLists[j]!.clear();
          else csr.clearRow();
          if (!slowRow(row, dist, issues)) ok = false;
        }
      }
      if (!ok) {
        csr.clearRow();
        if (++faults > 50) throw new CaiError(issues.items);
      } else if (factored) {
        addProduct(csr, entryLists, strides, 0, 0, 1);
        for (let j = 0; j < rows.length; j++) for (let k = 0; k < entryLists[j]!.length; k++) rows[j]!.own!.push(entryLists[j]!.index[k]!, entryLists[j]!.prob[k]!); // distinct successors (see addProduct): no merge check
      }
      csr.endRow();
      for (const row of rows) row.own?.endRow();
    }
  }
}

/** The user's transition at (row.state, row.action); a throw is reported and gives THREW. */
function callNext(row: VariableRow, issues: IssueList): unknown {
  try {
    return row.part.next(row.state, row.action);
  } catch (error) {
    const at = { part: row.where, state: row.state, action: row.action, message: `${row.where} threw at s=${show(row.state)}, a=${show(row.action)}` };
    guarded(issues, () => at, () => {
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
function slowRow(row: VariableRow, dist: unknown, issues: IssueList): boolean {
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
  return checkDistribution(issues, dist, row.domain, context, (index, p) => row.into.add(index, p));
}

/**
 * Append Π_v p(s'_v | s, a) over the cartesian product of the variables' successors. Each
 * variable's successors are distinct (a categorical merges equal values, and distinct values
 * have distinct indices), so every product is a new successor: `push`, with no merge check.
 * Two variables (the common case: 2 million entries for Jack's car rental) are two plain
 * loops; the products are formed in the same order and grouping, (1·p₁)·p₂ = p₁·p₂, as the
 * general recursion.
 */
function addProduct(csr: CsrBuilder, entries: readonly EntryBuffer[], strides: readonly number[], j: number, flat: number, p: number): void {
  if (j === entries.length) return csr.push(flat, p);
  if (j === 0 && entries.length === 2) return csr.pushOuter(entries[0]!, strides[0]!, entries[1]!, strides[1]!);
  const e = entries[j]!;
  for (let k = 0; k < e.length; k++) addProduct(csr, entries, strides, j + 1, flat + e.index[k]! * strides[j]!, p * e.prob[k]!);
}
