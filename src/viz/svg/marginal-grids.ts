/**
 * State marginals over time as small multiples of the grid: one panel per
 * step t, each cell coloured by p(s_t = s | O). With `log: true` the colour is
 * log₁₀ p, floored at `floor` (default −6), so that the thin tails a linear
 * 0–1 scale leaves white become visible; the exact p stays in each cell's
 * `aria-label` and tooltip.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { GridLayout } from '../../types/model.js';
import { CELL_BOX, placeStates, type SvgGridSource } from './grid.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireMarginals } from '../picture-input.js';

/** What `marginalGridsSvg` reads. */
export interface MarginalGridsSource<S> {
  readonly graph: SvgGridSource<S>;
  readonly horizon: number;
  stateMarginal(t: number): Float64Array;
}

/** Options of `marginalGridsSvg`. */
export interface MarginalGridsSvgOptions<S> {
  /** Panels t = 0 … steps − 1 (default the horizon, at most 24; required for an infinite horizon). */
  readonly steps?: number;
  /** Colour by log₁₀ p (default false). */
  readonly log?: boolean;
  /** Lowest log₁₀ p drawn with the log scale (default −6); smaller values take its colour. */
  readonly floor?: number;
  /** Panels per row (default 6). */
  readonly columns?: number;
  readonly layout?: GridLayout<S>;
  readonly title?: string;
  /** Side of one cell in pixels (default: panels about 130 px wide). */
  readonly cellSize?: number;
}

const PART = 'marginalGridsSvg';

/**
 * @example
 * const svg = await marginalGridsSvg(post, { log: true });
 */
export async function marginalGridsSvg<S>(post: MarginalGridsSource<S>, options: MarginalGridsSvgOptions<S> = {}): Promise<string> {
  requireMarginals('marginalGridsSvg', post, 'one grid of p(s_t | O) per step');
  const steps = options.steps ?? (Number.isFinite(post.horizon) ? Math.min(post.horizon, 24) : undefined);
  if (steps === undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: the horizon is infinite; pass { steps } to say how many steps to draw` });
  if (!Number.isInteger(steps) || steps < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: steps must be a positive integer, got ${show(steps)}` });
  const floor = options.floor ?? -6;
  if (!(Number.isFinite(floor) && floor < 0)) fail({ code: 'option-invalid', part: PART, message: `${PART}: floor must be a finite negative log₁₀ p, got ${show(floor)}` });
  const columns = options.columns ?? 6;
  if (!Number.isInteger(columns) || columns < 1) fail({ code: 'option-invalid', part: PART, message: `${PART}: columns must be a positive integer, got ${show(columns)}` });
  const { layout, placed } = placeStates(PART, post.graph, options.layout);
  const size = options.cellSize ?? Math.max(4, Math.min(24, Math.floor(130 / Math.max(layout.width, layout.height))));
  const log = options.log ?? false;
  const data: { t: number; x: number; y: number; p: number; c: number }[] = [];
  for (let t = 0; t < steps; t++) {
    const m = post.stateMarginal(t);
    // c: what the colour reads — p itself, or max(log₁₀ p, floor).
    for (const { s, x, y } of placed) data.push({ t, x, y, p: m[s]!, c: log ? Math.max(floor, m[s]! > 0 ? Math.log10(m[s]!) : -Infinity) : m[s]! });
  }
  const scale = (k: number, reverse: boolean) => ({ domain: [-0.5, k - 0.5], nice: false, zero: false, reverse });
  const spec: TopLevelSpec = {
    ...(options.title !== undefined && options.title !== '' ? { title: options.title } : {}),
    config: { ...BASE_CONFIG, facet: { spacing: 8 }, header: { labelFontSize: 11, title: null } },
    data: { values: data },
    facet: { field: 't', type: 'ordinal', header: { labelExpr: "'t = ' + datum.value", title: null } },
    columns,
    spec: {
      width: layout.width * size,
      height: layout.height * size,
      transform: [...CELL_BOX],
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x0', type: 'quantitative', axis: null, scale: scale(layout.width, false) },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', axis: null, scale: scale(layout.height, true) },
        y2: { field: 'y1' },
        color: log
          ? { field: 'c', type: 'quantitative', title: 'log₁₀ p', scale: { domain: [floor, 0], scheme: 'blues', clamp: true } }
          : { field: 'c', type: 'quantitative', title: 'p', scale: { domain: [0, 1], range: ['#f7fbff', '#08306b'] } },
        tooltip: [{ field: 't', type: 'ordinal' }, { field: 'x', type: 'quantitative' }, { field: 'y', type: 'quantitative' }, { field: 'p', type: 'quantitative', format: '.12~g' }],
      },
    },
  };
  return renderVegaLite(spec);
}
