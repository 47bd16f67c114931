/**
 * Continuous actions through the simulator path (issue 19 part 3.1):
 * compileContinuous / simulatorOf step a model's own functions with u as a
 * Float64Array; a linear-Gaussian model is also read as matrices; bounds are
 * kept; the Gaussian prior's log-density equals its closed form.
 */
import { describe, expect, it } from 'vitest';
import { action, compileContinuous, exact, horizon, infer, linearGaussian, model, multivariateNormal, optimality, quadratic, rng, sampler, simulatorOf, state, temperature, transition, variational, importance } from '../src/index.js';

type X = Float64Array;

describe('a continuous action simulated', () => {
  it('steps linear-Gaussian dynamics with u ∈ ℝ^d and sums the quadratic reward (W = 0: exact to 1e-15)', () => {
    const m = model<X, X>(
      state.simulated('x', { initial: [1, 2] }),
      action.continuous('u', 1),
      linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]], c: [0.5, 0] }),
      quadratic({ Q: [[1, 0], [0, 2]], R: 3, q: [1, 0] }),
      horizon(4),
    );
    const graph = compileContinuous(m);
    const sim = simulatorOf(graph);
    expect(graph.kind).toBe('continuous-simulator');
    expect(graph.linear?.n).toBe(2);
    expect(sim.dimension).toBe(1);
    expect(sim.bounds).toBeUndefined();
    const random = rng(1);
    const x0 = sim.initial(random);
    expect(Array.from(x0)).toEqual([1, 2]);
    const x1 = sim.step(x0, Float64Array.of(-2), random);
    // x' = A x + B u + c = (1 + 0.2 + 0.5, 2 − 0.2)
    expect(x1[0]).toBeCloseTo(1.7, 15);
    expect(x1[1]).toBeCloseTo(1.8, 15);
    // r = −½(1·1 + 2·4) − ½·3·4 + 1·1 = −4.5 − 6 + 1
    expect(sim.reward(x0, Float64Array.of(-2), 0)).toBeCloseTo(-9.5, 14);
    expect(sim.logPrior(Float64Array.of(5))).toBe(0);
  });

  it('runs a function model with state.simulated (a pendulum step) and keeps the bounds', () => {
    const m = model<{ th: number; w: number }, X>(
      state.simulated('p', { initial: { th: Math.PI, w: 0 } }),
      action.continuous('torque', 1, { bounds: { low: -2, high: 2 } }),
      transition((s: { th: number; w: number }, u: X) => sampler(() => ({ th: s.th + 0.05 * s.w, w: s.w + 0.05 * (u[0]! - 9.8 * Math.sin(s.th)) }))),
      optimality((s: { th: number; w: number }, u: X) => Math.cos(s.th) - 0.01 * u[0]! ** 2),
      horizon(10),
    );
    const graph = compileContinuous(m);
    const sim = simulatorOf(graph);
    expect(graph.linear).toBeUndefined();
    expect(Array.from(sim.bounds!.low)).toEqual([-2]);
    expect(Array.from(sim.bounds!.high)).toEqual([2]);
    const s1 = sim.step(sim.initial(rng(0)), Float64Array.of(1), rng(0));
    expect(s1.th).toBe(Math.PI);
    expect(s1.w).toBeCloseTo(0.05 * (1 - 9.8 * Math.sin(Math.PI)), 15);
    expect(sim.reward(s1, Float64Array.of(1), 0)).toBeCloseTo(-1.01, 12);
  });

  it('the Gaussian prior log-density is log N(u; μ, Σ) (closed form, 1e-12)', () => {
    const m = model<X, X>(
      state.simulated('x', { initial: [0] }),
      action.continuous('u', 2, { prior: multivariateNormal([1, -1], [[2, 0.5], [0.5, 1]]) }),
      linearGaussian({ A: 1, B: [[1, 1]] }),
      quadratic({ Q: 1 }),
      horizon(2),
    );
    const sim = simulatorOf(compileContinuous(m));
    const u = Float64Array.of(0.3, 0.2);
    const det = 2 * 1 - 0.25;
    const [a, b] = [u[0]! - 1, u[1]! + 1];
    // Σ⁻¹ = [[1, −0.5], [−0.5, 2]] / det
    const quad = (a * a * 1 - 2 * a * b * 0.5 + b * b * 2) / det;
    expect(sim.logPrior(u)).toBeCloseTo(-0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI), 12);
  });

  it('exact() still takes the unbounded linear-Gaussian model; importance() refuses a continuous action naming the engines that take one', () => {
    const m = model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));
    expect(infer(m, exact()).engine).toBe('exact');
    expect(() => infer(m, importance({ particles: 10 }))).toThrow(/variational\(\{ family: gaussianPolicy\(\) \}\)/);
    expect(variational).toBeTypeOf('function');
  });
});
