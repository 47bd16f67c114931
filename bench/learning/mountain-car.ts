/**
 * Mountain car (Moore 1990; Sutton & Barto §10.1) as a simulated-state model,
 * with 111 RBF features for the learning engines' linear critic and actor:
 * 37 per action (a 6 × 6 grid of Gaussian bumps over position × velocity, and a
 * bias), in one block per action of 3.
 *
 *   v' = clip(v + 0.001·a − 0.0025·cos(3x), ±0.07),  x' = clip(x + v', [−1.2, 0.5]),
 *   r = −1 a step, γ = 0.99, x_0 ~ U(−0.6, −0.4), v_0 = 0.
 *
 * Used by bench/learning/features.ts (steps per second, φ calls per step).
 */
import { action, discount, linearCritic, linearSoftmax, model, optimality, sampler, state, transition, type Model } from '../../src/index.js';

export interface Car {
  readonly x: number;
  readonly v: number;
}
export const PUSHES = [-1, 0, 1] as const;
const GRID = 6;
export const FEATURES = PUSHES.length * (GRID * GRID + 1);

export function mountainCar(): Model<Car, number> {
  return model<Car, number>(
    state.simulated('car', { initial: sampler((random) => ({ x: -0.6 + 0.2 * random.next(), v: 0 })) }),
    action('push', [...PUSHES]),
    transition((s: Car, a: number) =>
      sampler(() => {
        const v = Math.max(-0.07, Math.min(0.07, s.v + 0.001 * a - 0.0025 * Math.cos(3 * s.x)));
        const x = Math.max(-1.2, Math.min(0.5, s.x + v));
        return { x, v: x === -1.2 ? 0 : v };
      }),
    ),
    optimality(() => -1),
    discount(0.99),
  );
}

/** φ(s, a): the action's block holds 36 RBFs exp(−½‖(x, v) − c‖²/σ²) (scaled coordinates) and a bias; the rest 0. */
export function rbf(counter?: { calls: number }): (s: Car, a: number) => Float64Array {
  return (s, a) => {
    if (counter !== undefined) counter.calls++;
    const phi = new Float64Array(FEATURES);
    const block = (a + 1) * (GRID * GRID + 1);
    const px = (s.x + 1.2) / 1.7;
    const pv = (s.v + 0.07) / 0.14;
    for (let i = 0; i < GRID; i++) {
      for (let j = 0; j < GRID; j++) {
        const dx = px - i / (GRID - 1);
        const dv = pv - j / (GRID - 1);
        phi[block + i * GRID + j] = Math.exp(-(dx * dx + dv * dv) / (2 * 0.2 * 0.2));
      }
    }
    phi[block + GRID * GRID] = 1;
    return phi;
  };
}

/** A linear critic and actor on one φ (as a user would write them), so a run featurises each state once for both. */
export function families(counter?: { calls: number }) {
  const phi = rbf(counter);
  return { critic: linearCritic(phi, { timeIndexed: false }), actor: linearSoftmax(phi, { timeIndexed: false }) };
}
