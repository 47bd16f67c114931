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
import { unhandled } from '../dsl/exhaustive.js';
import { CaiError, fail, IssueList } from '../errors.js';
import type { FactorGraph, IndexedDomain } from '../types/factor-graph.js';
import type { ActionPart, GridLayout, Model, ObservationPart, OptimalityPart, Part, StatePart, TerminalPart, TransitionPart } from '../types/model.js';
import { indexDomain, productDomain } from './domain.js';
import { requireModel } from './arguments.js';
import { probeTransitions } from './determinism.js';
import { buildDynamics } from './dynamics.js';
import { CsrBuilder } from './tables.js';
import { needsSimulator } from './needs-simulator.js';
import { refuseContinuousAction } from './continuous-refusal.js';
import { buildInitial, buildPrior } from './initial-prior.js';
import { checkAccumulation } from './overflow.js';
import { checkMemory, RECORD_BYTES, SLOT_BYTES } from './memory.js';
import { buildReward, buildTerminal } from './rewards.js';
import { attachViews } from './views.js';

/** Above this many (state, action) pairs the tables are refused before anything is allocated. */
export const MAX_TABLE_ENTRIES = 2 ** 26;

interface Sorted {
  states: StatePart[];
  simulated: string[];
  action: ActionPart;
  transitions: TransitionPart[];
  rewards: OptimalityPart[];
  terminals: TerminalPart[];
  alpha: number;
  horizon: number | undefined;
  gamma: number | undefined;
  observation: ObservationPart | undefined;
}

function sortParts(parts: readonly Part[]): Sorted {
  const sorted: Sorted = {
    states: [],
    simulated: [],
    action: undefined as unknown as ActionPart,
    transitions: [],
    rewards: [],
    terminals: [],
    alpha: 1,
    horizon: undefined,
    gamma: undefined,
    observation: undefined,
  };
  for (const part of parts) {
    // Exhaustive: a new kind of part fails to build here until it is handled (exhaustive.ts).
    switch (part.kind) {
      case 'state': sorted.states.push(part); break;
      case 'simulated-state': sorted.simulated.push(part.name); break;
      case 'action': sorted.action = part; break;
      case 'continuous-action': refuseContinuousAction(part.name, 'compile()'); break;
      case 'transition': sorted.transitions.push(part); break;
      case 'optimality': sorted.rewards.push(part); break;
      case 'terminal': sorted.terminals.push(part); break;
      case 'temperature': sorted.alpha = part.alpha; break;
      case 'horizon': sorted.horizon = part.steps; break;
      case 'discount': sorted.gamma = part.gamma; break;
      case 'observation': sorted.observation = part; break;
      default: unhandled(part);
    }
  }
  return sorted;
}

/**
 * Tabulate a model into a factor graph. Throws one `CaiError` listing every
 * fault found (rows that do not sum to 1, unknown successors, NaN rewards …).
 * @example const graph = compile(gridworld); graph.dynamics.nnz; graph.toDot();
 */
export function compile<S, A>(m: Model<S, A>): FactorGraph<S, A> {
  requireModel('compile()', m);
  const p = sortParts(m.parts);
  if (p.simulated.length > 0) needsSimulator(`state.simulated('${p.simulated[0]}') has no finite domain`);
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
  checkCompileMemory(variables.reduce((n, v) => n * v.size, 1), actions.size, timeVarying ? T : 1, factored);
  const states = (factored ? productDomain(variables, declared) : variables[0]!) as IndexedDomain<unknown>;
  const nS = states.size;
  const nA = actions.size;

  const issues = new IssueList();
  const csr = new CsrBuilder(nS * nA, 3);
  const initial = buildInitial(p.states, variables, issues);
  const prior = buildPrior(p.action, states, actions, issues);
  const reward = buildReward(p.rewards, states, actions, timeVarying ? T : 1, T, issues);
  const terminal = p.terminals.length > 0 ? buildTerminal(p.terminals, states, issues) : undefined;
  if (issues.size === 0) checkAccumulation(reward, terminal, states, actions, timeVarying ? T : 1, T, p.gamma ?? 1, issues);
  let built: ReturnType<typeof buildDynamics>;
  try {
    built = buildDynamics(p.transitions, states, variables, actions, issues, csr);
  } catch (error) {
    // A sampler transition: the other tables' faults are still worth reporting first.
    if (error instanceof CaiError && error.code === 'needs-simulator') issues.throwIfAny();
    throw error;
  }
  if (issues.size === 0) probeTransitions(p.transitions, p.action, states, actions, issues);
  issues.throwIfAny();
  // The observation part's own compile stage: its tables and the kernel that solves them (engines/exact/kernel.ts).
  const structure = p.observation === undefined ? undefined : p.observation.compile(p.observation, states, actions, issues);
  const observation = structure?.tables;
  issues.throwIfAny();
  const { joint: dynamics, perVariable } = built;

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
    // A layout is a drawing hint on the whole state: for a factored state its cellOf receives the record.
    layout: layout as GridLayout<unknown> | undefined,
    ...(observation !== undefined ? { observation, kernel: structure!.kernel } : {}),
    rewardAt: timeVarying
      ? (t: number) => reward.subarray(t * nS * nA, (t + 1) * nS * nA)
      : () => reward,
  });
  return graph as FactorGraph<S, A>;
}

/**
 * A lower bound of what compile holds: a record per state of a factored model, and per (s, a)
 * the prior, the reward slices and at least one CSR entry (successor, probability, row start).
 */
function checkCompileMemory(nS: number, nA: number, rewardSlices: number, factored: boolean): void {
  const bytes = nS * (8 + (factored ? RECORD_BYTES + SLOT_BYTES : 0)) + nS * nA * (8 + 8 * rewardSlices + 12 + 4);
  checkMemory('compile()', bytes, `tabulating ${nS} states × ${nA} actions${factored ? ' (a record per state)' : ''}${rewardSlices > 1 ? ` × ${rewardSlices} reward steps` : ''}`, 'factor the model more coarsely, or use a sampling engine (importance(), variational({ gradient: \'score-function\' })) on a model with sampler transitions');
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

