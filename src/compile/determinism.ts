/**
 * Probes of what tabulation takes for granted: that the model's functions are
 * pure, and that a reward declared without `t` does not read it.
 *
 * compile() calls each transition, prior and reward once per (s, a) and keeps
 * the result; a function that calls Math.random is silently frozen into one
 * draw, and a reward `(s, a, t = 0) => …` into its value at t = 0. Neither can
 * be proved absent by calling a function, only caught when it shows: so these
 * probes call a sample of (s, a) pairs again and compare, and every message
 * says how much was probed — what the check cannot see.
 */
import { isDistribution, type Distribution } from '../dist/categorical.js';
import { keyOf } from '../dist/value-key.js';
import { IssueList, show } from '../errors.js';
import type { IndexedDomain } from '../types/factor-graph.js';
import type { ActionPart, OptimalityPart, TransitionPart } from '../types/model.js';

/** At most this many (s, a) pairs are probed per function, spread evenly over the table. */
export const PROBED_PAIRS = 64;
/** A short horizon (T ≤ this) is probed at every t; a longer one at a few times (1, 2, 3, T/2, T − 1). */
export const PROBED_ALL_TIMES = 32;

/** The (s, a) pairs probed and how many calls each gets: small tables are called more often. */
function probePlan(nS: number, nA: number): { pairs: number[]; calls: number } {
  const total = nS * nA;
  const stride = Math.max(1, Math.floor(total / PROBED_PAIRS));
  const pairs: number[] = [];
  for (let k = 0; k < total && pairs.length < PROBED_PAIRS; k += stride) pairs.push(k);
  // 2 to 16 calls per pair, ≥ 64 in all once the table has 4 pairs: a function that flips a fair
  // coin at every probed pair then escapes with probability ≤ 2^-60.
  const calls = Math.min(16, Math.max(2, Math.ceil(PROBED_PAIRS / pairs.length)));
  return { pairs, calls };
}

function coverage(plan: { pairs: number[]; calls: number }, total: number): string {
  return `the check called ${plan.pairs.length} of ${total} (s, a) pairs ${plan.calls} times each; randomness that shows only elsewhere or rarely goes unseen`;
}

/** A canonical text of a distribution or a number returned by user code. */
function fingerprint(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  const entries = (value as Distribution<unknown>).support.map((v, i) => `${keyOf(v)}=${(value as Distribution<unknown>).probs[i]}`);
  return entries.sort().join('|');
}

/**
 * Two results equal entry by entry in the same order — the usual case, a pure function listing the
 * same pairs again — checked before the fingerprints (which format and sort every entry: 40 ms of
 * Jack's car rental's compile). A value of the domain is compared by its index (the domain compares
 * by content exactly as keyOf does), anything else by keyOf; equal in order implies equal
 * fingerprints, and anything else is left to them.
 */
function sameInOrder(a: unknown, b: unknown, indexOf: (value: unknown) => number): boolean {
  if (!isDistribution(a) || !isDistribution(b) || a.support.length !== b.support.length) return false;
  for (let i = 0; i < a.support.length; i++) {
    const x = a.support[i];
    const at = indexOf(x);
    if (a.probs[i] !== b.probs[i] || (at < 0 ? keyOf(x) !== keyOf(b.support[i]) : at !== indexOf(b.support[i]))) return false;
  }
  return true;
}

/** Call `f` `calls` times; the first two results that differ, if any (throws and non-comparable values are left to the tabulation). */
function differs(f: () => unknown, calls: number, indexOf: (value: unknown) => number = () => -1): [unknown, unknown] | undefined {
  let first: unknown;
  let firstKey: string | undefined;
  for (let i = 0; i < calls; i++) {
    let value: unknown;
    try {
      value = f();
    } catch {
      return undefined;
    }
    if (typeof value !== 'number' && !isDistribution(value)) return undefined;
    if (i === 0) first = value;
    else if (!sameInOrder(first, value, indexOf) && fingerprint(value) !== (firstKey ??= fingerprint(first))) return [first, value];
  }
  return undefined;
}

const PURE_FIX = 'the model must be a pure function: compile() tabulates one call, so a Math.random draw would be frozen silently';

function showResult(x: unknown): string {
  if (typeof x === 'number') return show(x);
  if (isDistribution(x)) return `{${x.support.map((v, i) => `${show(v)}: ${x.probs[i]}`).join(', ')}}`;
  return show(x);
}

