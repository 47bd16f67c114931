/**
 * Issue 17 (h22b): `categorical`'s merge of short lists and compile's fast path for a one-variable state (`addChecked` straight into the CSR), each
 * against a slow reference written here:
 *
 *  - categorical: a merge written out pair by pair — primitives by ===, records by canonical key
 *    (test/helpers/reference-dynamics.ts), probabilities added in order — on seeded random lists of
 *    0–7 pairs mixing numbers (0, −0, NaN), strings, booleans, null, undefined, records, arrays and
 *    non-number probabilities; support and probabilities compared entry by entry with Object.is;
 *  - compile: the same model compiled twice, once returning our distributions (the fast path) and
 *    once the same distributions behind a Proxy (which the fast path does not take, so the general
 *    checkDistribution reads them): identical tables bit for bit, or identical errors (codes and
 *    messages, in order), on seeded random models with every kind of faulty row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { action, CaiError, categorical, compile, deterministic, horizon, isDistribution, model, optimality, state, transition, uniform, type Distribution, type Model } from '../src/index.js';
import { canonicalKey, referenceRows } from './helpers/reference-dynamics.js';

/** The merge categorical promises, written out: P(v) = Σ of the p listed with v, first-seen order. */
function referenceMerge(pairs: readonly (readonly [unknown, unknown])[]): { support: unknown[]; probs: unknown[] } {
  const support: unknown[] = [];
  const probs: unknown[] = [];
  const same = (a: unknown, b: unknown): boolean => {
    const objectA = typeof a === 'object' && a !== null;
    const objectB = typeof b === 'object' && b !== null;
    if (objectA !== objectB) return false;
    return objectA ? canonicalKey(a) === canonicalKey(b) : a === b;
  };
  for (const [value, p] of pairs) {
    const at = support.findIndex((v) => same(v, value));
    if (at < 0) {
      support.push(value);
      probs.push(p);
    } else probs[at] = (probs[at] as number) + (p as number);
  }
  return { support, probs };
}

const values: unknown[] = [0, -0, 1, 2, 7, NaN, 'a', '1', true, false, null, undefined, { x: 1, y: 2 }, { y: 2, x: 1 }, { x: 1 }, [1, 2]];
const probabilities: unknown[] = [0.8, 0.1, 0.1, 0.5, 1, 0, -0, 1e-300, 0.30000000000000004, NaN, Infinity, -0.25, '0.5'];
const pair = fc.tuple(fc.constantFrom(...values), fc.constantFrom(...probabilities));

function sameEntries(got: readonly unknown[], want: readonly unknown[]): boolean {
  return got.length === want.length && got.every((x, i) => (typeof x === 'object' && x !== null ? x === want[i] : Object.is(x, want[i])));
}

