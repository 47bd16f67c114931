/**
 * The agent backups `exact({ backup: 'boltzmann' })` and
 * `exact({ backup: 'expected-utility' })` (issue 16, part 1; RELIABILITY 24):
 * against the agentmodels MDP agent written in WebPPL, against independent
 * recursions and a brute-force Q* in test/helpers/agents-reference.ts, and
 * laws that tie them to the other backups.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { action, categorical, evaluate, exact, horizon, infer, inferGoal, model, optimality, state, temperature, transition } from '../src/index.js';
import { checkPosterior } from '../src/testing/index.js';
import { modelOf } from './helpers/tiny-model.js';
import { agentReference, bruteForceQStar, tinyMdp } from './helpers/agents-reference.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, a[i] === b[i] ? 0 : Math.abs(a[i]! - b[i]!));
  return d;
};

describe('the expected-utility agent is the agentmodels MDP agent', () => {
  // test/webppl/agentmodels-mdp.wppl: 4×3 grid with a wall, goal +1, pit −1, time cost 0.1, slips 0.1 to each side, T = 6.
  const W = 4;
  const H = 3;
  const T = 6;
  const moves = ['N', 'S', 'E', 'W'] as const;
  type Move = (typeof moves)[number];
  const inside = (x: number, y: number) => x >= 0 && x < W && y >= 0 && y < H && !(x === 1 && y === 1);
  const delta: Record<Move, [number, number]> = { N: [0, 1], S: [0, -1], E: [1, 0], W: [-1, 0] };
  const side: Record<Move, [Move, Move]> = { N: ['E', 'W'], S: ['E', 'W'], E: ['N', 'S'], W: ['N', 'S'] };
  const go = (s: readonly [number, number], a: Move): [number, number] => {
    const x = s[0] + delta[a][0];
    const y = s[1] + delta[a][1];
    return inside(x, y) ? [x, y] : [s[0], s[1]];
  };
  const cells: [number, number][] = [];
  for (let x = 0; x < W; x++) for (let y = 0; y < H; y++) if (inside(x, y)) cells.push([x, y]);
  const grid = (alpha: number) =>
    model<[number, number], Move>(
      state('cell', cells, { initial: [0, 0] }),
      action('move', [...moves]),
      transition((s: [number, number], a: Move) => {
        // Merge duplicate successors (a slip into a wall and staying put): a categorical lists each value once.
        const out = new Map<string, [[number, number], number]>();
        for (const [to, p] of [[go(s, a), 0.8], [go(s, side[a][0]), 0.1], [go(s, side[a][1]), 0.1]] as const) {
          const key = String(to);
          out.set(key, [to, (out.get(key)?.[1] ?? 0) + p]);
        }
        return categorical([...out.values()]);
      }),
      optimality((s: [number, number]) => (s[0] === 3 && s[1] === 2 ? 1 : s[0] === 3 && s[1] === 1 ? -1 : -0.1)),
      temperature(alpha),
      horizon(T),
    );
  const script = fileURLToPath(new URL('./webppl/agentmodels-mdp.wppl', import.meta.url));
  const bin = fileURLToPath(new URL('../node_modules/.bin/webppl', import.meta.url));
  const webppl = JSON.parse(execFileSync(bin, [script], { encoding: 'utf8' }).split('\n')[0]!) as { states: [number, number][]; policies: number[][][][] };

  it.each([0.1, 0.5, 2].map((alpha, i) => [alpha, i] as const))('α = %s: π_t(a|s) agrees with WebPPL to 1e-9 at every t and s', (alpha, i) => {
    const post = infer(grid(alpha), exact({ backup: 'expected-utility' }));
    let worst = 0;
    for (let t = 0; t < T; t++) {
      const table = post.policyTable(t);
      webppl.states.forEach((cell, k) => {
        const s = post.graph.states.indexOf(cell);
        expect(s).toBeGreaterThanOrEqual(0);
        const ours = moves.map((a) => table[s * 4 + post.graph.actions.indexOf(a)]!);
        worst = Math.max(worst, maxDiff(ours, webppl.policies[i]![t]![k]!));
      });
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('agent backups against independent references', () => {
  const shapes = [
    { nS: 3, nA: 2, T: 4, alpha: 0.7 },
    { nS: 4, nA: 3, T: 5, alpha: 2, terminal: true, sparsePrior: true },
    { nS: 3, nA: 3, T: 3, alpha: 0.05, gamma: 0.9, terminal: true },
  ];
  const cases = shapes.flatMap((shape, i) => [1, 2, 3].map((seed) => [`shape ${i}, seed ${seed}`, tinyMdp(100 * i + seed, shape)] as const));

  it.each(cases)('%s: policies, Q and U of both agents match the recursions to 1e-12', (_label, m) => {
    for (const kind of ['boltzmann', 'expected-utility'] as const) {
      const post = infer(modelOf(m), exact({ backup: kind }));
      const ref = agentReference(m, kind);
      for (let t = 0; t < m.T; t++) {
        expect(maxDiff(post.policyTable(t), ref.policy[t]!.flat())).toBeLessThan(1e-12);
        expect(maxDiff(post.Q(t), ref.Q[t]!.flat())).toBeLessThan(1e-12);
        expect(maxDiff(post.V(t), ref.U[t]!)).toBeLessThan(1e-12);
        for (let s = 0; s < m.nS; s++) {
          const p = post.policy(t, s);
          expect(maxDiff(p.probs, p.support.map((a) => ref.policy[t]![s]![a]!))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it.each(cases.filter(([label]) => !label.startsWith('shape 1')))('%s: the Boltzmann agent\'s Q is the brute-force optimum over deterministic policies', (_label, m) => {
    const post = infer(modelOf(m), exact({ backup: 'boltzmann' }));
    const brute = bruteForceQStar(m);
    for (let t = 0; t < m.T; t++) expect(maxDiff(post.Q(t), brute[t]!.flat())).toBeLessThan(1e-12);
  });

  it.each(cases)('%s: E[V_0] is the agent\'s own return, value = α·logEvidence its soft return, and the EU agent\'s ELBO never beats the fixed-dynamics optimum', (_label, m) => {
    const start = (v: Float64Array) => m.initial.reduce((sum, p, s) => sum + p * v[s]!, 0);
    const eu = infer(modelOf(m), exact({ backup: 'expected-utility' }));
    const plain = evaluate(modelOf(m), eu).value;
    expect(Math.abs(start(eu.V(0)) - plain)).toBeLessThan(1e-12);
    const soft = evaluate(modelOf(m), eu, { soft: true }).value;
    expect(Math.abs(eu.value - soft)).toBeLessThan(1e-12 * Math.max(1, Math.abs(soft)));
    expect(Math.abs(eu.logEvidence - soft / m.alpha)).toBeLessThan(1e-10 * Math.max(1, Math.abs(soft / m.alpha)));
    expect(eu.evidence.logValue).toBe(eu.logEvidence);
    const fixed = infer(modelOf(m), exact({ backup: 'fixed-dynamics' }));
    expect(eu.logEvidence).toBeLessThanOrEqual(fixed.logEvidence + 1e-12);
    const boltzmann = infer(modelOf(m), exact({ backup: 'boltzmann' }));
    // The Boltzmann agent's U is the optimal return, so it bounds every agent's own return.
    expect(start(eu.V(0))).toBeLessThanOrEqual(start(boltzmann.V(0)) + 1e-12);
    expect(boltzmann.logEvidence).toBeLessThanOrEqual(fixed.logEvidence + 1e-12);
  });

  it.each(cases.filter(([label]) => label.startsWith('shape 1')))('%s: the testing kit\'s posterior checks pass (normalisation, Bayes, marginals, logProb, samples by χ² at 1e-5, fixed seed)', (_label, m) => {
    for (const kind of ['boltzmann', 'expected-utility'] as const) {
      const report = checkPosterior(modelOf(m), infer(modelOf(m), exact({ backup: kind })), { backup: 'none', samples: { n: 2000, seed: 5, falsePositiveRate: 1e-5 } });
      expect(report.ok, report.failures.join('\n')).toBe(true);
      expect(report.checks).toBeGreaterThan(50);
    }
  });

  it('a stationary Boltzmann agent (infinite horizon) is a hypothesis like any other', () => {
    const m = tinyMdp(31, { nS: 4, nA: 2, T: 1, alpha: 0.5, gamma: 0.7 });
    const post = infer(modelOf(m, { infinite: true }), exact({ backup: 'boltzmann' }));
    const table = post.policyTable(0);
    // Two steps at state 0: the stationary policy twice, and the true transition between.
    const [s1, p01] = m.next[0]![1]![0]!;
    const goal = inferGoal([{ name: 'only', model: modelOf(m, { infinite: true }) }], [{ state: 0, action: 1 }, { state: s1, action: 0 }], { engine: exact({ backup: 'boltzmann' }) });
    expect(Math.abs(goal.logLikelihood[0]! - Math.log(table[1]! * p01 * table[s1 * 2]!))).toBeLessThan(1e-12);
  });

  it('α = 0: both agents are the hard-max agent of the fixed-dynamics backup', () => {
    for (const [i, seed] of [[1, 7], [2, 8]] as const) {
      const m = { ...tinyMdp(seed, { ...shapes[i]!, alpha: 1 }), alpha: 0 };
      const hard = infer(modelOf(m), exact({ backup: 'fixed-dynamics' }));
      for (const kind of ['boltzmann', 'expected-utility'] as const) {
        const post = infer(modelOf(m), exact({ backup: kind }));
        for (let t = 0; t < m.T; t++) {
          expect(maxDiff(post.policyTable(t), hard.policyTable(t))).toBe(0);
          expect(maxDiff(post.V(t), hard.V(t))).toBeLessThan(1e-12);
        }
        expect(post.exactness.notes.some((n) => n.startsWith('α = 0'))).toBe(true);
      }
    }
  });

  it('marginals, samples and logProb are those of q(τ) = p(s_0) Π π p(s\'|s,a) (true dynamics)', () => {
    const m = tinyMdp(11, { nS: 3, nA: 2, T: 3, alpha: 0.5 });
    const post = infer(modelOf(m), exact({ backup: 'expected-utility' }));
    const ref = agentReference(m, 'expected-utility');
    // Forward marginals by hand.
    let dist = [...m.initial];
    for (let t = 0; t < m.T; t++) {
      expect(maxDiff(post.stateMarginal(t), dist)).toBeLessThan(1e-12);
      const moved = new Array<number>(m.nS).fill(0);
      for (let s = 0; s < m.nS; s++) for (let a = 0; a < m.nA; a++) for (const [s2, p] of m.next[s]![a]!) moved[s2]! += dist[s]! * ref.policy[t]![s]![a]! * p;
      dist = moved;
    }
    for (const trajectory of post.sample(20, { seed: 3 })) {
      let lp = Math.log(m.initial[trajectory.states[0]!]!);
      trajectory.actions.forEach((a, t) => {
        const s = trajectory.states[t]!;
        lp += Math.log(ref.policy[t]![s]![a]!);
        if (t + 1 < trajectory.states.length) lp += Math.log(m.next[s]![a]!.find(([x]) => x === trajectory.states[t + 1])![1]);
      });
      expect(Math.abs(post.logProb(trajectory) - lp)).toBeLessThan(1e-10);
    }
  });

  it('infinite horizon: the Boltzmann agent over the discounted hard-max fixed point; the EU agent is refused', () => {
    const m = tinyMdp(21, { nS: 4, nA: 2, T: 1, alpha: 0.3, gamma: 0.8 });
    const post = infer(modelOf(m, { infinite: true }), exact({ backup: 'boltzmann', tolerance: 1e-13 }));
    // Reference: hard-max value iteration to 1e-14, then the softmax.
    let v = new Array<number>(m.nS).fill(0);
    const q = (s: number, a: number, w: number[]) => m.reward[0]![s]![a]! + m.gamma * m.next[s]![a]!.reduce((sum, [x, p]) => sum + p * w[x]!, 0);
    for (let i = 0; i < 400; i++) v = v.map((_, s) => Math.max(...[0, 1].map((a) => q(s, a, v))));
    expect(maxDiff(post.V(0), v)).toBeLessThan(1e-12);
    for (let s = 0; s < m.nS; s++) {
      const w = [0, 1].map((a) => m.prior[s]![a]! * Math.exp((q(s, a, v) - v[s]!) / m.alpha));
      const z = w[0]! + w[1]!;
      expect(maxDiff(post.policyTable(0).subarray(2 * s, 2 * s + 2), w.map((x) => x / z))).toBeLessThan(1e-12);
    }
    expect(post.convergence?.iterations).toBeGreaterThan(10);
    expect(() => infer(modelOf(m, { infinite: true }), exact({ backup: 'expected-utility' }))).toThrow(/not a contraction/);
  });
});
