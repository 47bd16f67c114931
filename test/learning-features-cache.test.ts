/**
 * Linear families on a simulated state remember φ(s, ·) per state value: the
 * gradients equal a direct Σ w φ(s, a) bit for bit (the skipped terms are exact
 * zeros), the logits equal a direct θ · φ(s, a) to 4 ulps of Σ|θ_k φ_k| (features in
 * one run per action are summed with four partial sums, grouped differently), and φ
 * is called once per (state, action) however often a state is replayed — including
 * past the cache's generations, and across the families of one run that share φ.
 */
import { describe, expect, it } from 'vitest';
import { linearCritic, linearSoftmax, rng } from '../src/index.js';
import { logitsDouble, logitsTriple } from '../src/engines/variational/families.js';

const actions = { name: 'a', values: [-1, 0, 1], size: 3, indexOf: (v: unknown) => [-1, 0, 1].indexOf(v as number) };

function direct(phi: (s: number[], a: number) => number[], params: Float64Array, s: number[]): number[] {
  return actions.values.map((a) => phi(s, a).reduce((l, f, k) => l + params[k]! * f, 0));
}

describe('φ remembered per simulated state', () => {
  const random = rng(5);
  const d = 12;
  // Features in one block per action (mostly zeros) and dense ones.
  const blocky = (s: number[], a: number) => Array.from({ length: d }, (_, k) => (Math.floor(k / 4) === a + 1 ? Math.cos(s[0]! * (k + 1)) : 0));
  const dense = (s: number[], a: number) => Array.from({ length: d }, (_, k) => Math.sin(s[0]! + a * k) + 0.5);

  it.each([
    ['block-per-action features', blocky],
    ['dense features', dense],
  ] as const)('%s: logits and gradients equal θ·φ computed directly; φ called once per (state, action)', (_name, features) => {
    let calls = 0;
    const counted = (s: number[], a: number) => {
      calls++;
      return features(s, a);
    };
    const bound = linearCritic(counted, { timeIndexed: false }).bind({ states: undefined, actions, horizon: 1, example: [0] });
    calls = 0;
    const params = Float64Array.from({ length: d }, () => random.next() - 0.5);
    const states = Array.from({ length: 40 }, () => [random.next() * 4 - 2]);
    const out = new Float64Array(3);
    const grad = new Float64Array(d);
    const expectedGrad = new Array<number>(d).fill(0);
    for (let round = 0; round < 5; round++) {
      for (const s of states) {
        bound.logits(params, s, 0, out, -1);
        const reference = direct(features, params, s);
        const scale = actions.values.map((a) => features(s, a).reduce((l, f, k) => l + Math.abs(params[k]! * f), 0));
        out.forEach((l, i) => expect(Math.abs(l - reference[i]!)).toBeLessThanOrEqual(4 * Number.EPSILON * scale[i]!));
        const w = Float64Array.from([0.5, -1, 0.25]);
        bound.accumulate(s, 0, w, grad, -1);
        actions.values.forEach((a, i) => features(s, a).forEach((f, k) => (expectedGrad[k] = expectedGrad[k]! + w[i]! * f)));
      }
    }
    expect([...grad]).toEqual(expectedGrad);
    expect(calls).toBe(states.length * 3);
  });

  it('states beyond the cached generations are featurised again, with the same values', () => {
    let calls = 0;
    const bound = linearCritic((s: number, a: number) => (calls++, [s, a, 1]), { timeIndexed: false }).bind({ states: undefined, actions, horizon: 1, example: 0 });
    calls = 0;
    const params = Float64Array.from([0.3, -0.2, 0.1]);
    const out = new Float64Array(3);
    // 32 MB / 2 over rows of 3·3 doubles: far more than 2 generations of rows, then the first state again.
    const many = 2 * Math.floor((32 * 2 ** 20) / 2 / (3 * 3 * 12)) + 10;
    for (let s = 0; s < many; s++) bound.logits(params, s, 0, out, -1);
    const before = calls;
    bound.logits(params, 0, 0, out, -1);
    expect(calls).toBe(before + 3);
    expect([...out]).toEqual([-1, 0, 1].map((a) => 0.3 * 0 - 0.2 * a + 0.1));
  });

  it('families bound in one run with the same φ share its rows: φ called once per (state, action) for both', () => {
    let calls = 0;
    const phi = (s: number[], a: number) => (calls++, [s[0]! * a, 1, a]);
    const featureRows = new Map<unknown, unknown>();
    const context = { states: undefined, actions, horizon: 1, example: [0], featureRows };
    const critic = linearCritic(phi, { timeIndexed: false }).bind(context);
    const actor = linearSoftmax(phi, { timeIndexed: false }).bind(context);
    calls = 0;
    const params = Float64Array.from([0.5, -1, 2]);
    const [q, l] = [new Float64Array(3), new Float64Array(3)];
    const states = [[0.25], [-1.5], [3]];
    for (const s of [...states, ...states]) {
      critic.logits(params, s, 0, q, -1);
      actor.logits(params, s, 0, l, -1);
      expect([...l]).toEqual([...q]);
      expect([...q]).toEqual(direct(phi, params, s));
    }
    expect(calls).toBe(states.length * 3 + 6 * 3); // the rows, and `direct` itself
  });

  it.each([
    ['block-per-action features', (s: number[], a: number) => Array.from({ length: 12 }, (_, k) => (Math.floor(k / 4) === a + 1 ? Math.cos(s[0]! * (k + 1)) : 0))],
    ['dense features', (s: number[], a: number) => Array.from({ length: 12 }, (_, k) => Math.sin(s[0]! + a * k) + 0.5)],
  ] as const)('%s: logitsPair (twin critics at one state) equals two logits calls bit for bit', (_name, features) => {
    const bound = linearCritic(features, { timeIndexed: false }).bind({ states: undefined, actions, horizon: 1, example: [0] });
    const [pa, pb] = [0, 1].map(() => Float64Array.from({ length: 12 }, () => random.next() - 0.5)) as [Float64Array, Float64Array];
    const [a1, b1, a2, b2] = [0, 1, 2, 3].map(() => new Float64Array(3)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < 30; i++) {
      const s = [random.next() * 4 - 2];
      bound.logitsPair!(pa, pb, s, 0, a1, b1, -1);
      bound.logits(pa, s, 0, a2, -1);
      bound.logits(pb, s, 0, b2, -1);
      expect([...a1]).toEqual([...a2]);
      expect([...b1]).toEqual([...b2]);
    }
  });

  it('logitsTriple (the actor and both target critics at one state) and logitsDouble equal separate logits calls bit for bit when φ is shared, and decline otherwise', () => {
    const phi = (s: number[], a: number) => Array.from({ length: 12 }, (_, k) => (Math.floor(k / 4) === a + 1 ? Math.cos(s[0]! * (k + 1)) : 0));
    const featureRows = new Map<unknown, unknown>();
    const context = { states: undefined, actions, horizon: 1, example: [0], featureRows };
    const critic = linearCritic(phi, { timeIndexed: false }).bind(context);
    const actor = linearSoftmax(phi, { timeIndexed: false }).bind(context);
    const [pa, pb, pc] = [0, 1, 2].map(() => Float64Array.from({ length: 12 }, () => random.next() - 0.5)) as [Float64Array, Float64Array, Float64Array];
    const outs = [0, 1, 2].map(() => new Float64Array(3)) as [Float64Array, Float64Array, Float64Array];
    const one = new Float64Array(3);
    for (let i = 0; i < 30; i++) {
      const s = [random.next() * 4 - 2];
      expect(logitsTriple(actor, pa, critic, pb, pc, s, 0, -1, outs)).toBe(true);
      actor.logits(pa, s, 0, one, -1);
      expect([...outs[0]]).toEqual([...one]);
      critic.logits(pb, s, 0, one, -1);
      expect([...outs[1]]).toEqual([...one]);
      critic.logits(pc, s, 0, one, -1);
      expect([...outs[2]]).toEqual([...one]);
      // logitsDouble: the twin critic and the actor at one state.
      expect(logitsDouble(critic, pb, actor, pa, s, 0, -1, outs[1], outs[0])).toBe(true);
      critic.logits(pb, s, 0, one, -1);
      expect([...outs[1]]).toEqual([...one]);
      actor.logits(pa, s, 0, one, -1);
      expect([...outs[0]]).toEqual([...one]);
    }
    // Another φ (even an equal one) is not shared: the caller evaluates each itself.
    const other = linearSoftmax((s: number[], a: number) => phi(s, a), { timeIndexed: false }).bind(context);
    expect(logitsTriple(other, pa, critic, pb, pc, [0.5], 0, -1, outs)).toBe(false);
    expect(logitsDouble(critic, pb, other, pa, [0.5], 0, -1, outs[1], outs[0])).toBe(false);
  });
});
