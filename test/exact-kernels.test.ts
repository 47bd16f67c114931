/**
 * The exact engine's fast kernels of issue 17 against independent recursions.
 *
 * Merged-row forward messages (src/engines/exact/forward.ts): p(s_t | O) of the
 * scaled case (posterior backup, γ = 1, α > 0, stationary reward) against the
 * log-space reference of test/helpers/forward-reference.ts, on a slippery
 * 5-action 7×7 gridworld, T = 25, at tolerance 1e-12 absolute per entry:
 * straight after the run (the rows still hold the backward pass's totals),
 * after reading every policy table (rows turned into V: totals formed again
 * from E), after reading every fourth (the two mixed), with a terminal factor, and
 * with a block of −2000 cliffs at α = 0.5 whose centre is the start, so that
 * its total underflows (checked on the reference) and its mass goes through
 * the exact π and K.
 *
 * Anderson-accelerated value iteration (src/engines/exact/anderson.ts): the
 * discounted fixed point at γ = 0.99 and 0.999, both backups, against plain
 * value iteration in log space run to ‖V − TV‖∞ < 1e-13; the engine stops at
 * 1e-12, so each is within tolerance·γ/(1 − γ) of the fixed point and the two
 * within (1e-12 + 1e-13)·γ/(1 − γ) (1.1e-9 at γ = 0.999). Also: the reported
 * residual is below the tolerance, the backups are at most half of plain
 * iteration's, and a −∞ reward (some V = −∞: plain steps only) still agrees.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, discount, exact, horizon, model, optimality, state, temperature, transition, type FactorGraph, type Posterior } from '../src/index.js';
import { discountedReference, forwardReference } from './helpers/forward-reference.js';

type Act = 'N' | 'S' | 'E' | 'W' | 'stay';
const N = 7;
const T = 25;
const TOL = 1e-12;

function move(s: number, a: Act): number {
  const x = s % N;
  const y = Math.floor(s / N);
  const [dx, dy] = a === 'N' ? [0, -1] : a === 'S' ? [0, 1] : a === 'E' ? [1, 0] : a === 'W' ? [-1, 0] : [0, 0];
  const nx = x + dx;
  const ny = y + dy;
  return nx < 0 || nx >= N || ny < 0 || ny >= N ? s : ny * N + nx;
}

const SIDE: Record<Act, [Act, Act]> = { N: ['W', 'E'], S: ['E', 'W'], E: ['N', 'S'], W: ['S', 'N'], stay: ['N', 'S'] };
/** The 3×3 block centred on cell (2, 2). */
const inBlock = (s: number) => Math.abs((s % N) - 2) <= 1 && Math.abs(Math.floor(s / N) - 2) <= 1;

function grid(options: { terminal?: boolean; cliffs?: boolean; alpha?: number; gamma?: number; walls?: boolean } = {}): FactorGraph<number, Act> {
  const cells = Array.from({ length: N * N }, (_, i) => i);
  const start = options.cliffs ? 2 * N + 2 : 0;
  const world = [
    state('cell', cells, { initial: options.cliffs ? start : categorical([[start, 0.75], [N * N - 1, 0.25]]) }),
    action<Act, number>('move', ['N', 'S', 'E', 'W', 'stay'], { prior: (s: number) => categorical<Act>([['N', s % 3 === 0 ? 0.55 : 0.3], ['S', 0.1], ['E', 0.2], ['W', 0.15], ['stay', s % 3 === 0 ? 0 : 0.25]]) }),
    transition<number, Act>((s, a) => categorical([[move(s, a), 0.8], [move(s, SIDE[a][0]), 0.1], [move(s, SIDE[a][1]), 0.1]])),
    optimality<number, Act>((s, a) => (options.walls && s === 3 * N + 3 ? -Infinity : options.cliffs && inBlock(s) ? -2000 : (s % 5) * -0.4 - (a === 'stay' ? 0.3 : 0))),
    temperature(options.alpha ?? 1),
    options.gamma === undefined ? horizon(T) : discount(options.gamma),
  ] as const;
  return compile(options.terminal ? model<number, Act>(...world, optimality.terminal((s: number) => (s === N * N - 1 ? 2 : -(s % 4)))) : model<number, Act>(...world));
}

function expectMarginals(post: Posterior<number, Act>, graph: FactorGraph<number, Act>): void {
  const ref = forwardReference(graph);
  for (let t = 0; t < ref.marginals.length; t++) {
    const got = post.stateMarginal(t);
    const want = ref.marginals[t]!;
    let worst = 0;
    for (let s = 0; s < graph.nS; s++) worst = Math.max(worst, Math.abs(got[s]! - want[s]!));
    expect(worst, `stateMarginal(${t})`).toBeLessThanOrEqual(TOL);
  }
}

