/**
 * Feature rows per replay slot and the fused minibatch of SAC and VIREL (a linear
 * critic and actor given one φ on a simulated state). The fused path must do the
 * same arithmetic as the generic one, so the checks are exact: the row readers
 * equal a binding's `logits`/`accumulate` bit for bit in all three row layouts,
 * a slot's rows are its transition's (s, s′) rows, and a whole run with one shared
 * φ (fused) ends with the same parameters, bit for bit, as the same run given two
 * equal but distinct φ functions (the generic path, which reads through `logits`).
 */
import { describe, expect, it } from 'vitest';
import { action, discount, infer, learningFit, linearCritic, linearSoftmax, model, optimality, rng, sampler, softActorCritic, state, transition, virel, type Engine } from '../src/index.js';
import { linearRowsOf, rowAdd, rowDot, rowDots2, rowDots3, type Row } from '../src/engines/variational/families.js';
import { ReplayBuffer } from '../src/engines/learning/replay.js';
import { slotRowsFor } from '../src/engines/learning/slot-rows.js';

const actions = { name: 'a', values: [-1, 0, 1], size: 3, indexOf: (v: unknown) => [-1, 0, 1].indexOf(v as number) };
const d = 12;
const layouts = [
  // One run of non-zeros per action (the compact layout), mostly-zero scattered (sparse), all non-zero (dense).
  ['runs', (s: number[], a: number) => Array.from({ length: d }, (_, k) => (Math.floor(k / 4) === a + 1 ? Math.cos(s[0]! * (k + 1)) : 0))],
  // The same run in every action's block (φ(s, a) = e_a ⊗ ψ(s)): the numbers are held once.
  ['shared runs', (s: number[], a: number) => Array.from({ length: d }, (_, k) => (Math.floor(k / 4) === a + 1 ? Math.cos(s[0]! * ((k % 4) + 1)) : 0))],
  ['sparse', (s: number[], a: number) => Array.from({ length: d }, (_, k) => (k % 4 === a + 1 ? Math.sin(s[0]! * (k + 2)) : 0))],
  ['dense', (s: number[], a: number) => Array.from({ length: d }, (_, k) => Math.sin(s[0]! + a * k) + 0.5)],
] as const;

describe('φ rows read by slot', () => {
  const random = rng(11);

  it.each(layouts)('%s layout: rowDot, rowDots2, rowDots3 and rowAdd equal the binding’s logits and accumulate bit for bit', (_name, phi) => {
    const bound = linearCritic(phi, { timeIndexed: false }).bind({ states: undefined, actions, horizon: 1, example: [0], featureRows: new Map() });
    const rows = linearRowsOf(bound)!;
    const ps = [0, 1, 2].map(() => Float64Array.from({ length: d }, () => random.next() - 0.5)) as [Float64Array, Float64Array, Float64Array];
    const outs = [0, 1, 2].map(() => new Float64Array(6)) as [Float64Array, Float64Array, Float64Array];
    const one = new Float64Array(3);
    const [g1, g2] = [new Float64Array(d), new Float64Array(d)];
    for (let i = 0; i < 25; i++) {
      const s = [random.next() * 4 - 2];
      const row = (rows.rowOf as (s: number[]) => Row)(s);
      rowDots3(ps[0], ps[1], ps[2], row, d, 3, outs, 3);
      rowDots2(ps[2], ps[0], row, d, 3, outs[0], outs[1], 0);
      ps.forEach((p, j) => {
        bound.logits(p, s, 0, one, -1);
        expect([...outs[j]!.subarray(3)]).toEqual([...one]);
        expect([0, 1, 2].map((a) => rowDot(p, 0, row, d, a))).toEqual([...one]);
      });
      bound.logits(ps[2], s, 0, one, -1);
      expect([...outs[0].subarray(0, 3)]).toEqual([...one]);
      bound.logits(ps[0], s, 0, one, -1);
      expect([...outs[1].subarray(0, 3)]).toEqual([...one]);
      const a = i % 3;
      const w = random.next() - 0.5;
      const weights = new Float64Array(3);
      weights[a] = w;
      bound.accumulate(s, 0, weights, g1, -1);
      rowAdd(g2, 0, row, d, a, w);
    }
    expect([...g2]).toEqual([...g1]);
  });

  it('runs layouts: a run shared by every action is held once, and θ·φ(s, a) is the four-partial-sum dot product of its numbers, bit for bit', () => {
    // Reference (no library code): l_i = Σ_{j ≡ i mod 4, j < 4⌊n/4⌋} θ_j φ_j, the rest into l_0, then l_0 + l_1 + (l_2 + l_3).
    const dot4 = (theta: Float64Array, base: number, v: number[]) => {
      const l = [0, 0, 0, 0];
      const whole = v.length - (v.length % 4);
      for (let j = 0; j < v.length; j++) l[j < whole ? j % 4 : 0] += theta[base + j]! * v[j]!;
      return l[0]! + l[1]! + (l[2]! + l[3]!);
    };
    for (const [name, phi] of layouts.slice(0, 2)) {
      const bound = linearCritic(phi, { timeIndexed: false }).bind({ states: undefined, actions, horizon: 1, example: [0], featureRows: new Map() });
      const rowOf = linearRowsOf(bound)!.rowOf as (s: number[]) => Row;
      const theta = Float64Array.from({ length: d }, () => random.next() - 0.5);
      for (let i = 0; i < 10; i++) {
        const s = [random.next() * 4 - 2];
        const row = rowOf(s);
        expect(row.phi.length, name).toBe(name === 'shared runs' ? 4 : 12);
        [-1, 0, 1].forEach((a, b) => {
          const run = phi(s, a).slice(4 * b, 4 * b + 4);
          expect(rowDot(theta, 0, row, d, b), `${name}, a=${a}`).toBe(dot4(theta, 4 * b, run));
          const g = new Float64Array(d);
          rowAdd(g, 0, row, d, b, 0.5);
          expect([...g]).toEqual(Array.from({ length: d }, (_, k) => (Math.floor(k / 4) === b ? 0.5 * run[k % 4]! : 0)));
        });
      }
    }
  });

  it('a slot holds its transition’s rows of s and s′ (after the ring wraps), and φ is called once per (state, action)', () => {
    let calls = 0;
    const phi = (s: number[], a: number) => (calls++, [s[0]! * a, 1, a]);
    const featureRows = new Map<unknown, unknown>();
    const context = { states: undefined, actions, horizon: 1, example: [0], featureRows };
    const critic = linearCritic(phi, { timeIndexed: false }).bind(context);
    const actor = linearSoftmax(phi, { timeIndexed: false }).bind(context);
    calls = 0;
    const buffer = new ReplayBuffer<number[]>(4, 3);
    const slots = slotRowsFor(4, critic, actor)!;
    expect(slots).toBeDefined();
    const rowOf = linearRowsOf(critic)!.rowOf as (s: number[]) => Row;
    const states = Array.from({ length: 11 }, (_, i) => [i / 4]);
    for (let i = 0; i < 10; i++) {
      const slot = buffer.head;
      buffer.value[slot] = states[i]!;
      buffer.nextValue[slot] = states[i + 1]!;
      buffer.bootstrap[slot] = i % 3 === 2 ? 0 : 1;
      buffer.push();
      if (i % 3 === 0) slots.sync(buffer);
    }
    slots.sync(buffer);
    for (let k = 0; k < 4; k++) {
      expect(slots.at[k]).toBe(rowOf(buffer.value[k]!));
      if (buffer.bootstrap[k] === 1) expect(slots.next[k]).toBe(rowOf(buffer.nextValue[k]!));
    }
    expect(calls).toBe(11 * 3);
    // Bindings on another φ, a time-indexed one, or a tabulated domain get no slot rows.
    const other = linearSoftmax((s: number[], a: number) => phi(s, a), { timeIndexed: false }).bind(context);
    expect(slotRowsFor(4, critic, other)).toBeUndefined();
    expect(slotRowsFor(4, critic, linearSoftmax(phi, { timeIndexed: true }).bind(context))).toBeUndefined();
  });
});