describe('categorical of few pairs: the merge of the reference', () => {
  it('matches the reference on 3 000 seeded random lists of 0–7 pairs (support and probabilities by Object.is, both frozen)', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 7 }), (list) => {
        const d = categorical(list as [unknown, number][]);
        const want = referenceMerge(list);
        expect(sameEntries(d.support, want.support), `support of ${String(list.length)} pairs`).toBe(true);
        expect(sameEntries(d.probs, want.probs), 'probabilities').toBe(true);
        expect(Object.isFrozen(d) && Object.isFrozen(d.support) && Object.isFrozen(d.probs)).toBe(true);
        expect(isDistribution(d)).toBe(true);
      }),
      { seed: 22022, numRuns: 3000 },
    );
  });

  it('keeps −0 and 0 apart in the probability lists, whichever comes first', () => {
    const negative = categorical([[1, -0], [2, 1]]);
    const positive = categorical([[1, 0], [2, 1]]);
    const again = categorical([[3, -0], [4, 1]]);
    expect(Object.is(negative.probs[0], -0)).toBe(true);
    expect(Object.is(positive.probs[0], 0)).toBe(true);
    expect(Object.is(again.probs[0], -0)).toBe(true);
  });

  it('frozen means frozen: neither list can be changed through the distribution', () => {
    const a = categorical([[1, 0.25], [2, 0.75]]);
    const b = categorical([[5, 0.25], [6, 0.75]]);
    expect(() => ((a.probs as number[])[0] = 1)).toThrow(TypeError);
    expect(() => ((b.support as number[])[0] = 1)).toThrow(TypeError);
    expect(b.probs).toEqual([0.25, 0.75]);
  });

  it('is re-entrant: a pair whose read calls categorical (a Proxy trap) leaves the outer list intact', () => {
    const inner: unknown[] = [];
    const sneaky = new Proxy([2, 0.5], { get: (t, k) => (k === '0' && inner.push(categorical([[7, 0.25], [8, 0.75], [7, 0]])), Reflect.get(t, k)) });
    const d = categorical([[1, 0.25], sneaky, [1, 0.25]] as unknown as [number, number][]);
    expect(d.support).toEqual([1, 2]);
    expect(d.probs).toEqual([0.5, 0.5]);
    expect((inner[0] as { support: unknown[]; probs: unknown[] }).support).toEqual([7, 8]);
    expect((inner[0] as { support: unknown[]; probs: unknown[] }).probs).toEqual([0.25, 0.75]);
  });

  it('reads each pair once, in order (a Proxy list sees the reads of the general path)', () => {
    const reads: string[] = [];
    const list = [[1, 0.5], [{ x: 1 }, 0.25], [1, 0.25]].map((p, j) => new Proxy(p, { get: (t, k) => (typeof k === 'string' && /^\d$/.test(k) && reads.push(`${j}.${k}`), Reflect.get(t, k)) }));
    const d = categorical(list as unknown as [unknown, number][]);
    expect(reads).toEqual(['0.0', '0.1', '1.0', '1.1', '2.0', '2.1']);
    expect(d.support).toEqual([1, { x: 1 }]);
    expect(d.probs).toEqual([0.75, 0.25]);
  });
});

/** What a compile gives: the tables, or the error's codes and messages. */
function outcome(m: Model<unknown, unknown>): { error: string[] } | { rowStart: number[]; next: number[]; prob: number[] } {
  try {
    const g = compile(m);
    return { rowStart: [...g.dynamics.rowStart], next: [...g.dynamics.next], prob: [...g.dynamics.prob] };
  } catch (error) {
    if (!(error instanceof CaiError)) throw error;
    return { error: error.issues.map((i) => `${i.code}: ${i.message}`) };
  }
}

/** A row of a random model: usually a valid categorical; sometimes each kind of fault compile reports. */
const rowKind = fc.constantFrom('valid', 'valid', 'valid', 'merged', 'deterministic', 'uniform', 'negative', 'nan', 'unknown', 'unnormalised', 'zero-unknown', 'throws', 'not-a-distribution', 'long');

function randomModel(kinds: readonly string[], cells: readonly unknown[], proxied: boolean): Model<unknown, unknown> {
  const n = cells.length;
  const rows = (s: unknown, a: number): unknown => {
    // By content: a model keeps its own frozen copies of record values.
    const i = cells.findIndex((c) => canonicalKey(c) === canonicalKey(s));
    const kind = kinds[(i * 2 + a) % kinds.length]!;
    const c = (k: number) => cells[(i + k) % n];
    switch (kind) {
      case 'valid': return categorical([[c(1), 0.7], [c(2), 0.2], [c(3), 0.1]]);
      case 'merged': return categorical([[c(0), 0.25], [c(1), 0.5], [c(0), 0.25]]);
      case 'deterministic': return deterministic(c(a + 1));
      case 'uniform': return uniform([c(0), c(1), c(2), c(3), c(4)]);
      case 'negative': return categorical([[c(1), 1.5], [c(2), -0.5]]);
      case 'nan': return categorical([[c(1), NaN], [c(2), 1]]);
      case 'unknown': return categorical([[c(1), 0.5], ['nowhere', 0.5]]);
      case 'unnormalised': return categorical([[c(1), 0.5], [c(2), 0.4]]);
      case 'zero-unknown': return categorical([['nowhere', 0], [c(2), 1]]);
      case 'throws': throw new Error(`no row at ${String(s)}`);
      case 'not-a-distribution': return [c(1), 1];
      default: return categorical(Array.from({ length: 40 }, (_, k) => [c(k), 1 / 40] as [unknown, number]));
    }
  };
  return model(
    state('cell', cells as unknown[], { initial: cells[0] }),
    action('a', [0, 1]),
    transition((s: unknown, a: number) => {
      const d = rows(s, a);
      // A Proxy of our distribution reads the same, but the fast path does not take it.
      // (A row that is not a distribution is one of the faults compile must report: cast, not checked.)
      return (proxied && isDistribution(d) ? new Proxy(d, {}) : d) as Distribution<unknown>;
    }),
    optimality(() => 0),
    horizon(2),
  ) as Model<unknown, unknown>;
}