describe('merged-row forward messages (scaled case)', () => {
  it('match the log-space reference straight after the run (rows hold totals)', () => {
    const graph = grid();
    expectMarginals(exact().run(graph, {}), graph);
  });

  it('match after every policy table was read (rows hold V), and with every other one read', () => {
    // policyTable(t) reads V_t and V_{t+1} inside the engine, which turns those rows into V in place
    // (post.V(t) only logs into its copy).
    const graph = grid();
    const all = exact().run(graph, {});
    for (let t = 0; t < T; t++) all.policyTable(t);
    expectMarginals(all, graph);
    const mixed = exact().run(graph, {});
    for (let t = 0; t < T; t += 4) mixed.policyTable(t);
    expectMarginals(mixed, graph);
  });

  it('post.V(t) is the same copy whether or not the row was turned into V, and reading it leaves the marginals alone', () => {
    const graph = grid();
    const fresh = exact().run(graph, {});
    const read = exact().run(graph, {});
    for (let t = 0; t < T; t++) read.policyTable(t);
    for (let t = 0; t <= T - 1; t++) expect(fresh.V(t)).toEqual(read.V(t));
    expectMarginals(fresh, graph);
  });

  it('the layout made once per graph (W, c_s, merged rows, scales) leaves repeated runs bit-identical to a run on a fresh compile', () => {
    // The second and third runs on `graph` reuse its cached layout; `twin` is compiled anew, so its run builds its own.
    const graph = grid({ terminal: true });
    const twin = grid({ terminal: true });
    const first = exact().run(graph, {});
    const firstMarginal = first.stateMarginal(T);
    const second = exact().run(graph, {});
    const fresh = exact().run(twin, {});
    for (let t = 0; t <= T; t++) {
      expect(second.V(t)).toEqual(first.V(t));
      expect(fresh.V(t)).toEqual(first.V(t));
    }
    expect(exact().run(graph, {}).stateMarginal(T)).toEqual(firstMarginal);
    expect(fresh.stateMarginal(T)).toEqual(firstMarginal);
    expect(second.logEvidence).toBe(fresh.logEvidence);
  });

  it('match with a terminal factor (V_T = r_T, one more step)', () => {
    const graph = grid({ terminal: true });
    const post = exact().run(graph, {});
    expect(() => post.stateMarginal(T)).not.toThrow();
    expectMarginals(post, graph);
  });

  it('match where a start state’s total underflows (−2000 cliffs, α = 0.5): its mass goes through the exact π and K', () => {
    const graph = grid({ cliffs: true, alpha: 0.5 });
    const ref = forwardReference(graph);
    // The centre (the only start) reaches only block cells, whose E_1 = exp((V_1 − max V_1)/α) < 1e-280: its total underflows.
    const centre = 2 * N + 2;
    expect(ref.marginals[0]![centre]).toBe(1);
    const best = Math.max(...ref.V[1]!);
    const blockBest = Math.max(...Array.from(ref.V[1]!).filter((_, s) => inBlock(s)));
    expect((blockBest - best) / 0.5).toBeLessThan(Math.log(1e-280));
    expectMarginals(exact().run(graph, {}), graph);
  });
});

describe('Anderson-accelerated discounted value iteration', () => {
  it.each([
    [0.99, 'posterior'],
    [0.99, 'fixed-dynamics'],
    [0.999, 'posterior'],
    [0.999, 'fixed-dynamics'],
  ] as const)('γ = %s, %s: the fixed point of plain value iteration, in at most half its backups', (gamma, backup) => {
    const graph = grid({ gamma });
    const ref = discountedReference(graph, backup, 1e-13);
    const post = exact({ backup, tolerance: 1e-12 }).run(graph, {});
    const bound = (1e-12 + 1e-13) * (gamma / (1 - gamma));
    const v = post.V(0);
    for (let s = 0; s < graph.nS; s++) expect(Math.abs(v[s]! - ref.V[s]!), `V(${s})`).toBeLessThanOrEqual(bound);
    expect(post.convergence!.residual).toBeLessThan(1e-12);
    expect(post.convergence!.iterations).toBeLessThanOrEqual(ref.sweeps / 2);
  });

  it('a −∞ reward (V = −∞ somewhere) falls back to plain steps and still reaches the fixed point', () => {
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const graph = grid({ gamma: 0.9, walls: true });
      const ref = discountedReference(graph, backup, 1e-13);
      const v = exact({ backup, tolerance: 1e-12 }).run(graph, {}).V(0);
      expect(ref.V.some((x) => x === -Infinity)).toBe(true);
      for (let s = 0; s < graph.nS; s++) {
        if (ref.V[s] === -Infinity) expect(v[s]).toBe(-Infinity);
        else expect(Math.abs(v[s]! - ref.V[s]!), `V(${s})`).toBeLessThanOrEqual(1.1e-12 * 9);
      }
    }
  });
});
