/**
 * A heatmap of a value function over a grid-shaped state space, with the
 * policy's most probable moves drawn as arrows on top:
 *
 *     colour(cell of s) = V_t(s),   arrows at s for { a : π_t(a|s) ≥ max_a' π_t(a'|s) − tol }
 *
 * States with V = −∞ (nothing can satisfy O from there) are drawn dark with a
 * '×', as in the text grids, rather than squeezed into the colour scale.
 * On a compiled graph the cells worth knowing are marked from its tables
 * (`cellKinds`): a goal 'G', another absorbing state '■', a cliff (r = −∞ for
 * every action) '−∞' on dark red; no arrows are drawn where no action can
 * move. Column and row numbers run along the edges, and a key under the grid
 * says what each symbol on this picture means.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { GridLayout } from '../../types/model.js';
import { CELL_BOX, headingsOf, placeStates, type HeadingMap, type SvgGridSource } from './grid.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { cellKinds, type CellKind } from '../cell-kinds.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import { requireGridSource } from '../picture-input.js';

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
  /** Goal, absorbing and cliff cells, one entry per state; by default read off a compiled graph's tables (`cellKinds`); false: none. */
  readonly kinds?: ArrayLike<CellKind | undefined> | false;
  /** Column and row numbers along the edges (default true). */
  readonly coordinates?: boolean;
  /** A key under the grid naming the symbols drawn (default true). */
  readonly key?: boolean;
}

/** The label of each marked kind of cell, and what the key says about it. */
const KIND_LABEL: Readonly<Record<CellKind, string>> = { goal: 'G', absorbing: '■', cliff: '−∞' };
const KIND_KEY: Readonly<Record<CellKind, string>> = {
  goal: 'G  goal (absorbing, best r)',
  absorbing: '■  absorbing: no way out',
  cliff: '−∞  cliff: r = −∞ for every a',
};

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
  requireGridSource('valueHeatmapSvg', graph, 'a heatmap of V(s) over the grid cells', false, 'marginalsSvg(post) for a model without a grid');
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
  const kinds = options.kinds === false ? undefined : (options.kinds ?? (isCompiled(graph) ? cellKinds(graph) : undefined));
  if (kinds !== undefined && kinds.length !== nS) fail({ code: 'option-invalid', part: PART, message: `${PART}: kinds has length ${kinds.length}; expected ${nS} (one per state of the graph)` });
  const cells = placed.map(({ s, x, y }) => {
    const v = values[s]!;
    const mark = options.marks?.(graph.states.values[s]!);
    const kind = kinds?.[s];
    const label = mark ?? (kind !== undefined ? KIND_LABEL[kind] : v === -Infinity ? '×' : '');
    return { x, y, v: Number.isFinite(v) ? v : null, label, dark: dark(v) || v === Infinity, cliff: kind === 'cliff' };
  });
  // Where no action can move (goal, absorbing) or every one is forbidden (cliff), arrows would only show ties.
  const still = (s: number) => kinds?.[s] !== undefined;
  const arrows = options.policy === undefined ? [] : arrowRows(graph, options.policy, placed.filter((p) => !still(p.s)), options, size, (s) => dark(values[s]!));

  // Quantitative axes in cell units (cell centres at integers), so that arrows can sit off-centre.
  const scale = (n: number, reverse: boolean) => ({ domain: [-0.5, n - 0.5], nice: false, zero: false, reverse });
  // Cell coordinates (column x, row y from the top-left, as cellOf gives them) along the edges.
  const coordinates = options.coordinates ?? true;
  // No axis title: Vega would also use it as the field's name in every mark's aria-label.
  const axis = (n: number) => (coordinates ? { values: ticks(n), title: null, grid: false, ticks: false, domain: false, labelPadding: 2, labelFontSize: 10 } : null);
  const x = { field: 'x', type: 'quantitative' as const, axis: axis(layout.width), scale: scale(layout.width, false) };
  const y = { field: 'y', type: 'quantitative' as const, axis: axis(layout.height), scale: scale(layout.height, true) };
  const box = {
    transform: [...CELL_BOX],
    encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'y0' }, y2: { field: 'y1' } },
  };
  const ink = { condition: { test: 'datum.dark', value: 'white' }, value: '#222' };
  const grid = {
    width: layout.width * size,
    height: layout.height * size,
    layer: [
      {
        data: { values: cells.filter((c) => c.v !== null) },
        transform: box.transform,
        mark: { type: 'rect' as const },
        encoding: { ...box.encoding, color: { field: 'v', type: 'quantitative' as const, scale: { scheme: 'viridis' }, title: options.legend ?? 'V' } },
      },
      // V = −∞: dark grey, or dark red on a cliff.
      {
        data: { values: cells.filter((c) => c.v === null) },
        transform: box.transform,
        mark: { type: 'rect' as const },
        encoding: { ...box.encoding, color: { condition: { test: 'datum.cliff', value: CLIFF }, value: INFEASIBLE } },
      },
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
  const key = options.key === false ? [] : keyLines(cells, arrows, kinds);
  const head = { ...(options.title !== undefined ? { title: options.title } : {}), config: BASE_CONFIG };
  // The key: one line of text per symbol this picture shows, under the grid.
  const spec = (key.length === 0
    ? { ...head, ...grid }
    : {
        ...head,
        spacing: 6,
        vconcat: [
          grid,
          {
            width: layout.width * size,
            height: 14 * key.length,
            data: { values: key.map((text, i) => ({ i, text })) },
            mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 10, color: '#333' },
            encoding: { x: { value: 0 }, y: { field: 'i', type: 'ordinal', axis: null }, text: { field: 'text' } },
          },
        ],
      }) as TopLevelSpec;
  return renderVegaLite(spec);
}

const INFEASIBLE = '#3a3a3a';
const CLIFF = '#7a1f1f';

/** A compiled factor graph (its tables say which cells are goals, absorbing or cliffs). */
function isCompiled<S, A>(graph: SvgPolicySource<S, A>): graph is SvgPolicySource<S, A> & FactorGraph<S, A> {
  return (graph as { kind?: unknown }).kind === 'factor-graph' && (graph as { dynamics?: unknown }).dynamics !== undefined;
}

/** Axis values: every column (row) up to 16, else about 12 evenly spaced. */
function ticks(n: number): number[] {
  const step = n <= 16 ? 1 : Math.ceil(n / 12);
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}

/**
 * What the key says: only the symbols this picture draws, in short lines (Vega sizes a chart by
 * estimating text widths without a font, generously, so long lines would widen the picture).
 */
function keyLines(cells: readonly { label: string }[], arrows: readonly { shape: string }[], kinds: ArrayLike<CellKind | undefined> | undefined): string[] {
  const lines: string[] = [];
  if (arrows.some((r) => r.shape === 'arrow')) lines.push('→  most probable action', '\u2003 (paler: less probable;', '\u2003 ties: all drawn)');
  if (arrows.some((r) => r.shape !== 'arrow')) lines.push('●  stay');
  const drawn = new Set(Array.from(kinds ?? []).filter((k): k is CellKind => k !== undefined));
  for (const k of ['goal', 'absorbing', 'cliff'] as const) if (drawn.has(k) && cells.some((c) => c.label === KIND_LABEL[k])) lines.push(KIND_KEY[k]);
  if (cells.some((c) => c.label === '×')) lines.push('×  infeasible: V = −∞', '\u2003 (O cannot be satisfied)');
  return lines;
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

