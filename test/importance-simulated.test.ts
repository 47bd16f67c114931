/**
 * importance() on models that can only be simulated: a transition that
 * returns a sampler (same law as a tabulated twin, so the exact engine gives
 * the reference), and a continuous point mass whose evidence has a closed
 * form (a Gaussian integral for each of the 27 action sequences).
 */
import { describe, expect, it } from 'vitest';
import {
  action,
  CaiError,
  categorical,
  compileModel,
  exact,
  gaussian,
  horizon,
  importance,
  infer,
  model,
  optimality,
  sampler,
  state,
  transition,
  type ImportancePosterior,
  type Model,
} from '../src/index.js';

const SCHEMES = ['none', 'systematic', 'multinomial'] as const;

/** Three cells with a slip, as a table and as a sampler of the same law. */
const parts = (next: (s: number, a: string) => unknown) =>
  [
    state('c', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.25], [2, 0.25]]) }),
    action('m', ['l', 'r'], { prior: (s: number) => categorical([['l', s / 4], ['r', 1 - s / 4]]) }),
    transition(next as (s: number, a: string) => ReturnType<typeof categorical<number>>),
    optimality((s: number, a: string, t: number) => (s === 2 ? 0 : -1 - 0.5 * t) + (a === 'l' ? -0.25 : 0)),
    optimality.terminal((s: number) => s),
    horizon(4),
  ] as const;
const tabulable: Model<number, string> = model(...parts((s, a) => (a === 'r' ? categorical([[Math.min(s + 1, 2), 0.7], [s, 0.3]]) : categorical([[Math.max(s - 1, 0), 1]]))));
const sampled: Model<number, string> = model(
  ...parts((s, a) =>
    sampler((random) => {
      const u = random.next();
      return a === 'r' ? (u < 0.7 ? Math.min(s + 1, 2) : s) : Math.max(s - 1, 0);
    }),
  ),
);

/**
 * A 1-D point mass: x_0 = 1, pushes a ∈ {−1, 0, 1} (uniform prior), x' = x + a/2 + σ ε,
 * r(x, a) = −c x² − k a², three decisions (rewards at x_0, x_1, x_2).
 */
const sigma = 0.3;
const c = 0.8;
const k = 0.1;
const pushes = [-1, 0, 1];
const pointMass: Model<number, number> = model(
  state.simulated('x', { initial: 1 }),
  action('push', pushes),
  transition((x: number, a: number) => sampler((random) => x + a / 2 + sigma * gaussian(random))),
  optimality((x: number, a: number) => -c * x * x - k * a * a),
  horizon(3),
);

/**
 * p(O, a_0, a_1, a_2) = (1/27) e^{−c x_0² − k Σ a²} E[e^{−c (x_1² + x_2²)}], with (x_1, x_2) ~ N(μ, Σ),
 * μ = (x_0 + a_0/2, x_0 + a_0/2 + a_1/2), Σ = σ²[[1, 1], [1, 2]], and
 * E[e^{−y'Ay}] = |I + 2ΣA|^{−1/2} exp(−μ' A (I + 2ΣA)^{−1} μ) for A = cI.
 */
function pointMassJoint(a0: number, a1: number, a2: number): number {
  const x0 = 1;
  const mu = [x0 + a0 / 2, x0 + a0 / 2 + a1 / 2];
  const s2 = sigma * sigma;
  // M = I + 2cΣ, symmetric 2×2.
  const m11 = 1 + 2 * c * s2;
  const m12 = 2 * c * s2;
  const m22 = 1 + 4 * c * s2;
  const det = m11 * m22 - m12 * m12;
  const quad = (m22 * mu[0]! * mu[0]! - 2 * m12 * mu[0]! * mu[1]! + m11 * mu[1]! * mu[1]!) / det;
  return (1 / 27) * Math.exp(-c * x0 * x0 - k * (a0 * a0 + a1 * a1 + a2 * a2)) * Math.pow(det, -0.5) * Math.exp(-c * quad);
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof CaiError) return error.code;
    throw error;
  }
  return undefined;
}