/** Transitions and a prior given as a function: called again on a sample of (s, a) pairs. */
export function probeTransitions(transitions: readonly TransitionPart[], prior: ActionPart, states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, issues: IssueList): void {
  const plan = probePlan(states.size, actions.size);
  for (const part of transitions) {
    const where = part.variable === undefined ? 'transition' : `transition('${part.variable}')`;
    for (const k of plan.pairs) {
      const sv = states.values[Math.floor(k / actions.size)];
      const av = actions.values[k % actions.size];
      const pair = differs(() => part.next(sv, av), plan.calls, part.variable === undefined ? states.indexOf : undefined);
      if (pair === undefined) continue;
      issues.add({
        code: 'non-deterministic',
        part: where,
        state: sv,
        action: av,
        message: `${where}: called again at s=${show(sv)}, a=${show(av)} it returned ${showResult(pair[1])} after ${showResult(pair[0])}; ${PURE_FIX}. List the outcomes with categorical([[value, p], …]) (or return sampler((random) => …) and use an engine that simulates). Note: ${coverage(plan, states.size * actions.size)}`,
      });
      break;
    }
  }
  if (typeof prior.prior !== 'function') return;
  const f = prior.prior as (s: unknown) => unknown;
  const where = `action('${prior.name}')`;
  const stride = Math.max(1, Math.floor(states.size / PROBED_PAIRS));
  const calls = Math.min(16, Math.max(2, Math.ceil(PROBED_PAIRS / Math.ceil(states.size / stride))));
  for (let s = 0; s < states.size; s += stride) {
    const sv = states.values[s];
    const pair = differs(() => f(sv), calls);
    if (pair === undefined) continue;
    issues.add({
      code: 'non-deterministic',
      part: where,
      state: sv,
      message: `${where}: the prior called again at s=${show(sv)} returned ${showResult(pair[1])} after ${showResult(pair[0])}; ${PURE_FIX}. Give the probabilities with categorical([[action, p], …]). Note: the check called ${Math.min(states.size, Math.ceil(states.size / stride))} of ${states.size} states ${calls} times each; randomness that shows only elsewhere or rarely goes unseen`,
    });
    return;
  }
}

/** The times a stationary reward is probed at, besides t = 0. */
function probeTimes(horizon: number): number[] {
  if (Number.isFinite(horizon) && horizon <= PROBED_ALL_TIMES) return Array.from({ length: horizon - 1 }, (_, i) => i + 1);
  const last = Number.isFinite(horizon) ? horizon - 1 : 1000;
  return [...new Set([1, 2, 3, Math.floor(last / 2), last])].filter((t) => t > 0 && t <= last);
}

/**
 * Every reward part: called again at t = 0 (a different number is randomness,
 * not time) and, when `stationary` (no part reads t, so one slice is kept), at
 * later times — every t when the horizon is short.
 */
export function probeRewards(parts: readonly OptimalityPart[], states: IndexedDomain<unknown>, actions: IndexedDomain<unknown>, horizon: number, stationary: boolean, issues: IssueList): void {
  const plan = probePlan(states.size, actions.size);
  const times = stationary && horizon > 1 ? probeTimes(horizon) : [];
  for (const part of parts) {
    let random = false;
    for (const k of plan.pairs) {
      const sv = states.values[Math.floor(k / actions.size)];
      const av = actions.values[k % actions.size];
      const pair = differs(() => part.reward(sv, av, 0), plan.calls);
      if (pair === undefined) continue;
      issues.add({
        code: 'non-deterministic',
        part: 'optimality',
        state: sv,
        action: av,
        message: `optimality: r(s=${show(sv)}, a=${show(av)}, t=0) is ${showResult(pair[0])}, then ${showResult(pair[1])} when called again; ${PURE_FIX}. Make the reward a function of (s, a, t) only. Note: ${coverage(plan, states.size * actions.size)}`,
      });
      random = true;
      break;
    }
    // A random reward would also "change with t"; it has its own message above.
    if (random || part.timeVarying === true) continue;
    timeProbe: for (const k of plan.pairs) {
      const sv = states.values[Math.floor(k / actions.size)];
      const av = actions.values[k % actions.size];
      let early: unknown;
      try {
        early = part.reward(sv, av, 0);
      } catch {
        continue; // reported by the tabulation itself
      }
      if (typeof early !== 'number') continue;
      for (const t of times) {
        let late: unknown;
        try {
          late = part.reward(sv, av, t);
        } catch {
          continue;
        }
        if (typeof late !== 'number' || Object.is(early, late) || early === late) continue;
        issues.add({
          code: 'reward-reads-t',
          part: 'optimality',
          state: sv,
          action: av,
          message: `optimality: r(s=${show(sv)}, a=${show(av)}) is ${early} at t=0 but ${late} at t=${t}, yet the reward declares no t parameter, so it would be tabulated at t=0 only; declare it as (s, a, t) => … or pass optimality(r, { timeVarying: true })`,
        });
        break timeProbe;
      }
    }
  }
}
