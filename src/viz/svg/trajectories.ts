/**
 * Trajectories drawn over a grid-shaped state space: each path a polyline
 * through the centres of the cells it visits (slightly offset per path, so
 * that paths sharing cells stay distinguishable), a dot where it starts and a
 * ring where it ends. Draws `post.sample(n, { seed })` — paths from p(τ | O) —
 * or any list of state sequences, e.g. demonstrations.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { GridLayout } from '../../types/model.js';
import { CELL_BOX, placeStates, type SvgGridSource } from './grid.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { cellOfState } from '../text.js';
import { requireGridSource } from '../picture-input.js';

/** Options of `trajectoriesSvg`. */
export interface TrajectoriesSvgOptions<S> {
  /** A fixed label for some cells, e.g. goal 'G', cliff 'C'. */
  readonly marks?: (s: S) => string | undefined;
  readonly layout?: GridLayout<S>;
  readonly title?: string;
  /** Side of one cell in pixels (default 36). */
  readonly cellSize?: number;
}

const PART = 'trajectoriesSvg';
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * @example
 * const svg = await trajectoriesSvg(post.graph, post.sample(20, { seed: 1 }), { title: 'p(τ | O)' });
 */
export async function trajectoriesSvg<S>(
  graph: SvgGridSource<S>,
  paths: readonly { readonly states: readonly S[] }[],
  options: TrajectoriesSvgOptions<S> = {},
): Promise<string> {
  requireGridSource('trajectoriesSvg', graph, 'sampled paths over the grid cells');
  const { layout, placed } = placeStates(PART, graph, options.layout);
  const size = options.cellSize ?? 36;
  if (!(size >= 4 && size <= 200)) fail({ code: 'option-invalid', part: PART, message: `${PART}: cellSize must be in 4 … 200 pixels, got ${show(size)}` });
  const cells = placed.map(({ s, x, y }) => ({ x, y, label: options.marks?.(graph.states.values[s]!) ?? '' }));

  const points: { path: number; t: number; x: number; y: number }[] = [];
  const ends: { path: number; x: number; y: number; end: string }[] = [];
  paths.forEach((p, i) => {
    // Offsets on a sunflower spiral (golden angle) fill a disc of radius 0.22 cell evenly, the same for
    // every step of one path, so that paths sharing cells stay apart.
    const r = paths.length <= 1 ? 0 : 0.22 * Math.sqrt((i + 0.5) / paths.length);
    const dx = r * Math.cos(i * GOLDEN_ANGLE);
    const dy = r * Math.sin(i * GOLDEN_ANGLE);
    let first: { x: number; y: number } | undefined;
    let last: { x: number; y: number } | undefined;
    p.states.forEach((value, t) => {
      const c = cellOfState(PART, layout, value);
      if (c === undefined) return; // a state with no cell (e.g. 'done') is not drawn
      const at = { x: c.x + dx, y: c.y + dy };
      points.push({ path: i, t, ...at });
      first ??= at;
      last = at;
    });
    if (first !== undefined) ends.push({ path: i, ...first, end: 'start' });
    if (last !== undefined) ends.push({ path: i, ...last, end: 'end' });
  });

  const axis = (n: number) => ({ type: 'quantitative' as const, axis: null, scale: { domain: [-0.5, n - 0.5], nice: false, zero: false } });
  const yAxis = { ...axis(layout.height), scale: { domain: [-0.5, layout.height - 0.5], nice: false, zero: false, reverse: true } };
  const xEnc = { field: 'x', ...axis(layout.width) };
  const yEnc = { field: 'y', ...yAxis };
  const colour = { field: 'path', type: 'nominal' as const, legend: null, scale: { scheme: 'tableau10' } };
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: layout.width * size,
    height: layout.height * size,
    config: BASE_CONFIG,
    layer: [
      {
        data: { values: cells },
        transform: [...CELL_BOX],
        mark: { type: 'rect', color: '#eef0f3' },
        encoding: { x: { field: 'x0', ...axis(layout.width) }, x2: { field: 'x1' }, y: { field: 'y0', ...yAxis }, y2: { field: 'y1' } },
      },
      {
        data: { values: cells.filter((c) => c.label !== '') },
        mark: { type: 'text', fontSize: Math.round(size * 0.42), fontWeight: 'bold', color: '#9aa0a8' },
        encoding: { x: xEnc, y: yEnc, text: { field: 'label' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 2, opacity: 0.75, interpolate: 'linear' },
        encoding: { x: xEnc, y: yEnc, detail: { field: 'path' }, order: { field: 't', type: 'quantitative' }, color: colour },
      },
      {
        data: { values: ends },
        mark: { type: 'point', size: 60, strokeWidth: 2, opacity: 0.9 },
        encoding: {
          x: xEnc,
          y: yEnc,
          color: colour,
          shape: { field: 'end', type: 'nominal', scale: { domain: ['start', 'end'], range: ['circle', 'circle'] }, legend: null },
          fill: { condition: { test: "datum.end === 'start'", field: 'path', type: 'nominal', legend: null, scale: { scheme: 'tableau10' } }, value: 'white' },
        },
      },
    ],
  };
  return renderVegaLite(spec);
}
