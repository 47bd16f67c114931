/**
 * `compile(model)`: the model's functions evaluated on every state and action,
 * checked, and stored as typed arrays — the factor graph every engine reads.
 *
 *   initial[s]          = p(s_0 = s)                      (product over state variables)
 *   prior[s·nA + a]     = p(a | s)
 *   reward[(t·nS + s)·nA + a] = Σ_parts r(s, a, t)        (t only when a reward reads t)
 *   terminal[s]         = Σ_parts r_T(s)
 *   dynamics            = CSR of p(s' | s, a) = Π_variables p(s'_v | s, a)
 */
import { match } from 'ts-pattern';
import { isDistribution } from '../dist/categorical.js';
import { CaiError, fail, IssueList, show, type CaiIssue } from '../errors.js';
import type { FactorGraph, IndexedDomain } from '../types/factor-graph.js';
import type { ActionPart, GridLayout, Model, OptimalityPart, Part, StatePart, TerminalPart, TransitionPart } from '../types/model.js';
import { indexDomain, productDomain } from './domain.js';
import { checkDistribution, CsrBuilder, EntryBuffer, guarded, showReturned, SUM_TOLERANCE, THREW } from './tables.js';
import { attachViews } from './views.js';

/** Above this many (state, action) pairs the tables are refused before anything is allocated. */
export const MAX_TABLE_ENTRIES = 2 ** 26;

interface Sorted {
  states: StatePart[];
  action: ActionPart;
  transitions: TransitionPart[];
  rewards: OptimalityPart[];
  terminals: TerminalPart[];
  alpha: number;
  horizon: number | undefined;
  gamma: number | undefined;
}

function sortParts(parts: readonly Part[]): Sorted {
  const sorted: Sorted = {
    states: [],
    action: undefined as unknown as ActionPart,
    transitions: [],
    rewards: [],
    terminals: [],
    alpha: 1,
    horizon: undefined,
    gamma: undefined,
  };
  for (const part of parts) {
    match(part)
      .with({ kind: 'state' }, (p) => void sorted.states.push(p))
      .with({ kind: 'action' }, (p) => void (sorted.action = p))
      .with({ kind: 'transition' }, (p) => void sorted.transitions.push(p))
      .with({ kind: 'optimality' }, (p) => void sorted.rewards.push(p))
      .with({ kind: 'terminal' }, (p) => void sorted.terminals.push(p))
      .with({ kind: 'temperature' }, (p) => void (sorted.alpha = p.alpha))
      .with({ kind: 'horizon' }, (p) => void (sorted.horizon = p.steps))
      .with({ kind: 'discount' }, (p) => void (sorted.gamma = p.gamma))
      .exhaustive();
  }
  return sorted;
}

/**
 * Tabulate a model into a factor graph. Throws one `CaiError` listing every
 * fault found (rows that do not sum to 1, unknown successors, NaN rewards …).
 * @example const graph = compile(gridworld); graph.dynamics.nnz; graph.toDot();
 */
export function compile<S, A>(m: Model<S, A>): FactorGraph<S, A> {
  const p = sortParts(m.parts);
  // Factored variables are flattened in name order, so the order of state parts cannot change
  // the tables (records keep the declared key order).
  const declared = p.states.map((s) => s.name);
  p.states.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const variables = p.states.map((s) => indexDomain(s.name, s.domain));
  const factored = variables.length > 1;
  const actions = indexDomain(p.action.name, p.action.domain);
  const T = p.horizon ?? Infinity;
  const timeVarying = p.rewards.some((r) => r.timeVarying);
  // Refuse before the product domain or any table is allocated.
  checkSize(variables.reduce((n, v) => n * v.size, 1), actions.size, timeVarying ? T : 1);
  const states = (factored ? productDomain(variables, declared) : variables[0]!) as IndexedDomain<unknown>;
  const nS = states.size;
  const nA = actions.size;

  const issues = new IssueList();
  const initial = buildInitial(p.states, variables, issues);
  const prior = buildPrior(p.action, states, actions, issues);
  const reward = buildReward(p.rewards, states, actions, timeVarying ? T : 1, T, issues);
  const terminal = p.terminals.length > 0 ? buildTerminal(p.terminals, states, issues) : undefined;
  const { joint: dynamics, perVariable } = buildDynamics(p.transitions, states, variables, actions, issues);
  issues.throwIfAny();

  let deterministic = true;
  for (let row = 0; row < nS * nA; row++) {
    if (dynamics.rowStart[row + 1]! - dynamics.rowStart[row]! !== 1) deterministic = false;
  }
  const layout = p.states.find((s) => s.layout !== undefined)?.layout;
  const graph = attachViews({
    kind: 'factor-graph' as const,
    states,
    actions,
    variables,
    nS,
    nA,
    horizon: T,
    gamma: p.gamma ?? 1,
    alpha: p.alpha,
    initial,
    prior,
    reward,
    rewardTimeVarying: timeVarying,
    terminal,
    dynamics,
    variableDynamics: perVariable,
    deterministic,
    layout: factoredLayout(p.states, factored) ?? (layout as GridLayout<unknown> | undefined),
    rewardAt: timeVarying
      ? (t: number) => reward.subarray(t * nS * nA, (t + 1) * nS * nA)
      : () => reward,
  });
  return graph as FactorGraph<S, A>;
}

