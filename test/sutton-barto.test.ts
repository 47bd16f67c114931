/**
 * Sutton & Barto (2018), Example 3.5: the 5 × 5 gridworld of Figures 3.2 and
 * 3.5, checked against the published tables to their printed precision (one
 * decimal). The tables are hard-coded on purpose: they are the external
 * reference, not something derived from this library.
 *
 * Then the α → 0 limit of the fixed-dynamics backup is checked against plain
 * value iteration written here, on arrays, without importing any engine:
 * the gridworld itself, a slippery (stochastic) version, and a finite horizon.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, discount, evaluate, exact, horizon, infer, model, optimality, state, temperature, transition, uniform, type Part } from '../src/index.js';
import { policyGrid } from '../src/viz/index.js';

interface Cell {
  readonly row: number;
  readonly col: number;
}
type Move = 'N' | 'S' | 'E' | 'W';

const N = 5;
const GAMMA = 0.9;
const MOVES: readonly Move[] = ['N', 'S', 'E', 'W'];
const DELTA: Record<Move, Cell> = { N: { row: -1, col: 0 }, S: { row: 1, col: 0 }, E: { row: 0, col: 1 }, W: { row: 0, col: -1 } };
const SIDEWAYS: Record<Move, readonly Move[]> = { N: ['E', 'W'], S: ['E', 'W'], E: ['N', 'S'], W: ['N', 'S'] };
const CELLS: Cell[] = [];
for (let row = 0; row < N; row++) for (let col = 0; col < N; col++) CELLS.push({ row, col });

/** The book's dynamics for one intended move: A → A′ (+10), B → B′ (+5), off the grid −1 and stay. */
function outcome(s: Cell, a: Move): { next: Cell; reward: number } {
  if (s.row === 0 && s.col === 1) return { next: { row: 4, col: 1 }, reward: 10 };
  if (s.row === 0 && s.col === 3) return { next: { row: 2, col: 3 }, reward: 5 };
  const next = { row: s.row + DELTA[a].row, col: s.col + DELTA[a].col };
  return next.row >= 0 && next.row < N && next.col >= 0 && next.col < N ? { next, reward: 0 } : { next: s, reward: -1 };
}

/**
 * Outcomes (probability, next, reward) of action a: the book's world when
 * slip = 0; otherwise the intended move with 1 − 2·slip and each sideways
 * move with slip, each with its own reward (r(s, a, s′) form).
 */
function outcomes(s: Cell, a: Move, slip: number): { p: number; next: Cell; reward: number }[] {
  const moves: [Move, number][] = slip === 0 ? [[a, 1]] : [[a, 1 - 2 * slip], [SIDEWAYS[a][0]!, slip], [SIDEWAYS[a][1]!, slip]];
  return moves.map(([m, p]) => ({ p, ...outcome(s, m) }));
}

/** The gridworld as a model: the reward is the expected reward of the outcome, r(s, a) = Σ p·r(s, a, s′). */
function gridworld(slip: number, extra: readonly Part<Cell, Move>[]) {
  return model<Cell, Move>(
    state('cell', CELLS, { layout: { width: N, height: N, cellOf: (c: Cell) => ({ x: c.col, y: c.row }) } }),
    action('move', MOVES),
    transition((s: Cell, a: Move) => categorical(outcomes(s, a, slip).map((o) => [o.next, o.p] as const))),
    optimality((s: Cell, a: Move) => outcomes(s, a, slip).reduce((sum, o) => sum + o.p * o.reward, 0)),
    ...extra,
  );
}

const index = (c: Cell) => c.row * N + c.col; // CELLS is listed row by row

/** Figure 3.2: V of the equiprobable random policy. */
const FIGURE_3_2 = [
  [3.3, 8.8, 4.4, 5.3, 1.5],
  [1.5, 3.0, 2.3, 1.9, 0.5],
  [0.1, 0.7, 0.7, 0.4, -0.4],
  [-1.0, -0.4, -0.4, -0.6, -1.2],
  [-1.9, -1.3, -1.2, -1.4, -2.0],
];

