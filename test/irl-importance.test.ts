/**
 * Inverse RL with importance-sampled expectations, on a model that can only
 * be simulated (its transition returns a sampler): θ agrees with the exact
 * engine's fit of the same model written with tables.
 *
 * Tolerance: the Monte Carlo error of θ̂ is about (information)⁻¹·N·δE with
 * δE ≈ sd(F)/√ESS; here ESS ≈ 700 of 20 000 particles (the prior proposal)
 * and the spread of θ̂ over seeds is ≈ 0.04, so 0.25 is about 6 of its standard
 * deviations (a Gaussian false-failure rate near 1e-9; the seed is fixed).
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, importance, infer, model, optimality, sampler, state, transition } from '../src/index.js';
import { demonstrationsFrom, inferReward, rewardLikelihood, type Demonstration } from '../src/irl/index.js';

type Move = 'L' | 'R' | 'stay';
const moveTo = (s: number, a: Move) => (a === 'L' ? Math.max(0, s - 1) : a === 'R' ? Math.min(4, s + 1) : s);
const common = [state('cell', [0, 1, 2, 3, 4], { initial: categorical([[0, 0.6], [2, 0.4]]) }), action('move', ['L', 'R', 'stay'] as Move[]), horizon(5)] as const;
/** A move succeeds with probability 0.8 and otherwise stays put: as a table, and as a sampler of the same law. */
const tabulated = transition((s: number, a: Move) => (a === 'stay' || moveTo(s, a) === s ? categorical([[s, 1]]) : categorical([[moveTo(s, a), 0.8], [s, 0.2]])));
const simulated = transition((s: number, a: Move) => sampler((random) => (a === 'stay' || random.next() < 0.2 ? s : moveTo(s, a))));
const phi = (s: number, a: Move) => [s === 4 ? 1 : 0, a === 'stay' ? 1 : 0, s / 4];
const TRUTH = [1.2, -0.7, 0.5];

function demos(n: number): Demonstration<number, Move>[] {
  const r = (s: number, a: Move) => phi(s, a).reduce((acc, f, k) => acc + f * TRUTH[k]!, 0);
  return demonstrationsFrom(infer(model<number, Move>(...common, tabulated, optimality(r)), exact()).sample(n, { seed: 4 }));
}

describe('importance-sampled expectations', () => {
  it('a sampler-only model: θ matches the exact fit of the tabulated twin within 0.25', () => {
    const data = demos(60);
    const exactFit = inferReward(model<number, Move>(...common, tabulated, optimality(() => 0)), data, { features: phi });
    const sampledFit = inferReward(model<number, Move>(...common, simulated, optimality(() => 0)), data, { features: phi, engine: importance({ particles: 20000, seed: 1 }) });
    expect(exactFit.converged && sampledFit.converged).toBe(true);
    expect(sampledFit.exact).toBe(false);
    expect(sampledFit.ess).toBeGreaterThan(300);
    sampledFit.theta.forEach((x, k) => expect(Math.abs(x - exactFit.theta[k]!)).toBeLessThanOrEqual(0.25));
    expect(sampledFit.posterior.engine).toBe('importance');
  });

  it('the gradient is the exact gradient of the estimated objective (central differences, 1e-6 relative)', () => {
    const data = demos(20);
    const J = rewardLikelihood(model<number, Move>(...common, simulated, optimality(() => 0)), data, { features: phi, engine: importance({ particles: 2000, seed: 3 }), l2: 0.2 });
    const theta = [0.5, -0.3, 0.8];
    const { gradient } = J.evaluate(theta);
    const h = 1e-5;
    for (let k = 0; k < 3; k++) {
      const up = theta.slice();
      const down = theta.slice();
      up[k]! += h;
      down[k]! -= h;
      const fd = (J.evaluate(up).objective - J.evaluate(down).objective) / (2 * h);
      expect(Math.abs(gradient[k]! - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it("refuses 'causal', shortened demonstrations and unknown actions, saying what to use", () => {
    const sim = model<number, Move>(...common, simulated, optimality(() => 0));
    const engine = importance({ particles: 100, seed: 1 });
    const data = demos(3);
    expect(() => inferReward(sim, data, { features: phi, engine, variant: 'causal' })).toThrow("variant 'causal' needs the fixed-dynamics policy, which importance() does not compute");
    expect(() => inferReward(sim, [data[0]!.slice(0, 2)], { features: phi, engine })).toThrow('irl: demonstration 0 has 2 steps; with importance() every demonstration must have T = 5 steps');
    expect(() => inferReward(sim, [[{ state: 0, action: 'jump' as Move }, ...data[0]!.slice(1)]], { features: phi, engine })).toThrow("irl: demonstration 0, step 0: action 'jump' is not an action of the model");
  });
});
