/**
 * Soft LQR: a double integrator (position, velocity) pushed by a force,
 * solved in closed form by exact() — the maximum-entropy policy is Gaussian,
 * its mean is the LQR gain, its covariance α S⁻¹ grows linearly with the
 * temperature, and the two backups differ only where the dynamics are noisy.
 *
 *   state   x = (position, velocity) ∈ ℝ²      (state.simulated, a point start)
 *   action  u ∈ ℝ, Lebesgue (improper uniform) prior (action.continuous)
 *   dynamics x' = A x + B u + w, w ~ N(0, W)   (linearGaussian)
 *   reward  r = −½ (xᵀ Q x + uᵀ R u)           (quadratic), −½ xᵀ Q_T x at the end
 *
 * Printed: the gains K_0 of both backups beside the plain LQR gain (α = 0),
 * the policy's standard deviation at t = 0 against α, and the optimism of the
 * posterior backup (P̂ = P (I + W P/α)⁻¹ shrinks the cost of the noise),
 * and with discount(γ) the gain K_0 of horizon(T) tending to the stationary
 * gain of the infinite horizon (the fixed point of the discounted Riccati map).
 *
 * Run: npx tsx dsl-examples/soft-lqr.ts
 */
import { pathToFileURL } from 'node:url';
import { action, discount, exact, gaussianPosterior, horizon, infer, linearGaussian, model, quadratic, state, temperature, type GaussianPosterior } from '../src/index.js';

export interface Options {
  /** Decisions (default 50, i.e. 5 time units at dt = 0.1). */
  readonly steps?: number;
  /** Variance of the velocity noise per step (default 0.05). */
  readonly noise?: number;
}

const DT = 0.1;

/** The double integrator at temperature α. */
export function doubleIntegrator(alpha: number, steps = 50, noise = 0.05) {
  return model(
    state.simulated('x', { initial: [1, 0] }),
    action.continuous('force', 1),
    linearGaussian({ A: [[1, DT], [0, 1]], B: [[0], [DT]], W: [[0, 0], [0, noise]] }),
    quadratic({ Q: [[1, 0], [0, 0.1]], R: [[0.01]] }),
    quadratic.terminal({ Q: [[10, 0], [0, 1]] }),
    temperature(alpha),
    horizon(steps),
  );
}

/** The same system discounted by γ, without the terminal reward (an infinite horizon has no last state): horizon(T), or Infinity for the stationary solution. */
export function discountedIntegrator(alpha: number, steps: number, gamma: number, noise = 0.05) {
  return model(
    state.simulated('x', { initial: [1, 0] }),
    action.continuous('force', 1),
    linearGaussian({ A: [[1, DT], [0, 1]], B: [[0], [DT]], W: [[0, 0], [0, noise]] }),
    quadratic({ Q: [[1, 0], [0, 0.1]], R: [[0.01]] }),
    temperature(alpha),
    horizon(steps),
    discount(gamma),
  );
}

function solve(alpha: number, backup: 'posterior' | 'fixed-dynamics', steps: number, noise: number): GaussianPosterior {
  return gaussianPosterior(infer(doubleIntegrator(alpha, steps, noise), exact({ backup })));
}

const gain = (post: GaussianPosterior) => post.gains(0).K[0]!.map((v) => v.toFixed(4).padStart(9)).join(' ');

export function main(options: Options = {}): void {
  const { steps = 50, noise = 0.05 } = options;
  console.log(`double integrator, dt = ${DT}, T = ${steps}, velocity noise variance ${noise}`);
  console.log('');
  console.log('gain K_0 (u = −K x − k)       K_pos     K_vel');
  console.log(`${'LQR (α = 0)'.padEnd(26)}${gain(solve(0, 'fixed-dynamics', steps, noise))}`);
  for (const alpha of [0.1, 1]) {
    console.log(`${`α = ${alpha} fixed-dynamics`.padEnd(26)}${gain(solve(alpha, 'fixed-dynamics', steps, noise))}`);
    console.log(`${`α = ${alpha} posterior`.padEnd(26)}${gain(solve(alpha, 'posterior', steps, noise))}`);
  }
  console.log('');
  console.log('policy sd at t = 0 against α (fixed-dynamics: sd² = α / S, S = R + BᵀPB does not depend on α)');
  console.log('     α        sd     sd²/α');
  for (const alpha of [0.01, 0.1, 1, 10]) {
    const cov = solve(alpha, 'fixed-dynamics', steps, noise).policy(0, [1, 0]).covariance[0]![0]!;
    console.log(`${String(alpha).padStart(6)} ${Math.sqrt(cov).toFixed(5).padStart(9)} ${(cov / alpha).toFixed(5).padStart(9)}`);
  }
  console.log('');
  console.log('value at x_0 = (1, 0): posterior (optimistic) ≥ fixed-dynamics');
  for (const alpha of [0.1, 1]) {
    const p = solve(alpha, 'posterior', steps, noise);
    const f = solve(alpha, 'fixed-dynamics', steps, noise);
    const mid = Math.floor(steps / 5);
    console.log(`α = ${alpha}: posterior ${p.value.toFixed(4)}   fixed-dynamics ${f.value.toFixed(4)}   E[position at t = ${mid}] ${p.stateMarginal(mid).mean[0]!.toFixed(4)} vs ${f.stateMarginal(mid).mean[0]!.toFixed(4)}`);
  }
  console.log('');
  console.log('discount(0.99), α = 0.1, no terminal reward: K_0 of horizon(T) tends to the stationary gain');
  for (const backup of ['fixed-dynamics', 'posterior'] as const) {
    for (const T of [10, 100, 1000]) console.log(`${`${backup} T = ${T}`.padEnd(26)}${gain(gaussianPosterior(infer(discountedIntegrator(0.1, T, 0.99, noise), exact({ backup }))))}`);
    const stationary = gaussianPosterior(infer(discountedIntegrator(0.1, Infinity, 0.99, noise), exact({ backup })));
    console.log(`${`${backup} T = ∞`.padEnd(26)}${gain(stationary)}   (${stationary.convergence!.iterations} iterations of the Riccati map)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