/** A layout given on one variable of a factored state places the record by that variable's value. */
function factoredLayout(parts: readonly StatePart[], factored: boolean): GridLayout<unknown> | undefined {
  if (!factored) return undefined;
  const part = parts.find((s) => s.layout !== undefined);
  if (part === undefined) return undefined;
  const inner = part.layout!;
  return { width: inner.width, height: inner.height, cellOf: (s) => inner.cellOf((s as Record<string, unknown>)[part.name]) };
}

function checkSize(nS: number, nA: number, rewardSlices: number): void {
  const entries = nS * nA * Math.max(1, rewardSlices);
  if (nS * nA > MAX_TABLE_ENTRIES || entries > MAX_TABLE_ENTRIES * 4) {
    const bytes = nS * nA * 8 * (2 + rewardSlices);
    fail({
      code: 'too-large',
      part: 'compile()',
      message: `compile(): ${nS.toExponential(2)} states × ${nA} actions${rewardSlices > 1 ? ` × ${rewardSlices} reward steps` : ''} (~${(bytes / 1e9).toFixed(1)} GB) exceeds the table limit of ${MAX_TABLE_ENTRIES} entries; factor the model more coarsely or use a sampling engine`,
    });
  }
}

function buildInitial(parts: readonly StatePart[], variables: readonly IndexedDomain<unknown>[], issues: IssueList): Float64Array {
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

function buildPrior(part: ActionPart, states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, issues: IssueList): Float64Array {
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

/** Faulty rewards (invalid or thrown) listed one by one; the rest are counted in one last issue. */
const REPORTED_REWARDS = 20;

function buildReward(parts: readonly OptimalityPart[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, slices: number, horizon: number, issues: IssueList): Float64Array {
  const nS = states.size;
  const nA = actions.size;
  const reward = new Float64Array(slices * nS * nA);
  let reported = 0;
  const fault = (sv: unknown, av: unknown, t: number, r: unknown) => {
    if (reported++ >= REPORTED_REWARDS) return;
    const at = slices > 1 ? `, t=${t}` : '';
    issues.add(
      r === THREW
        ? { ...thrown!, state: sv, action: av, t: slices > 1 ? t : undefined, message: `optimality: r threw at s=${show(sv)}, a=${show(av)}${at}: ${thrownText}` }
        : {
            code: 'reward-invalid',
            part: 'optimality',
            state: sv,
            action: av,
            t: slices > 1 ? t : undefined, // a stationary reward has no t to report
            message: `optimality: r(s=${show(sv)}, a=${show(av)}${at}) is ${showReturned(r)}; rewards must be finite or −Infinity (a hard constraint)`,
          },
    );
  };
  let thrown: CaiIssue | undefined;
  let thrownText = '';
  const values = new Float64Array(parts.length);
  // Plain loops without per-call closures: this runs S·A (·T) times.
  for (let t = 0; t < slices; t++) {
    for (let s = 0; s < nS; s++) {
      const sv = states.values[s];
      for (let a = 0; a < nA; a++) {
        const av = actions.values[a];
        let count = 0;
        for (const part of parts) {
          let r: unknown;
          try {
            r = part.reward(sv, av, t);
          } catch (error) {
            thrownText = error instanceof Error ? error.message : String(error);
            thrown = { code: 'function-threw', part: 'optimality', message: '', cause: error } as CaiIssue;
            fault(sv, av, t, THREW);
            continue;
          }
          if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) {
            fault(sv, av, t, r);
            continue;
          }
          values[count++] = r;
        }
        reward[(t * nS + s) * nA + a] = sortedSum(values, count);
      }
    }
  }
  if (slices === 1 && horizon > 1) probeTime(parts, states, actions, horizon, issues);
  if (reported > REPORTED_REWARDS) {
    issues.add({
      code: 'reward-invalid',
      part: 'optimality',
      message: `optimality: ${reported - REPORTED_REWARDS} more faulty rewards not listed (${reported} in all)`,
    });
  }
  return reward;
}

/**
 * Σ of the parts' rewards in ascending order, so that the order in which
 * optimality parts were listed cannot change the last bits (floating-point
 * addition is not associative): results are bit-identical across part orders.
 */
function sortedSum(values: Float64Array, count: number): number {
  if (count === 1) return values[0]!;
  const used = values.subarray(0, count).sort();
  let total = 0;
  for (let i = 0; i < count; i++) total += used[i]!;
  return total;
}

/**
 * A reward declared without t (two parameters) that nonetheless changes with
 * t — e.g. `(s, a, t = 0) => …` — would be tabulated at t = 0 only, silently.
 * Probe up to 64 (s, a) pairs at t = 0 and t = T − 1 and refuse if they differ.
 */
function probeTime(parts: readonly OptimalityPart[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, horizon: number, issues: IssueList): void {
  const pairs = states.size * actions.size;
  const stride = Math.max(1, Math.floor(pairs / 64));
  const last = Number.isFinite(horizon) ? horizon - 1 : 1;
  for (const part of parts) {
    for (let k = 0; k < pairs; k += stride) {
      const sv = states.values[Math.floor(k / actions.size)];
      const av = actions.values[k % actions.size];
      let early: number;
      let late: number;
      try {
        early = part.reward(sv, av, 0);
        late = part.reward(sv, av, last);
      } catch {
        continue; // reported by the tabulation itself
      }
      if (early !== late && !(Number.isNaN(early) && Number.isNaN(late))) {
        issues.add({
          code: 'reward-reads-t',
          part: 'optimality',
          state: sv,
          action: av,
          message: `optimality: r(s=${show(sv)}, a=${show(av)}) is ${early} at t=0 but ${late} at t=${last}, yet the reward declares no t parameter, so it would be tabulated at t=0 only; declare it as (s, a, t) => … or pass optimality(r, { timeVarying: true })`,
        });
        return;
      }
    }
  }
}

function buildTerminal(parts: readonly TerminalPart[], states: IndexedDomain<unknown>, issues: IssueList): Float64Array {
  const terminal = new Float64Array(states.size);
  const values = new Float64Array(parts.length);
  for (let s = 0; s < states.size; s++) {
    const sv = states.values[s];
    let count = 0;
    for (const part of parts) {
      const r = guarded(issues, () => ({ part: 'optimality.terminal', state: sv, message: `optimality.terminal: r_T threw at s=${show(sv)}` }), () => part.reward(sv));
      if (r === THREW) continue;
      if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) {
        issues.add({
          code: 'reward-invalid',
          part: 'optimality.terminal',
          state: sv,
          message: `optimality.terminal: r_T(s=${show(sv)}) is ${showReturned(r)}; rewards must be finite or −Infinity (a hard constraint)`,
        });
        continue;
      }
      values[count++] = r;
    }
    terminal[s] = count === 0 ? 0 : sortedSum(values, count);
  }
  return terminal;
}

function buildDynamics(
  transitions: readonly TransitionPart[],
  states: IndexedDomain<unknown>,
  variables: readonly IndexedDomain<unknown>[],
  actions: IndexedDomain<unknown>,
  issues: IssueList,
) {
  const nS = states.size;
  const nA = actions.size;
  const csr = new CsrBuilder(nS * nA, 3);
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
    const add = (index: number, p: number) => entries.push(index, p);
    // Factored: each variable's own factor p(s'_v | s, a), kept for the unrolled view.
    const own = factored ? new CsrBuilder(nS * nA, 2) : undefined;
    return { part, domain, entries, context, threw, add, own };
  });
  const entryLists = rows.map((r) => r.entries);
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
        if (!checkDistribution(issues, dist, row.domain, row.context, row.add)) ok = false;
      }
      if (ok) {
        if (rows.length === 1) {
          const e = rows[0]!.entries;
          for (let k = 0; k < e.length; k++) csr.add(e.index[k]!, e.prob[k]!);
        } else {
          addProduct(csr, entryLists, strides, 0, 0, 1);
          for (const row of rows) for (let k = 0; k < row.entries.length; k++) row.own!.add(row.entries.index[k]!, row.entries.prob[k]!);
        }
      } else if (++faults > 50) throw new CaiError(issues.items);
      csr.endRow();
      for (const row of rows) row.own?.endRow();
    }
  }
  return { joint: csr.finish(), perVariable: factored ? rows.map((r) => r.own!.finish()) : undefined };
}

/** Append Π_v p(s'_v | s, a) over the cartesian product of the variables' successors. */
function addProduct(csr: CsrBuilder, entries: readonly EntryBuffer[], strides: readonly number[], j: number, flat: number, p: number): void {
  if (j === entries.length) return csr.add(flat, p);
  const e = entries[j]!;
  for (let k = 0; k < e.length; k++) addProduct(csr, entries, strides, j + 1, flat + e.index[k]! * strides[j]!, p * e.prob[k]!);
}

export { SUM_TOLERANCE };
