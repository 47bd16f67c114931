/**
 * Discounted soft LQR (issue 19): finite horizons with γ < 1 and the
 * stationary solution of horizon(Infinity) + discount(γ), both backups,
 * against references that never import the engine — the scalar recursion and
 * the scalar stationary closed form (test/helpers/soft-lqr-scalar.ts),
 * trapezoid quadrature of one discounted backup and of the stationary Bellman
 * equation, the dense numpy recursion (test/helpers/soft_lqr.py) with γ and,
 * iterated to convergence, as the stationary reference, and scipy's
 * solve_discrete_are on the √γ-scaled system for the hard (α → 0) case
 * (test/helpers/discounted_dare.py). The convention checked throughout is the
 * tabular engine's: Q_t = r + γ·backup(V_{t+1}).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  action, discount, exact, gaussianPosterior, horizon, infer, linearGaussian, model, multivariateNormal, quadratic, state, temperature, type GaussianPosterior, type Part,
} from '../src/index.js';
import { scalarSoftLqr, scalarStationaryFixed, trapezoid } from './helpers/soft-lqr-scalar.js';
import { randomSystem, type System } from './helpers/soft-lqr-systems.js';

type Backup = 'posterior' | 'fixed-dynamics';
type X = Float64Array;
const BACKUPS: readonly Backup[] = ['fixed-dynamics', 'posterior'];

const solve = (parts: readonly Part<X, X>[], backup: Backup): GaussianPosterior => gaussianPosterior(infer(model<X, X>(...parts), exact({ backup })));

/** |a − b| ≤ tol · max(1, |b|). */
function near(a: number, b: number, tol: number, label: string): void {
  if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) throw new Error(`${label}: ${a} vs ${b} (tol ${tol})`);
}
function nearAll(a: readonly (readonly number[])[] | readonly number[] | Float64Array, b: readonly (readonly number[])[] | readonly number[], tol: number, label: string): void {
  const fa = (Array.from(a as ArrayLike<unknown>) as unknown[]).flat(2) as number[];
  const fb = (b as unknown[]).flat(2) as number[];
  expect(fa.length).toBe(fb.length);
  fa.forEach((x, i) => near(x, fb[i]!, tol, `${label}[${i}]`));
}

