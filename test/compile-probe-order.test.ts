/**
 * Issue 17 (h23b): the purity probe compares two results of a transition entry by entry in order
 * (domain values by their index, other values by key) before it falls back to the sorted
 * fingerprints. Checked against the probe's rule written out here — two results are the same exactly
 * when their sorted canonical texts `key=p` are equal — on seeded random pairs of results that are
 * equal in order (fresh records, keys in either order), permuted, or changed in one entry, with values
 * inside the domain and, at probability 0 (which the tabulation skips and the probe still compares),
 * outside it; for a one-variable state (index path) and a factored one (key path).
 * Also `categorical`'s check of a record's keys by for…in (support-index.ts `sameKeys`) against a merge
 * by own keys written out here, on records with prototypes that for…in reads differently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { action, CaiError, categorical, compile, horizon, model, optimality, state, transition, type Model } from '../src/index.js';
import { canonicalKey } from './helpers/reference-dynamics.js';
import { valueIndex } from '../src/compile/value-index.js';

/** The probe's comparison, written out: the sorted canonical texts of value=p (NaN and −0 as String shows them). */
const fingerprint = (pairs: readonly (readonly [unknown, number])[]): string =>
  pairs
    .map(([v, p]) => `${canonicalKey(v)}=${String(p)}`)
    .sort()
    .join('|');

/** Whether compile reports `non-deterministic` (and no other code: the rows themselves are valid). */
function reported(m: Model<unknown, unknown>): boolean {
  try {
    compile(m);
    return false;
  } catch (error) {
    if (!(error instanceof CaiError)) throw error;
    expect(error.issues.map((i) => i.code)).toEqual(['non-deterministic']);
    return true;
  }
}

const cells = [{ x: 0, y: 0 }, { x: 0, y: 1 }, { x: 1, y: 0 }, { x: 1, y: 1 }];
// A fresh record each time (keys in either order), inside the domain or (x = 5) outside it.
const fresh = (x: number, y: number, flip: boolean): Record<string, number> => (flip ? { y, x } : { x, y });
// Probabilities: a valid row over the in-domain entries; the out-of-domain ones get 0 or −0.
const rowOf = fc.array(fc.tuple(fc.constantFrom(0, 1, 5), fc.constantFrom(0, 1), fc.boolean()), { minLength: 1, maxLength: 5 });
const change = fc.constantFrom('same', 'same', 'reversed', 'other value', 'other p', 'signed zero');

function second(first: [number, number, boolean][], how: string): [number, number, boolean][] {
  const copy = first.map(([x, y, flip]) => [x, y, !flip] as [number, number, boolean]); // fresh records, keys the other way
  if (how === 'reversed') return copy.reverse();
  if (how === 'other value') copy[0] = [copy[0]![0] === 5 ? 5 : 1 - copy[0]![0], copy[0]![1], copy[0]![2]];
  return copy;
}

/** Probabilities for a list of entries: in-domain entries 1/n each (or, changed, 1.5/n and 0.5/n for the first two); others 0 or −0. */
function probs(entries: readonly [number, number, boolean][], how: string, late: boolean): number[] {
  const inside = entries.filter(([x]) => x !== 5).length;
  let k = 0;
  return entries.map(([x]) => {
    if (x === 5) return how === 'signed zero' && late ? -0 : 0;
    k++;
    if (how === 'other p' && late && inside > 1 && k <= 2) return (k === 1 ? 1.5 : 0.5) / inside;
    return 1 / inside;
  });
}

