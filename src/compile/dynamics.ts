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
import { checkDistribution, CsrBuilder, EntryBuffer, guarded } from './tables.js';

export function buildDynamics(
  transitions: readonly TransitionPart[],
  states: IndexedDomain<unknown>,
  variables: readonly IndexedDomain<unknown>[],
  actions: IndexedDomain<unknown>,
  issues: IssueList,
  csr: CsrBuilder = new CsrBuilder(states.size * actions.size, 3),
) {
  const nS = states.size;
  const nA = actions.size;
  const factored = variables.length > 1;
  // One transition per variable, in the order of the variables.
  const ordered = factored ? variables.map((v) => transitions.find((t) => t.variable === v.name)!) : [transitions[0]!];
  const strides = variables.map((_, j) => variables.slice(j + 1).reduce((acc, v) => acc * v.size, 1));
  // Everything per variable is made once, outside the S·A loop: the loop itself
  // must not allocate closures or strings (messages are built only on a fault).
  const rows = ordered.map((part, j) => {
    const domain = factored ? variables[j]! : states;
    const entries = new EntryBuffer();
    const where = factored ? `transition('${domain.name}')` : 'transition';
    const context = {
      part: where,
      state: undefined as unknown,
      action: undefined as unknown,
      label: () => `p(·|s=${show(context.state)}, a=${show(context.action)})`,
      origin: () => `from s=${show(context.state)} with a=${show(context.action)} it returned`,
      successorIn: `state('${domain.name}')`,
    };
    const threw = () => ({ part: where, state: context.state, action: context.action, message: `${where} threw at s=${show(context.state)}, a=${show(context.action)}` });
    // One variable: entries go straight into the joint CSR (a faulty row is cleared after).
    const add = factored ? (index: number, p: number) => entries.push(index, p) : (index: number, p: number) => csr.add(index, p);
    // Factored: each variable's own factor p(s'_v | s, a), kept for the unrolled view.
    const own = factored ? new CsrBuilder(nS * nA, 2) : undefined;
    return { part, domain, entries, context, threw, add, own };
  });
  const entryLists = rows.map((r) => r.entries);
  const indexOf = states.indexOf;
  let faults = 0;
  for (let s = 0; s < nS; s++) {
    const sv = states.values[s];
    for (let a = 0; a < nA; a++) {
      const av = actions.values[a];
      let ok = true;
      for (const row of rows) {
        row.entries.clear();
        row.context.state = sv;
        row.context.action = av;
        let dist: unknown;
        try {
          dist = row.part.next(sv, av);
        } catch (error) {
          guarded(issues, row.threw, () => {
            throw error;
          });
          ok = false;
          continue;
        }
        // One variable and one of our own distributions (4 million rows at 1000²): checked and added
        // straight into the CSR (CsrBuilder.addChecked); a row it cannot take is cleared, and
        // checkDistribution below reports it.
        if (!factored && isOwnCategorical(dist) && csr.addChecked(dist.support, dist.probs, indexOf)) continue;
        if (!factored) csr.clearRow();
        if (isSampler(dist)) needsSimulator(`${row.context.part} returned a sampler at s=${show(sv)}, a=${show(av)}`);
        if (!checkDistribution(issues, dist, row.domain, row.context, row.add)) ok = false;
      }
      if (ok) {
        if (factored) {
          addProduct(csr, entryLists, strides, 0, 0, 1);
          for (const row of rows) for (let k = 0; k < row.entries.length; k++) row.own!.push(row.entries.index[k]!, row.entries.prob[k]!); // distinct successors (see addProduct): no merge check
        }
      } else {
        csr.clearRow();
        if (++faults > 50) throw new CaiError(issues.items);
      }
      csr.endRow();
      for (const row of rows) row.own?.endRow();
    }
  }
  return { joint: csr.finish(), perVariable: factored ? rows.map((r) => r.own!.finish()) : undefined };
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