describe('the fused minibatch of SAC and VIREL', () => {
  // x' = x + push/2 + N(0, 0.1²), r = −x², γ = 0.8, and block-per-action RBF features (the runs layout).
  const m = model<number, number>(
    state.simulated('x', { initial: sampler((random) => 4 * random.next() - 2) }),
    action('push', [-1, 0, 1]),
    transition((x: number, push: number) => sampler((random) => x + 0.5 * push + 0.1 * Math.cos(6.283 * random.next()))),
    optimality((x: number) => -x * x),
    discount(0.8),
  );
  const rbf = (x: number, push: number) => Array.from({ length: 15 }, (_, k) => (Math.floor(k / 5) === push + 1 ? (k % 5 === 4 ? 1 : Math.exp(-((x - (k % 5) + 1.5) ** 2))) : 0));
  const copy = (x: number, push: number) => rbf(x, push);

  it.each([
    ['softActorCritic', (actor: typeof rbf) => softActorCritic({ steps: 600, seed: 4, critic: linearCritic(rbf, { timeIndexed: false }), actor: linearSoftmax(actor, { timeIndexed: false }), evaluationSamples: 2 })],
    ['softActorCritic, tuned α', (actor: typeof rbf) => softActorCritic({ steps: 600, seed: 4, temperature: 'tuned', critic: linearCritic(rbf, { timeIndexed: false }), actor: linearSoftmax(actor, { timeIndexed: false }), evaluationSamples: 2 })],
    ['virel', (actor: typeof rbf) => virel({ steps: 600, seed: 4, critic: linearCritic(rbf, { timeIndexed: false }), actor: linearSoftmax(actor, { timeIndexed: false }), evaluationSamples: 2 })],
  ] as const)('%s: one shared φ (fused, rows per slot) ends with the parameters of two equal φ functions (generic path), bit for bit', (_name, make) => {
    const fused = learningFit(infer(m, make(rbf) as Engine<unknown, 'simulator'>));
    const generic = learningFit(infer(m, make(copy) as Engine<unknown, 'simulator'>));
    expect(fused.updates).toBeGreaterThan(500);
    expect([...fused.criticParameters!]).toEqual([...generic.criticParameters!]);
    expect([...fused.actorParameters!]).toEqual([...generic.actorParameters!]);
    expect([...fused.curves.entropy]).toEqual([...generic.curves.entropy]);
    expect(fused.criticParameters!.some((w) => w !== 0)).toBe(true);
  });
});
