/**
 * A 1-D point mass planned by sequential Monte Carlo: a continuous state,
 * noisy dynamics, three discrete pushes and a quadratic cost.
 *
 *   state   (x, v): position and velocity, any real numbers (state.simulated)
 *   action  push ∈ {−1, 0, +1} (uniform prior)
 *   dynamics v' = v + 3·push·dt + σ √dt ε,   x' = x + v'·dt      (ε ~ N(0, 1): a sampler)
 *   reward  r = −(x² + 0.1 v² + 0.1 push²)                         (quadratic cost)
 *
 * No table can hold this model, so exact() refuses it; importance() with
 * resampling weights simulated trajectories by exp(Σ r) and resamples when
 * the weights degenerate. The posterior action probabilities p(a_t | O) show
 * the plan: push right hard at first, then brake, then hold near 0.
 *
 * p(τ | O) conditions the noise as well as the pushes: E[v] grows faster
 * than the pushes alone would make it, because trajectories whose noise
 * helped weigh more. That is the optimism of the exact posterior under
 * stochastic dynamics (docs/concepts.md); importance sampling estimates that
 * posterior, not the fixed-dynamics one.
 *
 * Run: npx tsx dsl-examples/point-mass.ts
 */
import { pathToFileURL } from 'node:url';
import { action, gaussian, horizon, importance, infer, model, optimality, sampler, state, transition, type ImportancePosterior } from '../src/index.js';

export interface Mass {
  readonly x: number;
  readonly v: number;
}

export interface Options {
  /** Number of particles (default 2000). */
  readonly particles?: number;
  /** Decisions (default 30, i.e. 3 time units at dt = 0.1). */
  readonly steps?: number;
  /** Starting position (default −1). */
  readonly start?: number;
  /** Velocity noise σ (default 0.3). */
  readonly noise?: number;
  readonly seed?: number;
}

const DT = 0.1;
/** Acceleration of a push. */
const FORCE = 3;
export const PUSHES = [-1, 0, 1] as const;
export type Push = (typeof PUSHES)[number];

/** The point mass as a model: continuous state, sampled dynamics. */
export function pointMass(start = -1, noise = 0.3, steps = 30) {
  return model<Mass, Push>(
    state.simulated('mass', { initial: { x: start, v: 0 } }),
    action('push', PUSHES),
    transition((s: Mass, push: Push) =>
      sampler((random) => {
        const v = s.v + FORCE * push * DT + noise * Math.sqrt(DT) * gaussian(random);
        return { x: s.x + v * DT, v };
      }),
    ),
    optimality((s: Mass, push: Push) => -(s.x * s.x + 0.1 * s.v * s.v + 0.1 * push * push)),
    horizon(steps),
  );
}

export function main(options: Options = {}): ImportancePosterior<Mass, Push> {
  const { particles = 2000, steps = 30, start = -1, noise = 0.3, seed = 1 } = options;
  const post = infer(pointMass(start, noise, steps), importance({ particles, resample: 'systematic', essThreshold: 0.5, seed })) as ImportancePosterior<Mass, Push>;
  const { ess, resampled, weights } = post.particles;
  const resamplings = resampled.reduce((n, r) => n + r, 0);
  console.log(`point mass from x = ${start}, ${steps} steps, ${particles} particles (SMC, systematic resampling)`);
  console.log(`log p(O) ≈ ${post.logEvidence.toFixed(3)} ± ${post.evidence.standardError!.toFixed(3)}   resampled ${resamplings}×   smallest ESS ${Math.min(...ess).toFixed(0)}`);
  console.log('');
  console.log('   t    E[x]    E[v]   p(push=-1)  p(push=0)  p(push=+1)');
  const every = Math.max(1, Math.floor(steps / 10));
  for (let t = 0; t < steps; t += every) {
    const xs = post.particles.stateValues(t);
    let ex = 0;
    let ev = 0;
    for (let i = 0; i < xs.length; i++) {
      ex += weights[i]! * xs[i]!.x;
      ev += weights[i]! * xs[i]!.v;
    }
    const p = post.actionMarginal(t);
    const cols = [p[0]!, p[1]!, p[2]!].map((q) => q.toFixed(3).padStart(10));
    console.log(`${String(t).padStart(4)} ${ex.toFixed(3).padStart(7)} ${ev.toFixed(3).padStart(7)} ${cols.join(' ')}`);
  }
  return post;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
