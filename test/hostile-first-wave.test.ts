/**
 * Issue 21 parts 2–5: options the first wave's kernels and engines used to
 * ignore or refuse wrongly. exact({ tolerance, maxIterations }) on the
 * discounted soft-LQR solve (checked against the scalar closed form, an
 * independent reference), softActorCritic's negative target entropy for a
 * continuous action, and the observations a POMDP's simulator draws (checked
 * against Z(o | s', a) by a χ² bound).
 */
import { describe, expect, it } from 'vitest';
import {
  action,
  CaiError,
  categorical,
  compile,
  deterministic,
  discount,
  exact,
  horizon,
  infer,
  linearGaussian,
  model,
  observation,
  optimality,
  quadratic,
  rng,
  simulatorOf,
  softActorCritic,
  state,
  temperature,
  transition,
  type Part,
} from '../src/index.js';
import { scalarStationaryFixed } from './helpers/soft-lqr-scalar.js';

type X = Float64Array;
const SCALAR = { a: 1, b: 1, q: 1, rho: 1, W: 0.5, alpha: 0.5 };
const scalar = (...more: Part<X, X>[]) =>
  model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), ...more);
type Gaussian = { V(t: number): { P: number[][] }; convergence: { iterations: number; residual: number; tolerance: number } };

describe('exact({ tolerance, maxIterations }) on the discounted soft-LQR solve (part 3)', () => {
  const ref = scalarStationaryFixed({ ...SCALAR, gamma: 0.9 });
  it('left out: the kernel keeps its 1e-13 relative rule and matches the closed form to 1e-12', () => {
    const post = infer(scalar(discount(0.9)), exact({ backup: 'fixed-dynamics' })) as unknown as Gaussian;
    expect(post.convergence.tolerance).toBe(1e-13);
    expect(Math.abs(post.V(0).P[0]![0]! - ref.P)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.P));
  });
  it('given: the relative change of (P, p) is bounded by it, fewer iterations, and P within the geometric bound of the closed form', () => {
    const loose = infer(scalar(discount(0.9)), exact({ backup: 'fixed-dynamics', tolerance: 1e-6 })) as unknown as Gaussian;
    const tight = infer(scalar(discount(0.9)), exact({ backup: 'fixed-dynamics' })) as unknown as Gaussian;
    expect(loose.convergence.tolerance).toBe(1e-6);
    expect(loose.convergence.residual).toBeLessThanOrEqual(1e-6);
    expect(loose.convergence.iterations).toBeLessThan(tight.convergence.iterations);
    // The Riccati map contracts here (|closed loop| < 1), so a step of relative size ≤ 1e-6 leaves P within
    // a few 1e-6 of the fixed point; 1e-4 relative is a loose bound that still fails if the option were ignored
    // in the other direction (a rule looser than asked).
    const err = Math.abs(loose.V(0).P[0]![0]! - ref.P) / ref.P;
    expect(err).toBeLessThan(1e-4);
    expect(err).toBeGreaterThan(0); // it did stop early: the tolerance was honoured, not the default
  });
  it('maxIterations is honoured: too few iterations is not-converged, naming the limit', () => {
    let error: unknown;
    try {
      infer(scalar(discount(0.9)), exact({ backup: 'fixed-dynamics', maxIterations: 3 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaiError);
    expect((error as CaiError).code).toBe('not-converged');
    expect((error as CaiError).message).toContain('did not converge in 3 iterations');
    expect((error as CaiError).message).toContain('raise exact({ maxIterations })');
  });
});

describe("softActorCritic({ targetEntropy }) for a continuous action (part 4)", () => {
  it('a negative target runs, and a lower target tunes α lower (same seed)', () => {
    const fitOf = (targetEntropy: number) =>
      (infer(scalar(horizon(4)), softActorCritic({ steps: 400, seed: 2, temperature: 'tuned', targetEntropy })) as unknown as { fit: { temperature: number } }).fit.temperature;
    const low = fitOf(-5);
    const high = fitOf(2);
    expect(Number.isFinite(low) && low > 0).toBe(true);
    // α ← α·exp(−λ(H − target)) per update: a target 7 nats lower pushes every update down by 7λ more.
    expect(low).toBeLessThan(high);
  });
  it('the default target of a continuous action (−d) is accepted as an explicit value', () => {
    expect(() => softActorCritic({ temperature: 'tuned', targetEntropy: -1 })).not.toThrow();
  });
});

describe('simulatorOf(pomdp) draws observations (part 5)', () => {
  type D = 'l' | 'r';
  type K = 'listen' | 'open';
  const pomdp = model<D, K>(
    state('door', ['l', 'r'] as D[], { initial: 'l' }),
    action('act', ['listen', 'open'] as K[]),
    transition((s: D) => deterministic(s)),
    optimality(() => 0),
    observation((s: D, a: K) => (a === 'listen' ? categorical([[s, 0.8], [s === 'l' ? 'r' : 'l', 0.2]]) : categorical([['l', 0.5], ['r', 0.5]]))),
    horizon(2),
  );
  it('a fully observed model has no observe(); a POMDP has observe() drawing from Z(o | s′, a) (χ², 1 dof, false-failure rate 1e-4)', () => {
    const graph = compile(pomdp);
    const sim = simulatorOf(graph);
    expect(sim.observations?.values).toEqual(['l', 'r']);
    const random = rng(7);
    const N = 20_000;
    const s = graph.states.values.indexOf('l');
    const listen = graph.actions.values.indexOf('listen');
    let heardL = 0;
    for (let i = 0; i < N; i++) if (sim.observations!.values[sim.observe!(s, listen, random)] === 'l') heardL++;
    const chi2 = (heardL - 0.8 * N) ** 2 / (0.8 * N) + (N - heardL - 0.2 * N) ** 2 / (0.2 * N);
    expect(chi2).toBeLessThan(15.14); // χ²₁ quantile at 1 − 1e-4
    // The initial state is not observed here: observeInitial gives −1.
    expect(sim.observeInitial!(s, random)).toBe(-1);
    const plain = simulatorOf(compile(model<D, K>(state('door', ['l', 'r'] as D[], { initial: 'l' }), action('act', ['listen', 'open'] as K[]), transition((x: D) => deterministic(x)), optimality(() => 0), horizon(2))));
    expect(plain.observe).toBeUndefined();
  });
});