describe('the purity probe, compared in order first: reported exactly when the written-out fingerprints differ', () => {
  for (const factored of [false, true]) {
    it(`${factored ? 'factored state (values by key)' : 'one-variable state (values by index)'}: 300 seeded pairs of results`, () => {
      fc.assert(
        fc.property(rowOf, change, (raw, how) => {
          // Keep rows with at least one in-domain entry, so that every call is a valid row.
          const first = raw.some(([x]) => x !== 5) ? raw : [[0, 0, false] as [number, number, boolean], ...raw];
          const later = second(first, how);
          const a = first.map(([x, y, flip], i) => [fresh(x, y, flip), probs(first, how, false)[i]!] as [unknown, number]);
          const b = later.map(([x, y, flip], i) => [fresh(x, y, flip), probs(later, how, true)[i]!] as [unknown, number]);
          // categorical merges repeated values; the reference compares what the probe sees, the merged lists.
          const merged = (pairs: [unknown, number][]) => {
            const d = categorical(pairs);
            return d.support.map((v, i) => [v, d.probs[i]!] as [unknown, number]);
          };
          const expected = fingerprint(merged(a)) !== fingerprint(merged(b));
          let calls = 0;
          const next = () => categorical(calls++ % 2 === 0 ? a.map(([v, p]) => [{ ...(v as object) }, p] as [unknown, number]) : b);
          const m = factored
            ? model(
                state('cell', [cells[0], cells[3]], { initial: cells[0] }),
                state('other', [0, 1], { initial: 0 }),
                action('a', ['go']),
                transition('cell', next),
                transition('other', () => categorical([[0, 1]])),
                optimality(() => 0),
                horizon(2),
              )
            : model(state('cell', cells, { initial: cells[0] }), action('a', ['go']), transition(next), optimality(() => 0), horizon(2));
          // Factored: successors must be in the variable's domain ({0,0} and {1,1}); others at p = 0 only.
          if (factored && a.concat(b).some(([v, p]) => p !== 0 && canonicalKey(v) !== canonicalKey(cells[0]) && canonicalKey(v) !== canonicalKey(cells[3]))) return;
          expect(reported(m as Model<unknown, unknown>), `${fingerprint(merged(a))} vs ${fingerprint(merged(b))}`).toBe(expected);
        }),
        { seed: 2317 + (factored ? 1 : 0), numRuns: 300 },
      );
    });
  }
});

describe("categorical's record check by for…in (issue 17, h23b): merges exactly as comparison by own keys", () => {
  /** The merge categorical promises, written out: records by canonical key of their own enumerable keys, first-seen order, p added in order. */
  function referenceMerge(pairs: readonly (readonly [object, number])[]): { support: object[]; probs: number[] } {
    const support: object[] = [];
    const probs: number[] = [];
    for (const [value, p] of pairs) {
      const at = support.findIndex((v) => canonicalKey(v) === canonicalKey(value));
      if (at < 0) {
        support.push(value);
        probs.push(p);
      } else probs[at] = probs[at]! + p;
    }
    return { support, probs };
  }
  class Lot {
    constructor(
      readonly first: number,
      readonly second: number,
    ) {}
  }
  const inherited = { second: 1 }; // an enumerable `second` on the prototype: not an own key
  // Records that look alike to for…in but not to Object.keys (or the reverse), beside plain ones.
  const kinds = [
    (f: number, s: number) => ({ first: f, second: s }),
    (f: number, s: number) => ({ second: s, first: f }),
    (f: number, s: number) => new Lot(f, s),
    (f: number, s: number) => Object.assign(Object.create(null) as object, { first: f, second: s }),
    (f: number) => Object.assign(Object.create(inherited) as object, { first: f }),
    (f: number, s: number) => Object.assign(Object.create(inherited) as object, { first: f, second: s }),
    (f: number, s: number) => ({ first: f, second: s, third: 0 }),
    (f: number) => ({ first: f }),
  ];
  it('400 seeded lists of 1–60 records of every kind: support and probabilities equal to the written-out merge', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: kinds.length - 1 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 60 }), (raw) => {
        const pairs = raw.map(([k, f, s], i) => [kinds[k]!(f, s), (i + 1) / 64] as [object, number]);
        const got = categorical(pairs);
        const want = referenceMerge(pairs);
        expect(got.support.map(canonicalKey)).toEqual(want.support.map(canonicalKey));
        expect(got.probs).toEqual(want.probs);
      }),
      { seed: 2319, numRuns: 400 },
    );
  });
  it("the domain's lookup by for…in: the index of the value with the same canonical key (own keys), on every kind", () => {
    const domain: object[] = [];
    for (let f = 0; f <= 2; f++) for (let s = 0; s <= 2; s++) domain.push({ first: f, second: s });
    const indexOf = valueIndex(domain);
    const keys = domain.map(canonicalKey);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: kinds.length - 1 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (k, f, s) => {
        const value = kinds[k]!(f, s);
        expect(indexOf(value), canonicalKey(value)).toBe(keys.indexOf(canonicalKey(value)));
      }),
      { seed: 2320, numRuns: 400 },
    );
  });
});
