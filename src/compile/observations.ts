/**
 * The observation part tabulated, checked like a transition:
 *
 *   table[(s'·nA + a)·nO + o] = Z(o | s', a)     (o_{t+1} after a_t lands in s')
 *   initial[s·nO + o]         = Z_0(o | s)       (o_0, when the initial state is observed)
 *
 * The observation domain is every value any Z lists, in order of first
 * appearance (states and actions in index order, so it is deterministic).
 */
import { isDistribution, type Distribution } from '../dist/categorical.js';
import { checkValue, keyOf } from '../dist/value-key.js';
import { fail, IssueList, show } from '../errors.js';
import type { IndexedDomain, ObservationTables } from '../types/factor-graph.js';
import type { ObservationPart } from '../types/model.js';
import { indexDomain } from './domain.js';
import { checkDistribution, guarded, THREW } from './tables.js';
import { beliefKernel } from '../engines/exact/belief/kernel.js';
import type { TableKernel } from '../engines/exact/kernel.js';

/** Above this many Z entries (nS·nA·nO) the observation table is refused before allocation. */
export const MAX_OBSERVATION_ENTRIES = 2 ** 26;

/**
 * The compile stage the `observation(...)` part carries (engines/exact/kernel.ts): the
 * observation tables, and the kernel of `exact()` that solves a model with them (the belief
 * kernel). `compile()` calls it through the part, so a fully observed page bundles neither.
 */
export function compileObservations(
  part: ObservationPart,
  states: IndexedDomain<unknown>,
  actions: IndexedDomain<unknown>,
  issues: IssueList,
): { readonly tables: ObservationTables | undefined; readonly kernel: TableKernel } {
  return { tables: buildObservations(part, states, actions, issues), kernel: beliefKernel };
}

export function buildObservations(
  part: ObservationPart,
  states: IndexedDomain<unknown>,
  actions: IndexedDomain<unknown>,
  issues: IssueList,
): ObservationTables | undefined {
  const nS = states.size;
  const nA = actions.size;
  const emitted: (Distribution<unknown> | undefined)[] = new Array(nS * nA);
  const first: (Distribution<unknown> | undefined)[] = new Array(nS);
  const values: unknown[] = [];
  const seen = new Set<string>();
  const collect = (dist: unknown, where: () => string): Distribution<unknown> | undefined => {
    if (!isDistribution(dist)) {
      issues.add({ code: 'transition-not-distribution', part: 'observation', message: `observation: ${where()} returned ${show(dist)}, not a distribution; return categorical([[o, p], …]), deterministic(o) or uniform(observations)` });
      return undefined;
    }
    for (const value of dist.support) {
      const why = checkValue(value);
      if (why !== undefined) {
        issues.add({ code: 'invalid-value', part: 'observation', message: `observation: ${where()} emits a value that ${why}; observations must be finite numbers, strings, booleans or records of them` });
        return undefined;
      }
      const key = keyOf(value);
      if (!seen.has(key)) {
        seen.add(key);
        values.push(structuredClone(value));
      }
    }
    return dist;
  };
  for (let s = 0; s < nS; s++) {
    const next = states.values[s];
    for (let a = 0; a < nA; a++) {
      const where = () => `Z(·|s'=${show(next)}, a=${show(actions.values[a])})`;
      const d = guarded(issues, () => ({ part: 'observation', state: next, action: actions.values[a], message: `observation threw at s'=${show(next)}, a=${show(actions.values[a])}` }), () => part.emit(next, actions.values[a]));
      if (d !== THREW) emitted[s * nA + a] = collect(d, where);
    }
    if (part.initial !== undefined) {
      const emitInitial = part.initial.bind(part);
      const d = guarded(issues, () => ({ part: 'observation', state: next, message: `observation: initial threw at s=${show(next)}` }), () => emitInitial(next));
      if (d !== THREW) first[s] = collect(d, () => `Z_0(·|s=${show(next)})`);
    }
  }
  if (issues.size > 0) return undefined;
  const domain = indexDomain('observation', Object.freeze(values));
  const nO = domain.size;
  if (nS * nA * nO > MAX_OBSERVATION_ENTRIES) {
    fail({
      code: 'too-large',
      part: 'observation',
      message: `observation: ${nS} states × ${nA} actions × ${nO} observations (~${((nS * nA * nO * 8) / 1e9).toFixed(1)} GB) exceeds the table limit of ${MAX_OBSERVATION_ENTRIES} entries; use fewer distinct observations`,
    });
  }
  const table = new Float64Array(nS * nA * nO);
  for (let s = 0; s < nS; s++) {
    for (let a = 0; a < nA; a++) {
      const row = (s * nA + a) * nO;
      const context = {
        part: 'observation',
        label: () => `Z(·|s'=${show(states.values[s])}, a=${show(actions.values[a])})`,
        origin: () => 'emitted',
        successorIn: 'the observations',
        state: states.values[s],
        action: actions.values[a],
      };
      checkDistribution(issues, emitted[s * nA + a], domain, context, (o, p) => (table[row + o] = table[row + o]! + p));
    }
  }
  let initial: Float64Array | undefined;
  if (part.initial !== undefined) {
    initial = new Float64Array(nS * nO);
    for (let s = 0; s < nS; s++) {
      const context = { part: 'observation', label: () => `Z_0(·|s=${show(states.values[s])})`, origin: () => 'emitted', successorIn: 'the observations', state: states.values[s] };
      checkDistribution(issues, first[s], domain, context, (o, p) => (initial![s * nO + o] = initial![s * nO + o]! + p));
    }
  }
  return Object.freeze({ values: domain, nO, table, initial });
}
