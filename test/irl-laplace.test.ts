/**
 * Inverse RL against brute-force enumeration (src/testing/brute-force.ts, which
 * imports nothing it checks): for 'maxent' with full-length demonstrations the
 * expected counts are N·E_{p(τ|O)}[F] and the Hessian of J is
 * −N·Cov_{p(τ|O)}[F]/α² − l2·I, F = Σ_t φ(s_t, a_t). The Laplace approximation
 * (Bayesian IRL) is the inverse of that matrix.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, infer, model, optimality, state, temperature, transition } from '../src/index.js';
import { bruteForce } from '../src/testing/brute-force.js';
import { demonstrationsFrom, inferReward, rewardLikelihood } from '../src/irl/index.js';
import { normalQuantile } from '../src/irl/laplace.js';

type Move = 'L' | 'R' | 'stay';
const ALPHA = 0.8;
const moveTo = (s: number, a: Move) => (a === 'L' ? Math.max(0, s - 1) : a === 'R' ? Math.min(3, s + 1) : s);
const parts = [
  state('cell', [0, 1, 2, 3], { initial: categorical([[0, 0.7], [1, 0.3]]) }),
  action('move', ['L', 'R', 'stay'] as Move[]),
  transition((s: number, a: Move) => (a === 'stay' || moveTo(s, a) === s ? categorical([[s, 1]]) : categorical([[moveTo(s, a), 0.7], [s, 0.3]]))),
  temperature(ALPHA),
  horizon(4),
] as const;
const phi = (s: number, a: Move) => [s === 3 ? 1 : 0, a === 'stay' ? 1 : 0, s / 3];
const linear = (theta: ArrayLike<number>) => (s: number, a: Move) => phi(s, a).reduce((acc, f, k) => acc + f * theta[k]!, 0);

describe('against brute-force enumeration of p(τ | O)', () => {
  const demos = demonstrationsFrom(infer(model<number, Move>(...parts, optimality(linear([1, -0.5, 0.4]))), exact()).sample(7, { seed: 9 }));
  const N = demos.length;
  const l2 = 0.3;

  /** N·E[F] and N·Cov[F] under p(τ | O) for reward θ·φ, by enumeration. */
  function moments(theta: ArrayLike<number>) {
    const brute = bruteForce(model<number, Move>(...parts, optimality(linear(theta))));
    const mean = [0, 0, 0];
    const second = [0, 1, 2].map(() => [0, 0, 0]);
    for (const τ of brute.trajectories) {
      const F = [0, 0, 0];
      τ.states.forEach((s, t) => phi(s, τ.actions[t]!).forEach((f, k) => (F[k]! += f)));
      for (let i = 0; i < 3; i++) {
        mean[i]! += τ.posterior * F[i]!;
        for (let j = 0; j < 3; j++) second[i]![j]! += τ.posterior * F[i]! * F[j]!;
      }
    }
    return { mean: mean.map((m) => N * m), covariance: second.map((row, i) => row.map((x, j) => N * (x - mean[i]! * mean[j]!))) };
  }

  // start: 'posterior' pins the enumeration over p(τ | O) with the start tilted too (the default,
  // 'observed', conditions on each demonstration's start; test/irl-start.test.ts checks that one).
  it('expected counts are N·E[Σ_t φ] (1e-10) at several θ', () => {
    const J = rewardLikelihood(model<number, Move>(...parts, optimality(() => 0)), demos, { features: phi, start: 'posterior' });
    for (const theta of [[0, 0, 0], [1, -0.5, 0.4], [-2, 1.5, 3]]) {
      const { expected } = J.evaluate(theta);
      const { mean } = moments(theta);
      expected.forEach((x, k) => expect(Math.abs(x - mean[k]!)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(mean[k]!))));
    }
  });

  it('the Laplace precision −∇²J is N·Cov[F]/α² + l2·I (1e-6); the covariance is its inverse; intervals are θ̂ ± z·se', () => {
    const fit = inferReward(model<number, Move>(...parts, optimality(() => 0)), demos, { features: phi, l2, tolerance: 1e-10, start: 'posterior' });
    const posterior = fit.laplace();
    const { covariance } = moments(fit.theta);
    const precision = covariance.map((row, i) => row.map((x, j) => x / (ALPHA * ALPHA) + (i === j ? l2 : 0)));
    // Σ · precision = I
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let product = 0;
        for (let k = 0; k < 3; k++) product += posterior.covariance[i * 3 + k]! * precision[k]![j]!;
        expect(Math.abs(product - (i === j ? 1 : 0))).toBeLessThanOrEqual(1e-6);
      }
    }
    const z = normalQuantile(0.975);
    expect(Math.abs(z - 1.959963984540054)).toBeLessThanOrEqual(1e-8);
    const [lo, hi] = posterior.interval(1, 0.95);
    expect(Math.abs(lo - (fit.theta[1]! - z * posterior.standardErrors[1]!))).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(hi - (fit.theta[1]! + z * posterior.standardErrors[1]!))).toBeLessThanOrEqual(1e-12);
    expect(fit.laplace()).toBe(posterior); // computed once
  });

  it('refuses a point that is not a strict maximum, with the fix', () => {
    // A feature no trajectory can tell apart (constant), without a prior: −∇²J is singular.
    const flat = (s: number, a: Move) => [...phi(s, a), 1];
    const fit = inferReward(model<number, Move>(...parts, optimality(() => 0)), demos, { features: flat, steps: 3 });
    expect(() => fit.laplace()).toThrow('laplace: −∇²J is not positive definite at θ');
  });
});
