/**
 * Inverse RL with discount(γ): a finite horizon with γ < 1 and the infinite
 * horizon, both variants and both start conventions. The log-likelihood is
 * Σ logProb of exact() on the learned model (compiled independently), and the
 * gradient matches central finite differences; at γ = 1 the discounted
 * recursion (irl/discounted.ts) equals the fused solver (irl/likelihood.ts).
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, discount, exact, horizon, infer, model, optimality, state, temperature, transition, type Model, type Part } from '../src/index.js';
import { demonstrationsFrom, rewardLikelihood, type Demonstration, type IrlStart, type IrlVariant } from '../src/irl/index.js';
import { indexDemonstrations } from '../src/irl/demonstrations.js';
import { featureTable } from '../src/irl/features.js';
import { exactExpectations } from '../src/irl/likelihood.js';
import { discountedExpectations } from '../src/irl/discounted.js';
import { centralDifference } from './helpers/finite-difference.js';

type Move = 'N' | 'S' | 'E' | 'W';
const MOVES: readonly Move[] = ['N', 'S', 'E', 'W'];
const W = 3;
const H = 3;

/** A 3×3 grid; moves slip to 'stay' with probability `slip`; starts spread over three cells. */
function world(slip: number, ...tail: Part<number, Move>[]): Model<number, Move> {
  const step = (s: number, a: Move) => {
    const x = s % W;
    const y = Math.floor(s / W);
    const [nx, ny] = a === 'N' ? [x, y - 1] : a === 'S' ? [x, y + 1] : a === 'E' ? [x + 1, y] : [x - 1, y];
    return nx < 0 || ny < 0 || nx >= W || ny >= H ? s : ny * W + nx;
  };
  return model<number, Move>(
    state('cell', Array.from({ length: W * H }, (_, i) => i), { initial: categorical([[0, 0.5], [3, 0.3], [2, 0.2]]) }),
    action('move', MOVES),
    transition((s: number, a: Move) => (slip > 0 && step(s, a) !== s ? categorical([[step(s, a), 1 - slip], [s, slip]]) : categorical([[step(s, a), 1]]))),
    temperature(0.7),
    ...tail,
  );
}
const phi = (s: number, a: Move) => [s === 8 ? 1 : 0, s % W === 1 && s >= W ? 1 : 0, (s % W) / W, a === 'N' ? 1 : 0];
const THETA = [1.5, -1, 0.8, -0.4];
const linear = (theta: readonly number[]) => (s: number, a: Move) => phi(s, a).reduce((acc, f, k) => acc + f * theta[k]!, 0);

/** Demonstrations sampled from a T = 5 expert, some cut short. */
function demos(slip: number, n: number, seed: number): Demonstration<number, Move>[] {
  const expert = world(slip, optimality(linear(THETA)), horizon(5));
  return demonstrationsFrom(infer(expert, exact()).sample(n, { seed })).map((d, i) => (i % 3 === 1 ? d.slice(0, 1 + (i % 4)) : d));
}

/** Σ log p(τ) under exact() on the learned model: logProb, with log p(s_0|O) swapped for log p(s_0) when the start is observed. */
function reference(m: Model<number, Move>, backup: 'posterior' | 'fixed-dynamics', data: Demonstration<number, Move>[], start: IrlStart): number {
  const post = infer(m, exact({ backup, ...(Number.isFinite(compile(m).horizon) ? {} : { tolerance: 1e-13 }) }));
  const p0 = post.graph.initial;
  const q0 = post.stateMarginal(0);
  return data.reduce((acc, d) => {
    const s0 = post.graph.states.indexOf(d[0]!.state);
    const swap = start === 'observed' ? Math.log(p0[s0]!) - Math.log(q0[s0]!) : 0;
    return acc + post.logProb({ states: d.map((x) => x.state), actions: d.map((x) => x.action) }) + swap;
  }, 0);
}

const variants: readonly [IrlVariant, 'posterior' | 'fixed-dynamics'][] = [
  ['maxent', 'posterior'],
  ['causal', 'fixed-dynamics'],
];
const settings = [
  { name: 'horizon(5), discount(0.8)', tail: (): Part<number, Move>[] => [horizon(5), discount(0.8)] },
  { name: 'horizon(Infinity), discount(0.85)', tail: (): Part<number, Move>[] => [discount(0.85)] },
];

describe('discounted inverse RL: the log-likelihood is Σ logProb of exact(), the gradient its derivative', () => {
  for (const setting of settings) {
    for (const slip of [0, 0.25]) {
      for (const [variant, backup] of variants) {
        for (const start of ['observed', 'posterior'] as const) {
          it(`${setting.name}, slip ${slip}, ${variant}, start '${start}': LL to 1e-10, ∇ to central differences (h = 1e-5) at 1e-6`, () => {
            const data = demos(slip, 8, 3);
            const base = world(slip, optimality(() => 0), ...setting.tail());
            const J = rewardLikelihood(base, data, { features: phi, variant, start, l2: 0.2 });
            for (const theta of [[0, 0, 0, 0], THETA, [-1, 2, 0.5, 0.7]]) {
              const value = J.evaluate(theta);
              const ref = reference(J.model(Float64Array.from(theta)), backup, data, start);
              expect(Math.abs(value.logLikelihood - ref)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(ref)));
            }
            const x = Float64Array.from([0.4, -0.3, 1.2, 0.2]);
            const { gradient } = J.evaluate(x);
            for (let k = 0; k < 4; k++) {
              const fd = centralDifference((y) => J.evaluate(y).objective, x, k);
              expect(Math.abs(gradient[k]! - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
            }
          });
        }
      }
    }
  }
});

describe('at γ = 1 the discounted recursion is the fused solver', () => {
  for (const [variant] of variants) {
    for (const start of ['observed', 'posterior'] as const) {
      it(`${variant}, start '${start}', slip 0.25: LL and expected counts agree to 1e-11`, () => {
        const graph = compile(world(0.25, optimality(() => 0), horizon(5)));
        const data = demos(0.25, 9, 7);
        const table = featureTable(graph, phi);
        const indexed = indexDemonstrations(graph, data);
        const fused = exactExpectations(graph as never, table, indexed, variant, start);
        const plain = discountedExpectations(graph as never, table, indexed, variant, start);
        for (const theta of [[0, 0, 0, 0], THETA, [-2, 3, 1, 0.5]]) {
          const a = new Float64Array(4);
          const b = new Float64Array(4);
          const la = fused.evaluate(Float64Array.from(theta), a);
          const lb = plain.evaluate(Float64Array.from(theta), b);
          expect(Math.abs(la - lb)).toBeLessThanOrEqual(1e-11 * Math.abs(la));
          for (let k = 0; k < 4; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(a[k]!)));
        }
      });
    }
  }
});
