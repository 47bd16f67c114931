/**
 * A heatmap of a value function over a grid-shaped state space, with the
 * policy's most probable moves drawn as arrows on top:
 *
 *     colour(cell of s) = V_t(s),   arrows at s for { a : π_t(a|s) ≥ max_a' π_t(a'|s) − tol }
 *
 * States with V = −∞ (nothing can satisfy O from there) are drawn dark with a
 * '×', as in the text grids, rather than squeezed into the colour scale.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { GridLayout } from '../../types/model.js';
import { headingsOf, placeStates, type HeadingMap, type SvgGridSource } from './grid.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';

/** A grid source that also names the actions, for the arrows. */
export interface SvgPolicySource<S, A> extends SvgGridSource<S> {
  readonly actions: { readonly values: readonly A[] };
}

/** Options of `valueHeatmapSvg`. */
export interface ValueHeatmapOptions<S, A> {
  /** π_t(a|s), row-major nS × nA (e.g. `post.policyTable(t)`); arrows are drawn when given. */
  readonly policy?: ArrayLike<number>;
  /** Heading of each action (degrees clockwise from up, or 'stay'); by default N/S/E/W, up/down/left/right, NE/…, stay. */
  readonly headings?: HeadingMap<A>;
  /** Actions within this much probability of the most probable one all get an arrow (default 1e-6). */
  readonly tolerance?: number;
  /** A fixed label for some cells, e.g. `s => isGoal(s) ? 'G' : undefined`. */
  readonly marks?: (s: S) => string | undefined;
  /** Use this layout instead of the graph's hint. */
  readonly layout?: GridLayout<S>;
  readonly title?: string;
  /** Title of the colour legend (default 'V'). */
  readonly legend?: string;
  /** Side of one cell in pixels (default 36). */
  readonly cellSize?: number;
}

const PART = 'valueHeatmapSvg';

/**
 * @example
 * const post = infer(gridworld, exact());
 * const svg = await valueHeatmapSvg(post.graph, post.V(0), { policy: post.policyTable(0), title: 'V_0 and π_0' });
 * writeFileSync('values.svg', svg);
 */
export async function valueHeatmapSvg<S, A>(
  graph: SvgPolicySource<S, A>,
  values: ArrayLike<number>,
  options: ValueHeatmapOptions<S, A> = {},
): Promise<string> {
  const nS = graph.states.values.length;
  if (values.length !== nS) fail({ code: 'option-invalid', part: PART, message: `${PART}: values has length ${values.length}; expected ${nS} (one per state of the graph)` });
  const { layout, placed } = placeStates(PART, graph, options.layout);
  const size = options.cellSize ?? 36;
  if (!(size >= 4 && size <= 200)) fail({ code: 'option-invalid', part: PART, message: `${PART}: cellSize must be in 4 … 200 pixels, got ${show(size)}` });

  let lo = Infinity;
  let hi = -Infinity;
  for (const { s } of placed) {
    const v = values[s]!;
    if (Number.isNaN(v)) fail({ code: 'option-invalid', part: PART, state: graph.states.values[s], message: `${PART}: the value of state ${show(graph.states.values[s])} is NaN` });
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  // Labels and arrows switch to white on the dark low end of viridis, so they stay readable.
  const dark = (v: number) => !Number.isFinite(v) || hi === lo || (v - lo) / (hi - lo) < 0.55;
  const cells = placed.map(({ s, x, y }) => {
    const v = values[s]!;
    const mark = options.marks?.(graph.states.values[s]!);
    return { x, y, v: Number.isFinite(v) ? v : null, label: mark ?? (v === -Infinity ? '×' : ''), dark: dark(v) || v === Infinity };
  });
  const arrows = options.policy === undefined ? [] : arrowRows(graph, options.policy, placed, options, size, (s) => dark(values[s]!));

  // Quantitative axes in cell units (cell centres at integers), so that arrows can sit off-centre.
  const scale = (n: number, reverse: boolean) => ({ domain: [-0.5, n - 0.5], nice: false, zero: false, reverse });
  const x = { field: 'x', type: 'quantitative' as const, axis: null, scale: scale(layout.width, false) };
  const y = { field: 'y', type: 'quantitative' as const, axis: null, scale: scale(layout.height, true) };
  const box = {
    transform: [
      { calculate: 'datum.x - 0.47', as: 'x0' },
      { calculate: 'datum.x + 0.47', as: 'x1' },
      { calculate: 'datum.y - 0.47', as: 'y0' },
      { calculate: 'datum.y + 0.47', as: 'y1' },
    ],
    encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'y0' }, y2: { field: 'y1' } },
  };
  const ink = { condition: { test: 'datum.dark', value: 'white' }, value: '#222' };
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: layout.width * size,
    height: layout.height * size,
    config: BASE_CONFIG,
    layer: [
      {
        data: { values: cells.filter((c) => c.v !== null) },
        transform: box.transform,
        mark: { type: 'rect' },
        encoding: { ...box.encoding, color: { field: 'v', type: 'quantitative', scale: { scheme: 'viridis' }, title: options.legend ?? 'V' } },
      },
      { data: { values: cells.filter((c) => c.v === null) }, transform: box.transform, mark: { type: 'rect', color: '#3a3a3a' }, encoding: box.encoding },
      {
        data: { values: arrows },
        mark: { type: 'point', filled: true, strokeWidth: 0 },
        encoding: {
          x,
          y,
          shape: { field: 'shape', type: 'nominal', scale: null },
          angle: { field: 'angle', type: 'quantitative', scale: null },
          size: { field: 'size', type: 'quantitative', scale: null },
          opacity: { field: 'opacity', type: 'quantitative', scale: null },
          color: ink,
        },
      },
      {
        data: { values: cells.filter((c) => c.label !== '') },
        mark: { type: 'text', fontSize: Math.round(size * 0.42), fontWeight: 'bold' },
        encoding: { x, y, text: { field: 'label' }, color: ink },
      },
    ],
  };
  return renderVegaLite(spec);
}

