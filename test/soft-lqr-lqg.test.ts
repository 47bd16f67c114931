/**
 * LQG (issue 19, stretch): soft LQR observed through y = C x + v, solved by
 * the separation principle under the fixed-dynamics backup. Checked against
 * references that never import the engine: an independent numpy Kalman
 * filter (test/helpers/kalman.py, Joseph-form update), the fully observed
 * numpy soft-LQR recursion (test/helpers/soft_lqr.py) for the gains, and a
 * numpy Monte Carlo of the closed loop (true state, noisy observations, the
 * agent's own filter) for the value. Seeds and tolerances are stated where used.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  action, exact, gaussianPosterior, horizon, infer, linearGaussian, linearObservation, lqgPosterior, model, multivariateNormal, quadratic, rng, state, temperature, type LqgPosterior, type Part,
} from '../src/index.js';
import { randomSystem, type System } from './helpers/soft-lqr-systems.js';

type X = Float64Array;

function python<T>(script: string, input: unknown): T {
  const run = spawnSync('python3', [fileURLToPath(new URL(`./helpers/${script}`, import.meta.url))], { input: JSON.stringify(input), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
/** |a − b| ≤ tol · max(1, |b|), elementwise over nested arrays. */
function nearAll(a: unknown, b: unknown, tol: number, label: string): void {
  const fa = [a].flat(3) as number[];
  const fb = [b].flat(3) as number[];
  const flat = (x: number[]) => x.flatMap((v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as Float64Array) : [v]));
  const xa = flat(fa);
  const xb = flat(fb);
  expect(xa.length).toBe(xb.length);
  xa.forEach((x, i) => {
    if (!(Math.abs(x - xb[i]!) <= tol * Math.max(1, Math.abs(xb[i]!)))) throw new Error(`${label}[${i}]: ${x} vs ${xb[i]} (tol ${tol})`);
  });
}

/** A random LQG problem: a random system (test/helpers/soft-lqr-systems.ts) seen through a random C (p × n) with noise V. */
function lqgCase(seed: number, n: number, d: number, p: number, initial: boolean) {
  const s = randomSystem(seed, n, d);
  const random = rng(seed + 1000);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(random.next(), 1e-300))) * Math.cos(2 * Math.PI * random.next());
  const C = Array.from({ length: p }, () => Array.from({ length: n }, () => g()));
  const V = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 0.2 + random.next() : 0.05)));
  return { s, C, V, initial, g };
}
function lqgParts(s: System, C: number[][], V: number[][], initial: boolean, T: number, observed = true): Part<X, X>[] {
  return [
    state.simulated('x', { initial: multivariateNormal(s.m0, s.S0) }), action.continuous('u', s.R.length),
    linearGaussian({ A: s.A, B: s.B, c: s.c, W: s.W }), quadratic({ Q: s.Q, R: s.R, N: s.N, q: s.q, r: s.r, c: s.c0 }),
    quadratic.terminal({ Q: s.QT, q: s.qT, c: s.cT }), temperature(s.alpha), horizon(T),
    ...(observed ? [linearObservation({ C, V, initial }) as Part<X, X>] : []),
  ];
}
const solveLqg = (parts: Part<X, X>[]): LqgPosterior => lqgPosterior(infer(model<X, X>(...parts), exact({ backup: 'fixed-dynamics' })));

const CASES = [
  { seed: 700, n: 2, d: 1, p: 1, initial: true, T: 5 },
  { seed: 701, n: 3, d: 2, p: 2, initial: false, T: 4 },
  { seed: 702, n: 3, d: 1, p: 1, initial: false, T: 6 },
];

