/**
 * The benchmark model: a slippery N×N gridworld, built with the public DSL.
 *
 * - state: the cell index y·N + x (0 … N²−1), starting at the top-left cell 0;
 * - actions N, S, E, W under the default uniform prior p(a|s) = 1/4;
 * - the intended move happens with probability 0.8, each perpendicular move
 *   with 0.1; bumping into a wall stays put (equal outcomes are merged by
 *   `categorical`, so wall rows have 2 entries and interior rows 3);
 * - the goal (bottom-right) is absorbing with reward 0; every other step
 *   costs −1, and a deterministic scatter of "cliff" cells costs −10.
 *
 * Rewards are finite everywhere, so the timings measure the hot path only.
 */
import { action, categorical, compile, horizon, model, optimality, state, transition } from '../../src/index.js';
import type { FactorGraph, Model, Part } from '../../src/index.js';

export const SIZES = [10, 25, 50, 100, 200] as const;
export const HORIZON = 100;
export const MOVES = ['N', 'S', 'E', 'W'] as const;
export type Move = (typeof MOVES)[number];

const DELTA: Record<Move, readonly [number, number]> = { N: [0, -1], S: [0, 1], E: [1, 0], W: [-1, 0] };
const PERPENDICULAR: Record<Move, readonly [Move, Move]> = { N: ['W', 'E'], S: ['E', 'W'], E: ['N', 'S'], W: ['S', 'N'] };

/** A cliff cell: a fixed pseudo-random ~6% of the cells, never the start or the goal. */
export function isCliff(n: number, cell: number): boolean {
  if (cell === 0 || cell === n * n - 1) return false;
  const x = cell % n;
  const y = Math.floor(cell / n);
  return (x * 7 + y * 13) % 17 === 3;
}

/** The cell reached by moving `move` from `cell` (staying put at a wall). */
export function step(n: number, cell: number, move: Move): number {
  const x = cell % n;
  const y = Math.floor(cell / n);
  const [dx, dy] = DELTA[move];
  const nx = x + dx;
  const ny = y + dy;
  return nx < 0 || nx >= n || ny < 0 || ny >= n ? cell : ny * n + nx;
}

/**
 * `cliffReward` lower than about −700 makes the engines' underflow fallbacks run (a check, not a benchmark).
 * `time` replaces horizon(steps), e.g. discount(γ) for the discounted infinite horizon.
 */
export function gridworld(n: number, steps: number = HORIZON, cliffReward = -10, time: Part<number, Move> = horizon(steps)): Model<number, Move> {
  const cells = Array.from({ length: n * n }, (_, i) => i);
  const goal = n * n - 1;
  return model<number, Move>(
    state('cell', cells, { initial: 0 }),
    action('move', MOVES),
    transition<number, Move>((s, a) => {
      if (s === goal) return categorical([[s, 1]]);
      const [left, right] = PERPENDICULAR[a];
      return categorical([
        [step(n, s, a), 0.8],
        [step(n, s, left), 0.1],
        [step(n, s, right), 0.1],
      ]);
    }),
    optimality<number, Move>((s) => (s === goal ? 0 : isCliff(n, s) ? cliffReward : -1)),
    time,
  );
}

/** The actions of the peers' benchmark: the four moves and `stay`. */
export const ACTIONS = [...MOVES, 'stay'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * The peers' benchmark (`npm run bench`, bench:kernels, bench:merged, the C and
 * numpy references): the slippery N×N gridworld with five actions N, S, E, W,
 * stay under the uniform prior. A move goes where intended with 0.8 and to
 * each perpendicular side with 0.1 (walls stay put); `stay` stays with 0.8
 * and slips N or S with 0.1 each; no absorbing cell; every step costs −1, the
 * cliff cells (`isCliff`) −10. ≈ 15 transition entries per state.
 */
export function slipperyGridworld(n: number, steps: number = HORIZON, time: Part<number, Action> = horizon(steps)): Model<number, Action> {
  const cells = Array.from({ length: n * n }, (_, i) => i);
  return model<number, Action>(
    state('cell', cells, { initial: 0 }),
    action('move', ACTIONS),
    transition<number, Action>((s, a) => {
      if (a === 'stay') return categorical([[s, 0.8], [step(n, s, 'N'), 0.1], [step(n, s, 'S'), 0.1]]);
      const [left, right] = PERPENDICULAR[a];
      return categorical([[step(n, s, a), 0.8], [step(n, s, left), 0.1], [step(n, s, right), 0.1]]);
    }),
    optimality<number, Action>((s) => (isCliff(n, s) ? -10 : -1)),
    time,
  );
}

/** The compiled 5-action slippery gridworld (tabulation; not part of the timed backward pass). */
export function slipperyGraph(n: number, steps: number = HORIZON, time?: Part<number, Action>): FactorGraph<number, Action> {
  return compile(slipperyGridworld(n, steps, time));
}

/** The compiled gridworld (tabulation; not part of the timed backward pass). */
export function gridworldGraph(n: number, steps: number = HORIZON, cliffReward = -10): FactorGraph<number, Move> {
  return compile(gridworld(n, steps, cliffReward));
}

/**
 * The design's memory bound O(S·A + nnz + S·T), as a unit to measure against:
 * one double per item. Measured bytes ÷ `unit` must stay a small constant as
 * the grid grows (it does not depend on how the engine spends its constant);
 * O(S·A·S) would be the `dense` column.
 */
export interface MemoryBound {
  /** 8 bytes × (S·A + nnz + S·(T+1)). */
  readonly unit: number;
  /** A dense S × A × S table of p(s'|s,a) alone. */
  readonly dense: number;
}

export function memoryBound(graph: FactorGraph<unknown, unknown>): MemoryBound {
  const { nS, nA, horizon: T } = graph;
  return { unit: 8 * (nS * nA + graph.dynamics.nnz + nS * (T + 1)), dense: 8 * nS * nA * nS };
}