/** One arrow per (state, near-best action); opacity π(a|s)/max π. */
function arrowRows<S, A>(
  graph: SvgPolicySource<S, A>,
  policy: ArrayLike<number>,
  placed: readonly { s: number; x: number; y: number }[],
  options: ValueHeatmapOptions<S, A>,
  cell: number,
  dark: (s: number) => boolean,
) {
  const actions = graph.actions.values;
  const nA = actions.length;
  const nS = graph.states.values.length;
  if (policy.length !== nS * nA) fail({ code: 'option-invalid', part: PART, message: `${PART}: policy has length ${policy.length}; expected ${nS * nA} (one per state × action of the graph)` });
  const tolerance = options.tolerance ?? 1e-6;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) fail({ code: 'option-invalid', part: PART, message: `${PART}: tolerance must be a finite number ≥ 0, got ${show(tolerance)}` });
  const headings = headingsOf(actions, options.headings);
  if (headings === undefined) {
    const unknown = actions.find((a) => headingsOf([a], options.headings) === undefined);
    fail({
      code: 'option-invalid',
      part: PART,
      action: unknown,
      message: `${PART}: no heading for action ${show(unknown)}; pass { headings: { ${typeof unknown === 'string' ? unknown : 'name'}: 90, … } } (degrees clockwise from up, or 'stay') or a function a => heading`,
    });
  }
  // Vega's symbol size is an area; an arrow of area L² is L long: 0.42 of a cell, a 'stay' dot 0.2.
  // Each arrow sits 0.22 of a cell from the centre towards its heading, so tied actions do not overlap.
  const arrowArea = (0.42 * cell) ** 2;
  const dotArea = (0.2 * cell) ** 2;
  const rows: { x: number; y: number; angle: number; shape: string; size: number; opacity: number; dark: boolean }[] = [];
  for (const { s, x, y } of placed) {
    if (options.marks?.(graph.states.values[s]!) !== undefined) continue; // a marked cell shows its label
    let max = 0;
    for (let a = 0; a < nA; a++) max = Math.max(max, policy[s * nA + a]!);
    if (!(max > 0)) continue; // an infeasible state has no policy; the value layer shows '×'
    for (let a = 0; a < nA; a++) {
      const p = policy[s * nA + a]!;
      if (p < max - tolerance) continue;
      const h = headings[a]!;
      const rad = h === 'stay' ? 0 : (h * Math.PI) / 180;
      const r = h === 'stay' ? 0 : 0.22;
      rows.push({ x: x + r * Math.sin(rad), y: y - r * Math.cos(rad), angle: h === 'stay' ? 0 : h, shape: h === 'stay' ? 'circle' : 'arrow', size: h === 'stay' ? dotArea : arrowArea, opacity: Math.max(0.35, p / max), dark: dark(s) });
    }
  }
  return rows;
}

