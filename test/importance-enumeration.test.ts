/**
 * RELIABILITY 12: E[Ẑ] = Z by enumerating the sampler's own random choices —
 * a test of the weight formula that cannot flake.
 *
 * Every probability of the model (and of the user proposal) is a multiple of
 * 1/4, and every draw of the particle loop is an inverse CDF of one uniform.
 * So the uniform's four quarter-midpoints (k + ½)/4, each with probability ¼,
 * reproduce every draw's distribution exactly, and a depth-first walk over
 * all sequences of them is the whole sample space of one particle. With N = 1
 * and no resampling, Ẑ = w(τ); summing ¼^depth · w over the walk must give the
 * exact p(O) to rounding. (By linearity the same holds for the mean of N particles.)
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, exact, horizon, infer, model, optimality, state, transition, type Model } from '../src/index.js';
import type { Rng } from '../src/dist/rng.js';
import { runParticles } from '../src/engines/importance/particles.js';
import { bindProposal, priorRows, type Proposal } from '../src/engines/importance/proposals.js';
import { simulatorOf } from '../src/simulate/index.js';

const QUARTERS = 4;

/** Three cells; probabilities in quarters: initial ½ ¼ ¼, prior p(l|s) = s/4, 'r' moves on with ¾. */
function quarters(T: number): Model<number, string> {
  return model(
    state('c', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.25], [2, 0.25]]) }),
    action('m', ['l', 'r'], { prior: (s: number) => categorical([['l', s / 4], ['r', 1 - s / 4]]) }),
    transition((s: number, a: string) => (a === 'r' ? categorical([[Math.min(s + 1, 2), 0.75], [s, 0.25]]) : categorical([[Math.max(s - 1, 0), 1]]))),
    optimality((s: number, a: string, t: number) => (s === 2 ? 0 : -1 - 0.5 * t) + (a === 'l' ? -0.25 : 0)),
    optimality.terminal((s: number) => (s === 0 ? -Infinity : s)),
    horizon(T),
  );
}

/** An Rng that replays one path of quarter-midpoints and can step to the next path (an odometer over the depths used). */
class Enumerator implements Rng {
  private choices: number[] = [];
  private depth = 0;
  next(): number {
    if (this.depth === this.choices.length) this.choices.push(0);
    return (this.choices[this.depth++]! + 0.5) / QUARTERS;
  }
  /** Probability of the path just replayed: ¼ per draw. */
  get probability(): number {
    return Math.pow(1 / QUARTERS, this.depth);
  }
  /** Move to the next path; false when every path has been walked. */
  advance(): boolean {
    this.choices.length = this.depth;
    this.depth = 0;
    while (this.choices.length > 0) {
      const last = this.choices.length - 1;
      if (this.choices[last]! + 1 < QUARTERS) {
        this.choices[last]! += 1;
        return true;
      }
      this.choices.pop();
    }
    return false;
  }
}

/** The run throws when its only particle has weight 0; wrap the loop so such paths count as Ẑ = 0. */
function expectedZ(m: Model<number, string>, proposal: Proposal, fast = false): { mean: number; paths: number } {
  const graph = compile(m);
  const sim = simulatorOf(graph);
  const random = new Enumerator();
  let mean = 0;
  let paths = 0;
  let zeros = 0;
  do {
    const bound = bindProposal(proposal, graph, sim, graph.horizon);
    try {
      const system = runParticles(sim, bound, priorRows(graph, sim), { particles: 1, decisions: graph.horizon, terminal: true, resample: 'none', essThreshold: 1, random, tables: fast ? graph : undefined });
      mean += random.probability * Math.exp(system.logEvidence);
    } catch (error) {
      if ((error as { code?: string }).code !== 'weights-all-zero') throw error;
      zeros++;
    }
    paths++;
  } while (random.advance());
  expect(zeros).toBeGreaterThan(0); // the −∞ terminal reward at cell 0 is met on some paths
  return { mean, paths };
}

describe('E[Ẑ] = p(O) over every random choice of one particle (to 1e-12)', () => {
  it('the enumerator walks a whole sample space: path probabilities sum to 1', () => {
    const random = new Enumerator();
    let total = 0;
    do {
      random.next();
      if (random.next() < 0.5) random.next(); // a tree with paths of depth 2 and 3
      total += random.probability;
    } while (random.advance());
    expect(total).toBeCloseTo(1, 14);
  });

  for (const T of [2, 3]) {
    for (const fast of [false, true]) {
      it(`prior proposal, T = ${T}, a terminal reward with a hard constraint (${fast ? 'the tables read directly' : 'through the simulator'})`, () => {
        const m = quarters(T);
        const Z = Math.exp(infer(m, exact()).logEvidence);
        const { mean, paths } = expectedZ(m, 'prior', fast);
        expect(paths).toBe(Math.pow(QUARTERS, 1 + 2 * T)); // s_0, then an action and a successor per step
        expect(Math.abs(mean - Z)).toBeLessThanOrEqual(1e-12 * Z);
      });
    }
  }

  it('a user proposal: the ratio p(a|s)/q(a|s) is in the weight', () => {
    const m = quarters(3);
    const Z = Math.exp(infer(m, exact()).logEvidence);
    const { mean } = expectedZ(m, (t: number, s: unknown) => (t === 1 && s === 1 ? categorical([['l', 0.5], ['r', 0.5]]) : categorical([['l', 0.25], ['r', 0.75]])));
    expect(Math.abs(mean - Z)).toBeLessThanOrEqual(1e-12 * Z);
  });
});
