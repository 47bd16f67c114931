/**
 * A POMDP's belief over time and the belief-dependent policy, along one
 * trajectory: at each decision step t the belief the policy reads,
 * b_t(s) = `post.posteriorBelief(h_t)`, and π_t(a | h_t) = `post.policy(t, h_t)`,
 * as two heat tables side by side (time across). The history h_t (actions and
 * observations so far) labels each column.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { BeliefPosterior, History, ObservedTrajectory } from '../../types/belief.js';
import { stateNamer } from './labels.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireBeliefPosterior } from '../picture-input.js';

/** Options of `beliefSvg`. */
export interface BeliefSvgOptions {
  /** Draw at most this many decision steps (default 16). */
  readonly steps?: number;
  readonly title?: string;
}

const PART = 'beliefSvg';
const name = (v: unknown) => (typeof v === 'string' ? v : show(v));

/** The history before decision t of a trajectory. */
export function historyAt<S, A, O>(trajectory: ObservedTrajectory<S, A, O>, t: number): History<A, O> {
  return { actions: trajectory.actions.slice(0, t), observations: trajectory.observations.slice(0, t), ...(trajectory.initial !== undefined ? { initial: trajectory.initial } : {}) };
}

/**
 * @example
 * const svg = await beliefSvg(post, post.mostProbable());
 */
