/**
 * The DSL's deep-freeze helper (src/dsl/freeze.ts), which replaced immer's
 * `freeze`: the rules its header states, each checked, and the behaviour of
 * models built with it (frozen copies; `extend` leaves the base unchanged and
 * shares the parts it keeps).
 */
import { describe, expect, it } from 'vitest';
import { action, deterministic, extend, horizon, model, optimality, state, transition } from '../src/index.js';
import { freeze } from '../src/dsl/freeze.js';

describe('freeze(value, deep)', () => {
  it('freezes plain objects and arrays, deeply with deep = true', () => {
    const value = { a: [1, { b: 2 }], c: { d: { e: 3 } } };
    expect(freeze(value, true)).toBe(value);
    for (const v of [value, value.a, value.a[1], value.c, value.c.d]) expect(Object.isFrozen(v)).toBe(true);
    expect(() => {
      (value.c.d as { e: number }).e = 4;
    }).toThrow(TypeError);
  });

  it('freezes only the top without deep', () => {
    const value = { inner: { x: 1 }, list: [1] };
    freeze(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.inner)).toBe(false);
    expect(Object.isFrozen(value.list)).toBe(false);
  });

  it('treats an object with a null prototype as plain', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { inner: { x: 1 } });
    freeze(value, true);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value['inner'])).toBe(true);
  });

  it('freezes Maps and Sets, makes their mutators throw, and freezes their values deeply', () => {
    const inner = { x: 1 };
    const map = new Map<string, { x: number }>([['k', inner]]);
    const set = new Set([{ y: 2 }]);
    freeze({ map, set }, true);
    expect(Object.isFrozen(map)).toBe(true);
    expect(Object.isFrozen(inner)).toBe(true);
    expect(Object.isFrozen([...set][0])).toBe(true);
    expect(() => map.set('j', { x: 2 })).toThrow(TypeError);
    expect(() => map.delete('k')).toThrow(TypeError);
    expect(() => map.clear()).toThrow(TypeError);
    expect(() => set.add({ y: 3 })).toThrow(TypeError);
    expect(map.get('k')).toBe(inner);
    expect(map.size).toBe(1);
    expect(set.size).toBe(1);
  });

  it('leaves functions, class instances, typed arrays and primitives as they are', () => {
    class Point {
      constructor(public x: number) {}
    }
    const point = new Point(1);
    const table = new Float64Array(2);
    const fn = () => 1;
    freeze({ point, table, fn }, true);
    expect(Object.isFrozen(point)).toBe(false);
    expect(Object.isFrozen(table)).toBe(false);
    expect(Object.isFrozen(fn)).toBe(false);
    table[0] = 5; // typed arrays stay writable (Object.freeze would throw on a non-empty one)
    expect(table[0]).toBe(5);
    expect(freeze(3, true)).toBe(3);
    expect(freeze(null, true)).toBe(null);
  });

  it('does not enter a value that is already frozen', () => {
    const inner = { x: 1 };
    const outer = Object.freeze({ inner });
    freeze({ outer }, true);
    expect(Object.isFrozen(inner)).toBe(false);
  });
});

describe('models built with it', () => {
  const corridor = (domain: { x: number }[]) =>
    model(state('cell', domain, { initial: domain[0] }), action('move', ['E', 'W']), transition((s: { x: number }) => deterministic(s)), optimality(() => 0), horizon(2));

  it('are frozen copies: the caller’s domain objects stay theirs and unfrozen', () => {
    const domain = [{ x: 0 }, { x: 1 }];
    const m = corridor(domain);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.parts)).toBe(true);
    const part = m.parts.find((p) => p.kind === 'state');
    expect(part?.kind === 'state' && Object.isFrozen(part.domain) && Object.isFrozen(part.domain[0])).toBe(true);
    expect(Object.isFrozen(domain)).toBe(false);
    expect(Object.isFrozen(domain[0])).toBe(false);
    domain[0]!.x = 7; // the model holds a copy
    expect(part?.kind === 'state' && (part.domain[0] as { x: number }).x).toBe(0);
  });

  it('extend() returns a new frozen model that shares the kept parts and leaves the base as it was', () => {
    const base = corridor([{ x: 0 }, { x: 1 }]);
    const before = [...base.parts];
    const longer = extend(base, horizon(5));
    expect(Object.isFrozen(longer)).toBe(true);
    expect(Object.isFrozen(longer.parts)).toBe(true);
    expect(base.parts).toEqual(before);
    const kept = base.parts.filter((p) => p.kind !== 'horizon');
    expect(longer.parts.slice(0, kept.length).every((p, i) => p === kept[i])).toBe(true);
    expect(longer.parts.at(-1)).toEqual(horizon(5));
  });
});