describe('importance() on a sampler transition', () => {
  it('agrees with the exact evidence of its tabulated twin (4.5 SE: 6.8e-6 per scheme), with finite-state marginals', () => {
    expect(compileModel(sampled).kind).toBe('simulator');
    const ex = infer(tabulable, exact());
    for (const resample of SCHEMES) {
      const post = infer(sampled, importance({ particles: 5000, resample, seed: 21 })) as ImportancePosterior<number, string>;
      expect(post.graph.kind).toBe('simulator');
      expect(Math.abs(post.logEvidence - ex.logEvidence)).toBeLessThanOrEqual(4.5 * post.evidence.standardError!);
      // States have a finite domain (only the transition samples): marginals and policies by state.
      const m = post.stateMarginal(2);
      expect(m.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(post.particles.stateIndices(2)).toBeInstanceOf(Int32Array);
      expect(post.policy(0, 0).probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('the exact posterior of the twin, through its policy only (no tables here), is a valid proposal (4.5 SE)', () => {
    const ex = infer(tabulable, exact());
    const post = infer(sampled, importance({ particles: 5000, proposal: ex, seed: 2 }));
    expect(Math.abs(post.logEvidence - ex.logEvidence)).toBeLessThanOrEqual(4.5 * post.evidence.standardError!);
    expect(post.exactness.notes[0]).toBe("Proposal: the policy of the exact posterior, with the model's dynamics.");
  });

  it('is reproducible: the same seed gives the same particles through the model\'s own samplers', () => {
    const a = infer(sampled, importance({ particles: 300, seed: 9 })) as ImportancePosterior<number, string>;
    const b = infer(sampled, importance({ particles: 300, seed: 9 })) as ImportancePosterior<number, string>;
    expect(b.logEvidence).toBe(a.logEvidence);
    expect(b.particles.stateValues(3)).toEqual(a.particles.stateValues(3));
  });
});

describe('importance() on a continuous point mass (closed-form evidence)', () => {
  let Z = 0;
  const byFirst = [0, 0, 0];
  for (const [i, a0] of pushes.entries()) for (const a1 of pushes) for (const a2 of pushes) {
    const p = pointMassJoint(a0, a1, a2);
    Z += p;
    byFirst[i] += p;
  }
  const logZ = Math.log(Z);

  for (const resample of SCHEMES) {
    it(`log p(O) within 4.5 SE of the Gaussian integral, p(a_0 | x_0, O) within 5 SE (${resample})`, () => {
      const post = infer(pointMass, importance({ particles: 20_000, resample, seed: 13 })) as ImportancePosterior<number, number>;
      expect(post.graph.kind).toBe('simulator');
      expect(Math.abs(post.logEvidence - logZ)).toBeLessThanOrEqual(4.5 * post.evidence.standardError!);
      // Every particle starts at x_0 = 1, so the policy there has an estimate.
      const policy = post.policy(0, 1).probs;
      const { weights, actions } = post.particles;
      pushes.forEach((_, a) => {
        let se = 0;
        for (let i = 0; i < weights.length; i++) se += weights[i]! ** 2 * ((actions[0]![i] === a ? 1 : 0) - policy[a]!) ** 2;
        expect(Math.abs(policy[a]! - byFirst[a]! / Z)).toBeLessThanOrEqual(5 * Math.sqrt(se) + 1e-12);
      });
    });
  }

  it('answers what particles can, refuses tables over a continuous state', () => {
    const post = infer(pointMass, importance({ particles: 500, seed: 1 })) as ImportancePosterior<number, number>;
    const marginal = post.actionMarginal(1);
    expect(marginal.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(post.particles.stateIndices(1)).toBeUndefined();
    expect(typeof post.particles.stateValues(1)[0]).toBe('number');
    expect(post.particles.expectation((x) => x * x)).toBeGreaterThan(0);
    expect(codeOf(() => post.stateMarginal(1))).toBe('unsupported-query');
    expect(codeOf(() => post.policyTable(0))).toBe('unsupported-query');
    expect(codeOf(() => post.policy(1, 0.123456))).toBe('unsupported-query');
    expect(codeOf(() => post.Q(0))).toBe('unsupported-query');
    const [draw] = post.sample(1, { seed: 3 });
    expect(draw!.states.length).toBe(3);
    expect(draw!.states[0]).toBe(1);
  });
});
