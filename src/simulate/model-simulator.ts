/**
 * The simulator of a model that cannot be tabulated: the model's own
 * functions called along each sampled trajectory, every returned value
 * checked as it is used (the checks compile() would have made up front).
 *
 *   s_0 ~ p(s_0)             initial, per state variable
 *   a_t ~ p(a | s_t)         the action prior (or an engine's proposal)
 *   r(s_t, a_t, t)           summed over the optimality parts
 *   s_{t+1} ~ p(· | s_t, a_t) per variable, from a distribution or a sampler
 */
import { isDistribution } from '../dist/categorical.js';
import type { Rng } from '../dist/rng.js';
import { setField } from '../dist/value-key.js';
import { fail, show, thrownText, type CaiIssue } from '../errors.js';
import { indexDomain, productDomain } from '../compile/domain.js';
import { requireModel } from '../compile/arguments.js';
import { SUM_TOLERANCE, showReturned, showSum } from '../compile/tables.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { ActionPart, Model, OptimalityPart, SimulatedStatePart, StatePart, TerminalPart, TransitionPart } from '../types/model.js';
import type { Simulator, SimulatorGraph } from '../types/simulator.js';
import { draw, type DrawSite } from './draw.js';

/** Beyond this many joint states a finite product domain is not enumerated (membership is still checked per variable). */
const MAX_ENUMERATED_STATES = 2 ** 24;

export type AnyState = StatePart | SimulatedStatePart;

export interface Variable {
  readonly part: AnyState;
  /** The variable's finite domain, or undefined for a simulated state. */
  readonly domain: IndexedDomain<unknown> | undefined;
  readonly transition: TransitionPart;
  /** Mutable message context of this variable's draws (no allocation per step). */
  readonly site: { part: string; state: unknown; action: unknown; t: number | undefined; label: () => string };
}

/**
 * A `SimulatorGraph` for a model whose transition samples or whose state has no domain.
 * `reason` says why it could not be tabulated.
 */
export function simulatorGraph<S, A>(m: Model<S, A>, reason: string): SimulatorGraph<S, A> {
  // Public since engines carry it (Engine.simulate): its arguments are checked like any entry point's.
  requireModel('simulatorGraph()', m);
  if (typeof reason !== 'string') {
    fail({ code: 'argument-invalid', part: 'simulatorGraph()', message: `simulatorGraph(): the reason is ${show(reason)}; expected a string saying why the model has no tables (infer() passes compile()'s)` });
  }
  const parts = m.parts;
  const declared = parts.filter((p): p is AnyState => p.kind === 'state' || p.kind === 'simulated-state');
  const action = parts.find((p): p is ActionPart => p.kind === 'action')!;
  const transitions = parts.filter((p): p is TransitionPart => p.kind === 'transition');
  const rewards = parts.filter((p): p is OptimalityPart => p.kind === 'optimality');
  const terminals = parts.filter((p): p is TerminalPart => p.kind === 'terminal');
  const horizonPart = parts.find((p) => p.kind === 'horizon');
  const discountPart = parts.find((p) => p.kind === 'discount');
  const alpha = parts.find((p) => p.kind === 'temperature')?.alpha ?? 1;
  const factored = declared.length > 1;

  const variables: Variable[] = declared.map((part) => {
    const domain = part.kind === 'state' ? indexDomain(part.name, part.domain) : undefined;
    const transition = factored ? transitions.find((t) => t.variable === part.name)! : transitions[0]!;
    const where = factored ? `transition('${part.name}')` : 'transition';
    const site = {
      part: where,
      state: undefined as unknown,
      action: undefined as unknown,
      t: undefined as number | undefined,
      label: () => `p(·|s=${show(site.state)}, a=${show(site.action)})`,
    };
    return { part, domain, transition, site };
  });
  const states = finiteStates(variables, declared.map((p) => p.name));
  const actions = indexDomain(action.name, action.domain);
  const nA = actions.size;
  const prior = priorOf(action, actions);

  const initialOf = (v: Variable, random: Rng): unknown => {
    const part = v.part;
    const site: DrawSite = { part: part.kind === 'state' ? `state('${part.name}')` : `state.simulated('${part.name}')`, label: () => 'the initial distribution' };
    if (part.initial === undefined) return v.domain!.values[Math.floor(random.next() * v.domain!.size)];
    return draw(part.initial, random, site, v.domain, true);
  };

  const simulator: Simulator<unknown, unknown, unknown> = {
    indexed: false,
    actions,
    nA,
    states,
    horizon: horizonPart?.steps ?? Infinity,
    gamma: discountPart?.gamma ?? 1,
    alpha,
    hasTerminal: terminals.length > 0,
    initial: (random) => {
      if (!factored) return initialOf(variables[0]!, random);
      const record: Record<string, unknown> = {};
      for (const v of variables) setField(record, v.part.name, initialOf(v, random));
      return record;
    },
    prior,
    reward: (s, a, t) => {
      const av = actions.values[a];
      let total = 0;
      for (const part of rewards) {
        let r: number;
        try {
          r = part.reward(s, av, t);
        } catch (error) {
          return threw('optimality', () => `r(s=${show(s)}, a=${show(av)}, t=${t})`, { state: s, action: av, t }, error);
        }
        if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) badReward('optimality', `r(s=${show(s)}, a=${show(av)}, t=${t})`, r, { state: s, action: av, t });
        total += r;
      }
      return total;
    },
    terminal: (s) => terminalReward(terminals, s),
    step: (s, a, random) => {
      const av = actions.values[a];
      if (!factored) return stepVariable(variables[0]!, s, av, random);
      const record: Record<string, unknown> = {};
      for (const v of variables) setField(record, v.part.name, stepVariable(v, s, av, random));
      return record;
    },
    value: (s) => s,
    index: (s) => (states === undefined ? -1 : states.indexOf(s)),
  };
  const layoutPart = declared.find((p): p is StatePart => p.kind === 'state' && p.layout !== undefined);
  // A drawing hint on the whole state: for a factored state cellOf receives the record.
  const layout = layoutPart?.layout;
  return Object.freeze({
    kind: 'simulator' as const,
    actions,
    nA,
    states,
    horizon: simulator.horizon,
    gamma: simulator.gamma,
    alpha,
    layout,
    reason,
    simulator,
  }) as unknown as SimulatorGraph<S, A>;
}