/** Figure 3.5 (middle): V*. */
const FIGURE_3_5 = [
  [22.0, 24.4, 22.0, 19.4, 17.5],
  [19.8, 22.0, 19.8, 17.8, 16.0],
  [17.8, 19.8, 17.8, 16.0, 14.4],
  [16.0, 17.8, 16.0, 14.4, 13.0],
  [14.4, 16.0, 14.4, 13.0, 11.7],
];

/** Figure 3.5 (right): π*, the optimal moves of each cell; at A and B every move is the same. */
const FIGURE_3_5_POLICY = [
  ['E', 'NSEW', 'W', 'NSEW', 'W'],
  ['NE', 'N', 'NW', 'W', 'W'],
  ['NE', 'N', 'NW', 'NW', 'NW'],
  ['NE', 'N', 'NW', 'NW', 'NW'],
  ['NE', 'N', 'NW', 'NW', 'NW'],
];

/** Equal to the printed number at its precision: rounds to it, i.e. within half a unit of the last digit. */
function expectPrinted(values: ArrayLike<number>, printed: readonly (readonly number[])[]) {
  const mismatches: string[] = [];
  for (const c of CELLS) {
    const v = values[index(c)]!;
    const p = printed[c.row]![c.col]!;
    if (v.toFixed(1) !== p.toFixed(1) || Math.abs(v - p) > 0.05 + 1e-12) mismatches.push(`(${c.row},${c.col}): ${v} vs printed ${p}`);
  }
  expect(mismatches).toEqual([]);
}

/** The actions with positive probability in one row of a policy table, as letters in N S E W order. */
function support(table: Float64Array, s: number): string {
  return MOVES.filter((_, a) => table[s * MOVES.length + a]! > 0).join('');
}

describe('Sutton & Barto Figure 3.2: the equiprobable random policy', () => {
  it('evaluate() reproduces every printed value', () => {
    const V = evaluate(gridworld(0, [discount(GAMMA)]), () => uniform(MOVES)).V(0);
    expectPrinted(V, FIGURE_3_2);
  });
});

describe('Sutton & Barto Figure 3.5: V* and π*', () => {
  const hard = infer(gridworld(0, [temperature(0), discount(GAMMA)]), exact({ backup: 'fixed-dynamics' }));

  it('temperature(0) with the fixed-dynamics backup reproduces every printed V*', () => {
    expectPrinted(hard.V(0), FIGURE_3_5);
  });

  it('the posterior backup gives the same V* here, since the dynamics are deterministic', () => {
    const posterior = infer(gridworld(0, [temperature(0), discount(GAMMA)]), exact({ backup: 'posterior' }));
    expectPrinted(posterior.V(0), FIGURE_3_5);
    const a = hard.V(0);
    const b = posterior.V(0);
    for (let s = 0; s < CELLS.length; s++) expect(Math.abs(a[s]! - b[s]!)).toBeLessThan(1e-9);
  });

  it('the optimal moves of every cell are those of the figure (ties included)', () => {
    const table = hard.policyTable(0);
    const got = FIGURE_3_5.map((row, r) => row.map((_, c) => support(table, index({ row: r, col: c }))));
    expect(got).toEqual(FIGURE_3_5_POLICY);
  });

  it('policyGrid draws the figure', () => {
    expect(policyGrid(hard.graph, hard.policyTable(0))).toBe(
      ['→    ↑↓→← ←    ↑↓→← ←', '↑→   ↑    ↑←   ←    ←', '↑→   ↑    ↑←   ↑←   ↑←', '↑→   ↑    ↑←   ↑←   ↑←', '↑→   ↑    ↑←   ↑←   ↑←'].join('\n'),
    );
  });
});

// ---------------------------------------------------------------- independent value iteration

/** Q(s, a) = Σ_{s′} p (r(s, a, s′) + γ V(s′)), on plain arrays. */
function bellmanQ(V: readonly number[], s: Cell, a: Move, slip: number, gamma: number): number {
  return outcomes(s, a, slip).reduce((sum, o) => sum + o.p * (o.reward + gamma * V[index(o.next)]!), 0);
}

/** V* by value iteration until successive iterates differ by < 1e-13. */
function valueIteration(slip: number, gamma: number): number[] {
  let V = new Array<number>(CELLS.length).fill(0);
  for (let iteration = 0; iteration < 100_000; iteration++) {
    const next = CELLS.map((s) => Math.max(...MOVES.map((a) => bellmanQ(V, s, a, slip, gamma))));
    const change = Math.max(...next.map((v, i) => Math.abs(v - V[i]!)));
    V = next;
    if (change < 1e-13) return V;
  }
  throw new Error('value iteration did not converge');
}

