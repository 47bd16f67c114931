/**
 * The allocation-free paths of issue 17's largest-gridworld row (h21b):
 *
 *  - `categorical` scans a short list of primitives itself and makes its
 *    SupportIndex only when a record arrives: a short list mixing primitives and
 *    records must still merge exactly as comparison by content does;
 *  - `state(name, domain)` finds repeated values through SupportIndex rather than
 *    a `keyOf` string per value: every repeat must be reported with the indices
 *    of its first occurrence, and nothing else (1 and '1' differ, 0 and −0 do not).
 *
 * Both against a canonical key written in this file (sorted keys, −0 as 0), on
 * seeded random values (rng(2117)).
 */
import { describe, expect, it } from 'vitest';
import { categorical, CaiError, rng, state } from '../src/index.js';

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

const random = rng(2117);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random.next() * xs.length)]!;
const PRIMITIVES = [0, -0, 1, 2, 3, 1.5, -1, '1', '2', 'a', true, false] as const;
function randomValue(): unknown {
  const form = random.next();
  if (form < 0.55) return pick(PRIMITIVES);
  const x = pick([0, -0, 1, 2, '1']);
  const y = pick([0, 1, 'a']);
  if (form < 0.8) return { x, y };
  if (form < 0.95) return { y, x }; // the same content, keys in the other order
  return { x };
}

describe('categorical: short lists merge by content, primitives and records mixed', () => {
  it('600 random lists of 1 … 32 values (the scanned lengths), first-occurrence order, probabilities added in order', () => {
    for (let trial = 0; trial < 600; trial++) {
      const n = 1 + Math.floor(random.next() * 32);
      const pairs = Array.from({ length: n }, () => [randomValue(), random.next()] as const);
      const keys: string[] = [];
      const probs: number[] = [];
      for (const [v, p] of pairs) {
        const at = keys.indexOf(canonical(v));
        if (at < 0) {
          keys.push(canonical(v));
          probs.push(p);
        } else probs[at] = probs[at]! + p;
      }
      const d = categorical(pairs);
      expect(d.support.map(canonical)).toEqual(keys);
      expect(d.probs).toEqual(probs);
    }
  });

  it('a record after primitives finds an earlier equal record, and a primitive after a record an earlier primitive', () => {
    const d = categorical<unknown>([[1, 0.1], [{ x: 0, y: 1 }, 0.2], [-0, 0.05], [{ y: 1, x: -0 }, 0.3], [1, 0.15], ['1', 0.2]]);
    expect(d.support).toEqual([1, { x: 0, y: 1 }, -0, '1']);
    expect(d.probs).toEqual([0.1 + 0.15, 0.2 + 0.3, 0.05, 0.2]);
  });
});

/** The (first, repeat) index pairs the duplicate-value messages of state(name, domain) name, or [] when it is accepted. */
function reportedRepeats(domain: readonly unknown[]): [number, number][] {
  try {
    state('v', domain as number[]);
    return [];
  } catch (error) {
    if (!(error instanceof CaiError)) throw error;
    return error.issues.map((issue) => {
      expect(issue.code).toBe('duplicate-value');
      const m = /indices (\d+) and (\d+)/.exec(issue.message)!;
      return [Number(m[1]), Number(m[2])] as [number, number];
    });
  }
}

describe('state(): repeated values found by content', () => {
  it('300 random domains: every repeat named with its first occurrence, and nothing else', () => {
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random.next() * 60);
      const domain = Array.from({ length: n }, () => randomValue());
      const first = new Map<string, number>();
      const expected: [number, number][] = [];
      domain.forEach((v, i) => {
        const before = first.get(canonical(v));
        if (before === undefined) first.set(canonical(v), i);
        else expected.push([before, i]);
      });
      expect(reportedRepeats(domain)).toEqual(expected);
    }
  });

  it('a long domain of cells 0 … n−1 (the typed table) is accepted, and a repeat at its end is found', () => {
    const cells = Array.from({ length: 5000 }, (_, i) => i);
    expect(reportedRepeats(cells)).toEqual([]);
    expect(reportedRepeats([...cells, -0, 4999, 5000, '7'])).toEqual([
      [0, 5000],
      [4999, 5001],
    ]);
  });

  it('a domain of primitives is kept as a frozen copy: changing the caller’s array later changes nothing', () => {
    const cells = [0, 1, 2, 3];
    const part = state('v', cells);
    cells[0] = 99;
    cells.push(4);
    expect(part.domain).toEqual([0, 1, 2, 3]);
    expect(Object.isFrozen(part.domain)).toBe(true);
    expect(Object.isFrozen(cells)).toBe(false);
  });
});
