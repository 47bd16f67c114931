/**
 * memo's MDP demo, rebuilt: a 21×21 maze with walls (a perfect maze carved by a
 * seeded depth-first search on the odd lattice, so every open cell reaches every
 * other), goals in two corners of the open area, reward 1 at the goal and −0.1 per
 * step elsewhere, the goal absorbing, the agent starting in a third corner; hard-max Q over 1000 steps, and a β = 2
 * Boltzmann goal posterior p(g | s, a) ∝ p(g) π_g(a | s) for every (state, action).
 * All 441 cells are states (a move into a wall stays put), 4 actions.
 */
import { action, categorical, deterministic, horizon, model, optimality, state, temperature, transition, type Model } from '../../src/index.js';

export const N = 21;
export const STEPS = 1000;
export const BETA = 2;
export type Cell = readonly [number, number];
export type Move = 'N' | 'S' | 'E' | 'W';
const MOVES: readonly Move[] = ['N', 'S', 'E', 'W'];
const DELTA: Record<Move, readonly [number, number]> = { N: [0, -1], S: [0, 1], E: [1, 0], W: [-1, 0] };

/** open[y][x]: true where the maze is free; carved by DFS from (1, 1) with a mulberry32 stream. */
export function carve(seed = 7): boolean[][] {
  const open = Array.from({ length: N }, () => new Array<boolean>(N).fill(false));
  let x = seed >>> 0;
  const random = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const stack: [number, number][] = [[1, 1]];
  open[1]![1] = true;
  while (stack.length > 0) {
    const [cx, cy] = stack[stack.length - 1]!;
    const options = MOVES.map((m) => [cx + 2 * DELTA[m][0], cy + 2 * DELTA[m][1], m] as const).filter(([nx, ny]) => nx > 0 && ny > 0 && nx < N - 1 && ny < N - 1 && !open[ny]![nx]);
    if (options.length === 0) {
      stack.pop();
      continue;
    }
    const [nx, ny] = options[Math.floor(random() * options.length)]!;
    open[(cy + ny) / 2]![(cx + nx) / 2] = true;
    open[ny]![nx] = true;
    stack.push([nx, ny]);
  }
  return open;
}

export const cells: Cell[] = [];
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) cells.push([x, y]);

/** The successor of (cell, move): blocked by walls and the edge; goals absorb. */
export function successor(open: boolean[][], goal: Cell, s: Cell, a: Move): Cell {
  if (s[0] === goal[0] && s[1] === goal[1]) return s;
  const nx = s[0] + DELTA[a][0];
  const ny = s[1] + DELTA[a][1];
  return nx >= 0 && ny >= 0 && nx < N && ny < N && open[ny]![nx] ? [nx, ny] : s;
}

/**
 * The agent heading for `goal`: Boltzmann over hard-max Q* with α = 1/β. The goal
 * absorbs in every model (a shared world), so all goal models share dynamics only
 * when the absorbing set is the union of goals — see `goalsOf`.
 */
export function agentModel(open: boolean[][], goal: Cell, absorbing: readonly Cell[], slip = 0): Model<Cell, Move> {
  const isAbsorbing = (s: Cell) => absorbing.some((g) => g[0] === s[0] && g[1] === s[1]);
  const noGoal: Cell = [-1, -1];
  return model<Cell, Move>(
    state('cell', cells, { initial: [N - 2, 1] }), // a third corner: the agent starts at neither goal
    action('move', [...MOVES]),
    // slip > 0: the intended move with 1 − slip, each other move with slip/3 (equal cells merged by categorical).
    transition((s: Cell, a: Move) =>
      isAbsorbing(s)
        ? deterministic(s)
        : slip === 0
          ? deterministic(successor(open, noGoal, s, a))
          : categorical(MOVES.map((m) => [successor(open, noGoal, s, m), m === a ? 1 - slip : slip / 3] as const)),
    ),
    optimality((s: Cell) => (s[0] === goal[0] && s[1] === goal[1] ? 1 : -0.1)),
    temperature(1 / BETA),
    horizon(STEPS),
  );
}

/** The two-corner goals of memo's demo, or `k` goals at seeded open cells. */
export function goalsOf(open: boolean[][], k: number): Cell[] {
  if (k === 2) return [[1, 1], [N - 2, N - 2]];
  const free = cells.filter(([x, y]) => open[y]![x]);
  const out: Cell[] = [];
  for (let i = 0; out.length < k; i++) {
    const c = free[(i * 97 + 13) % free.length]!;
    if (!out.some((g) => g[0] === c[0] && g[1] === c[1])) out.push(c);
  }
  return out;
}
