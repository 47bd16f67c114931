/**
 * softActorCritic() and virel() with a Gaussian actor and quadratic (x, u)
 * critics on a continuous action (issue 19 part 3.3). The test: on
 * the scalar linear-Gaussian model SAC's actor approaches the exact soft-LQR
 * policy of exact({ backup: 'fixed-dynamics' }) — after 10 000 environment
 * steps (seed 1) every gain K_t within 0.06 and every variance within 0.05
 * (measured: ≤ 0.028 and ≤ 0.007 at seed 1; ≤ 0.043 and ≤ 0.032 over seeds 1–4).
 * With a bounded action both engines learn (the return of the last tenth of
 * the run beats the first tenth's) and every action stays in the box.
 */
import { describe, expect, it } from 'vitest';
import {
  action, exact, gaussianPolicyOf, gaussianPosterior, horizon, infer, learningFit, linearGaussian, model, multivariateNormal, quadratic, quadraticCritic,
  softActorCritic, state, temperature, virel, variational, gaussianPolicy, type LearningFit, type Part,
} from '../src/index.js';

type X = Float64Array;
const scalar = (act: Part<X, X>) =>
  model<X, X>(state.simulated('x', { initial: multivariateNormal([0], [[1]]) }), act, linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));
const mean = (xs: Float64Array, from: number, to: number) => xs.subarray(from, to).reduce((s, v) => s + v, 0) / (to - from);

describe('soft actor-critic with a Gaussian actor', () => {
  it('approaches the exact soft-LQR policy on the scalar system: K_t within 0.06, variance within 0.05 (10 000 steps, seed 1)', () => {
    const ex = gaussianPosterior(infer(scalar(action.continuous('u', 1)), exact({ backup: 'fixed-dynamics' })));
    const post = gaussianPolicyOf<X, LearningFit>(infer(scalar(action.continuous('u', 1)), softActorCritic({ steps: 10_000, learningRate: 0.005, actorLearningRate: 0.003, targetSmoothing: 0.02, seed: 1 })));
    expect(post.engine).toBe('softActorCritic');
    expect(learningFit(post).critic).toBe(quadraticCritic().name);
    for (let t = 0; t < 3; t++) {
      expect(Math.abs(-post.gains(t).W[0]![0]! - ex.gains(t).K[0]![0]!)).toBeLessThan(0.06);
      expect(Math.abs(post.policy(t, Float64Array.of(0)).covariance[0]![0]! - ex.policy(t, [0]).covariance[0]![0]!)).toBeLessThan(0.05);
    }
  });
});

describe('learning with a bounded (tanh-squashed) action', () => {
  for (const [name, engine] of [
    ['softActorCritic', softActorCritic({ steps: 6000, learningRate: 0.005, actorLearningRate: 0.003, targetSmoothing: 0.02, seed: 1 })],
    ['virel', virel({ steps: 6000, learningRate: 0.005, actorLearningRate: 0.003, targetSmoothing: 0.02, seed: 1 })],
  ] as const) {
    it(`${name}: the return improves (last tenth of the run vs the first, seed 1) and actions stay in [−2, 2]`, () => {
      const post = gaussianPolicyOf<X, LearningFit>(infer(scalar(action.continuous('u', 1, { bounds: { low: -2, high: 2 } })), engine));
      const { curves, episodes } = learningFit(post);
      expect(episodes).toBe(2000);
      const tenth = Math.floor(curves.return.length / 10);
      expect(mean(curves.return, curves.return.length - tenth, curves.return.length)).toBeGreaterThan(mean(curves.return, 0, tenth) + 0.5);
      if (name === 'virel') expect(curves.beta!.some(Number.isFinite)).toBe(true);
      for (const τ of post.sample(100, { seed: 2 })) for (const u of τ.actions) expect(Math.abs(u[0]!)).toBeLessThanOrEqual(2);
    });
  }
});

describe('a tuned temperature with a Gaussian actor', () => {
  it('records α per episode; α cools, since the policy is more random than the default target −d (bounded action, 1500 steps, seed 1)', () => {
    const post = infer(scalar(action.continuous('u', 1, { bounds: { low: -2, high: 2 } })), softActorCritic({ steps: 1500, temperature: 'tuned', temperatureLearningRate: 0.01, seed: 1 }));
    const fit = learningFit(post);
    expect(fit.curves.temperature!.length).toBe(fit.episodes);
    expect(fit.curves.temperature!.every((a) => Number.isFinite(a) && a > 0)).toBe(true);
    // Ĥ starts near the entropy of N(0, 1) squashed into [−2, 2] (> 0 nats), well above H̄ = −1, so log α falls.
    expect(fit.temperature).toBeLessThan(0.5);
    expect(fit.curves.temperature![fit.episodes - 1]).toBeLessThan(fit.curves.temperature![0]!);
  });
});

describe('the report of a continuous-action run', () => {
  it('`cai report` on the pendulum with softActorCritic draws the learning curves and trajectories (500 steps)', async () => {
    const { runCai, ROOT } = await import('./helpers/cai.js');
    const run = await runCai(['report', 'dsl-examples/pendulum.ts', '--engine', 'softActorCritic', '--steps', '500', '--seed', '1', '--samples', '3', '--out', 'pendulum-report.html']);
    expect(run.err).toContain('wrote pendulum-report.html');
    expect(run.code).toBe(0);
    const html = [...run.files.entries()].find(([path]) => path.startsWith(ROOT) && path.endsWith('pendulum-report.html'))![1];
    expect(html).toContain('softActorCritic: the Gaussian actor');
    // The CLI's learning curves (src/cli/curves.ts) on the continuous page.
    expect(html).toContain('Return per episode (softActorCritic)');
    expect(html).toContain('Trajectories of the fitted policy');
    // Every figure is an inline SVG with marks (Vega-Lite's paths), not a "Not drawn" note.
    expect(html).not.toContain('Not drawn');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('`cai run` prints the Gaussian policy at s_0 and the learning summary; `cai plot` refuses with a pointer to the report', async () => {
    const { runCai } = await import('./helpers/cai.js');
    const run = await runCai(['run', 'dsl-examples/pendulum.ts', '--engine', 'softActorCritic', '--steps', '200', '--seed', '1']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('u ∈ ℝ^1, T = 100');
    expect(run.out).toMatch(/learned +200 environment steps, 2 episodes/);
    expect(run.out).toMatch(/^π_0\(u \| s_0 = \{th:3\.14159\d*,w:0\}\): z ~ N\(\[-?[\d.]+\], \[\[[\d.]+\]\]\), u = low \+ \(high − low\)\(tanh z \+ 1\)\/2 in \[-2\] … \[2\]$/m);
    const plot = await runCai(['plot', 'dsl-examples/pendulum.ts', '--engine', 'softActorCritic', '--steps', '100', '--kind', 'marginals']);
    expect(plot.code).toBe(2);
    expect(plot.err).toContain('has no tables, grids or marginals; cai report draws its learning curves');
  });

  it('reportHtml() of a variational Gaussian fit draws its ELBO trace when no curves are given', async () => {
    const { reportHtml } = await import('../src/report/index.js');
    const post = infer(scalar(action.continuous('u', 1)), variational({ family: gaussianPolicy(), steps: 20, samples: 10, seed: 1 }));
    const html = await reportHtml(post as never, { samples: 2 });
    expect(html).toContain('ELBO over the variational updates');
    expect(html).toContain('policy at t = 0');
    expect(html).not.toContain('Not drawn');
  });
});