export function stepVariable(v: Variable, s: unknown, av: unknown, random: Rng): unknown {
  v.site.state = s;
  v.site.action = av;
  let source: unknown;
  try {
    source = v.transition.next(s, av);
  } catch (error) {
    const text = thrownText(error);
    fail({ code: 'function-threw', part: v.site.part, state: s, action: av, message: `${v.site.part} threw at s=${show(s)}, a=${show(av)}: ${text}` }, error);
  }
  return draw(source, random, v.site, v.domain);
}

/** Rewards must be finite or −Infinity (a hard constraint); the message names where the value came from. */
/** r_T(s): the sum of the terminal parts' rewards at s, each checked (a throw or a NaN/+∞ names the part and s). */
export function terminalReward(terminals: readonly TerminalPart[], s: unknown): number {
  let total = 0;
  for (const part of terminals) {
    let r: number;
    try {
      r = part.reward(s);
    } catch (error) {
      return threw('optimality.terminal', () => `r_T(s=${show(s)})`, { state: s }, error);
    }
    if (typeof r !== 'number' || Number.isNaN(r) || r === Infinity) badReward('optimality.terminal', `r_T(s=${show(s)})`, r, { state: s });
    total += r;
  }
  return total;
}

export function badReward(part: string, what: string, r: unknown, at: Omit<CaiIssue, 'code' | 'message' | 'part'>): never {
  fail({ ...at, code: 'reward-invalid', part, message: `${part}: ${what} is ${showReturned(r)}; rewards must be finite or −Infinity (a hard constraint)` });
}

export function threw(part: string, what: () => string, at: Omit<CaiIssue, 'code' | 'message' | 'part'>, error: unknown): never {
  const text = thrownText(error);
  fail({ ...at, code: 'function-threw', part, message: `${part}: ${what()} threw: ${text}` }, error);
}

/** The joint finite domain when every variable has one (and it is small enough to list). */
function finiteStates(variables: readonly Variable[], declared: readonly string[]): IndexedDomain<unknown> | undefined {
  if (variables.some((v) => v.domain === undefined)) return undefined;
  const domains = variables.map((v) => v.domain!);
  if (domains.length === 1) return domains[0];
  if (domains.reduce((n, d) => n * d.size, 1) > MAX_ENUMERATED_STATES) return undefined;
  const sorted = [...domains].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return productDomain(sorted, declared) as IndexedDomain<unknown>;
}

/** p(a | s) written into `out`: uniform, one checked constant distribution, or a function of s checked at each call. */
function priorOf(part: ActionPart, actions: IndexedDomain<unknown>): (s: unknown, out: Float64Array) => void {
  const nA = actions.size;
  const where = `action('${part.name}')`;
  if (part.prior === undefined) return (_s, out) => void out.fill(1 / nA);
  const fill = (dist: unknown, s: unknown, out: Float64Array) => {
    const label = typeof part.prior === 'function' ? `the prior p(·|s=${show(s)})` : 'the prior';
    if (!isDistribution(dist)) {
      fail({ code: 'transition-not-distribution', part: where, state: s, message: `${where}: ${label} is ${showReturned(dist)}, not a distribution; return categorical([[action, p], …])` });
    }
    out.fill(0);
    let sum = 0;
    for (let i = 0; i < dist.support.length; i++) {
      const p = dist.probs[i]!;
      const a = actions.indexOf(dist.support[i]);
      if (typeof p !== 'number' || !(p >= 0) || p === Infinity) {
        fail({ code: 'probability-invalid', part: where, state: s, message: `${where}: ${label} gives probability ${show(p)} to ${show(dist.support[i])}; probabilities must be finite and ≥ 0` });
      }
      if (p > 0 && a < 0) {
        fail({ code: 'unknown-action', part: where, state: s, message: `${where}: ${label} gives mass to ${show(dist.support[i])}, which is not in the action domain` });
      }
      if (p > 0) out[a] = out[a]! + p;
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      fail({ code: 'prior-unnormalised', part: where, state: s, message: `${where}: ${label} sums to ${showSum(sum)}; expected 1 ± ${SUM_TOLERANCE} (no silent renormalisation)` });
    }
  };
  if (typeof part.prior !== 'function') {
    const constant = new Float64Array(nA);
    fill(part.prior, undefined, constant);
    return (_s, out) => void out.set(constant);
  }
  const f = part.prior as (s: unknown) => unknown;
  return (s, out) => fill(f(s), s, out);
}
