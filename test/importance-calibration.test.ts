/**
 * RELIABILITY 14, simulation-based calibration of importance(): if the
 * engine's draws come from p(τ | O), the rank of an independent exact draw
 * among L engine draws is uniform on {0, …, L}. Each of M replications takes
 * one exact draw (exact().sample, its own seed) and L draws from a fresh
 * importance posterior (its own seed), ranks a scalar statistic of the
 * trajectory (its index in mixed radix, ties broken at random), and a χ² test
 * checks the M ranks for uniformity.
 *
 * False-positive rate: the test rejects a calibrated engine when p < 1e-4,
 * i.e. with probability 1e-4 per scheme; three schemes → 3e-4 (seeds fixed,
 * so a given checkout passes or fails reproducibly). With N = 2000 particles
 * the self-normalised bias is O(1/N), far below what M = 300 ranks can see.
 * The same test rejects draws from the prior p(τ) (p ≈ 0 there): it has teeth.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, importance, infer, model, optimality, rng, state, transition, type Model, type Trajectory } from '../src/index.js';
import { chiSquare } from './helpers/chi-square.js';

const M = 300;
const L = 9;
/** χ² rejection threshold: the per-scheme false-positive rate. */
const ALPHA = 1e-4;

/** Three cells; 'r' slips (stays) with probability 0.3; the goal is cell 2; a −∞ move at cell 0 on the last step. */
function corridor(reward: boolean): Model<number, string> {
  return model<number, string>(
    state('c', [0, 1, 2], { initial: categorical([[0, 0.6], [1, 0.4]]) }),
    action('m', ['l', 'r']),
    transition((s: number, a: string) => (a === 'r' ? categorical([[Math.min(s + 1, 2), 0.7], [s, 0.3]]) : categorical([[Math.max(s - 1, 0), 1]]))),
    optimality((s: number, a: string, t: number) => (!reward ? 0 : t === 3 && s === 0 && a === 'l' ? -Infinity : s === 2 ? 0 : -1)),
    horizon(4),
  );
}

/** The trajectory as one number: states and actions in mixed radix (3 states, 2 actions). */
function code(tau: Trajectory<number, string>): number {
  let x = 0;
  tau.states.forEach((s, t) => (x = (x * 3 + s) * 2 + (tau.actions[t] === 'r' ? 1 : 0)));
  return x;
}

/** Ranks of M exact draws among L draws each from `engineDraws(m)`. */
function ranks(engineDraws: (m: number) => Trajectory<number, string>[]): number[] {
  const exactPost = infer(corridor(true), exact());
  const tie = rng('ties');
  const counts = new Array<number>(L + 1).fill(0);
  for (let m = 0; m < M; m++) {
    const truth = code(exactPost.sample(1, { seed: `exact-${m}` })[0]!);
    const draws = engineDraws(m).map(code);
    const below = draws.filter((d) => d < truth).length;
    const ties = draws.filter((d) => d === truth).length;
    counts[below + Math.floor(tie.next() * (ties + 1))]!++;
  }
  return counts;
}

describe('importance(): ranks of exact draws among engine draws are uniform (RELIABILITY 14)', () => {
  const uniform = new Array<number>(L + 1).fill(1 / (L + 1));
  for (const resample of ['none', 'systematic', 'multinomial'] as const) {
    it(`resample: '${resample}', N = 2000, M = ${M} ranks among L = ${L}`, () => {
      const counts = ranks((m) => {
        const post = infer(corridor(true), importance({ particles: 2000, resample, ...(resample === 'none' ? {} : { essThreshold: 0.9 }), seed: `engine-${m}` }));
        return post.sample(L, { seed: m }) as Trajectory<number, string>[];
      });
      expect(counts.reduce((a, b) => a + b, 0)).toBe(M);
      expect(chiSquare(counts, uniform).pValue).toBeGreaterThan(ALPHA);
    });
  }

  it('has teeth: draws from the prior p(τ) instead of p(τ | O) are rejected', () => {
    const prior = infer(corridor(false), exact());
    const counts = ranks((m) => prior.sample(L, { seed: `prior-${m}` }) as Trajectory<number, string>[]);
    expect(chiSquare(counts, uniform).pValue).toBeLessThan(ALPHA);
  });
});
