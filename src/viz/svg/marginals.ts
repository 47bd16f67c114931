/**
 * State marginals over time, p(s_t | O) for t = 0 … T−1, as a heatmap with
 * time across and states down. Works for any finite state space: states are
 * labelled by their values; when there are many, the ones with the most mass
 * over all steps are kept (the title says how many). Factored states are
 * abbreviated consistently ("s=0 r=lo"), their full names in the tooltip and
 * `aria-label`; `log: true` colours by log₁₀ p so that thin tails show.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import { stateNamer } from './labels.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireMarginals } from '../picture-input.js';

/** What `marginalsSvg` reads: the state values and p(s_t | O) at each t. */
export interface MarginalsSource<S> {
  /** A graph with a finite state domain (a simulated model with continuous states has none). */
  readonly graph: { readonly states: { readonly values: readonly S[] } | undefined };
  readonly horizon: number;
  stateMarginal(t: number): Float64Array;
}

/** Options of `marginalsSvg`. */
export interface MarginalsSvgOptions<S> {
  /** Draw t = 0 … steps − 1 (default: the horizon, at most 60; required for an infinite horizon). */
  readonly steps?: number;
  /** Keep at most this many states, those with the most total mass (default 30). */
  readonly maxStates?: number;
  /** Chart title (default 'State marginals p(s_t | O)'; '' for none). */
  readonly title?: string;
  /** How a state is named on the axis (default: its value, records abbreviated as "s=0 r=lo"). */
  readonly label?: (s: S) => string;
  /** Colour by log₁₀ p, floored at −6 (default false: linear p from 0 to 1). */
  readonly log?: boolean;
}

const PART = 'marginalsSvg';

/**
 * @example
 * const svg = await marginalsSvg(post, { title: 'p(s_t | O)' });
 */
export async function marginalsSvg<S>(post: MarginalsSource<S>, options: MarginalsSvgOptions<S> = {}): Promise<string> {
  requireMarginals('marginalsSvg', post, 'p(s_t | O) per step as a heatmap of states × t');
  const steps = options.steps ?? (Number.isFinite(post.horizon) ? Math.min(post.horizon, 60) : undefined);
  if (steps === undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: the horizon is infinite; pass { steps } to say how many steps to draw` });
  if (!Number.isInteger(steps) || steps < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: steps must be a positive integer, got ${show(steps)}` });
  const maxStates = options.maxStates ?? 30;
  if (!Number.isInteger(maxStates) || maxStates < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: maxStates must be a positive integer, got ${show(maxStates)}` });
  const domain = post.graph.states;
  if (domain === undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: the state space has no finite domain (a simulated state); there is no p(s_t | O) table to draw` });
  const values = domain.values;
  const namer = stateNamer(values);
  const label = options.label ?? ((s: S) => namer(s).short);
  const log = options.log ?? false;

  const rows: Float64Array[] = [];
  for (let t = 0; t < steps; t++) rows.push(post.stateMarginal(t));
  const total = new Float64Array(values.length);
  for (const row of rows) for (let s = 0; s < values.length; s++) total[s]! += row[s]!;
  // Keep the heaviest states, then show them in the model's own order.
  const kept = Array.from(values.keys())
    .sort((a, b) => total[b]! - total[a]! || a - b)
    .slice(0, Math.min(maxStates, values.length))
    .sort((a, b) => a - b);
  const names = kept.map((s) => label(values[s]!));
  // c: what the colour reads — p, or max(log₁₀ p, −6).
  const data = rows.flatMap((row, t) => kept.map((s, k) => ({ t, state: names[k]!, full: show(values[s]!), p: row[s]!, c: log ? Math.max(-6, row[s]! > 0 ? Math.log10(row[s]!) : -Infinity) : row[s]! })));
  const shown = kept.length < values.length ? ` (the ${kept.length} of ${values.length} states with the most mass)` : '';

  const spec: TopLevelSpec = {
    // An empty title leaves the chart untitled (e.g. under a heading of its own).
    ...(options.title === '' ? {} : { title: (options.title ?? 'State marginals p(s_t | O)') + shown }),
    config: BASE_CONFIG,
    width: Math.max(160, Math.min(16 * steps, 720)),
    height: Math.max(60, 16 * kept.length),
    data: { values: data },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 't', type: 'ordinal', title: 't', axis: { labelAngle: 0, labelOverlap: true } },
      y: { field: 'state', type: 'ordinal', title: 'state', sort: names },
      color: log
        ? { field: 'c', type: 'quantitative', title: 'log₁₀ p', scale: { domain: [-6, 0], scheme: 'blues', clamp: true } }
        : { field: 'c', type: 'quantitative', title: 'p', scale: { domain: [0, 1], range: ['#ffffff', '#08306b'] } },
      tooltip: [{ field: 't', type: 'ordinal' }, { field: 'full', type: 'nominal', title: 'name' }, { field: 'p', type: 'quantitative', format: '.12~g' }],
    },
  };
  return renderVegaLite(spec);
}
