/**
 * p(s_0) and p(a | s) as tables, each checked (known values, probabilities
 * finite, ≥ 0 and summing to 1) with the state it came from.
 */
import { isDistribution } from '../dist/categorical.js';
import { IssueList, show } from '../errors.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { ActionPart, StatePart } from '../types/model.js';
import { checkDistribution, guarded, THREW } from './tables.js';

export function buildInitial(parts: readonly StatePart[], variables: readonly IndexedDomain<unknown>[], issues: IssueList): Float64Array {
  const perVariable = parts.map((part, j) => {
    const domain = variables[j]!;
    const where = `state('${part.name}')`;
    const p = new Float64Array(domain.size);
    if (part.initial === undefined) return p.fill(1 / domain.size);
    if (isDistribution(part.initial)) {
      const context = { part: where, label: () => 'the initial distribution', origin: () => 'the initial distribution gives mass to', successorIn: 'the domain', codes: { unknown: 'initial-unknown' as const, unnormalised: 'initial-unnormalised' as const } };
      checkDistribution(issues, part.initial, domain, context, (i, q) => (p[i] = p[i]! + q));
      return p;
    }
    const i = domain.indexOf(part.initial);
    if (i < 0) {
      issues.add({ code: 'initial-unknown', part: where, state: part.initial, message: `${where}: initial value ${show(part.initial)} is not in the domain` });
      return p;
    }
    p[i] = 1;
    return p;
  });
  // Joint initial distribution: product over variables, flattened in mixed radix.
  let joint = perVariable[0]!;
  for (let j = 1; j < perVariable.length; j++) {
    const next = perVariable[j]!;
    const out = new Float64Array(joint.length * next.length);
    for (let a = 0; a < joint.length; a++) for (let b = 0; b < next.length; b++) out[a * next.length + b] = joint[a]! * next[b]!;
    joint = out;
  }
  return joint;
}

export function buildPrior(part: ActionPart, states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, issues: IssueList): Float64Array {
  const nA = actions.size;
  const prior = new Float64Array(states.size * nA);
  const where = `action('${part.name}')`;
  if (part.prior === undefined) return prior.fill(1 / nA);
  const constant = typeof part.prior === 'function' ? undefined : part.prior;
  for (let s = 0; s < states.size; s++) {
    const sv = states.values[s];
    const dist =
      constant ?? guarded(issues, () => ({ part: where, state: sv, message: `${where}: the prior threw at s=${show(sv)}` }), () => (part.prior as (s: unknown) => unknown)(sv));
    if (dist === THREW) continue;
    const row = s * nA;
    const mass = { total: 0 };
    const before = issues.size;
    const ok = checkDistribution(issues, dist, actions, { part: where, label: () => `the prior p(·|s=${show(sv)})`, origin: () => `at s=${show(sv)} the prior gives mass to`, returned: () => `the prior p(·|s=${show(sv)}) is`, state: sv, successorIn: 'the action domain', codes: { unknown: 'unknown-action' as const, unnormalised: 'prior-unnormalised' as const } }, (a, q) => {
      prior[row + a] = prior[row + a]! + q;
      mass.total += q;
    });
    if (!ok && mass.total === 0 && issues.size > before) {
      const last = issues.items[issues.items.length - 1]!;
      if (last.code === 'prior-unnormalised') {
        issues.items[issues.items.length - 1] = {
          code: 'prior-zero',
          part: where,
          state: sv,
          message: `${where}: the prior gives 0 to every action at s=${show(sv)}; every state needs at least one allowed action (use a −Infinity reward to forbid actions)`,
        };
      }
    }
    if (constant !== undefined && !ok) break; // the same fault at every state: report it once
  }
  return prior;
}