export async function beliefSvg<S, A, O>(post: BeliefPosterior<S, A, O>, trajectory: ObservedTrajectory<S, A, O>, options: BeliefSvgOptions = {}): Promise<string> {
  requireBeliefPosterior('beliefSvg', post, 'the belief p(s_t | history) along a trajectory');
  const max = options.steps ?? 16;
  if (!Number.isInteger(max) || max < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: steps must be a positive integer, got ${show(max)}` });
  const given = trajectory as unknown as { actions?: unknown; observations?: unknown } | null;
  if (typeof given !== 'object' || given === null || !Array.isArray(given.actions) || !Array.isArray(given.observations)) {
    fail({ code: 'argument-invalid', part: PART, message: `${PART}: trajectory is ${show(trajectory)}; expected an observed trajectory { actions, observations } — it draws the belief along it. Pass post.sample(1, { seed })[0] of the belief posterior` });
  }
  const states = post.graph.states.values;
  const namer = stateNamer(states);
  const beliefRows: { t: number; when: string; state: string; full: string; b: number }[] = [];
  const policyRows: { t: number; when: string; action: string; p: number }[] = [];
  // Each column is named by t and what was heard just before it, e.g. "2 hear-left".
  const whenOf = (t: number) => (t === 0 ? (trajectory.initial !== undefined ? `0 ${name(trajectory.initial)}` : '0') : `${t} ${name(trajectory.observations[t - 1])}`);
  const order: string[] = [];
  const steps = Math.min(trajectory.actions.length, max);
  for (let t = 0; t < steps; t++) {
    const h = historyAt(trajectory, t);
    const when = whenOf(t);
    order.push(when);
    const b = post.posteriorBelief(h);
    states.forEach((s, i) => beliefRows.push({ t, when, state: namer(s).short, full: namer(s).full, b: b[i]! }));
    const pi = post.policy(t, h);
    pi.support.forEach((a, i) => policyRows.push({ t, when, action: name(a), p: pi.probs[i]! }));
  }
  const x = { field: 'when', type: 'ordinal' as const, title: 't and what was heard before it', sort: order, axis: { labelAngle: -40 } };
  const heat = (title: string) => ({ scale: { domain: [0, 1], scheme: 'blues' }, title });
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    config: BASE_CONFIG,
    hconcat: [
      {
        data: { values: beliefRows },
        width: Math.max(120, 22 * steps),
        height: { step: 18 },
        mark: 'rect',
        encoding: { x, y: { field: 'state', type: 'nominal', title: 'belief b_t(s)', sort: null }, color: { field: 'b', type: 'quantitative', ...heat('probability') }, tooltip: [{ field: 't' }, { field: 'full', title: 'state' }, { field: 'b', type: 'quantitative', format: '.12~g' }] },
      },
      {
        data: { values: policyRows },
        width: Math.max(120, 22 * steps),
        height: { step: 18 },
        mark: 'rect',
        encoding: { x, y: { field: 'action', type: 'nominal', title: 'policy π_t(a | h_t)', sort: null }, color: { field: 'p', type: 'quantitative', ...heat('probability') }, tooltip: [{ field: 't' }, { field: 'action' }, { field: 'p', type: 'quantitative', format: '.12~g' }] },
      },
    ],
  };
  return renderVegaLite(spec);
}

/** Options of `beliefPolicySvg`. */
export interface BeliefPolicySvgOptions {
  /** Decision steps drawn, one panel each (default: the first, middle and last step; t = 0 on an infinite horizon). */
  readonly times?: readonly number[];
  /** Beliefs evaluated per panel, evenly spaced in [0, 1] (default 51). */
  readonly points?: number;
  readonly title?: string;
}

const POLICY_PART = 'beliefPolicySvg';

/**
 * The belief-dependent policy of a two-state POMDP: π_t(a | b) for every action as b = p(s = first state)
 * runs over [0, 1] (the whole belief simplex of two states), one panel per t.
 * @example const svg = await beliefPolicySvg(post, { times: [0, 3] });
 */
export async function beliefPolicySvg<S, A, O>(post: BeliefPosterior<S, A, O>, options: BeliefPolicySvgOptions = {}): Promise<string> {
  requireBeliefPosterior('beliefPolicySvg', post, 'π_t(a | b) against the belief b of a two-state POMDP');
  const states = post.graph.states.values;
  if (states.length !== 2) fail({ code: 'option-invalid', part: POLICY_PART, message: `${POLICY_PART}: the model has ${states.length} states; expected 2 (a belief is then one number). For more states draw beliefSvg(post, trajectory), the policy along a trajectory` });
  const T = post.horizon;
  const times = options.times ?? (Number.isFinite(T) ? [...new Set([0, Math.floor((T - 1) / 2), T - 1])] : [0]);
  for (const t of times) if (!Number.isInteger(t) || t < 0 || (Number.isFinite(T) && t >= T)) fail({ code: 'option-invalid', part: POLICY_PART, message: `${POLICY_PART}: time ${show(t)} is not a decision step; expected an integer in 0 … ${Number.isFinite(T) ? T - 1 : '∞'}` });
  const n = options.points ?? 51;
  if (!Number.isInteger(n) || n < 2) fail({ code: 'option-invalid', part: POLICY_PART, message: `${POLICY_PART}: points must be an integer ≥ 2, got ${show(n)}` });
  const first = name(states[0]);
  const rows: { t: number; b: number; action: string; p: number }[] = [];
  for (const t of times) {
    for (let k = 0; k < n; k++) {
      const b = k / (n - 1);
      const pi = post.policy(t, new Float64Array([b, 1 - b]));
      pi.support.forEach((a, i) => rows.push({ t, b, action: name(a), p: pi.probs[i]! }));
    }
  }
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    config: BASE_CONFIG,
    data: { values: rows },
    facet: { field: 't', type: 'ordinal', header: { labelExpr: "'t = ' + datum.value", title: null } },
    columns: 3,
    spec: {
      width: 200,
      height: 140,
      mark: { type: 'line', point: { size: 12 }, strokeWidth: 2 },
      encoding: {
        x: { field: 'b', type: 'quantitative', title: `belief b(${first})`, scale: { domain: [0, 1] } },
        y: { field: 'p', type: 'quantitative', title: 'π_t(a | b)', scale: { domain: [0, 1] } },
        color: { field: 'action', type: 'nominal', title: 'action' },
        tooltip: [{ field: 't', type: 'ordinal' }, { field: 'b', type: 'quantitative', title: 'b', format: '.12~g' }, { field: 'action', type: 'nominal' }, { field: 'p', type: 'quantitative', title: 'π', format: '.12~g' }],
      },
    },
  };
  return renderVegaLite(spec);
}
