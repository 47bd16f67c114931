/**
 * Exact soft LQR (issue 19; RELIABILITY 25): both backups of the Gaussian
 * kernel against independent references that never import the engine —
 * a scalar closed form (test/helpers/soft-lqr-scalar.ts), numerical
 * quadrature over (u, w), a dense numpy recursion (test/helpers/soft_lqr.py,
 * a different algebraic form of the posterior backup) — and the laws:
 * W = 0 makes the backups agree, α → 0 is LQR, the covariance is linear in α,
 * samples reproduce the Gaussian marginals. Random systems are drawn from a
 * seeded stream; every tolerance is stated where it is used.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  action, CaiError, compile, exact, gaussianPosterior, horizon, importance, infer, isGaussianPosterior, linearGaussian, model, multivariateNormal, optimality, quadratic, state,
  temperature, transition, categorical, softQLearning, pseudoLikelihoodEM, evaluate, type GaussianPosterior, type Matrix, type Part,
} from '../src/index.js';
import { scalarSoftLqr, trapezoid } from './helpers/soft-lqr-scalar.js';
import { randomSystem, type System } from './helpers/soft-lqr-systems.js';

type Backup = 'posterior' | 'fixed-dynamics';
const BACKUPS: readonly Backup[] = ['fixed-dynamics', 'posterior'];

function solve(parts: readonly Part<Float64Array, Float64Array>[], backup: Backup): GaussianPosterior {
  const post = infer(model<Float64Array, Float64Array>(...parts), exact({ backup }));
  expect(isGaussianPosterior(post)).toBe(true);
  return gaussianPosterior(post);
}

/** |a − b| ≤ tol · max(1, |b|). */
function near(a: number, b: number, tol: number, label: string): void {
  if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) throw new Error(`${label}: ${a} vs ${b} (tol ${tol})`);
}
function nearAll(a: readonly (readonly number[])[] | readonly number[], b: readonly (readonly number[])[] | readonly number[], tol: number, label: string): void {
  const fa = (a as unknown[]).flat(2) as number[];
  const fb = (b as unknown[]).flat(2) as number[];
  expect(fa.length).toBe(fb.length);
  fa.forEach((x, i) => near(x, fb[i]!, tol, `${label}[${i}]`));
}

