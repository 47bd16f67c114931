/**
 * Demonstrations: trajectories of `{ state, action }` steps, decision t = 0,
 * 1, … (step t is s_t and the action a_t taken in it). As JSON:
 *
 *   { "demonstrations": [ [ { "state": …, "action": … }, … ], … ] }
 *
 * States and actions are the model's own values (numbers, strings, records),
 * compared by content. Checked against a model before use: every state and
 * action must be known, each step must be one the model can produce
 * (p(s_0) > 0, p(a|s) > 0, p(s_{t+1}|s_t,a_t) > 0), and no demonstration may
 * be longer than the horizon. Faults name the demonstration and the step.
 */
import { argumentError, fail, IssueList, requireArray, show } from '../errors.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Trajectory } from '../types/posterior.js';

/** One decision of a demonstration: the state s_t and the action a_t taken in it. */
export interface DemonstrationStep<S, A> {
  readonly state: S;
  readonly action: A;
}

/** A demonstration: steps t = 0, 1, … (at most the horizon T). */
export type Demonstration<S, A> = readonly DemonstrationStep<S, A>[];

/** The JSON file format. */
export interface DemonstrationsFile<S = unknown, A = unknown> {
  readonly demonstrations: readonly Demonstration<S, A>[];
}

/** Faults listed one by one before the rest are only counted. */
const REPORTED = 20;

/**
 * Demonstrations from JSON text, or an already parsed object
 * `{ demonstrations: [...] }` (or the bare array). The shape is checked here;
 * `inferReward` checks them against the model. This entry reads no files, so it
 * runs in a browser; to read a file, `loadDemonstrations` from
 * `control-as-inference/node` takes a path too.
 * @example const demos = loadDemonstrations<Cell, Move>(await (await fetch('demos.json')).text());
 */
export function loadDemonstrations<S = unknown, A = unknown>(source: string | DemonstrationsFile<S, A> | readonly Demonstration<S, A>[]): Demonstration<S, A>[] {
  return parseDemonstrations(source);
}

/**
 * loadDemonstrations with an optional file reader: a string that is not JSON text
 * is a path when `readText` is given (the Node entry), an error otherwise.
 */
