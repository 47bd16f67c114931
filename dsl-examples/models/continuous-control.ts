/**
 * Two classic continuous-control tasks written with `state.simulated` and a
 * bounded `action.continuous`, for the learning engines' Gaussian actors
 * (dsl-examples/pendulum.ts runs them). Both are deterministic simulators
 * stepped by the model's own functions; neither is linear-Gaussian, so no
 * closed form exists and exact() does not apply.
 *
 * Pendulum swing-up (after Gym's Pendulum-v1): θ = 0 is upright, the
 * pendulum starts hanging (θ = π) at rest. With g = 10, m = l = 1, dt = 0.05,
 *
 *   ω' = clip(ω + (15 sin θ + 3u) dt, ±8),   θ' = θ + ω' dt,   u ∈ [−2, 2],
 *
 * the torque alone (3·2 = 6 rad/s²) cannot hold the pendulum against gravity
 * (15 rad/s²) at the horizontal: it must pump energy and swing up. The reward
 * r = cos θ − 1 − 0.01 ω² − 0.001 u² is 0 upright at rest and −2 hanging.
 *
 * Continuous mountain car (after Moore 1990 / Gym's MountainCarContinuous):
 * position p ∈ [−1.2, 0.6], velocity v ∈ [−0.07, 0.07], force u ∈ [−1, 1],
 *
 *   v' = clip(v + 0.0015 u − 0.0025 cos 3p),   p' = clip(p + v'),
 *
 * the car starts at rest in the valley (p = −0.5) and the engine is too weak
 * to climb straight out: it must rock back and forth. Every step before the
 * goal (p ≥ 0.45, absorbing) costs 1, plus 0.1 u².
 */
import { action, horizon, model, optimality, sampler, state, temperature, transition } from '../../src/index.js';

/** The pendulum's state: angle from upright (rad) and angular velocity (rad/s). */
export interface Pendulum {
  readonly th: number;
  readonly w: number;
}

/** The pendulum swing-up with T decisions at temperature α. */
export function pendulum(T = 100, alpha = 0.1) {
  const dt = 0.05;
  return model<Pendulum, Float64Array>(
    state.simulated('pendulum', { initial: { th: Math.PI, w: 0 } }),
    action.continuous('torque', 1, { bounds: { low: -2, high: 2 } }),
    transition((s: Pendulum, u: Float64Array) =>
      sampler(() => {
        const w = Math.max(-8, Math.min(8, s.w + (15 * Math.sin(s.th) + 3 * u[0]!) * dt));
        return { th: s.th + w * dt, w };
      }),
    ),
    optimality((s: Pendulum, u: Float64Array) => Math.cos(s.th) - 1 - 0.01 * s.w ** 2 - 0.001 * u[0]! ** 2),
    temperature(alpha),
    horizon(T),
  );
}

/** Features of the pendulum's state for actors and critics: (cos θ, sin θ, ω/8). */
export const pendulumFeatures = (s: Pendulum): number[] => [Math.cos(s.th), Math.sin(s.th), s.w / 8];

/** The mountain car's state: position and velocity. */
export interface Car {
  readonly p: number;
  readonly v: number;
}

/** The goal's position. */
export const GOAL = 0.45;

/** The continuous mountain car with T decisions at temperature α. */
export function mountainCar(T = 200, alpha = 0.1) {
  return model<Car, Float64Array>(
    state.simulated('car', { initial: { p: -0.5, v: 0 } }),
    action.continuous('force', 1, { bounds: { low: -1, high: 1 } }),
    transition((s: Car, u: Float64Array) =>
      sampler(() => {
        if (s.p >= GOAL) return s;
        const v = Math.max(-0.07, Math.min(0.07, s.v + 0.0015 * u[0]! - 0.0025 * Math.cos(3 * s.p)));
        const p = Math.max(-1.2, Math.min(0.6, s.p + v));
        return { p, v: p === -1.2 ? 0 : v };
      }),
    ),
    optimality((s: Car, u: Float64Array) => (s.p >= GOAL ? 0 : -1) - 0.1 * u[0]! ** 2),
    temperature(alpha),
    horizon(T),
  );
}

/** Features of the car's state: position and velocity scaled to about [−1, 1]. */
export const carFeatures = (s: Car): number[] => [(s.p + 0.3) / 0.9, s.v / 0.07];
