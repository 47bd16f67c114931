/**
 * The 5 × 5 gridworld of Sutton & Barto (2018), Example 3.5 / Figures 3.2 and 3.5.
 *
 * Moving off the grid costs −1 and leaves the agent where it was; every action
 * in A = (row 0, col 1) gives +10 and moves to A′ = (4, 1); every action in
 * B = (0, 3) gives +5 and moves to B′ = (2, 3); all other moves give 0; γ = 0.9.
 *
 * Control as inference with temperature(0) and the fixed-dynamics backup is
 * exactly value iteration (V = max_a [r + γ E V′]), so the book's V* comes out
 * of `infer`; `evaluate` gives the book's values of the random policy; and a
 * temperature of 1 shows the soft values for contrast.
 *
 * Run: npx tsx dsl-examples/sutton-barto-gridworld.ts
 */
import { pathToFileURL } from 'node:url';
import {
  action,
  deterministic,
  discount,
  evaluate,
  exact,
  infer,
  model,
  optimality,
  policyGrid,
  state,
  temperature,
  transition,
  uniform,
  valueGrid,
} from '../src/index.js';

/** A cell: row 0 at the top, as in the book's figures. */
export interface Cell {
  readonly row: number;
  readonly col: number;
}
export type Move = 'N' | 'S' | 'E' | 'W';

export interface Options {
  /** Side of the square grid (the book's is 5; A, A′, B, B′ need at least 5). */
  readonly size?: number;
  /** Also solve the soft (temperature 1) version. */
  readonly soft?: boolean;
}

const MOVES = ['N', 'S', 'E', 'W'] as const;
const STEP: Record<Move, Cell> = { N: { row: -1, col: 0 }, S: { row: 1, col: 0 }, E: { row: 0, col: 1 }, W: { row: 0, col: -1 } };
const A: Cell = { row: 0, col: 1 };
const A_PRIME: Cell = { row: 4, col: 1 };
const B: Cell = { row: 0, col: 3 };
const B_PRIME: Cell = { row: 2, col: 3 };
const same = (p: Cell, q: Cell) => p.row === q.row && p.col === q.col;

/** Where a move goes and what it pays, as in the book. */
export function step(n: number, s: Cell, a: Move): { next: Cell; reward: number } {
  if (same(s, A)) return { next: A_PRIME, reward: 10 };
  if (same(s, B)) return { next: B_PRIME, reward: 5 };
  const next = { row: s.row + STEP[a].row, col: s.col + STEP[a].col };
  const inside = next.row >= 0 && next.row < n && next.col >= 0 && next.col < n;
  return inside ? { next, reward: 0 } : { next: s, reward: -1 };
}

/**
 * The gridworld as a model. `alpha` is the temperature: 0 for the hard max
 * (the book's V*), 1 for the soft values. No horizon + discount(0.9): the
 * infinite-horizon fixed point.
 */
export function gridworld(n = 5, alpha = 0) {
  if (n < 5) throw new RangeError(`the gridworld needs n ≥ 5 for A′ = (4, 1); got ${n}`);
  const cells: Cell[] = [];
  for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) cells.push({ row, col });
  return model<Cell, Move>(
    state('cell', cells, { layout: { width: n, height: n, cellOf: (s: Cell) => ({ x: s.col, y: s.row }) } }),
    action('move', MOVES),
    transition((s: Cell, a: Move) => deterministic(step(n, s, a).next)),
    optimality((s: Cell, a: Move) => step(n, s, a).reward),
    temperature(alpha),
    discount(0.9),
  );
}

export function main(options: Options = {}): void {
  const n = options.size ?? 5;

  // Figure 3.5: V* and π* — the α → 0 limit with Q = r + γ E[V′] is value iteration.
  const hard = infer(gridworld(n, 0), exact({ backup: 'fixed-dynamics' }));
  console.log(`Sutton & Barto gridworld ${n}×${n}, γ = 0.9  (A → A′ pays +10, B → B′ pays +5, off-grid −1)`);
  console.log(`\nV* (Figure 3.5; temperature(0), fixed-dynamics; ${hard.convergence?.iterations} iterations):`);
  console.log(valueGrid(hard.graph, hard.V(0), { digits: 1 }));
  console.log('\nπ* (every tied action drawn; at A and B every move is the same):');
  console.log(policyGrid(hard.graph, hard.policyTable(0)));

  // Figure 3.2: the equiprobable random policy, evaluated under the true dynamics.
  const random = evaluate(gridworld(n, 0), () => uniform(MOVES));
  console.log('\nV of the equiprobable random policy (Figure 3.2, evaluate):');
  console.log(valueGrid(hard.graph, random.V(0), { digits: 1 }));

  if (options.soft ?? true) {
    // Temperature 1: V = log Σ_a ¼ exp(Q) lies between the mean over actions (the random policy)
    // and the max (V*), so the soft values fall between the two tables; the policy spreads out.
    const soft = infer(gridworld(n, 1), exact({ backup: 'fixed-dynamics' }));
    console.log('\nSoft V (temperature(1), same backup) — between the random policy and V*:');
    console.log(valueGrid(soft.graph, soft.V(0), { digits: 1 }));
    const pi = soft.policy(0, { row: 0, col: 0 });
    const shown = pi.support.map((a, i) => `${a} ${pi.probs[i]!.toFixed(2)}`).join(', ');
    console.log(`soft policy at (0, 0): ${shown}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
