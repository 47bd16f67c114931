/**
 * The start-state convention of inverse RL. With start: 'observed' (the
 * default) the library's MaxEnt IRL is the one of Ziebart et al. 2008 /
 * irl-maxent / imitation: it conditions on each demonstration's first state.
 * Checked against an independent numpy implementation (test/helpers/maxent_irl.py,
 * which never imports the library) with the MAP convention
 * mean log-likelihood − (λ/2)‖θ‖², i.e. the library's l2 = N·λ, on a
 * deterministic and a slippery gridworld: θ agrees to 1e-5 (measured ~1e-9).
 * With start: 'posterior' (the start is evidence too) the answer differs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, infer, model, optimality, state, temperature, transition } from '../src/index.js';
import { demonstrationsFrom, inferReward, type Demonstration } from '../src/irl/index.js';

const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const SCRIPT = fileURLToPath(new URL('./helpers/maxent_irl.py', import.meta.url));

type Move = 'N' | 'S' | 'E' | 'W';
const MOVES: readonly Move[] = ['N', 'S', 'E', 'W'];
const W = 4;
const T = 6;
const ALPHA = 0.8;
const STARTS: readonly [number, number][] = [[0, 0.4], [3, 0.3], [12, 0.2], [9, 0.1]];

/** Plain tables of a W×W grid (no library code): a move slips to 'stay' with probability `slip`. */
function step(s: number, a: Move): number {
  const x = s % W;
  const y = Math.floor(s / W);
  const [nx, ny] = a === 'N' ? [x, y - 1] : a === 'S' ? [x, y + 1] : a === 'E' ? [x + 1, y] : [x - 1, y];
  return nx < 0 || ny < 0 || nx >= W || ny >= W ? s : ny * W + nx;
}
function successors(s: number, a: Move, slip: number): [number, number][] {
  const to = step(s, a);
  return slip > 0 && to !== s ? [[to, 1 - slip], [s, slip]] : [[to, 1]];
}
const phi = (s: number, a: Move) => [s === W * W - 1 ? 1 : 0, s === 5 || s === 6 ? 1 : 0, (s % W) / (W - 1), a === 'N' ? 1 : 0];
const THETA = [2, -1.5, 0.6, -0.5];

function world(slip: number, reward: (s: number, a: Move) => number) {
  return model<number, Move>(
    state('cell', Array.from({ length: W * W }, (_, i) => i), { initial: categorical(STARTS.map(([s, p]) => [s, p] as [number, number])) }),
    action('move', MOVES),
    transition((s: number, a: Move) => categorical(successors(s, a, slip))),
    optimality(reward),
    temperature(ALPHA),
    horizon(T),
  );
}

/** The numpy reference's θ and mean log-likelihood. */
function reference(slip: number, demos: Demonstration<number, Move>[], lambda: number): { theta: number[]; meanLogLikelihood: number; gradientNorm: number } {
  const cells = Array.from({ length: W * W }, (_, i) => i);
  const initial = cells.map((s) => STARTS.find(([c]) => c === s)?.[1] ?? 0);
  const spec = {
    alpha: ALPHA,
    T,
    nS: W * W,
    nA: MOVES.length,
    initial,
    prior: cells.map(() => MOVES.map(() => 1 / MOVES.length)),
    dynamics: cells.map((s) => MOVES.map((a) => successors(s, a, slip))),
    features: cells.map((s) => MOVES.map((a) => phi(s, a))),
    demos: demos.map((d) => d.map((x) => [x.state, MOVES.indexOf(x.action)])),
    lambda,
  };
  const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify(spec), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`maxent_irl.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { theta: number[]; meanLogLikelihood: number; gradientNorm: number };
}

describe.skipIf(!numpy)("start: 'observed' matches an independent numpy MaxEnt IRL (skipped only when python3 has no numpy)", () => {
  for (const [slip, lambda] of [[0, 0.01], [0.2, 0.02]] as const) {
    it(`${slip === 0 ? 'deterministic' : `slippery (slip ${slip})`} 4×4 grid, T = ${T}, α = ${ALPHA}, 30 demonstrations, λ = ${lambda}: θ to 1e-5, mean LL to 1e-8`, () => {
      const reward = (s: number, a: Move) => phi(s, a).reduce((acc, f, k) => acc + f * THETA[k]!, 0);
      const demos = demonstrationsFrom(infer(world(slip, reward), exact()).sample(30, { seed: 21 }));
      const ref = reference(slip, demos, lambda);
      expect(ref.gradientNorm).toBeLessThan(1e-10);
      const N = demos.length;
      const fit = inferReward(world(slip, () => 0), demos, { features: phi, l2: N * lambda, tolerance: 1e-12 });
      expect(fit.start).toBe('observed');
      const diff = Math.max(...ref.theta.map((x, k) => Math.abs(x - fit.theta[k]!)));
      expect(diff).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(fit.logLikelihood / N - ref.meanLogLikelihood)).toBeLessThanOrEqual(1e-8 * Math.abs(ref.meanLogLikelihood));
      // The old score, with the start as evidence, is a different estimator: it differs here by far more.
      const tilted = inferReward(world(slip, () => 0), demos, { features: phi, l2: N * lambda, tolerance: 1e-12, start: 'posterior' });
      expect(Math.max(...ref.theta.map((x, k) => Math.abs(x - tilted.theta[k]!)))).toBeGreaterThan(1e-2);
    });
  }
});

describe("start: 'observed' makes the two variants one under deterministic dynamics", () => {
  it('deterministic grid with spread starts: maxent and causal give the same LL and θ (1e-8); with the start as evidence they differ', () => {
    const reward = (s: number, a: Move) => phi(s, a).reduce((acc, f, k) => acc + f * THETA[k]!, 0);
    const demos = demonstrationsFrom(infer(world(0, reward), exact()).sample(30, { seed: 8 }));
    const fit = (variant: 'maxent' | 'causal', start: 'observed' | 'posterior') => inferReward(world(0, () => 0), demos, { features: phi, variant, start, l2: 0.3, tolerance: 1e-12 });
    const [maxent, causal] = [fit('maxent', 'observed'), fit('causal', 'observed')];
    expect(Math.abs(maxent.logLikelihood - causal.logLikelihood)).toBeLessThanOrEqual(1e-8 * Math.abs(causal.logLikelihood));
    maxent.theta.forEach((x, k) => expect(Math.abs(x - causal.theta[k]!)).toBeLessThanOrEqual(1e-8));
    const tilted = fit('maxent', 'posterior');
    expect(Math.max(...Array.from(tilted.theta, (x, k) => Math.abs(x - causal.theta[k]!)))).toBeGreaterThan(1e-3);
  });
});
