/**
 * The small-whole-number fast paths of compile (issue 17): `categorical` merges
 * records whose fields are small whole numbers (and such numbers themselves) by a
 * numeric code in a typed hash table, and the domain lookup reads such fields'
 * digits from an array. Each must agree with comparison by content — checked here
 * against a canonical key written in this file (sorted keys, −0 as 0), on seeded
 * random values that mix the fast cases with every case that must leave them:
 * −0, fields at and beyond the code's range, fractions, negative numbers, numeric
 * strings, reordered and extra keys, and supports long enough to cross from scans
 * to tables.
 */
import { describe, expect, it } from 'vitest';
import { categorical, rng } from '../src/index.js';
import { valueIndex } from '../src/compile/value-index.js';

/** Content key: primitives by type and value (−0 as 0), records by sorted keys. */
function canonical(v: unknown): string {
  if (typeof v === 'number') return `n:${Object.is(v, -0) ? 0 : v}`;
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'boolean' || v === null) return `p:${String(v)}`;
  const r = v as Record<string, unknown>;
  return `{${Object.keys(r)
    .sort()
    .map((k) => `${k}=${canonical(r[k])}`)
    .join(',')}}`;
}

/** Merge pairs by content in first-occurrence order, adding probabilities in order. */
function referenceMerge(pairs: readonly (readonly [unknown, number])[]): { keys: string[]; probs: number[] } {
  const keys: string[] = [];
  const probs: number[] = [];
  for (const [v, p] of pairs) {
    const k = canonical(v);
    const at = keys.indexOf(k);
    if (at < 0) {
      keys.push(k);
      probs.push(p);
    } else probs[at] = probs[at]! + p;
  }
  return { keys, probs };
}

const random = rng(17);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random.next() * xs.length)]!;
const FIELDS = [0, -0, 1, 2, 3, 20, 1023, 1024, 32767, 32768, 2 ** 30, 1.5, -1, '1', '2'] as const;

function randomRecord(): unknown {
  const first = pick(FIELDS);
  const second = pick(FIELDS);
  const form = random.next();
  if (form < 0.6) return { first, second };
  if (form < 0.8) return { second, first }; // the same content, keys in the other order
  if (form < 0.9) return { first, second, third: pick(FIELDS) }; // three fields (another shape)
  return { first }; // fewer keys
}

describe('small whole numbers: codes agree with comparison by content', () => {
  it('categorical merges 300 random supports of records exactly as content comparison does', () => {
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random.next() * 80);
      const pairs = Array.from({ length: n }, () => [randomRecord(), random.next()] as const);
      const d = categorical(pairs);
      const expected = referenceMerge(pairs);
      expect(d.support.map(canonical)).toEqual(expected.keys);
      expect(d.probs).toEqual(expected.probs);
    }
  });

  it('categorical merges 300 random supports of numbers and strings exactly as content comparison does', () => {
    const values = [0, -0, 1, 2, 7, 40, 2 ** 30 - 1, 2 ** 30, 2 ** 31, 1.5, -3, '0', '1', true];
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random.next() * 80);
      const pairs = Array.from({ length: n }, () => [pick(values), random.next()] as const);
      const d = categorical(pairs);
      const expected = referenceMerge(pairs);
      expect(d.support.map(canonical)).toEqual(expected.keys);
      expect(d.probs).toEqual(expected.probs);
    }
  });

  it('a record domain with whole-number fields finds every member (and −0 for 0), and nothing else', () => {
    const domain: { first: number; second: number }[] = [];
    for (let first = 0; first <= 20; first++) for (let second = 0; second <= 20; second += 2) domain.push({ first, second });
    const indexOf = valueIndex(domain);
    domain.forEach((v, i) => {
      expect(indexOf({ first: v.first, second: v.second })).toBe(i);
      expect(indexOf({ second: v.second, first: v.first })).toBe(i);
    });
    expect(indexOf({ first: -0, second: -0 })).toBe(0);
    for (const miss of [{ first: 1, second: 1 }, { first: 21, second: 0 }, { first: 1.5, second: 0 }, { first: '1', second: 0 }, { first: -1, second: 0 }, { first: 1, second: 0, x: 0 }, { first: 1 }, [1, 0], 3, undefined]) {
      expect(indexOf(miss)).toBe(-1);
    }
  });
});
