/**
 * State marginals over time, p(s_t | O) for t = 0 … T−1, as a heatmap with
 * time across and states down. Works for any finite state space: states are
 * labelled by their values; when there are many, the ones with the most mass
 * over all steps are kept (the title says how many).
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';

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
  /** How a state is named on the axis (default: its value as the error messages show it). */
  readonly label?: (s: S) => string;
}

const PART = 'marginalsSvg';

/**
 * @example
 * const svg = await marginalsSvg(post, { title: 'p(s_t | O)' });
 */
export async function marginalsSvg<S>(post: MarginalsSource<S>, options: MarginalsSvgOptions<S> = {}): Promise<string> {
  const steps = options.steps ?? (Number.isFinite(post.horizon) ? Math.min(post.horizon, 60) : undefined);
  if (steps === undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: the horizon is infinite; pass { steps } to say how many steps to draw` });
  if (!Number.isInteger(steps) || steps < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: steps must be a positive integer, got ${show(steps)}` });
  const maxStates = options.maxStates ?? 30;
  if (!Number.isInteger(maxStates) || maxStates < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: maxStates must be a positive integer, got ${show(maxStates)}` });
  const domain = post.graph.states;
  if (domain === undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: the state space has no finite domain (a simulated state); there is no p(s_t | O) table to draw` });
  const values = domain.values;
  const label = options.label ?? ((s: S) => show(s));

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
  const data = rows.flatMap((row, t) => kept.map((s, k) => ({ t, state: names[k]!, p: row[s]! })));
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
      color: { field: 'p', type: 'quantitative', title: 'p', scale: { domain: [0, 1], range: ['#ffffff', '#08306b'] } },
    },
  };
  return renderVegaLite(spec);
}
