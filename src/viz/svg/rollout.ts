/**
 * An animated rollout: one trajectory played over the grid, a dot stepping
 * from cell to cell and a counter showing t, as SVG animation (SMIL
 * `<animate>`, discrete steps) — no script, so it plays inside the
 * self-contained report and in any browser that opens the SVG file. Each
 * step's cell, action and whether it slipped are also written in the `<title>`
 * and `aria-label` of the step's mark, for readers and tests.
 */
import { fail, show } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { GridLayout } from '../../types/model.js';
import type { Trajectory } from '../../types/posterior.js';
import { escapeXml as esc, placeStates } from './grid.js';
import { FONT } from './render.js';
import { isSlip } from './visitation.js';
import { requireGridSource } from '../picture-input.js';

/** Options of `rolloutSvg`. */
export interface RolloutSvgOptions<S> {
  readonly marks?: (s: S) => string | undefined;
  readonly layout?: GridLayout<S>;
  /** Side of one cell in pixels (default 36). */
  readonly cellSize?: number;
  /** Seconds per step (default 0.6). */
  readonly secondsPerStep?: number;
  readonly title?: string;
}

const PART = 'rolloutSvg';
const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

/**
 * @example
 * const svg = rolloutSvg(post.graph, post.mostProbable());
 */
export function rolloutSvg<S, A>(graph: FactorGraph<S, A>, trajectory: Trajectory<S, A>, options: RolloutSvgOptions<S> = {}): string {
  requireGridSource('rolloutSvg', graph, 'one trajectory moving over the grid cells');
  const { layout, placed } = placeStates(PART, graph, options.layout);
  const size = options.cellSize ?? 36;
  if (!(size >= 4 && size <= 200)) fail({ code: 'option-invalid', part: PART, message: `${PART}: cellSize must be in 4 … 200 pixels, got ${show(size)}` });
  const perStep = options.secondsPerStep ?? 0.6;
  if (!(perStep > 0 && perStep <= 60)) fail({ code: 'option-invalid', part: PART, message: `${PART}: secondsPerStep is ${show(perStep)}; expected a number of seconds in (0, 60]` });
  const top = 22;
  const width = layout.width * size;
  const height = layout.height * size + top;
  const cells = placed.map(({ s, x, y }) => {
    const label = options.marks?.(graph.states.values[s]!);
    return `<rect x="${x * size + 1}" y="${top + y * size + 1}" width="${size - 2}" height="${size - 2}" fill="#eef0f3"/>${label !== undefined ? `<text x="${(x + 0.5) * size}" y="${top + (y + 0.62) * size}" text-anchor="middle" font-size="${Math.round(size * 0.42)}" font-weight="bold" fill="#b8860b">${esc(label)}</text>` : ''}`;
  });
  // The steps that have a cell; a state without one (e.g. 'done') ends the animation early.
  const steps: { t: number; x: number; y: number; s: S; a: A | undefined; slip: boolean }[] = [];
  for (let t = 0; t < trajectory.states.length; t++) {
    const c = layout.cellOf(trajectory.states[t]!);
    if (c === undefined) break;
    // The action taken at t (none at a terminal state after the last decision).
    const a = t < trajectory.actions.length ? trajectory.actions[t] : undefined;
    const [from, move, to] = t > 0 ? [graph.states.indexOf(trajectory.states[t - 1]!), graph.actions.indexOf(trajectory.actions[t - 1]!), graph.states.indexOf(trajectory.states[t]!)] : [0, 0, 0];
    if (from < 0 || move < 0 || to < 0) {
      fail({ code: 'option-invalid', part: PART, t, message: `${PART}: step ${t - 1} of the trajectory (${show(trajectory.states[t - 1])}, ${show(trajectory.actions[t - 1])} → ${show(trajectory.states[t])}) is not in the model's domains; expected a trajectory of this model. Draw one from its posterior, e.g. post.mostProbable()` });
    }
    const slip = t > 0 && isSlip(graph as FactorGraph, from, move, to);
    steps.push({ t, x: c.x, y: c.y, s: trajectory.states[t]!, a, slip });
  }
  if (steps.length === 0) fail({ code: 'option-invalid', part: PART, message: `${PART}: the trajectory's first state ${show(trajectory.states[0])} has no cell on the grid; expected a trajectory that starts on a drawn cell. Draw one from this model's posterior, e.g. post.mostProbable()` });
  const n = steps.length;
  const dur = n * perStep;
  // Discrete animation: value k holds on [k/n, (k+1)/n).
  const keyTimes = steps.map((_, k) => fmt(k / n)).join(';');
  const cx = steps.map((p) => fmt((p.x + 0.5) * size)).join(';');
  const cy = steps.map((p) => fmt(top + (p.y + 0.5) * size)).join(';');
  const anim = (attr: string, values: string) => `<animate attributeName="${attr}" values="${values}" keyTimes="${keyTimes}" dur="${fmt(dur)}s" calcMode="discrete" repeatCount="indefinite"/>`;
  const trail = steps
    .map((p) => {
      const what = `t=${p.t}: ${show(p.s)}${p.a !== undefined ? `, a=${show(p.a)}` : ''}${p.slip ? ' (slipped here)' : ''}`;
      return `<circle class="step" cx="${fmt((p.x + 0.5) * size)}" cy="${fmt(top + (p.y + 0.5) * size)}" r="${fmt(size * 0.1)}" fill="${p.slip ? '#d62728' : '#1f77b4'}" opacity="0.35" aria-label="${esc(`t: ${p.t}; x: ${p.x}; y: ${p.y}; slip: ${p.slip}`)}"><title>${esc(what)}</title></circle>`;
    })
    .join('');
  const line = steps.map((p, k) => `${k === 0 ? 'M' : 'L'}${fmt((p.x + 0.5) * size)},${fmt(top + (p.y + 0.5) * size)}`).join('');
  // The counter: one text per step, shown only during its slot.
  const counter = steps
    .map((p, k) => {
      const vis = steps.map((_, j) => (j === k ? 'visible' : 'hidden')).join(';');
      return `<text x="2" y="15" font-size="13" visibility="${k === 0 ? 'visible' : 'hidden'}">t = ${p.t}${p.a !== undefined ? `, a = ${esc(typeof p.a === 'string' ? p.a : show(p.a))}` : ''}${p.slip ? ' (slip)' : ''}${anim('visibility', vis)}</text>`;
    })
    .join('');
  const label = options.title ?? `A rollout of ${n} steps`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}" font-family="${FONT}"><title>${esc(label)}</title>${cells.join('')}<path d="${line}" fill="none" stroke="#1f77b4" stroke-width="1.5" opacity="0.4"/>${trail}<circle class="agent" cx="${fmt((steps[0]!.x + 0.5) * size)}" cy="${fmt(top + (steps[0]!.y + 0.5) * size)}" r="${fmt(size * 0.28)}" fill="#ff7f0e" stroke="#fff" stroke-width="2">${anim('cx', cx)}${anim('cy', cy)}</circle>${counter}</svg>`;
}