function python<T>(script: string, input: unknown): T {
  const run = spawnSync('python3', [fileURLToPath(new URL(`./helpers/${script}`, import.meta.url))], { input: JSON.stringify(input), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
interface NumpyStep { K: number[][]; k: number[]; cov: number[][]; P: number[][]; p: number[]; v: number }

/** The scalar system of the issue (A = B = Q = R = 1, W = 0.5, α = 0.5), discounted. */
const SCALAR = { a: 1, b: 1, q: 1, rho: 1, W: 0.5, alpha: 0.5 };
const scalarParts = (...length: Part<X, X>[]): Part<X, X>[] => [
  state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), ...length,
];

/**
 * V(x) = α log ∫ exp((r(x, u) + γ·B[next](x + u))/α) du for the scalar system, B the
 * fixed-dynamics expectation or the posterior's α log E exp(·/α) over w ~ N(0, W):
 * trapezoid rule, ±12 sd in u and w, 400 nodes each (spectrally accurate for these
 * Gaussian-tailed integrands: error far below the 1e-10 asserted).
 */
function quadratureBackup(backup: Backup, gamma: number, next: (y: number) => number, x: number, center: number, sd: number, shift: number): number {
  const { alpha, W } = SCALAR;
  const sw = Math.sqrt(W);
  const normal = (w: number) => Math.exp((-0.5 * w * w) / W) / Math.sqrt(2 * Math.PI * W);
  const backed = (m: number) =>
    backup === 'fixed-dynamics'
      ? trapezoid((w) => normal(w) * next(m + w), -12 * sw, 12 * sw, 400)
      : alpha * Math.log(trapezoid((w) => normal(w) * Math.exp(next(m + w) / alpha), -12 * sw, 12 * sw, 400));
  const integral = trapezoid((u) => Math.exp((-0.5 * x * x - 0.5 * u * u + gamma * backed(x + u) - shift) / alpha), center - 12 * sd, center + 12 * sd, 400);
  return shift + alpha * Math.log(integral);
}

describe('the scalar system discounted (γ = 0.8, T = 4)', () => {
  for (const backup of BACKUPS) {
    it(`${backup}: K_t, covariance, P_t and v_t equal the discounted scalar recursion to 1e-12`, () => {
      const post = solve(scalarParts(horizon(4), discount(0.8)), backup);
      const ref = scalarSoftLqr({ ...SCALAR, T: 4, backup, gamma: 0.8 });
      for (let t = 0; t < 4; t++) {
        near(post.gains(t).K[0]![0]!, ref[t]!.K, 1e-12, `K_${t}`);
        near(post.policy(t, [0.3]).covariance[0]![0]!, ref[t]!.covariance, 1e-12, `covariance_${t}`);
        near(post.V(t).P[0]![0]!, ref[t]!.P, 1e-12, `P_${t}`);
        near(post.V(t).c, ref[t]!.v, 1e-12, `v_${t}`);
      }
      near(post.value, -0.5 * ref[0]!.P + ref[0]!.v, 1e-12, 'value');
      expect(post.convergence).toBeUndefined();
    });

    it(`${backup}: one discounted backup V_t(x) = α log ∫ exp((r + γ·B V_{t+1})/α) du equals quadrature over (u, w) to 1e-10`, () => {
      const post = solve(scalarParts(horizon(4), discount(0.8)), backup);
      for (let t = 0; t < 3; t++) {
        const x = 0.7;
        const got = post.V(t).at([x]);
        const reference = quadratureBackup(backup, 0.8, (y) => post.V(t + 1).at([y]), x, -post.gains(t).K[0]![0]! * x, Math.sqrt(post.policy(t, [x]).covariance[0]![0]!), got);
        near(reference, got, 1e-10, `V_${t}(${x})`);
      }
    });
  }
});

describe('the scalar system, infinite horizon (discount(0.9))', () => {
  it('fixed-dynamics: the stationary K, covariance, P and v equal the closed form (positive root of the scalar Riccati quadratic) to 1e-12', () => {
    const post = solve(scalarParts(discount(0.9)), 'fixed-dynamics');
    const ref = scalarStationaryFixed({ ...SCALAR, gamma: 0.9 });
    for (const t of [0, 1, 37]) {
      near(post.gains(t).K[0]![0]!, ref.K, 1e-12, `K_${t}`);
      near(post.policy(t, [0.3]).covariance[0]![0]!, ref.covariance, 1e-12, `covariance_${t}`);
      near(post.V(t).P[0]![0]!, ref.P, 1e-12, `P_${t}`);
      near(post.V(t).c, ref.v, 1e-12, `v_${t}`);
    }
    expect(post.horizon).toBe(Infinity);
    expect(post.convergence!.residual).toBeLessThanOrEqual(post.convergence!.tolerance);
    expect(post.convergence!.iterations).toBeGreaterThan(1);
  });

  for (const backup of BACKUPS) {
    it(`${backup}: the stationary solution equals the scalar recursion iterated to convergence (T = 2000, γ^T < 1e-90) to 1e-12`, () => {
      const post = solve(scalarParts(discount(0.9)), backup);
      const ref = scalarSoftLqr({ ...SCALAR, T: 2000, backup, gamma: 0.9 })[0]!;
      near(post.gains(5).K[0]![0]!, ref.K, 1e-12, 'K');
      near(post.policy(5, [0]).covariance[0]![0]!, ref.covariance, 1e-12, 'covariance');
      near(post.V(5).P[0]![0]!, ref.P, 1e-12, 'P');
      near(post.V(5).c, ref.v, 1e-12, 'v');
      near(post.value, -0.5 * ref.P + ref.v, 1e-12, 'value at x_0 = 1');
    });

    it(`${backup}: the stationary V solves its own Bellman equation V(x) = α log ∫ exp((r + γ·B V)/α) du by quadrature to 1e-10`, () => {
      const post = solve(scalarParts(discount(0.9)), backup);
      for (const x of [-1.3, 0.7]) {
        const got = post.V(0).at([x]);
        const reference = quadratureBackup(backup, 0.9, (y) => post.V(0).at([y]), x, -post.gains(0).K[0]![0]! * x, Math.sqrt(post.policy(0, [x]).covariance[0]![0]!), got);
        near(reference, got, 1e-10, `V(${x})`);
      }
    });
  }
});

function parts(s: System, length: Part<X, X>[], alpha = s.alpha, terminal = true): Part<X, X>[] {
  return [
    state.simulated('x', { initial: multivariateNormal(s.m0, s.S0) }), action.continuous('u', s.R.length),
    linearGaussian({ A: s.A, B: s.B, c: s.c, W: s.W }), quadratic({ Q: s.Q, R: s.R, N: s.N, q: s.q, r: s.r, c: s.c0 }),
    ...(terminal ? [quadratic.terminal({ Q: s.QT, q: s.qT, c: s.cT })] : []), temperature(alpha), ...length,
  ];
}
const noTerminal = (s: System) => ({ ...s, QT: null, qT: null, cT: 0 });

describe('random systems in 2–4 dimensions, discounted', () => {
  it('finite T, γ ∈ [0.6, 0.95]: 8 systems × both backups against the numpy recursion with γ to 1e-9 (K, k, covariance, P, p, v, value)', () => {
    const cases = Array.from({ length: 8 }, (_, i) => ({ seed: 300 + i, n: 2 + (i % 3), d: 1 + (i % 2), T: 3 + (i % 4), gamma: 0.6 + 0.05 * i }));
    const problems = cases.flatMap((c) => BACKUPS.map((backup) => ({ ...randomSystem(c.seed, c.n, c.d), T: c.T, gamma: c.gamma, backup })));
    const refs = python<{ steps: NumpyStep[]; value: number }[]>('soft_lqr.py', problems);
    problems.forEach((problem, j) => {
      const c = cases[Math.floor(j / 2)]!;
      const post = solve(parts(randomSystem(c.seed, c.n, c.d), [horizon(c.T), discount(c.gamma)]), problem.backup);
      const label = `seed ${c.seed} γ ${c.gamma} ${problem.backup}`;
      for (let t = 0; t < c.T; t++) {
        const ref = refs[j]!.steps[t]!;
        nearAll(post.gains(t).K, ref.K, 1e-9, `${label} K_${t}`);
        nearAll(post.gains(t).k, ref.k, 1e-9, `${label} k_${t}`);
        nearAll(post.policy(t, new Float64Array(c.n)).covariance, ref.cov, 1e-9, `${label} cov_${t}`);
        nearAll(post.V(t).P, ref.P, 1e-9, `${label} P_${t}`);
        nearAll(post.V(t).p, ref.p, 1e-9, `${label} p_${t}`);
        near(post.V(t).c, ref.v, 1e-9, `${label} v_${t}`);
      }
      near(post.value, refs[j]!.value, 1e-9, `${label} value`);
    });
  });

  it('infinite horizon: 6 systems (two open-loop unstable) × both backups equal the numpy recursion iterated T = 800 steps to 1e-9', () => {
    const cases = Array.from({ length: 6 }, (_, i) => ({ seed: 400 + i, n: 2 + (i % 3), d: 1 + (i % 2), gamma: [0.5, 0.8, 0.9][i % 3]!, spread: i >= 4 ? 1.5 : 1 }));
    const problems = cases.flatMap((c) => BACKUPS.map((backup) => ({ ...noTerminal(randomSystem(c.seed, c.n, c.d, c.spread)), T: 800, keep: 1, gamma: c.gamma, backup })));
    const refs = python<{ steps: (NumpyStep | null)[]; value: number }[]>('soft_lqr.py', problems);
    problems.forEach((problem, j) => {
      const c = cases[Math.floor(j / 2)]!;
      const post = solve(parts(randomSystem(c.seed, c.n, c.d, c.spread), [discount(c.gamma)], undefined, false), problem.backup);
      const ref = refs[j]!.steps[0]!;
      const label = `seed ${c.seed} γ ${c.gamma} ${problem.backup}`;
      nearAll(post.gains(0).K, ref.K, 1e-9, `${label} K`);
      nearAll(post.gains(0).k, ref.k, 1e-9, `${label} k`);
      nearAll(post.policy(0, new Float64Array(c.n)).covariance, ref.cov, 1e-9, `${label} cov`);
      nearAll(post.V(0).P, ref.P, 1e-9, `${label} P`);
      nearAll(post.V(0).p, ref.p, 1e-9, `${label} p`);
      near(post.V(0).c, ref.v, 1e-9, `${label} v`);
      near(post.value, refs[j]!.value, 1e-9, `${label} value`);
    });
  });

  it("hard limit: the stationary P and K at α = 0 (and under fixed-dynamics at α = 0.7 with noise) equal scipy's solve_discrete_are on (√γA, √γB) to 1e-9", () => {
    const cases = Array.from({ length: 5 }, (_, i) => ({ seed: 500 + i, n: 2 + (i % 3), d: 1 + (i % 2), gamma: [0.7, 0.95][i % 2]!, spread: i >= 3 ? 1.5 : 1 }));
    const refs = python<{ P: number[][]; K: number[][] }[]>('discounted_dare.py', cases.map((c) => ({ ...randomSystem(c.seed, c.n, c.d, c.spread), gamma: c.gamma })));
    cases.forEach((c, j) => {
      const s = randomSystem(c.seed, c.n, c.d, c.spread);
      // The DARE is the noiseless, linear-term-free problem: drop c, q, r, W and the spread of x₀ for α = 0 (the posterior backup refuses α = 0 with noise).
      const zero = (m: number[][]) => m.map((row) => row.map(() => 0));
      const hard = { ...s, c: new Array<number>(c.n).fill(0), q: new Array<number>(c.n).fill(0), r: new Array<number>(c.d).fill(0), W: zero(s.W), S0: zero(s.S0) };
      for (const backup of BACKUPS) {
        const post = solve(parts(hard, [discount(c.gamma)], 0, false), backup);
        nearAll(post.V(0).P, refs[j]!.P, 1e-9, `seed ${c.seed} α = 0 ${backup} P`);
        nearAll(post.gains(0).K, refs[j]!.K, 1e-9, `seed ${c.seed} α = 0 ${backup} K`);
      }
      const soft = solve(parts(s, [discount(c.gamma)], 0.7, false), 'fixed-dynamics');
      nearAll(soft.V(0).P, refs[j]!.P, 1e-9, `seed ${c.seed} α = 0.7 fixed-dynamics P`);
      nearAll(soft.gains(0).K, refs[j]!.K, 1e-9, `seed ${c.seed} α = 0.7 fixed-dynamics K`);
    });
  });
});

describe('laws of the stationary solution', () => {
  const s = randomSystem(600, 3, 2);
  const infinite = (alpha: number, noise = true) => parts({ ...s, W: noise ? s.W : s.W.map((row) => row.map(() => 0)) }, [discount(0.85)], alpha, false);

  it('W = 0 makes the two backups agree to 1e-12 (K, k, covariance, P, p, v)', () => {
    const [a, b] = BACKUPS.map((backup) => solve(infinite(s.alpha, false), backup));
    nearAll(a!.gains(0).K, b!.gains(0).K, 1e-12, 'K');
    nearAll(a!.gains(0).k, b!.gains(0).k, 1e-12, 'k');
    nearAll(a!.policy(0, [0, 0, 0]).covariance, b!.policy(0, [0, 0, 0]).covariance, 1e-12, 'covariance');
    nearAll(a!.V(0).P, b!.V(0).P, 1e-12, 'P');
    nearAll(a!.V(0).p, b!.V(0).p, 1e-12, 'p');
    near(a!.V(0).c, b!.V(0).c, 1e-12, 'v');
  });

  it('fixed-dynamics: the gain does not depend on α and the covariance is linear in α (1e-12)', () => {
    const one = solve(infinite(0.4), 'fixed-dynamics');
    const two = solve(infinite(0.8), 'fixed-dynamics');
    nearAll(two.gains(0).K, one.gains(0).K, 1e-12, 'K');
    nearAll(two.policy(0, [0, 0, 0]).covariance, one.policy(0, [0, 0, 0]).covariance.map((row) => row.map((v) => 2 * v)), 1e-12, 'covariance');
  });

  it('evaluate({ soft: true }) of the stationary fixed-dynamics policy is its own V (1e-9); a perturbed gain scores lower; finite discounted too', () => {
    const post = solve(infinite(s.alpha), 'fixed-dynamics');
    const own = post.evaluate(post, { soft: true });
    nearAll(own.V(0).P, post.V(0).P, 1e-9, 'P^π');
    nearAll(own.V(7).p, post.V(7).p, 1e-9, 'p^π');
    near(own.V(0).c, post.V(0).c, 1e-9, 'v^π');
    near(own.value, post.value, 1e-9, 'value');
    const K = post.gains(0).K.map((row) => row.map((v) => v + 0.1));
    expect(post.evaluate({ K, k: post.gains(0).k, covariance: post.policy(0, [0, 0, 0]).covariance }, { soft: true }).value).toBeLessThan(post.value);
    const finite = solve(parts(s, [horizon(5), discount(0.85)]), 'fixed-dynamics');
    const evaluated = finite.evaluate(finite, { soft: true });
    for (let t = 0; t <= 5; t++) nearAll(evaluated.V(t).P, finite.V(t).P, 1e-10, `finite P^π_${t}`);
    near(evaluated.value, finite.value, 1e-10, 'finite value');
  });

  for (const backup of BACKUPS) {
    it(`${backup}: 4000 draws of 4 steps reproduce stateMarginal(1 … 3) within 4.5 SE (seeded), and logProb of a draw is the chain's density`, () => {
      const post = solve(infinite(s.alpha), backup);
      const draws = post.sample(4000, { seed: 19, steps: 4 });
      expect(draws[0]!.states.length).toBe(4);
      expect(draws[0]!.actions.length).toBe(4);
      for (let t = 1; t < 4; t++) {
        const { mean, covariance } = post.stateMarginal(t);
        for (let i = 0; i < 3; i++) {
          const xs = draws.map((d) => d.states[t]![i]!);
          const m = xs.reduce((a, b) => a + b, 0) / xs.length;
          const variance = covariance[i]![i]!;
          expect(Math.abs(m - mean[i]!)).toBeLessThan(4.5 * Math.sqrt(variance / xs.length));
          const v = xs.reduce((a, b) => a + (b - mean[i]!) ** 2, 0) / xs.length;
          // Var of the sample variance of a Gaussian: 2σ⁴/N
          expect(Math.abs(v - variance)).toBeLessThan(4.5 * Math.sqrt((2 * variance * variance) / xs.length));
        }
      }
      near(post.logProb(draws[0]!), draws[0]!.logProb, 1e-12, 'logProb');
      expect(post.mostProbable({ steps: 3 }).states.length).toBe(3);
    });
  }
});