/** V*_t for a finite horizon by backward induction: V_{T−1} = max_a r, V_t = max_a Q(V_{t+1}). */
function backwardInduction(slip: number, gamma: number, T: number): number[][] {
  const values: number[][] = new Array(T);
  values[T - 1] = CELLS.map((s) => Math.max(...MOVES.map((a) => bellmanQ(new Array<number>(CELLS.length).fill(0), s, a, slip, 0))));
  for (let t = T - 2; t >= 0; t--) values[t] = CELLS.map((s) => Math.max(...MOVES.map((a) => bellmanQ(values[t + 1]!, s, a, slip, gamma))));
  return values;
}

/** The maximising moves of each cell, with a tie tolerance far below any real gap in these models. */
function argmaxSets(V: readonly number[], slip: number, gamma: number): string[] {
  return CELLS.map((s) => {
    const q = MOVES.map((a) => bellmanQ(V, s, a, slip, gamma));
    const best = Math.max(...q);
    return MOVES.filter((_, a) => q[a]! >= best - 1e-9 * Math.max(1, Math.abs(best))).join('');
  });
}

function expectWithin(a: ArrayLike<number>, b: readonly number[], tolerance: number) {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('the hard-max limit is value iteration', () => {
  for (const slip of [0, 0.1]) {
    const name = slip === 0 ? 'the gridworld' : `a slippery gridworld (slip ${slip} to each side)`;

    it(`${name}: V and the optimal action sets agree with value iteration to 1e-9`, () => {
      // tolerance 1e-12 on the residual puts the library within 1e-12·γ/(1 − γ) ≈ 1e-11 of the fixed point.
      const post = infer(gridworld(slip, [temperature(0), discount(GAMMA)]), exact({ backup: 'fixed-dynamics', tolerance: 1e-12 }));
      const reference = valueIteration(slip, GAMMA);
      expectWithin(post.V(0), reference, 1e-9);
      const table = post.policyTable(0);
      expect(CELLS.map((_, s) => support(table, s))).toEqual(argmaxSets(reference, slip, GAMMA));
      // Q*(s, a) too, so that a wrong non-maximal action value cannot hide behind the max.
      const Q = post.Q(0);
      const referenceQ = CELLS.flatMap((s) => MOVES.map((a) => bellmanQ(reference, s, a, slip, GAMMA)));
      expectWithin(Q, referenceQ, 1e-9);
    });

    it(`${name}: over a finite horizon, every V_t and argmax set agrees with backward induction`, () => {
      const T = 12;
      const post = infer(gridworld(slip, [temperature(0), discount(GAMMA), horizon(T)]), exact({ backup: 'fixed-dynamics' }));
      const reference = backwardInduction(slip, GAMMA, T);
      for (let t = 0; t < T; t++) expectWithin(post.V(t), reference[t]!, 1e-9);
      const zeros = new Array<number>(CELLS.length).fill(0);
      for (let t = 0; t < T; t++) {
        const table = post.policyTable(t);
        // The last decision has no future: Q_{T−1} = r.
        const expected = t === T - 1 ? argmaxSets(zeros, slip, 0) : argmaxSets(reference[t + 1]!, slip, GAMMA);
        expect(CELLS.map((_, s) => support(table, s))).toEqual(expected);
      }
    });
  }

  it('with slips, the α → 0 posterior backup is optimistic: it maxes over successors, so V ≥ V* and > somewhere', () => {
    const optimistic = infer(gridworld(0.1, [temperature(0), discount(GAMMA)]), exact({ backup: 'posterior', tolerance: 1e-12 })).V(0);
    const reference = valueIteration(0.1, GAMMA);
    let gap = 0;
    for (let s = 0; s < CELLS.length; s++) {
      expect(optimistic[s]!).toBeGreaterThanOrEqual(reference[s]! - 1e-9);
      gap = Math.max(gap, optimistic[s]! - reference[s]!);
    }
    expect(gap).toBeGreaterThan(1);
  });
});
