/** Histories and beliefs given by the user, checked and turned into indices. */
import { isDistribution } from '../../../dist/categorical.js';
import { fail, show } from '../../../errors.js';
import type { Belief, History } from '../../../types/belief.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';

/** A history as indices: actions, observations o_1 … o_t, and o_0 (−1 when s_0 is not observed). */
export interface IndexedHistory {
  readonly actions: readonly number[];
  readonly observations: readonly number[];
  readonly initial: number;
}

/** Is `x` a history (rather than a belief)? */
export function isHistory(x: unknown): x is History<unknown, unknown> {
  return typeof x === 'object' && x !== null && !(x instanceof Float64Array) && !isDistribution(x) && 'actions' in x;
}

/** Check a history and index it; `t`, when given, must equal its length. */
export function indexHistory(graph: FactorGraph<unknown, unknown>, z: ObservationTables, query: string, h: History<unknown, unknown>, t?: number): IndexedHistory {
  const bad = (what: string): never => fail({ code: 'history-invalid', part: query, message: `${query}: ${what}` });
  if (!Array.isArray(h.actions) || !Array.isArray(h.observations)) bad(`a history is { actions: [...], observations: [...] }, got ${show(h)}`);
  if (h.actions.length !== h.observations.length) {
    bad(`the history has ${h.actions.length} actions but ${h.observations.length} observations; observations[k] is what was seen after actions[k]`);
  }
  if (t !== undefined && h.actions.length !== t) bad(`a history at t = ${t} lists the ${t} actions taken before t (and what was seen after each), got ${h.actions.length}`);
  const actions = h.actions.map((a, k) => {
    const i = graph.actions.indexOf(a);
    if (i < 0) bad(`actions[${k}] = ${show(a)} is not an action of the model`);
    return i;
  });
  const observations = h.observations.map((o, k) => {
    const i = z.values.indexOf(o);
    if (i < 0) bad(`observations[${k}] = ${show(o)} is never emitted by the observation model`);
    return i;
  });
  let initial = -1;
  if (z.initial !== undefined) {
    if (h.initial === undefined) bad('the model observes s_0; give the history\'s initial observation as { initial: o_0, … }');
    initial = z.values.indexOf(h.initial);
    if (initial < 0) bad(`initial = ${show(h.initial)} is never emitted by the observation model`);
  } else if (h.initial !== undefined) bad('the model does not observe s_0 (observation(...) has no initial); leave initial out');
  return { actions, observations, initial };
}

/** A belief given as a Float64Array over the states or a distribution over state values, checked. */
export function toBelief(graph: FactorGraph<unknown, unknown>, query: string, b: unknown): Belief {
  const bad = (what: string): never => fail({ code: 'history-invalid', part: query, message: `${query}: ${what}` });
  let out: Float64Array;
  if (b instanceof Float64Array) {
    if (b.length !== graph.nS) bad(`a belief has one probability per state (${graph.nS}), got ${b.length}`);
    out = b.slice();
  } else if (isDistribution(b)) {
    out = new Float64Array(graph.nS);
    b.support.forEach((s, k) => {
      const i = graph.states.indexOf(s);
      if (i < 0) bad(`the belief gives mass to ${show(s)}, which is not a state of the model`);
      out[i] = out[i]! + b.probs[k]!;
    });
  } else return bad(`expected a history { actions, observations }, a Float64Array belief or a distribution over states, got ${show(b)}`);
  let sum = 0;
  for (const p of out) {
    if (!(p >= 0) || p === Infinity) bad(`a belief's probabilities must be finite and ≥ 0, got ${show(p)}`);
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-9) bad(`the belief sums to ${show(sum)}; expected 1 ± 1e-9`);
  return out;
}

/** Check t against the horizon. */
export function checkTime(query: string, t: number, horizon: number): void {
  if (!Number.isInteger(t) || t < 0 || t > horizon - 1) {
    const range = Number.isFinite(horizon) ? `0 … ${horizon - 1}` : 'a non-negative integer';
    fail({ code: 'time-out-of-range', part: query, t, message: `${query}: t = ${show(t)} is outside the horizon; expected ${range}` });
  }
}
