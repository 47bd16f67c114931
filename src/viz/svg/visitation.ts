/**
 * Where the agent goes: the expected number of visits of each cell under the
 * posterior, with a few sampled paths drawn over it,
 *
 *     colour(cell of s) = Σ_{t} p(s_t = s | O)      (t over the trajectory's states; a square-root
 *                                                   scale, so an absorbing goal does not wash out the rest),
 *
 * each step of a path a segment from s_t to s_{t+1}: solid when s_{t+1} is a
 * most likely successor of (s_t, a_t) under p(s' | s, a) — the move went as
 * chosen — and dashed red when it is not (a slip of the dynamics), with a red
 * cross where the slip landed (a slip that stays put has no length to dash).
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { GridLayout } from '../../types/model.js';
import type { Trajectory } from '../../types/posterior.js';
import { CELL_BOX, placeStates } from './grid.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireTabularPosterior } from '../picture-input.js';

/** What `visitationSvg` reads from a posterior over a tabulated, grid-shaped model. */
export interface VisitationSource<S, A> {
  readonly graph: FactorGraph<S, A>;
  readonly horizon: number;
  stateMarginal(t: number): Float64Array;
}

/** Options of `visitationSvg`. */
export interface VisitationSvgOptions<S, A> {
  /** Paths drawn over the density, e.g. `post.sample(4, { seed: 0 })` (default none). */
  readonly paths?: readonly Trajectory<S, A>[];
  /** States summed over: t = 0 … steps − 1 (default every state of a trajectory; required for an infinite horizon). */
  readonly steps?: number;
  readonly marks?: (s: S) => string | undefined;
  readonly layout?: GridLayout<S>;
  readonly title?: string;
  /** Side of one cell in pixels (default 36). */
  readonly cellSize?: number;
}

/** One drawn step of a path: from (x, y) to (x2, y2), 'move' or 'slip'. */
export interface PathStep {
  readonly path: number;
  readonly t: number;
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
  readonly kind: 'move' | 'slip';
}

const PART = 'visitationSvg';

/**
 * Expected visits Σ_t p(s_t | O) of every state (length nS).
 * @example const visits = expectedVisits(post, post.horizon);
 */
export function expectedVisits(post: { readonly graph: { readonly nS: number }; stateMarginal(t: number): Float64Array }, steps: number): Float64Array {
  requireTabularPosterior('expectedVisits', post, ['stateMarginal'], 'the table Σ_t p(s_t | O)');
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
    fail({ code: 'argument-invalid', part: 'expectedVisits', message: `expectedVisits: steps is ${show(steps)}; expected a whole number of steps ≥ 0, e.g. post.horizon` });
  }
  const out = new Float64Array(post.graph.nS);
  for (let t = 0; t < steps; t++) {
    const m = post.stateMarginal(t);
    for (let s = 0; s < out.length; s++) out[s]! += m[s]!;
  }
  return out;
}

/**
 * Whether s′ is a most likely successor of (s, a): p(s′ | s, a) ≥ max_x p(x | s, a) − 1e-12.
 * Ties count as chosen: a move with two equally likely outcomes has no slip.
 */
export function isSlip(graph: FactorGraph, s: number, a: number, next: number): boolean {
  const d = graph.dynamics;
  const row = s * graph.nA + a;
  let max = 0;
  let p = 0;
  for (let k = d.rowStart[row]!; k < d.rowStart[row + 1]!; k++) {
    max = Math.max(max, d.prob[k]!);
    if (d.next[k] === next) p = d.prob[k]!;
  }
  return p < max - 1e-12;
}

/** The drawn steps of each path (states without a cell are skipped, with the steps into and out of them). */
export function pathSteps<S, A>(graph: FactorGraph<S, A>, layout: GridLayout<S>, paths: readonly Trajectory<S, A>[]): PathStep[] {
  const steps: PathStep[] = [];
  paths.forEach((p, i) => {
    for (let t = 0; t + 1 < p.states.length && t < p.actions.length; t++) {
      const from = layout.cellOf(p.states[t]!);
      const to = layout.cellOf(p.states[t + 1]!);
      if (from === undefined || to === undefined) continue;
      const s = graph.states.indexOf(p.states[t]!);
      const a = graph.actions.indexOf(p.actions[t]!);
      const next = graph.states.indexOf(p.states[t + 1]!);
      if (s < 0 || a < 0 || next < 0) fail({ code: 'option-invalid', part: PART, message: `${PART}: path ${i} step ${t} (${show(p.states[t])}, ${show(p.actions[t])} → ${show(p.states[t + 1])}) is not in the model's domains` });
      steps.push({ path: i, t, x: from.x, y: from.y, x2: to.x, y2: to.y, kind: isSlip(graph as FactorGraph, s, a, next) ? 'slip' : 'move' });
    }
  });
  return steps;
}

/**
 * @example
 * const svg = await visitationSvg(post, { paths: post.sample(4, { seed: 0 }) });
 */
