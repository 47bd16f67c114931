/**
 * Compile's fast paths (identity, primitive and record-shape lookups; rows written
 * straight into the CSR; categorical read by index) give the same tables, bit for
 * bit, as a tabulation keyed by canonical strings (test/helpers/reference-dynamics.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridworld } from '../bench/exact/gridworld.js';
import { hiddenGoal } from '../dsl-examples/hidden-goal.js';
import { learningGridworld } from '../dsl-examples/learning-gridworld.js';
import { lottery } from '../dsl-examples/lottery.js';
import { cliffWalk } from '../dsl-examples/slippery-gridworld.js';
import { gridworld as suttonBarto } from '../dsl-examples/sutton-barto-gridworld.js';
import { tiger } from '../dsl-examples/tiger.js';
import { action, categorical, compile, deterministic, horizon, model, optimality, state, transition, type Model } from '../src/index.js';
import { valueIndex } from '../src/compile/value-index.js';
import { cells } from './helpers/three-cells.js';
import { canonicalKey, referenceRows } from './helpers/reference-dynamics.js';

function expectSameDynamics(m: Model<unknown, unknown>): void {
  const g = compile(m);
  const rows = referenceRows(m as never, g.states.values, g.actions.values);
  expect(g.dynamics.rowStart.length).toBe(rows.length + 1);
  for (let r = 0; r < rows.length; r++) {
    const got: [number, number][] = [];
    for (let k = g.dynamics.rowStart[r]!; k < g.dynamics.rowStart[r + 1]!; k++) got.push([g.dynamics.next[k]!, g.dynamics.prob[k]!]);
    got.sort((x, y) => x[0] - y[0]);
    // toEqual compares numbers with Object.is: bit for bit (and −0 ≠ 0).
    expect(got, `row ${r}`).toEqual(rows[r]);
  }
  expect(g.dynamics.nnz).toBe(rows.reduce((n, row) => n + row.length, 0));
}

/** A factored model: a string variable and a shuffled numeric one, with merged successors. */
function factored(): Model<unknown, unknown> {
  return model(
    state('b', [3, 1, 2, 0], { initial: 3 }),
    state('a', ['lo', 'mid', 'hi'], { initial: 'lo' }),
    action('m', ['up', 'stay']),
    transition('a', (s: { a: string; b: number }, m: string) => (m === 'up' ? categorical([['hi', 0.5], [s.a, 0.25], ['hi', 0.25]]) : deterministic(s.a))),
    transition('b', (s: { a: string; b: number }) => categorical([[(s.b + 1) % 4, 0.3], [s.b, 0.7]])),
    optimality(() => 0),
    horizon(2),
  ) as Model<unknown, unknown>;
}

/** A domain of mixed values: null, arrays, nested records, −0 and booleans (the keyOf fallback). */
function mixed(): Model<unknown, unknown> {
  const values: unknown[] = [null, [1, 2], { p: { q: 1 } }, 0, true, 'x', { r: 1 }];
  return model(
    state('v', values, { initial: null }),
    action('m', [0, 1]),
    transition((s: unknown, m: number) => categorical([[values[(values.indexOf(s) + 1 + m) % values.length] === 0 ? -0 : structuredClone(values[(values.indexOf(s) + 1 + m) % values.length]), 0.6], [s, 0.4]])),
    optimality(() => 0),
    horizon(2),
  ) as Model<unknown, unknown>;
}

describe('compile fast paths: the same tables as a canonical-key tabulation', () => {
  const models: [string, () => Model<unknown, unknown>][] = [
    ['bench gridworld (identity cells)', () => gridworld(7) as Model<unknown, unknown>],
    ['slippery cliff walk ({x, y} records)', () => cliffWalk().gridworld as Model<unknown, unknown>],
    ['Sutton & Barto gridworld ({row, col} records)', () => suttonBarto(5) as Model<unknown, unknown>],
    ['hidden goal (nested records)', () => hiddenGoal(4, 3) as Model<unknown, unknown>],
    ['learning gridworld', () => learningGridworld().gridworld as Model<unknown, unknown>],
    ['lottery (strings)', () => lottery(1) as Model<unknown, unknown>],
    ['tiger (POMDP)', () => tiger() as Model<unknown, unknown>],
    ['three cells', () => cells(3) as Model<unknown, unknown>],
    ['factored (strings × shuffled numbers)', factored],
    ['mixed values (null, arrays, nested records, −0)', mixed],
  ];
  for (const [name, make] of models) it(name, () => expectSameDynamics(make()));
});

describe('valueIndex agrees with a canonical-key Map', () => {
  const reference = (values: readonly unknown[]) => {
    const map = new Map(values.map((v, i) => [canonicalKey(v), i] as const));
    return (q: unknown) => map.get(canonicalKey(q)) ?? -1;
  };
  const field = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', '1', 'x'), fc.boolean(), fc.constant(null));
  const value = fc.oneof(
    fc.integer({ min: -5, max: 40 }),
    fc.constantFrom('a', 'b', '0', 'T'),
    fc.boolean(),
    fc.record({ x: field, y: field }),
    fc.record({ y: field, x: field }),
    fc.record({ x: field }),
    fc.array(field, { maxLength: 2 }),
  );
  // Queries include what no domain holds: −0, a record with an extra key, undefined, a function.
  const query = fc.oneof(value, fc.constantFrom(-0, undefined, () => 0, { x: 1, y: 2, z: 3 }, { x: { y: 1 } }, [1, [2]]));

  it('on random domains of numbers, strings, booleans, records and arrays (500 cases, seeded)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(value, { minLength: 1, maxLength: 30, selector: canonicalKey }), fc.array(query, { maxLength: 30 }), (values, queries) => {
        const fast = valueIndex(values);
        const slow = reference(values);
        for (const v of values) expect(fast(structuredClone(v))).toBe(slow(v));
        for (const q of queries) expect(fast(q)).toBe(q === undefined || typeof q === 'function' ? -1 : slow(q));
      }),
      { numRuns: 500, seed: 17 },
    );
  });

  it('identity domains 0 … n−1 and one-shape records, including key order and near misses', () => {
    const cellsIdx = valueIndex([0, 1, 2, 3]);
    expect([0, -0, 3, 4, -1, 1.5, '1', NaN].map(cellsIdx)).toEqual([0, 0, 3, -1, -1, -1, -1, -1]);
    const grid = [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }, { x: 1, y: 1 }];
    const at = valueIndex(grid);
    expect([{ y: 1, x: 0 }, { x: 1, y: 1 }, { x: 1 }, { x: 1, y: 1, z: 0 }, { x: '1', y: 1 }, { x: 1, z: 1 }, { x: 2, y: 0 }, [1, 1], null].map(at)).toEqual([2, 3, -1, -1, -1, -1, -1, -1, -1]);
  });
});
