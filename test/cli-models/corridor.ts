/**
 * A model file for the `cai` tests: a 4 × 2 grid, the goal in the top-right
 * corner, every other step costs 1. Default export, as `cai` expects.
 */
import { action, categorical, horizon, model, optimality, state, transition } from '../../src/index.js';

interface Cell {
  readonly x: number;
  readonly y: number;
}
const W = 4;
const H = 2;
const cells: Cell[] = [];
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) cells.push({ x, y });
const isGoal = (c: Cell) => c.x === W - 1 && c.y === 0;
const clamp = (c: Cell): Cell => ({ x: Math.min(W - 1, Math.max(0, c.x)), y: Math.min(H - 1, Math.max(0, c.y)) });
const step: Record<string, Cell> = { N: { x: 0, y: -1 }, S: { x: 0, y: 1 }, E: { x: 1, y: 0 }, W: { x: -1, y: 0 } };

export default model<Cell, string>(
  state('cell', cells, { initial: { x: 0, y: H - 1 }, layout: { width: W, height: H, cellOf: (c: Cell) => c } }),
  action('move', ['N', 'S', 'E', 'W']),
  // Moves go where intended with probability 0.9 and stay put otherwise.
  transition((c: Cell, a: string) => (isGoal(c) ? categorical([[c, 1]]) : categorical([[clamp({ x: c.x + step[a]!.x, y: c.y + step[a]!.y }), 0.9], [c, 0.1]]))),
  optimality((c: Cell) => (isGoal(c) ? 0 : -1)),
  horizon(6),
);