export async function visitationSvg<S, A>(post: VisitationSource<S, A>, options: VisitationSvgOptions<S, A> = {}): Promise<string> {
  requireTabularPosterior('visitationSvg', post, ['stateMarginal'], 'the expected visits Σ_t p(s_t | O) over the grid cells', 'marginalsSvg(post)');
  const g = post.graph;
  const { layout, placed } = placeStates(PART, g, options.layout);
  const size = options.cellSize ?? 36;
  if (!(size >= 4 && size <= 200)) fail({ code: 'option-invalid', part: PART, message: `${PART}: cellSize must be in 4 … 200 pixels, got ${show(size)}` });
  const last = Number.isFinite(post.horizon) ? post.horizon + (g.terminal !== undefined ? 1 : 0) : undefined;
  const steps = options.steps ?? last;
  if (steps === undefined) fail({ code: 'option-invalid', part: PART, message: `${PART}: the horizon is infinite; pass { steps } to say how many steps to sum` });
  if (!Number.isInteger(steps) || steps < 1 || (last !== undefined && steps > last)) fail({ code: 'option-invalid', part: PART, message: `${PART}: steps must be an integer in 1 … ${last ?? '∞'}, got ${show(steps)}` });
  const visits = expectedVisits(post, steps);
  const cells = placed.map(({ s, x, y }) => ({ x, y, visits: visits[s]!, label: options.marks?.(g.states.values[s]!) ?? '' }));
  const segments = pathSteps(g, layout, options.paths ?? []);
  // Paths sharing a cell are offset along a small diagonal, one slot per path, so that they stay apart.
  const n = options.paths?.length ?? 0;
  const shift = (i: number) => (n <= 1 ? 0 : -0.18 + (0.36 * i) / (n - 1));
  const drawn = segments.map((st) => ({ ...st, x: st.x + shift(st.path), y: st.y + shift(st.path), x2: st.x2 + shift(st.path), y2: st.y2 + shift(st.path) }));
  const starts = (options.paths ?? []).flatMap((p, i) => {
    const c = p.states.length > 0 ? layout.cellOf(p.states[0]!) : undefined;
    return c === undefined ? [] : [{ path: i, x: c.x + shift(i), y: c.y + shift(i) }];
  });

  const scale = (k: number, reverse: boolean) => ({ domain: [-0.5, k - 0.5], nice: false, zero: false, reverse });
  const x = { field: 'x', type: 'quantitative' as const, axis: null, scale: scale(layout.width, false) };
  const y = { field: 'y', type: 'quantitative' as const, axis: null, scale: scale(layout.height, true) };
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: layout.width * size,
    height: layout.height * size,
    config: BASE_CONFIG,
    layer: [
      {
        data: { values: cells },
        transform: [...CELL_BOX],
        mark: { type: 'rect' },
        encoding: {
          x: { ...x, field: 'x0' },
          x2: { field: 'x1' },
          y: { ...y, field: 'y0' },
          y2: { field: 'y1' },
          color: { field: 'visits', type: 'quantitative', title: 'E[visits]', scale: { type: 'sqrt', scheme: 'greys', domainMin: 0 } },
        },
      },
      {
        data: { values: cells.filter((c) => c.label !== '') },
        mark: { type: 'text', fontSize: Math.round(size * 0.42), fontWeight: 'bold', color: '#b8860b' },
        encoding: { x, y, text: { field: 'label' } },
      },
      {
        data: { values: drawn },
        mark: { type: 'rule', strokeWidth: 2.5, opacity: 0.9 },
        encoding: {
          x,
          y,
          x2: { field: 'x2' },
          y2: { field: 'y2' },
          color: { field: 'kind', type: 'nominal', title: 'step', scale: { domain: ['move', 'slip'], range: ['#1f77b4', '#d62728'] } },
          strokeDash: { field: 'kind', type: 'nominal', legend: null, scale: { domain: ['move', 'slip'], range: [[1, 0], [5, 3]] } },
          detail: { field: 'path', type: 'nominal' },
        },
      },
      {
        // A slip often leaves the agent where it was (a segment of length 0): a red cross where it landed shows it.
        data: { values: drawn.filter((d) => d.kind === 'slip') },
        mark: { type: 'point', shape: 'cross', filled: true, size: Math.round((0.3 * size) ** 2), color: '#d62728', angle: 45 },
        encoding: { x: { ...x, field: 'x2' }, y: { ...y, field: 'y2' }, detail: { field: 'path', type: 'nominal' }, tooltip: [{ field: 'kind', type: 'nominal' }, { field: 't', type: 'quantitative' }, { field: 'path', type: 'nominal' }] },
      },
      {
        data: { values: starts },
        mark: { type: 'point', filled: true, size: 50, color: '#1f77b4' },
        encoding: { x, y, detail: { field: 'path', type: 'nominal' } },
      },
    ],
  };
  return renderVegaLite(spec);
}
