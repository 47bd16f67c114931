/**
 * Values of a learned policy drawn only where the learner has been: each
 * visited cell coloured by its value, every cell the learner never visited
 * light grey with a '?' — unknown, which is not the same as infeasible (the
 * dark '×' of `valueHeatmapSvg`): nothing was learned there, so the number
 * the policy happens to give it says nothing.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { GridLayout } from '../../types/model.js';
import { CELL_BOX, placeStates, type SvgGridSource } from './grid.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireGridSource } from '../picture-input.js';

/** Options of `learnedValuesSvg`. */
export interface LearnedValuesSvgOptions<S> {
  readonly marks?: (s: S) => string | undefined;
  readonly layout?: GridLayout<S>;
  readonly title?: string;
  /** Title of the colour legend (default 'V'). */
  readonly legend?: string;
  readonly cellSize?: number;
}

const PART = 'learnedValuesSvg';

/**
 * @example
 * const svg = await learnedValuesSvg(post.graph, post.V(0), learningFit(post).visits!);
 */
export async function learnedValuesSvg<S>(graph: SvgGridSource<S>, values: ArrayLike<number>, visits: ArrayLike<number>, options: LearnedValuesSvgOptions<S> = {}): Promise<string> {
  requireGridSource('learnedValuesSvg', graph, 'learned values V(s) over the grid cells, faded where unvisited');
  const nS = graph.states.values.length;
  if (values.length !== nS || visits.length !== nS) fail({ code: 'option-invalid', part: PART, message: `${PART}: values and visits have lengths ${values.length} and ${visits.length}; expected ${nS} each (one per state)` });
  const { layout, placed } = placeStates(PART, graph, options.layout);
  const size = options.cellSize ?? 36;
  if (!(size >= 4 && size <= 200)) fail({ code: 'option-invalid', part: PART, message: `${PART}: cellSize must be in 4 … 200 pixels, got ${show(size)}` });
  const cells = placed.map(({ s, x, y }) => {
    const known = visits[s]! > 0 && Number.isFinite(values[s]!);
    return { x, y, v: known ? values[s]! : null, visits: visits[s]!, status: known ? 'visited' : visits[s]! > 0 ? 'infeasible' : 'unknown', label: options.marks?.(graph.states.values[s]!) ?? (known ? '' : visits[s]! > 0 ? '×' : '?') };
  });
  const scale = (k: number, reverse: boolean) => ({ domain: [-0.5, k - 0.5], nice: false, zero: false, reverse });
  const x = { field: 'x', type: 'quantitative' as const, axis: null, scale: scale(layout.width, false) };
  const y = { field: 'y', type: 'quantitative' as const, axis: null, scale: scale(layout.height, true) };
  const box = {
    transform: [...CELL_BOX],
    encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'y0' }, y2: { field: 'y1' } },
  };
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: layout.width * size,
    height: layout.height * size,
    config: BASE_CONFIG,
    layer: [
      { data: { values: cells.filter((c) => c.v !== null) }, ...box, mark: { type: 'rect' }, encoding: { ...box.encoding, color: { field: 'v', type: 'quantitative', scale: { scheme: 'viridis' }, title: options.legend ?? 'V' }, tooltip: [{ field: 'v', type: 'quantitative', format: '.12~g' }, { field: 'visits', type: 'quantitative' }] } },
      { data: { values: cells.filter((c) => c.status === 'unknown') }, ...box, mark: { type: 'rect', color: '#e4e4e4' }, encoding: { ...box.encoding, tooltip: [{ field: 'status', type: 'nominal' }] } },
      { data: { values: cells.filter((c) => c.status === 'infeasible') }, ...box, mark: { type: 'rect', color: '#3a3a3a' }, encoding: { ...box.encoding, tooltip: [{ field: 'status', type: 'nominal' }] } },
      { data: { values: cells.filter((c) => c.label !== '') }, mark: { type: 'text', fontSize: Math.round(size * 0.42), fontWeight: 'bold' }, encoding: { x, y, text: { field: 'label' }, color: { condition: { test: "datum.status === 'infeasible'", value: 'white' }, value: '#555' } } },
    ],
  };
  return renderVegaLite(spec);
}
