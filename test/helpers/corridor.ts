/**
 * The two-cell corridor both error suites break on purpose: x = 0 (start) and
 * x = 1; E moves right, W moves left, walls keep the agent in place; three
 * decisions. `corridor({ slot: part | null }, ...extra)` swaps or drops parts.
 */
import { action, deterministic, horizon, model, optimality, state, transition, type Distribution, type Model, type Part } from '../../src/index.js';

export type Cell = { x: number; y: number };
export type Move = 'E' | 'W';
export const cells: Cell[] = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
];
export const moves: Move[] = ['E', 'W'];
export const step = (s: Cell, a: Move): Cell => ({ x: Math.min(1, Math.max(0, s.x + (a === 'E' ? 1 : -1))), y: s.y });

export type Slot = 'state' | 'action' | 'transition' | 'optimality' | 'horizon';
export const defaults: Record<Slot, () => Part<Cell, Move>> = {
  state: () => state('cell', cells, { initial: { x: 0, y: 0 } }),
  action: () => action('move', moves),
  transition: () => transition((s: Cell, a: Move) => deterministic(step(s, a))),
  optimality: () => optimality((s: Cell) => (s.x === 1 ? 0 : -1)),
  horizon: () => horizon(3),
};

/** The corridor with some parts replaced (`null` leaves a part out) and more parts added. */
export function corridor(replace: Partial<Record<Slot, Part<Cell, Move> | null>> = {}, ...extra: Part<Cell, Move>[]): Model<Cell, Move> {
  const parts = (Object.keys(defaults) as Slot[]).flatMap((slot) => {
    const given = replace[slot];
    if (given === null) return [];
    return [given ?? defaults[slot]()];
  });
  return model<Cell, Move>(...parts, ...extra);
}

/** The corridor's transition everywhere except at (s.x, a), where it returns `odd()`. */
export function corridorExceptAt(x: number, move: Move, odd: () => unknown): Part<Cell, Move> {
  return transition((s: Cell, a: Move) => (s.x === x && a === move ? (odd() as Distribution<Cell>) : deterministic(step(s, a))));
}
