/**
 * The belief section of `cai run` and `cai report` for a POMDP: along one
 * trajectory (the most probable, or a sample where there is no mode), the
 * history the agent had at each t, the belief its policy read, and the policy.
 * Coordinate-free: beliefs and policies are listed as value–probability pairs,
 * whatever the states are.
 */
import { show } from '../errors.js';
import type { BeliefPosterior, History, ObservedTrajectory } from '../types/belief.js';
import { isCaiError } from './cai-error.js';
import { escapeXml as esc } from '../viz/svg/grid.js';

/** One decision step of the section. */
export interface BeliefStep {
  readonly t: number;
  /** The last action and what was seen after it ('' at t = 0), e.g. `'listen' → 'hear-left'`. */
  readonly heard: string;
  /** The belief the policy reads, largest first: [value, probability]. */
  readonly belief: readonly (readonly [string, number])[];
  readonly policy: readonly (readonly [string, number])[];
}

export interface BeliefSection {
  readonly backup: 'posterior' | 'fixed-dynamics';
  /** Reachable beliefs kept (fixed-dynamics), or undefined. */
  readonly beliefs: number | undefined;
  readonly perStep: readonly number[];
  readonly source: string;
  readonly steps: readonly BeliefStep[];
}

/** Shown at most: steps along the trajectory, and states or actions per line. */
const MAX_STEPS = 12;
const MAX_ENTRIES = 4;

const label = (v: unknown) => (typeof v === 'string' ? v : show(v));

function top(values: readonly unknown[], probs: ArrayLike<number>): (readonly [string, number])[] {
  return Array.from(values, (v, i) => [label(v), probs[i]!] as const)
    .filter(([, p]) => p >= 5e-4)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_ENTRIES);
}

export function beliefSection(post: BeliefPosterior<unknown, unknown, unknown>): BeliefSection {
  let trajectory: ObservedTrajectory<unknown, unknown, unknown>;
  let source: string;
  try {
    trajectory = post.mostProbable();
    source = 'the most probable trajectory';
  } catch (error) {
    if (!isCaiError(error)) throw error;
    trajectory = post.sample(1, { seed: 0, ...(Number.isFinite(post.horizon) ? {} : { steps: MAX_STEPS }) })[0]!;
    source = 'a sampled trajectory (seed 0)';
  }
  const g = post.graph;
  const steps: BeliefStep[] = [];
  for (let t = 0; t < Math.min(trajectory.actions.length, MAX_STEPS); t++) {
    const h: History<unknown, unknown> = {
      actions: trajectory.actions.slice(0, t),
      observations: trajectory.observations.slice(0, t),
      ...(trajectory.initial !== undefined ? { initial: trajectory.initial } : {}),
    };
    const pi = post.policy(t, h);
    steps.push({
      t,
      heard: t === 0 ? (trajectory.initial !== undefined ? `→ ${label(trajectory.initial)}` : '') : `${label(trajectory.actions[t - 1])} → ${label(trajectory.observations[t - 1])}`,
      belief: top(g.states.values, post.posteriorBelief(h)),
      policy: top(pi.support, pi.probs),
    });
  }
  const total = post.beliefCounts.reduce((a, b) => a + b, 0);
  return { backup: post.backup, beliefs: post.backup === 'fixed-dynamics' ? total : undefined, perStep: post.beliefCounts, source, steps };
}

const pairs = (xs: readonly (readonly [string, number])[]) => xs.map(([v, p]) => `${v} ${p.toFixed(3)}`).join('  ');

/** The section as text, for `cai run`. */
export function beliefSectionText(s: BeliefSection): string {
  const reads = s.backup === 'posterior' ? 'p(s_t | h_t, O_{0:t−1})' : 'p(s_t | h_t)';
  const lines = [
    s.beliefs !== undefined ? `beliefs    ${s.beliefs} reachable (per step: ${s.perStep.slice(0, MAX_STEPS).join(' ')}${s.perStep.length > MAX_STEPS ? ' …' : ''})` : 'beliefs    none enumerated: the posterior backup reads the fully observed messages',
    `\nalong ${s.source}: what was heard, the belief ${reads}, the policy`,
  ];
  const width = Math.max(8, ...s.steps.map((x) => x.heard.length));
  for (const x of s.steps) lines.push(`${String(x.t).padStart(3)}  ${x.heard.padEnd(width)}  ${pairs(x.belief).padEnd(40)}  ${pairs(x.policy)}`);
  return lines.join('\n') + '\n';
}

/** The section as HTML, for `cai report`. */
export function beliefSectionHtml(s: BeliefSection): string {
  const reads = s.backup === 'posterior' ? 'p(s<sub>t</sub> | h<sub>t</sub>, O)' : 'p(s<sub>t</sub> | h<sub>t</sub>)';
  const rows = s.steps
    .map((x) => `<tr><td class="num">${x.t}</td><td>${esc(x.heard)}</td><td>${esc(pairs(x.belief))}</td><td>${esc(pairs(x.policy))}</td></tr>`)
    .join('');
  const count = s.beliefs !== undefined ? `<p>${s.beliefs} reachable beliefs (per step: ${esc(s.perStep.slice(0, MAX_STEPS).join(' '))}${s.perStep.length > MAX_STEPS ? ' …' : ''}).</p>` : '<p>The posterior backup enumerates no beliefs: it reads the fully observed messages through the history.</p>';
  return `<section class="beliefs"><h2>Beliefs and the belief policy</h2>${count}<p>Along ${esc(s.source)}: at each step t, the last action and what was seen after it, the belief ${reads} the policy reads, and the policy.</p>
<table class="facts"><thead><tr><th>t</th><th>heard</th><th>belief</th><th>policy</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