export function parseDemonstrations<S, A>(source: string | DemonstrationsFile<S, A> | readonly Demonstration<S, A>[], readText?: (path: string) => string): Demonstration<S, A>[] {
  let data: unknown = source;
  if (typeof source === 'string') {
    // JSON text starts with { or [ and ends with } or ] (or, cut short, holds a quote, colon or line break);
    // a path such as '[run 1]/demos.json' is read as a file.
    const trimmed = source.replace(/^\uFEFF/, '').trim();
    const looksLikeJson = /^[[{]/.test(trimmed) && (/[\]}]$/.test(trimmed) || /["\n:]/.test(trimmed));
    // A byte-order mark (as some editors save UTF-8) is not JSON; strip it.
    const text = (looksLikeJson ? source : readText !== undefined ? readText(source) : notText(source)).replace(/^\uFEFF/, '');
    try {
      data = JSON.parse(text);
    } catch (error) {
      fail({ code: 'demonstration-invalid', part: 'loadDemonstrations', message: `loadDemonstrations: the JSON does not parse (${error instanceof Error ? error.message : String(error)}); expected { "demonstrations": [[{ "state": …, "action": … }, …], …] }` }, error);
    }
  }
  const list = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? (data as { demonstrations?: unknown }).demonstrations : undefined;
  if (!Array.isArray(list)) {
    fail({ code: 'demonstration-invalid', part: 'loadDemonstrations', message: 'loadDemonstrations: expected { "demonstrations": [[{ "state": …, "action": … }, …], …] } or an array of demonstrations' });
  }
  checkShape(list);
  return list as Demonstration<S, A>[];
}

/** A string that is neither JSON text nor readable here (no file system in the browser-safe entry). */
function notText(source: string): never {
  fail({
    code: 'demonstration-invalid',
    part: 'loadDemonstrations',
    message: `loadDemonstrations: ${show(source.length > 60 ? `${source.slice(0, 57)}...` : source)} is not JSON text; expected { "demonstrations": [[{ "state": …, "action": … }, …], …] }. To read a file, import { loadDemonstrations } from 'control-as-inference/node'`,
  });
}

/** The JSON text of demonstrations, in the format `loadDemonstrations` reads. */
export function demonstrationsJSON<S, A>(demonstrations: readonly Demonstration<S, A>[]): string {
  requireArray('demonstrationsJSON', 'an array of demonstrations', demonstrations);
  checkShape(demonstrations);
  const lines = demonstrations.map((d) => `    ${JSON.stringify(d.map((step) => ({ state: step.state, action: step.action })))}`);
  return `{\n  "demonstrations": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

/**
 * Demonstrations from trajectories (e.g. `posterior.sample(n, { seed })`): step t is
 * (states[t], actions[t]); a terminal state after the last action is dropped.
 */
export function demonstrationsFrom<S, A>(trajectories: readonly Trajectory<S, A>[]): Demonstration<S, A>[] {
  requireArray('demonstrationsFrom', 'trajectories (e.g. post.sample(n, { seed }))', trajectories);
  for (const τ of trajectories) if (typeof τ !== 'object' || τ === null || !Array.isArray(τ.actions) || !Array.isArray(τ.states)) argumentError('demonstrationsFrom', 'each trajectory { states, actions }', τ);
  return trajectories.map((τ) => τ.actions.map((action, t) => ({ state: τ.states[t]!, action })));
}

/** Every demonstration a non-empty array of `{ state, action }` objects. */
export function checkShape(list: readonly unknown[]): void {
  const issues = new IssueList();
  if (list.length === 0) {
    fail({ code: 'demonstration-invalid', part: 'irl', message: 'irl: no demonstrations; give at least one trajectory of { state, action } steps' });
  }
  list.forEach((d, i) => {
    if (issues.size >= REPORTED) return;
    if (!Array.isArray(d) || d.length === 0) {
      issues.add({ code: 'demonstration-invalid', part: 'irl', message: `irl: demonstration ${i} is ${Array.isArray(d) ? 'empty' : show(d)}; expected a non-empty array of { state, action } steps` });
      return;
    }
    d.forEach((step: unknown, t: number) => {
      if (issues.size >= REPORTED) return;
      if (typeof step !== 'object' || step === null || !('state' in step) || !('action' in step)) {
        issues.add({ code: 'demonstration-invalid', part: 'irl', t, message: `irl: demonstration ${i}, step ${t} is ${show(step)}; expected { state, action }` });
      }
    });
  });
  issues.throwIfAny();
}

/** Demonstrations as indices into a graph, flattened: demonstration i is steps start[i] … start[i+1]−1. */
export interface IndexedDemonstrations {
  readonly count: number;
  readonly start: Int32Array;
  readonly state: Int32Array;
  readonly action: Int32Array;
  /** CSR entry of p(s_{t+1} | s_t, a_t) for each step, −1 for the last step of a demonstration. */
  readonly entry: Int32Array;
}

/**
 * Check demonstrations against a tabulated model and index them. Every fault
 * is collected (up to 20 listed) and thrown as one `demonstration-invalid` error.
 */
export function indexDemonstrations<S, A>(graph: FactorGraph<S, A>, demonstrations: readonly Demonstration<S, A>[]): IndexedDemonstrations {
  checkShape(demonstrations);
  const { nA, horizon: T } = graph;
  const { rowStart, next } = graph.dynamics;
  const total = demonstrations.reduce((n, d) => n + d.length, 0);
  const start = new Int32Array(demonstrations.length + 1);
  const state = new Int32Array(total);
  const action = new Int32Array(total);
  const entry = new Int32Array(total).fill(-1);
  const issues = new IssueList();
  let faults = 0;
  const add = (i: number, t: number, what: string, extra: { state?: unknown; action?: unknown } = {}) => {
    if (faults++ < REPORTED) issues.add({ code: 'demonstration-invalid', part: 'irl', t, ...extra, message: `irl: demonstration ${i}, step ${t}: ${what}` });
  };
  let at = 0;
  demonstrations.forEach((d, i) => {
    start[i] = at;
    if (d.length > T) add(i, T, `the demonstration has ${d.length} steps, more than the horizon T = ${T}; shorten it or raise horizon(T)`);
    d.forEach((step, t) => {
      const s = graph.states.indexOf(step.state);
      const a = graph.actions.indexOf(step.action);
      state[at + t] = s;
      action[at + t] = a;
      if (s < 0) add(i, t, `state ${show(step.state)} is not a state of the model`, { state: step.state });
      if (a < 0) add(i, t, `action ${show(step.action)} is not an action of the model`, { action: step.action });
      if (s < 0 || a < 0) return;
      if (t === 0 && !(graph.initial[s]! > 0)) add(i, t, `the demonstration starts at s=${show(step.state)}, which has p(s_0) = 0 under the model's initial distribution`, { state: step.state });
      if (!(graph.prior[s * nA + a]! > 0)) add(i, t, `a=${show(step.action)} has prior probability 0 at s=${show(step.state)}`, { state: step.state, action: step.action });
    });
    for (let t = 0; t + 1 < d.length; t++) {
      const s = state[at + t]!;
      const a = action[at + t]!;
      const s2 = state[at + t + 1]!;
      if (s < 0 || a < 0 || s2 < 0) continue;
      const row = s * nA + a;
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) if (next[k] === s2) entry[at + t] = k;
      if (entry[at + t]! < 0) {
        add(i, t, `s=${show(d[t]!.state)} → s′=${show(d[t + 1]!.state)} under a=${show(d[t]!.action)} has probability 0 under the model's dynamics; check the demonstration or the transition`, {
          state: d[t]!.state,
          action: d[t]!.action,
        });
      }
    }
    at += d.length;
  });
  start[demonstrations.length] = at;
  if (faults > REPORTED) issues.add({ code: 'demonstration-invalid', part: 'irl', message: `irl: ${faults - REPORTED} more faulty demonstration steps not listed (${faults} in all)` });
  issues.throwIfAny();
  return { count: demonstrations.length, start, state, action, entry };
}