describe('compile, one-variable rows: the fast path and checkDistribution agree', () => {
  const domains: [string, (n: number) => unknown[]][] = [
    ['cells numbered 0 … n−1', (n) => Array.from({ length: n }, (_, i) => i)],
    ['strings', (n) => Array.from({ length: n }, (_, i) => `c${i}`)],
    ['records {x, y}', (n) => Array.from({ length: n }, (_, i) => ({ x: i % 3, y: Math.floor(i / 3) }))],
  ];
  for (const [name, make] of domains) {
    it(`${name}: the same tables or the same errors, on 150 seeded random models`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 5, max: 45 }), fc.array(rowKind, { minLength: 1, maxLength: 12 }), (n, kinds) => {
          const cells = make(n);
          const fast = outcome(randomModel(kinds, cells, false));
          const general = outcome(randomModel(kinds, cells, true));
          expect(fast).toEqual(general);
          if (!('error' in fast)) {
            // And both are the canonical-key tabulation's rows.
            const m = randomModel(kinds, cells, false);
            const rows = referenceRows(m as never, cells, [0, 1]);
            for (let r = 0; r < rows.length; r++) {
              const got: [number, number][] = [];
              for (let k = fast.rowStart[r]!; k < fast.rowStart[r + 1]!; k++) got.push([fast.next[k]!, fast.prob[k]!]);
              expect(got.sort((x, y) => x[0] - y[0]), `row ${r}`).toEqual(rows[r]);
            }
          }
        }),
        { seed: 1722, numRuns: 150 },
      );
    });
  }
});

describe('the purity probe: a transition that returns two results is reported exactly when they differ as multisets', () => {
  const cells = [{ x: 0, y: 0 }, { x: 0, y: 1 }, { x: 1, y: 0 }, { x: 1, y: 1 }];
  /** The probe's comparison, written out: the sorted canonical texts of value=p. */
  const fingerprint = (d: { support: readonly unknown[]; probs: readonly number[] }): string =>
    d.support.map((v, i) => `${canonicalKey(v)}=${String(d.probs[i])}`).sort().join('|');
  // A cell as a fresh record, its keys in either order; probabilities that sum to 1 in several ways.
  const cell = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([i, flip]) => (flip ? { y: cells[i]!.y, x: cells[i]!.x } : { x: cells[i]!.x, y: cells[i]!.y }));
  const dist = fc.tuple(fc.array(cell, { minLength: 4, maxLength: 4 }), fc.constantFrom([0.5, 0.5, 0, 0], [0.25, 0.75, -0, 0], [0.75, 0.25, 0, -0], [0.5, 0.25, 0.25, 0])).map(([support, probs]) => support.map((v, i) => [v, probs[i]!] as [unknown, number]));

  it('reports non-determinism exactly when the written-out fingerprints differ (400 seeded pairs of results)', () => {
    fc.assert(
      fc.property(dist, fc.boolean(), (first, permute) => {
        // The second result: the same list permuted, or another draw.
        const second = permute ? [...first].reverse() : first.map(([v, p], i) => [i === 0 ? { x: 1, y: 1 } : v, p] as [unknown, number]);
        const a = categorical(first);
        const b = categorical(second);
        let calls = 0;
        const m = model(
          state('cell', cells, { initial: cells[0] }),
          action('a', ['go']),
          transition(() => (calls++ % 2 === 0 ? categorical(first) : categorical(second))),
          optimality(() => 0),
          horizon(2),
        );
        const reported = outcome(m as Model<unknown, unknown>);
        const differs = fingerprint(a) !== fingerprint(b);
        expect('error' in reported && reported.error.some((e) => e.startsWith('non-deterministic')), `${fingerprint(a)} vs ${fingerprint(b)}`).toBe(differs);
      }),
      { seed: 4451, numRuns: 400 },
    );
  });
});
