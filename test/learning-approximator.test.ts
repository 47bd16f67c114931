/**
 * The learning engines' parameter updates are sparse (a step costs O(batch),
 * not O(parameters)); these tests pin that the shortcut changes nothing it
 * should not: the lazily caught-up Polyak average equals the every-step one,
 * and a family without `span` (dense updates) learns the same table as one with it.
 */
import { describe, expect, it } from 'vitest';
import { rng, tabularSoftmax } from '../src/index.js';
import type { BoundFamily } from '../src/index.js';
import { Approximator } from '../src/engines/learning/approximator.js';

const states = { name: 's', values: [0, 1, 2, 3, 4], size: 5, indexOf: (v: unknown) => (typeof v === 'number' && v >= 0 && v < 5 ? v : -1) };
const actions = { name: 'a', values: ['x', 'y', 'z'], size: 3, indexOf: (v: unknown) => ['x', 'y', 'z'].indexOf(v as string) };

function bound(sparse: boolean): BoundFamily<unknown> {
  const family = tabularSoftmax({ timeIndexed: true }).bind({ states, actions, horizon: 2, example: 0 });
  if (sparse) return family;
  // The same table, minus the span: the approximator falls back to dense steps.
  const { span: _span, width: _width, ...dense } = family;
  return dense;
}

/** Random sparse gradient steps (a few rows a step, many rows idle for long stretches) on both approximators. */
function drive(sparse: Approximator<unknown>, dense: Approximator<unknown>, steps: number, seed: number): void {
  const random = rng(seed);
  const w = new Float64Array(3);
  for (let k = 0; k < steps; k++) {
    const rows = 1 + Math.floor(random.next() * 3);
    for (let r = 0; r < rows; r++) {
      // Rows of state 4 are rare, so their averages go hundreds of steps without a catch-up.
      const s = random.next() < 0.02 ? 4 : Math.floor(random.next() * 4);
      const t = random.next() < 0.5 ? 0 : 1;
      for (let a = 0; a < 3; a++) w[a] = random.next() - 0.5;
      sparse.add(s, t, s, w);
      dense.add(s, t, s, w);
    }
    sparse.step();
    dense.step();
  }
}

describe('sparse updates of a learned table', () => {
  it('the lazy Polyak average equals the every-step one to 1e-12 (gradient ascent, τ = 0.01, 3000 steps)', () => {
    const sparse = new Approximator(bound(true), 'gradient-ascent', 0.1, 0.01);
    const dense = new Approximator(bound(false), 'gradient-ascent', 0.1, 0.01);
    drive(sparse, dense, 3000, 7);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    let rows = 0;
    for (const t of [0, 1]) {
      for (let s = 0; s < 5; s++) {
        sparse.targetValues(s, t, s, a);
        dense.targetValues(s, t, s, b);
        for (let i = 0; i < 3; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b[i]!)));
        // The average lags the parameters: the test would fail if either skipped the averaging.
        sparse.values(s, t, s, b);
        if (Math.abs(a[0]! - b[0]!) > 1e-6) rows++;
      }
    }
    expect(rows).toBeGreaterThan(5);
    expect(Array.from(sparse.params)).toEqual(Array.from(dense.params));
  });

  it('with Adam, touched coordinates move exactly as dense Adam moves them while every coordinate is touched each step', () => {
    const sparse = new Approximator(bound(true), 'adam', 0.01, 1);
    const dense = new Approximator(bound(false), 'adam', 0.01, 1);
    const w = new Float64Array([0.3, -0.2, 0.1]);
    for (let k = 0; k < 50; k++) {
      for (const t of [0, 1]) for (let s = 0; s < 5; s++) {
        sparse.add(s, t, s, w);
        dense.add(s, t, s, w);
      }
      sparse.step();
      dense.step();
    }
    expect(Array.from(sparse.params)).toEqual(Array.from(dense.params));
    expect(sparse.params[0]).toBeCloseTo(0.5, 6); // 50 Adam steps of 0.01·g/(|g| + ε) along a constant gradient
  });
});
