/**
 * The IRL benchmark problem: an N×N slippery gridworld (intended move 0.8,
 * each perpendicular move 0.1, walls stay put), uniform start, T = 40, α = 1,
 * with a known reward of one weight per state (one-hot state features):
 *
 *   r*(s) = 0 on four goal cells, −3 on a scatter of "bog" cells, −1 elsewhere.
 *
 * Demonstrations are drawn (seeded) from the exact posterior under r*; the fit
 * learns θ ∈ R^{N²} with a Gaussian prior of precision l2.
 */
import { action, categorical, compile, horizon, infer, exact, model, optimality, state, transition, uniform } from '../../src/index.js';
import type { FactorGraph, Model } from '../../src/index.js';
import { demonstrationsFrom, type Demonstration } from '../../src/irl/index.js';

export const MOVES = ['N', 'S', 'E', 'W'] as const;
export type Move = (typeof MOVES)[number];
const DELTA: Record<Move, readonly [number, number]> = { N: [0, -1], S: [0, 1], E: [1, 0], W: [-1, 0] };
const PERPENDICULAR: Record<Move, readonly [Move, Move]> = { N: ['W', 'E'], S: ['E', 'W'], E: ['N', 'S'], W: ['S', 'N'] };

export interface Problem {
  readonly n: number;
  readonly horizon: number;
  /** The model without a reward (inferReward replaces it anyway). */
  readonly world: Model<number, Move>;
  readonly graph: FactorGraph<number, Move>;
  /** r*(s), length N². */
  readonly truth: Float64Array;
  readonly demonstrations: Demonstration<number, Move>[];
}

function step(n: number, cell: number, move: Move): number {
  const x = cell % n;
  const y = Math.floor(cell / n);
  const [dx, dy] = DELTA[move];
  const nx = x + dx;
  const ny = y + dy;
  return nx < 0 || nx >= n || ny < 0 || ny >= n ? cell : ny * n + nx;
}

export function trueReward(n: number): Float64Array {
  const r = new Float64Array(n * n).fill(-1);
  const q = Math.floor(n / 4);
  for (const [x, y] of [[q, q], [3 * q, q], [q, 3 * q], [3 * q, 3 * q]] as const) r[y * n + x] = 0;
  for (let s = 0; s < n * n; s++) if (r[s] !== 0 && ((s % n) * 7 + Math.floor(s / n) * 13) % 11 === 5) r[s] = -3;
  return r;
}

export function problem(n = 32, T = 40, count = 50, seed = 1): Problem {
  const cells = Array.from({ length: n * n }, (_, i) => i);
  const parts = [
    state('cell', cells, { initial: uniform(cells) }),
    action('move', MOVES),
    transition<number, Move>((s, a) => {
      const [left, right] = PERPENDICULAR[a];
      return categorical([
        [step(n, s, a), 0.8],
        [step(n, s, left), 0.1],
        [step(n, s, right), 0.1],
      ]);
    }),
    horizon(T),
  ] as const;
  const truth = trueReward(n);
  const world = model<number, Move>(...parts, optimality(() => 0));
  const expert = model<number, Move>(...parts, optimality((s: number) => truth[s]!));
  const demonstrations = demonstrationsFrom(infer(expert, exact()).sample(count, { seed }));
  return { n, horizon: T, world, graph: compile(world), truth, demonstrations };
}
