/**
 * A 4 × 3 grid as a factored state (x and y are two state variables) with a
 * layout: `cellOf` receives the whole record {x, y}. The goal (3, 0) is
 * absorbing; the cell (1, 1) is a cliff (r = −∞).
 */
import { action, categorical, horizon, model, optimality, state, transition } from '../../src/index.js';

interface Cell {
  readonly x: number;
  readonly y: number;
}
const W = 4;
const H = 3;
const isGoal = (c: Cell) => c.x === W - 1 && c.y === 0;
const dx: Record<string, number> = { N: 0, S: 0, E: 1, W: -1, stay: 0 };
const dy: Record<string, number> = { N: -1, S: 1, E: 0, W: 0, stay: 0 };

export default model<Cell, string>(
  state('x', [0, 1, 2, 3], { initial: 0, layout: { width: W, height: H, cellOf: (c: Cell) => ({ x: c.x, y: c.y }) } }),
  state('y', [0, 1, 2], { initial: H - 1 }),
  action('move', ['N', 'S', 'E', 'W', 'stay']),
  transition('x', (c: Cell, a: string) => categorical([[isGoal(c) ? c.x : Math.max(0, Math.min(W - 1, c.x + dx[a]!)), 1]])),
  transition('y', (c: Cell, a: string) => categorical([[isGoal(c) ? c.y : Math.max(0, Math.min(H - 1, c.y + dy[a]!)), 1]])),
  optimality((c: Cell) => (isGoal(c) ? 0 : c.x === 1 && c.y === 1 ? -Infinity : -1)),
  horizon(6),
);

const parts = [
  state('y', [0, 1, 2], { initial: H - 1 }),
  action('move', ['N', 'S', 'E', 'W', 'stay']),
  transition('x', (c: Cell, a: string) => categorical([[isGoal(c) ? c.x : Math.max(0, Math.min(W - 1, c.x + dx[a]!)), 1]])),
  transition('y', (c: Cell, a: string) => categorical([[isGoal(c) ? c.y : Math.max(0, Math.min(H - 1, c.y + dy[a]!)), 1]])),
  optimality((c: Cell) => (isGoal(c) ? 0 : -1)),
  horizon(6),
] as const;

/** A layout written for one variable's value (before cellOf received the record): it cannot place the states. */
export const oneVariableLayout = model<Cell, string>(state('x', [0, 1, 2, 3], { initial: 0, layout: { width: W, height: 1, cellOf: (x: number) => ({ x, y: 0 }) } }), ...parts);

/** A layout whose cellOf throws. */
export const throwingLayout = model<Cell, string>(
  state('x', [0, 1, 2, 3], {
    initial: 0,
    layout: { width: W, height: H, cellOf: (c: Cell) => {
      if (c.y === 2 && c.x === 3) throw new Error('no cell for the corner');
      return c;
    } },
  }),
  ...parts,
);