describe('the scalar system A = B = Q = R = 1, W = 0.5, α = 0.5, T = 3', () => {
  const scalar = (x0: number): Part<Float64Array, Float64Array>[] => [
    state.simulated('x', { initial: [x0] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3),
  ];
  for (const backup of BACKUPS) {
    it(`${backup}: K_t, covariance, P_t and the constant term equal the closed form to 1e-12`, () => {
      const post = solve(scalar(1), backup);
      const ref = scalarSoftLqr({ a: 1, b: 1, q: 1, rho: 1, W: 0.5, alpha: 0.5, T: 3, backup });
      for (let t = 0; t < 3; t++) {
        near(post.gains(t).K[0]![0]!, ref[t]!.K, 1e-12, `K_${t}`);
        near(post.policy(t, [0.3]).covariance[0]![0]!, ref[t]!.covariance, 1e-12, `covariance_${t}`);
        near(post.V(t).P[0]![0]!, ref[t]!.P, 1e-12, `P_${t}`);
        near(post.V(t).c, ref[t]!.v, 1e-12, `v_${t}`);
      }
      // a point x_0 = 1: value = V_0(1) for either backup
      near(post.value, -0.5 * ref[0]!.P + ref[0]!.v, 1e-12, 'value');
    });

    it(`${backup}: the state marginals equal the scalar forward recursion built from the closed form (1e-12)`, () => {
      const post = solve(scalar(1), backup);
      const ref = scalarSoftLqr({ a: 1, b: 1, q: 1, rho: 1, W: 0.5, alpha: 0.5, T: 3, backup });
      // x' = c (x + u) + noise of variance v: fixed c = 1, v = W; posterior c = α/(α + PW), v = αW/(α + PW), P = P_{t+1}
      let mean = 1;
      let variance = 0;
      for (let t = 0; t < 3; t++) {
        near(post.stateMarginal(t).mean[0]!, mean, 1e-12, `mean x_${t}`);
        near(post.stateMarginal(t).covariance[0]![0]!, variance, 1e-12, `variance x_${t}`);
        const P = t < 2 ? ref[t + 1]!.P : 0;
        const c = backup === 'posterior' ? 0.5 / (0.5 + P * 0.5) : 1;
        const v = backup === 'posterior' ? (0.5 * 0.5) / (0.5 + P * 0.5) : 0.5;
        variance = c * c * ((1 - ref[t]!.K) ** 2 * variance + ref[t]!.covariance) + v;
        mean = c * (1 - ref[t]!.K) * mean;
      }
      near(post.stateMarginal(3).mean[0]!, mean, 1e-12, 'mean x_3');
      near(post.stateMarginal(3).covariance[0]![0]!, variance, 1e-12, 'variance x_3');
    });

    it(`${backup}: logProb of a trajectory equals the chain of scalar Gaussian densities built from the closed form (1e-12)`, () => {
      const post = solve(scalar(1), backup);
      const ref = scalarSoftLqr({ a: 1, b: 1, q: 1, rho: 1, W: 0.5, alpha: 0.5, T: 3, backup });
      const logN = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - ((x - m) ** 2) / (2 * v);
      const xs = [1, 0.2, -0.4];
      const us = [-0.3, 0.1, 0.5];
      let expected = 0; // x_0 = 1 is a point: its factor is 1 (log 0)
      for (let t = 0; t < 3; t++) {
        expected += logN(us[t]!, -ref[t]!.K * xs[t]!, ref[t]!.covariance);
        if (t < 2) {
          const m = xs[t]! + us[t]!;
          // posterior: N(m; W) tilted by exp(−½ P x²/α) is N(m α/(α + PW), αW/(α + PW)), P = P_{t+1}
          const P = ref[t + 1]!.P;
          expected += backup === 'posterior' ? logN(xs[t + 1]!, (m * 0.5) / (0.5 + P * 0.5), (0.5 * 0.5) / (0.5 + P * 0.5)) : logN(xs[t + 1]!, m, 0.5);
        }
      }
      near(post.logProb({ states: xs.map((x) => [x]) as unknown as Float64Array[], actions: us.map((u) => Float64Array.of(u)) }), expected, 1e-12, 'logProb');
      expect(post.logProb({ states: [Float64Array.of(0.9), Float64Array.of(0.2), Float64Array.of(-0.4)], actions: us.map((u) => Float64Array.of(u)) })).toBe(-Infinity);
    });

    it(`${backup}: V_t(x) at a point equals quadrature over (u, w) to 1e-10 (trapezoid, ±12 sd, 400 × 400 nodes)`, () => {
      const post = solve(scalar(1), backup);
      const alpha = 0.5;
      const W = 0.5;
      const sw = Math.sqrt(W);
      const normal = (w: number) => Math.exp((-0.5 * w * w) / W) / Math.sqrt(2 * Math.PI * W);
      for (let t = 0; t < 3; t++) {
        const x = 0.7;
        const next = (y: number) => (t === 2 ? 0 : post.V(t + 1).at([y]));
        // fixed: E_w V_{t+1}(m + w); posterior: α log E_w exp(V_{t+1}(m + w)/α)
        const backed = (m: number) =>
          t === 2 ? 0 : backup === 'fixed-dynamics'
            ? trapezoid((w) => normal(w) * next(m + w), -12 * sw, 12 * sw, 400)
            : alpha * Math.log(trapezoid((w) => normal(w) * Math.exp(next(m + w) / alpha), -12 * sw, 12 * sw, 400));
        // V_t(x) = α log ∫ exp((r(x, u) + backed(x + u))/α) du, the integrand centred near its mode −K x
        const center = -post.gains(t).K[0]![0]! * x;
        const sd = Math.sqrt(post.policy(t, [x]).covariance[0]![0]!);
        const shift = post.V(t).at([x]); // subtracting a constant keeps exp in range; any constant is exact
        const integral = trapezoid((u) => Math.exp((-0.5 * x * x - 0.5 * u * u + backed(x + u) - shift) / alpha), center - 12 * sd, center + 12 * sd, 400);
        near(shift + alpha * Math.log(integral), post.V(t).at([x]), 1e-10, `V_${t}(${x})`);
      }
    });
  }
});


function systemParts(s: System, T: number, alpha = s.alpha): Part<Float64Array, Float64Array>[] {
  return [
    state.simulated('x', { initial: multivariateNormal(s.m0, s.S0) }), action.continuous('u', s.R.length),
    linearGaussian({ A: s.A, B: s.B, c: s.c, W: s.W }), quadratic({ Q: s.Q, R: s.R, N: s.N, q: s.q, r: s.r, c: s.c0 }),
    quadratic.terminal({ Q: s.QT, q: s.qT, c: s.cT }), temperature(alpha), horizon(T),
  ];
}

interface NumpyStep { K: number[][]; k: number[]; cov: number[][]; P: number[][]; p: number[]; v: number }
function numpy(problems: readonly object[]): { steps: NumpyStep[]; value: number }[] {
  const script = fileURLToPath(new URL('./helpers/soft_lqr.py', import.meta.url));
  const run = spawnSync('python3', [script], { input: JSON.stringify(problems), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`numpy reference failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { steps: NumpyStep[]; value: number }[];
}

describe('random systems in 2–4 dimensions against a dense numpy recursion', () => {
  it('12 systems × both backups (drift, cross term, linear terms, terminal, Gaussian x_0): K, k, covariance, P, p, v, value to 1e-9 relative', () => {
    const cases = Array.from({ length: 12 }, (_, i) => ({ seed: 100 + i, n: 2 + (i % 3), d: 1 + (i % 2), T: 4 + (i % 4) }));
    const problems = cases.flatMap(({ seed, n, d, T }) => BACKUPS.map((backup) => ({ ...randomSystem(seed, n, d), T, backup })));
    const refs = numpy(problems);
    problems.forEach((problem, j) => {
      const { seed, n, d, T } = cases[Math.floor(j / 2)]!;
      const post = solve(systemParts(randomSystem(seed, n, d), T), problem.backup);
      const ref = refs[j]!;
      const label = `seed ${seed} ${problem.backup}`;
      for (let t = 0; t < T; t++) {
        nearAll(post.gains(t).K, ref.steps[t]!.K, 1e-9, `${label} K_${t}`);
        nearAll(post.gains(t).k, ref.steps[t]!.k, 1e-9, `${label} k_${t}`);
        nearAll(post.policy(t, new Float64Array(n)).covariance, ref.steps[t]!.cov, 1e-9, `${label} cov_${t}`);
        nearAll(post.V(t).P, ref.steps[t]!.P, 1e-9, `${label} P_${t}`);
        nearAll(post.V(t).p, ref.steps[t]!.p, 1e-9, `${label} p_${t}`);
        near(post.V(t).c, ref.steps[t]!.v, 1e-9, `${label} v_${t}`);
      }
      near(post.value, ref.value, 1e-9, `${label} value`);
      near(post.logEvidence, ref.value / problem.alpha, 1e-9, `${label} logEvidence`);
    });
  });

  it('α → 0: the fixed-dynamics gain tends to the LQR gain (α = 1e-8 within 1e-6) and α = 0 is LQR to 1e-9', () => {
    const problems = [0, 1, 2].map((i) => ({ ...randomSystem(200 + i, 3, 2), T: 6, backup: 'fixed-dynamics', alpha: 0 }));
    const refs = numpy(problems);
    problems.forEach((_problem, j) => {
      const s = randomSystem(200 + j, 3, 2);
      const lqr = solve(systemParts(s, 6, 0), 'fixed-dynamics');
      const small = solve(systemParts(s, 6, 1e-8), 'fixed-dynamics');
      for (let t = 0; t < 6; t++) {
        nearAll(lqr.gains(t).K, refs[j]!.steps[t]!.K, 1e-9, `LQR K_${t}`);
        nearAll(lqr.V(t).P, refs[j]!.steps[t]!.P, 1e-9, `LQR P_${t}`);
        near(lqr.V(t).c, refs[j]!.steps[t]!.v, 1e-9, `LQR v_${t}`);
        expect(lqr.policy(t, [0, 0, 0]).covariance.flat().every((v) => v === 0)).toBe(true);
        nearAll(small.gains(t).K, refs[j]!.steps[t]!.K, 1e-6, `α→0 K_${t}`);
      }
      near(small.value, refs[j]!.value, 1e-6, 'α→0 value');
    });
  });
});

describe('brute-force Gaussian integration of the soft backup (2-dim state, 2-dim noise, 1-dim action)', () => {
  for (const backup of BACKUPS) {
    it(`${backup}: V_t(x) = α log ∫ exp((r + backup V_{t+1})/α) du on a 101 × 61 × 61 trapezoid grid, to 1e-8`, () => {
      const s = randomSystem(7, 2, 1);
      const post = solve(systemParts(s, 3), backup);
      const { alpha } = s;
      // w = L z with W = L Lᵀ (2 × 2 Cholesky by hand), z on a grid over ±8
      const l00 = Math.sqrt(s.W[0]![0]!);
      const l10 = s.W[1]![0]! / l00;
      const l11 = Math.sqrt(s.W[1]![1]! - l10 * l10);
      const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
      const x = [0.4, -0.3];
      for (const t of [0, 1, 2]) {
        const V1 = post.V(t + 1);
        const base = V1.at([0, 0]);
        const backed = (m: number[]) => {
          const inner = (z0: number) =>
            trapezoid((z1) => {
              const y = [m[0]! + l00 * z0, m[1]! + l10 * z0 + l11 * z1];
              const v = V1.at(y);
              return phi(z0) * phi(z1) * (backup === 'fixed-dynamics' ? v : Math.exp((v - base) / alpha));
            }, -8, 8, 61);
          const e = trapezoid(inner, -8, 8, 61);
          return backup === 'fixed-dynamics' ? e : base + alpha * Math.log(e);
        };
        const reward = (u: number) =>
          -0.5 * (s.Q[0]![0]! * x[0]! ** 2 + 2 * s.Q[0]![1]! * x[0]! * x[1]! + s.Q[1]![1]! * x[1]! ** 2) - 0.5 * s.R[0]![0]! * u * u -
          (x[0]! * s.N[0]![0]! + x[1]! * s.N[1]![0]!) * u + s.q[0]! * x[0]! + s.q[1]! * x[1]! + s.r[0]! * u + s.c0;
        const mean = post.policy(t, x).mean[0]!;
        const sd = Math.sqrt(post.policy(t, x).covariance[0]![0]!);
        const shift = post.V(t).at(x);
        const integral = trapezoid((u) => {
          const m = [0, 1].map((i) => s.A[i]![0]! * x[0]! + s.A[i]![1]! * x[1]! + s.B[i]![0]! * u + s.c[i]!);
          return Math.exp((reward(u) + backed(m) - shift) / alpha);
        }, mean - 10 * sd, mean + 10 * sd, 101);
        near(shift + alpha * Math.log(integral), post.V(t).at(x), 1e-8, `${backup} V_${t}`);
      }
    });
  }
});

describe('laws', () => {
  it('W = 0: the two backups agree to 1e-12 (relative) in K, k, covariance, P, p, v and value', () => {
    for (const seed of [300, 301, 302]) {
      const s = { ...randomSystem(seed, 3, 2) };
      const parts = systemParts({ ...s, W: [[0, 0, 0], [0, 0, 0], [0, 0, 0]], S0: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] }, 5);
      const a = solve(parts, 'posterior');
      const b = solve(parts, 'fixed-dynamics');
      for (let t = 0; t < 5; t++) {
        nearAll(a.gains(t).K, b.gains(t).K, 1e-12, 'K');
        nearAll(a.gains(t).k, b.gains(t).k, 1e-12, 'k');
        nearAll(a.policy(t, [1, 2, 3]).covariance, b.policy(t, [1, 2, 3]).covariance, 1e-12, 'cov');
        nearAll(a.V(t).P, b.V(t).P, 1e-12, 'P');
        near(a.V(t).c, b.V(t).c, 1e-12, 'v');
      }
      near(a.value, b.value, 1e-12, 'value');
      expect(a.evidence.kind).toBe('exact');
      expect(b.evidence.kind).toBe('lower-bound');
    }
  });

  it('fixed-dynamics: the covariance scales linearly in α and the gain does not move (1e-12)', () => {
    const s = randomSystem(400, 3, 2);
    const one = solve(systemParts(s, 5, 0.4), 'fixed-dynamics');
    const three = solve(systemParts(s, 5, 1.2), 'fixed-dynamics');
    for (let t = 0; t < 5; t++) {
      nearAll(three.policy(t, [0, 0, 0]).covariance, one.policy(t, [0, 0, 0]).covariance.map((row) => row.map((v) => 3 * v)), 1e-12, 'covariance');
      nearAll(three.gains(t).K, one.gains(t).K, 1e-12, 'K');
    }
  });

  it('the posterior backup is optimistic: its value is at least the fixed-dynamics ELBO', () => {
    for (const seed of [500, 501, 502]) {
      const s = randomSystem(seed, 2, 1);
      expect(solve(systemParts(s, 4), 'posterior').value).toBeGreaterThanOrEqual(solve(systemParts(s, 4), 'fixed-dynamics').value);
    }
  });

  it('evaluate({ soft: true }) of the fixed-dynamics policy is its own V_t (1e-10); a worse gain scores lower', () => {
    const s = randomSystem(600, 3, 1);
    const post = solve(systemParts(s, 5), 'fixed-dynamics');
    const ev = post.evaluate(post, { soft: true });
    for (let t = 0; t <= 5; t++) {
      nearAll(ev.V(t).P, post.V(t).P, 1e-10, `P_${t}`);
      nearAll(ev.V(t).p, post.V(t).p, 1e-10, `p_${t}`);
      near(ev.V(t).c, post.V(t).c, 1e-10, `v_${t}`);
    }
    near(ev.value, post.value, 1e-10, 'value');
    const worse = post.evaluate({ K: (t) => post.gains(t).K.map((row) => row.map((v) => 1.5 * v)), k: (t) => post.gains(t).k, covariance: (t) => post.policy(t, [0, 0, 0]).covariance }, { soft: true });
    expect(worse.value).toBeLessThan(post.value);
  });

  it('sampling reproduces the Gaussian state marginals: 4000 draws, every mean coordinate within 4.5 SE and every variance within 4.5 SE (seeded)', () => {
    // False-failure rate with fresh seeds: about 2 × 3 × 5 coordinates × 7e-6 ≈ 2e-4 (normal tails at 4.5 SE).
    const s = randomSystem(700, 3, 2);
    for (const backup of BACKUPS) {
      const post = solve(systemParts(s, 4), backup);
      const draws = post.sample(4000, { seed: 11 });
      for (let t = 0; t <= 4; t++) {
        const { mean, covariance } = post.stateMarginal(t);
        for (let i = 0; i < 3; i++) {
          const xs = draws.map((d) => d.states[t]![i]!);
          const m = xs.reduce((a, b) => a + b, 0) / xs.length;
          const v = covariance[i]![i]!;
          expect(Math.abs(m - mean[i]!)).toBeLessThan(4.5 * Math.sqrt(v / xs.length));
          const sv = xs.reduce((a, b) => a + (b - mean[i]!) ** 2, 0) / xs.length;
          // Var of the sample variance about the known mean: 2σ⁴/N for a Gaussian
          expect(Math.abs(sv - v)).toBeLessThan(4.5 * Math.sqrt((2 * v * v) / xs.length));
        }
      }
      for (const d of draws.slice(0, 5)) near(d.logProb, post.logProb(d), 1e-12, 'logProb of a draw');
    }
  });

  it('mostProbable() is the mean path, and it has the highest log-density among perturbed paths', () => {
    const s = randomSystem(800, 2, 1);
    const post = solve(systemParts(s, 4), 'posterior');
    const mode = post.mostProbable();
    for (let t = 0; t <= 4; t++) nearAll(Array.from(mode.states[t]!), Array.from(post.stateMarginal(t).mean), 1e-12, `mean x_${t}`);
    for (let t = 0; t < 4; t++) nearAll(Array.from(mode.actions[t]!), Array.from(post.actionMarginal(t).mean), 1e-12, `mean u_${t}`);
    const best = post.logProb(mode);
    for (const d of post.sample(20, { seed: 3 })) expect(d.logProb).toBeLessThan(best);
  });
});

describe('refusals', () => {
  const lqr = () => model(state.simulated('x', { initial: [0, 0] }), action.continuous('u', 1), linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]] }), quadratic({ Q: [[1, 0], [0, 1]], R: [[1]] }), horizon(5));
  it('importance() and the tabular learning engines refuse a continuous action and name the engines that take one', () => {
    for (const engine of [importance({ particles: 10 }), softQLearning(), pseudoLikelihoodEM()]) {
      try {
        infer(lqr(), engine);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(CaiError);
        expect((error as CaiError).code).toBe('continuous-action');
        expect((error as CaiError).message).toContain('exact() solves linear-Gaussian models');
        expect((error as CaiError).message).toContain('variational({ family: gaussianPolicy() })');
      }
    }
  });
  it('compile() and evaluate(model, …) refuse a continuous action', () => {
    expect(() => compile(lqr())).toThrow(/action.continuous\('u'\) is a continuous action, which compile\(\) cannot handle/);
    expect(() => evaluate(lqr() as never, () => categorical([[0, 1]]) as never)).toThrow(/which compile\(\) cannot handle; expected a finite action/);
  });
  it('exact() refuses a continuous action with tabulated states or a function reward, saying what it needs', () => {
    const tabulated = model<number, Float64Array>(state('x', [0, 1], { initial: 0 }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1 }) as unknown as Part<number, Float64Array>, optimality(() => 0), horizon(2));
    expect(() => infer(model<number, Float64Array>(state('x', [0, 1], { initial: 0 }), action.continuous('u', 1), transition(() => categorical([[0, 1]])), optimality(() => 0), horizon(2)), exact())).toThrow(/the transition is a function, not linearGaussian/);
    expect(() => infer(tabulated, exact())).toThrow(/a continuous action with tabulated or factored states is not solved/);
    const fnReward = model(state.simulated('x', { initial: [0] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1 }), optimality(() => 0), horizon(2));
    expect(() => infer(fnReward, exact())).toThrow(/an optimality\(...\) reward is a function, not quadratic/);
  });
  it('a reward convex in u (R < 0) is refused as not concave, naming t', () => {
    const convex = model(state.simulated('x', { initial: [0] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1 }), quadratic({ Q: 1, R: -1 }), horizon(2));
    expect(() => infer(convex, exact())).toThrow(/S = R \+ BᵀP̂B is not positive definite at t = 1/);
  });
});

/** A 1-dim type check: a Matrix literal is accepted where the DSL takes one. */
export const identity2: Matrix = [[1, 0], [0, 1]];
