/**
 * A brute-force `PomdpSpec` as a library model, and fast-check arbitraries of
 * small random POMDPs. (The model is built with the public DSL; the reference
 * numbers come from test/helpers/pomdp-brute.ts, which imports nothing.)
 */
import fc from 'fast-check';
import { action, categorical, discount, horizon, model, observation, optimality, state, temperature, transition, type Model } from '../../src/index.js';
import type { PomdpSpec } from './pomdp-brute.js';

/** States are 0 … nS−1, actions 0 … nA−1, observations 'o0' … so that index maps are obvious. */
export function pomdpModel(spec: PomdpSpec): Model<number, number> {
  const S = Array.from({ length: spec.nS }, (_, i) => i);
  const A = Array.from({ length: spec.nA }, (_, i) => i);
  const dist = <V>(values: readonly V[], probs: readonly number[]) => categorical(values.map((v, i) => [v, probs[i]!] as const));
  const O = Array.from({ length: spec.nO }, (_, i) => `o${i}`);
  return model<number, number>(
    state('s', S, { initial: dist(S, spec.p0) }),
    action('a', A, { prior: dist(A, spec.prior) }),
    transition((s: number, a: number) => dist(S, spec.trans[s]![a]!)),
    optimality((s: number, a: number) => spec.r[s]![a]!),
    observation((s: number, a: number) => dist(O, spec.z[s]![a]!), spec.z0 !== undefined ? { initial: (s: number) => dist(O, spec.z0![s]!) } : {}),
    ...(spec.terminal !== undefined ? [optimality.terminal((s: number) => spec.terminal![s]!)] : []),
    temperature(spec.alpha),
    horizon(spec.T),
    ...(spec.gamma !== 1 ? [discount(spec.gamma)] : []),
  );
}

/** A probability vector of length n with some zeros (at least one positive entry). */
const simplex = (n: number) =>
  fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })), { minLength: n, maxLength: n }).map((w) => {
    const sum = w.reduce((x, y) => x + y, 0);
    if (sum === 0) return w.map((_, i) => (i === 0 ? 1 : 0));
    return w.map((x) => x / sum);
  });

/** Random POMDPs: |S| ≤ 3, |A| ≤ 3, |O| ≤ 3, T ≤ 3, ~8 % −Infinity rewards, α from the list. */
export function arbitraryPomdp(options: { alphas: readonly number[]; gammas: readonly number[]; maxT: number; terminal?: boolean }): fc.Arbitrary<PomdpSpec> {
  return fc
    .record({
      nS: fc.integer({ min: 2, max: 3 }),
      nA: fc.integer({ min: 2, max: 3 }),
      nO: fc.integer({ min: 2, max: 3 }),
      T: fc.integer({ min: 1, max: options.maxT }),
      alpha: fc.constantFrom(...options.alphas),
      gamma: fc.constantFrom(...options.gammas),
      observeStart: fc.boolean(),
    })
    .chain(({ nS, nA, nO, T, alpha, gamma, observeStart }) =>
      fc.record({
        nS: fc.constant(nS),
        nA: fc.constant(nA),
        nO: fc.constant(nO),
        T: fc.constant(T),
        alpha: fc.constant(alpha),
        gamma: fc.constant(gamma),
        p0: simplex(nS),
        prior: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: nA, maxLength: nA }).map((w) => w.map((x) => x / w.reduce((a, b) => a + b, 0))),
        r: fc.array(fc.array(fc.oneof({ weight: 12, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(-Infinity) }), { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }),
        trans: fc.array(fc.array(simplex(nS), { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }),
        z: fc.array(fc.array(simplex(nO), { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }),
        z0: observeStart ? fc.array(simplex(nO), { minLength: nS, maxLength: nS }) : fc.constant(undefined),
        terminal: options.terminal === true ? fc.option(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: nS, maxLength: nS }), { nil: undefined }) : fc.constant(undefined),
      }),
    )
    .map((spec) => {
      // exactOptionalPropertyTypes: leave z0 and terminal out rather than undefined.
      const { z0, terminal, ...rest } = spec;
      return { ...rest, ...(z0 !== undefined ? { z0 } : {}), ...(terminal !== undefined ? { terminal } : {}) };
    });
}