describe('LQG: the Kalman filter and the separation principle', () => {
  it('filter(history) equals an independent numpy Kalman filter (Joseph form) on random histories to 1e-10: 3 systems, every t', () => {
    const jobs = CASES.map((c) => {
      const { s, C, V, initial, g } = lqgCase(c.seed, c.n, c.d, c.p, c.initial);
      const actions = Array.from({ length: c.T }, () => Array.from({ length: c.d }, () => g()));
      const observations = Array.from({ length: c.T + (initial ? 1 : 0) }, () => Array.from({ length: c.p }, () => g()));
      return { kind: 'filter', A: s.A, B: s.B, c: s.c, W: s.W, C, V, m0: s.m0, S0: s.S0, initial, actions, observations };
    });
    const refs = python<{ means: number[][]; covs: number[][][] }[]>('kalman.py', jobs);
    CASES.forEach((c, j) => {
      const { s, C, V, initial } = lqgCase(c.seed, c.n, c.d, c.p, c.initial);
      const post = solveLqg(lqgParts(s, C, V, initial, c.T));
      const job = jobs[j]!;
      for (let t = 0; t <= c.T; t++) {
        const history = { actions: job.actions.slice(0, t), observations: job.observations.slice(0, t + (initial ? 1 : 0)) };
        const belief = post.filter(history);
        nearAll(belief.mean, refs[j]!.means[t], 1e-10, `seed ${c.seed} mean_${t}`);
        nearAll(belief.covariance, refs[j]!.covs[t], 1e-10, `seed ${c.seed} Σ_${t}`);
      }
    });
  });

  it('separation: the gains are the fully observed numpy soft-LQR gains (1e-9) and policy(history) is N(−K m − k, αS⁻¹) at the reference filter mean', () => {
    const refs = python<{ steps: { K: number[][]; k: number[]; cov: number[][] }[] }[]>(
      'soft_lqr.py',
      CASES.map((c) => ({ ...lqgCase(c.seed, c.n, c.d, c.p, c.initial).s, T: c.T, backup: 'fixed-dynamics' })),
    );
    CASES.forEach((c, j) => {
      const { s, C, V, initial, g } = lqgCase(c.seed, c.n, c.d, c.p, c.initial);
      const post = solveLqg(lqgParts(s, C, V, initial, c.T));
      const full = gaussianPosterior(infer(model<X, X>(...lqgParts(s, C, V, initial, c.T, false)), exact({ backup: 'fixed-dynamics' })));
      for (let t = 0; t < c.T; t++) {
        nearAll(post.gains(t).K, refs[j]!.steps[t]!.K, 1e-9, `seed ${c.seed} K_${t}`);
        nearAll(post.gains(t).k, refs[j]!.steps[t]!.k, 1e-9, `seed ${c.seed} k_${t}`);
        nearAll(post.V(t).P, full.V(t).P, 1e-9, `seed ${c.seed} P_${t} (the belief value has the fully observed curvature)`);
      }
      const t = c.T - 2;
      const actions = Array.from({ length: t }, () => Array.from({ length: c.d }, () => g()));
      const observations = Array.from({ length: t + (initial ? 1 : 0) }, () => Array.from({ length: c.p }, () => g()));
      const [ref] = python<{ means: number[][] }[]>('kalman.py', [{ kind: 'filter', A: s.A, B: s.B, c: s.c, W: s.W, C, V, m0: s.m0, S0: s.S0, initial, actions, observations }]);
      const m = ref!.means[t]!;
      const K = refs[j]!.steps[t]!.K;
      const k = refs[j]!.steps[t]!.k;
      const policy = post.policy({ actions, observations });
      nearAll(policy.mean, K.map((row, i) => -row.reduce((acc, v, l) => acc + v * m[l]!, 0) - k[i]!), 1e-9, `seed ${c.seed} policy mean`);
      nearAll(policy.covariance, refs[j]!.steps[t]!.cov, 1e-9, `seed ${c.seed} policy covariance`);
    });
  });

  it('the value is the Monte Carlo soft return of the closed loop (true state, noisy y, the agent filtering): 3 systems × 20000 episodes, within 4.5 SE (seeded); below the fully observed value', () => {
    const jobs = CASES.map((c) => {
      const { s, C, V, initial } = lqgCase(c.seed, c.n, c.d, c.p, c.initial);
      const post = solveLqg(lqgParts(s, C, V, initial, c.T));
      const policy = Array.from({ length: c.T }, (_, t) => ({ K: post.gains(t).K, k: post.gains(t).k, cov: post.policy({ actions: new Array(t).fill(new Array(c.d).fill(0)), observations: new Array(t + (initial ? 1 : 0)).fill(new Array(c.p).fill(0)) }).covariance }));
      return { kind: 'simulate', ...s, C, V, initial, gamma: 1, T: c.T, K: policy.map((x) => x.K), k: policy.map((x) => x.k), cov: policy.map((x) => x.cov), episodes: 20000, seed: c.seed };
    });
    const refs = python<{ mean: number; se: number }[]>('kalman.py', jobs);
    CASES.forEach((c, j) => {
      const { s, C, V, initial } = lqgCase(c.seed, c.n, c.d, c.p, c.initial);
      const post = solveLqg(lqgParts(s, C, V, initial, c.T));
      expect(Math.abs(post.value - refs[j]!.mean), `seed ${c.seed}: ${post.value} vs ${refs[j]!.mean} ± ${refs[j]!.se}`).toBeLessThan(4.5 * refs[j]!.se);
      const full = gaussianPosterior(infer(model<X, X>(...lqgParts(s, C, V, initial, c.T, false)), exact({ backup: 'fixed-dynamics' })));
      expect(post.value).toBeLessThan(full.value);
    });
  });

  it('an almost noiseless full observation (C = I, V = 1e-10 I, seen from t = 0) recovers the fully observed value to 1e-6', () => {
    const s = randomSystem(710, 3, 2);
    const I = (k: number, x: number) => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? x : 0)));
    const post = solveLqg(lqgParts(s, I(3, 1), I(3, 1e-10), true, 4));
    const full = gaussianPosterior(infer(model<X, X>(...lqgParts(s, I(3, 1), I(3, 1e-10), true, 4, false)), exact({ backup: 'fixed-dynamics' })));
    expect(Math.abs(post.value - full.value)).toBeLessThan(1e-6 * Math.max(1, Math.abs(full.value)));
  });
});
