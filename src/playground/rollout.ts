/**
 * The animated rollout: sampled trajectories walking over the grid, one
 * step every STEP_MS. A move that lands on its most probable successor is a
 * solid line; a slip (the dynamics sent it elsewhere) is a dashed red line,
 * so that the world's luck and the agent's choices look different.
 */
import type { GridGeometry, Rollout } from './protocol.js';

const STEP_MS = 450;
const PAUSE_STEPS = 2;
const COLOURS = ['#1f77b4', '#9467bd', '#2ca02c', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
const SLIP = '#d62728';

export interface RolloutAnimation {
  /** Pause or resume; returns whether it now plays. */
  toggle(): boolean;
  stop(): void;
}

/** Draw `rollouts` over `grid` into `host` and animate them; `clock` shows t. */
export function animateRollouts(host: HTMLElement, clock: HTMLElement, grid: GridGeometry, rollouts: readonly Rollout[]): RolloutAnimation {
  const size = Math.max(14, Math.min(48, Math.floor(520 / Math.max(grid.width, grid.height))));
  const W = grid.width * size;
  const H = grid.height * size;
  const ns = 'http://www.w3.org/2000/svg';
  const cells = grid.cells
    .map((c, s) => (c === null ? '' : `<rect x="${c.x * size}" y="${c.y * size}" width="${size}" height="${size}" fill="${grid.infeasible[s] ? '#555' : '#f3f3f3'}" stroke="#fff"/>`))
    .join('');
  host.innerHTML = `<svg xmlns="${ns}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="sampled trajectories">${cells}<g class="paths"></g><g class="agents"></g></svg>`;
  const paths = host.querySelector('g.paths')!;
  const agents = host.querySelector('g.agents')!;
  const steps = Math.max(0, ...rollouts.map((r) => r.states.length - 1));
  // Each trajectory is nudged off the cell centre so that overlapping walks stay visible.
  const spread = Math.min(size / 3, 3 * rollouts.length);
  const offset = (k: number) => (rollouts.length <= 1 ? 0 : -spread / 2 + (spread * k) / (rollouts.length - 1));
  const centre = (s: number, k: number): [number, number] => {
    const c = grid.cells[s];
    return c === null || c === undefined ? [NaN, NaN] : [(c.x + 0.5) * size + offset(k), (c.y + 0.5) * size + offset(k)];
  };

  let playing = true;
  let elapsed = 0;
  let last: number | undefined;
  let drawnStep = -1;
  let frame = 0;
  const draw = (now: number) => {
    if (playing && last !== undefined) elapsed += now - last;
    last = now;
    const total = (steps + PAUSE_STEPS) * STEP_MS;
    const time = steps === 0 ? 0 : (elapsed % total) / STEP_MS;
    const t = Math.min(Math.floor(time), steps);
    const f = t >= steps ? 0 : time - t;
    if (t !== drawnStep) {
      // Segments up to step t: solid where the move landed as intended, dashed red where it slipped.
      paths.innerHTML = rollouts
        .map((r, k) =>
          r.slips
            .slice(0, t)
            .map((slip, u) => {
              const [x1, y1] = centre(r.states[u]!, k);
              const [x2, y2] = centre(r.states[u + 1]!, k);
              if (x1 === x2 && y1 === y2) return '';
              const style = slip ? `stroke="${SLIP}" stroke-dasharray="5 3"` : `stroke="${COLOURS[k % COLOURS.length]}"`;
              return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" ${style} stroke-width="2.5" stroke-linecap="round" opacity="0.8"/>`;
            })
            .join(''),
        )
        .join('');
      clock.textContent = `t = ${t} of ${steps}`;
      drawnStep = t;
    }
    agents.innerHTML = rollouts
      .map((r, k) => {
        const u = Math.min(t, r.states.length - 1);
        const [x1, y1] = centre(r.states[u]!, k);
        const [x2, y2] = u + 1 < r.states.length ? centre(r.states[u + 1]!, k) : [x1, y1];
        const x = x1 + (x2 - x1) * f;
        const y = y1 + (y2 - y1) * f;
        return `<circle cx="${x}" cy="${y}" r="${Math.max(3, size / 7)}" fill="${COLOURS[k % COLOURS.length]}" stroke="#fff"/>`;
      })
      .join('');
    frame = requestAnimationFrame(draw);
  };
  frame = requestAnimationFrame(draw);
  return {
    toggle() {
      playing = !playing;
      return playing;
    },
    stop() {
      cancelAnimationFrame(frame);
    },
  };
}
