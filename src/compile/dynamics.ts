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
 * One transition part's loop state. A class, and the loops below small functions that only read it,
 * so that every compile — factored or not, whatever the model — meets the same object shapes and no
 * per-compile closure: V8 optimises these loops once per process. (Before, one large function with
 * per-compile closures and object literals was deoptimised and re-optimised in every compile of Jack's
 * car rental, 40–120 ms of background TurboFan work each time, counted in compile's CPU time.)
 */
class VariableRow {
  state: unknown = undefined;
  action: unknown = undefined;
  /** This variable's successors of the current (s, a): factored states only. */
  readonly entries = new EntryBuffer();
  readonly indexOf: (value: unknown) => number;
  constructor(
    readonly part: TransitionPart,
    readonly domain: IndexedDomain<unknown>,
    readonly where: string,
    /** Factored: this variable's own factor p(s'_v | s, a), kept for the unrolled view. */
    readonly own: CsrBuilder | undefined,
  ) {
    this.indexOf = domain.indexOf;
  }
}

export function buildDynamics(
  transitions: readonly TransitionPart[],
  states: IndexedDomain<unknown>,
  variables: readonly IndexedDomain<unknown>[],
  actions: IndexedDomain<unknown>,
  issues: IssueList,
  csr: CsrBuilder = new CsrBuilder(states.size * actions.size, 3),
) {
  const factored = variables.length > 1;
  if (!factored) {
    jointRows(new VariableRow(transitions[0]!, states, 'transition', undefined), actions, issues, csr);
    return { joint: csr.finish(), perVariable: undefined };
  }
  // One transition per variable, in the order of the variables.
  const rows = variables.map((v) => new VariableRow(transitions.find((t) => t.variable === v.name)!, v, `transition('${v.name}')`, new CsrBuilder(states.size * actions.size, 2)));
  const strides = variables.map((_, j) => variables.slice(j + 1).reduce((acc, v) => acc * v.size, 1));
  factoredRows(rows, strides, states, actions, issues, csr);
  return { joint: csr.finish(), perVariable: rows.map((r) => r.own!.finish()) };
}

/**
 * One variable: each row straight into the joint CSR. One of our own distributions (4 million rows
 * at 1000²) is checked and added by addChecked; a row it cannot take is cleared, and
 * checkDistribution (slowRow) adds or reports it.
 */
function jointRows(row: VariableRow, actions: IndexedDomain<unknown>, issues: IssueList, csr: CsrBuilder): void {
  const nS = row.domain.size;
  const nA = actions.size;
  let faults = 0;
  for (let s = 0; s < nS; s++) {
    row.state = row.domain.values[s];
    for (let a = 0; a < nA; a++) {
      row.action = actions.values[a];
      const dist = callNext(row, issues);
      let ok = dist !== THREW;
      if (ok && !(isOwnCategorical(dist) && addChecked(csr, dist.support, dist.probs, row.indexOf))) {
        csr.clearRow();
        ok = slowRow(row, dist, issues, csr);
      }
      if (!ok) {
        csr.clearRow();
        if (++faults > 50) throw new CaiError(issues.items);
      }
      csr.endRow();
    }
  }
}

/** A factored state: each variable's successors into its EntryBuffer, then their product into the joint CSR. */
function factoredRows(rows: readonly VariableRow[], strides: readonly number[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, issues: IssueList, csr: CsrBuilder): void {
  const nS = states.size;
  const nA = actions.size;
  const entryLists = rows.map((r) => r.entries);
  let faults = 0;
  for (let s = 0; s < nS; s++) {
    const sv = states.values[s];
    for (let a = 0; a < nA; a++) {
      const av = actions.values[a];
      let ok = true;
      for (let j = 0; j < rows.length; j++) {
        const row = rows[j]!;
        row.entries.clear();
        row.state = sv;
        row.action = av;
        const dist = callNext(row, issues);
        if (dist === THREW) ok = false;
        else if (!(isOwnCategorical(dist) && addChecked(row.entries, dist.support, dist.probs, row.indexOf))) {
          row.entries.clear();
          if (!slowRow(row, dist, issues, row.entries)) ok = false;
        }
      }
      if (ok) {
        addProduct(csr, entryLists, strides, 0, 0, 1);
        for (const row of rows) for (let k = 0; k < row.entries.length; k++) row.own!.push(row.entries.index[k]!, row.entries.prob[k]!); // distinct successors (see addProduct): no merge check
      } else {
        csr.clearRow();
        if (++faults > 50) throw new CaiError(issues.items);
      }
      csr.endRow();
      for (const row of rows) row.own!.endRow();
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
function slowRow(row: VariableRow, dist: unknown, issues: IssueList, into: CsrBuilder | EntryBuffer): boolean {
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
  return checkDistribution(issues, dist, row.domain, context, (index, p) => into.add(index, p));
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
