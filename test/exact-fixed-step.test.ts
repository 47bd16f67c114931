/**
 * The fused fixed-dynamics step (src/engines/exact/backup.ts, `backwardStep`
 * with backup 'fixed-dynamics': one loop per state, no S·A table) against the
 * two-pass form it replaces — `qTable` (Q = r + γ E[V'] for every row) then
 * `stateValues` (V = α log Σ_a p(a|s) exp(Q/α)) — bit for bit (Object.is per
 * state), on seeded random models (mulberry32, seeds 1 … 40) that exercise
 * every branch: −Infinity rewards, actions the prior excludes, V_{t+1} with
 * −Infinity entries (a reachable infeasible successor forbids the action), a
 * state with every action forbidden, γ ∈ {0, 0.9, 1}, and α ∈ {0, 0.3, 1, 1e7}
 * (α = 0 is the hard max, 1e7 the log1p/expm1 "near" rows).
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, discount, horizon, model, optimality, state, temperature, transition, type FactorGraph } from '../src/index.js';
import { backwardStep, qTable, stateValues, workspace } from '../src/engines/exact/backup.js';

function mulberry(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = ['a', 'b', 'c', 'd'] as const;
type Act = (typeof ACTIONS)[number];

function randomGraph(seed: number, alpha: number, gamma: number): FactorGraph<number, Act> {
  const random = mulberry(seed);
  const nS = 6;
  const cells = Array.from({ length: nS }, (_, i) => i);
  const normalise = <K>(w: [K, number][]): [K, number][] => {
    const z = w.reduce((sum, [, v]) => sum + v, 0);
    return w.map(([k, v]) => [k, v / z]);
  };
  const successors = cells.map(() => ACTIONS.map(() => normalise(cells.filter(() => random() < 0.5).map((j) => [j, 0.1 + random()] as [number, number]))));
  const priors = cells.map(() => normalise(ACTIONS.map((a, k) => [a, k > 0 && random() < 0.3 ? 0 : 0.2 + random()] as [Act, number])));
  const rewards = cells.map(() => ACTIONS.map(() => (random() < 0.15 ? -Infinity : Math.round((random() * 4 - 2) * 8) / 8)));
  return compile(
    model<number, Act>(
      state('cell', cells, { initial: 0 }),
      action<Act, number>('move', ACTIONS, { prior: (s: number) => categorical<Act>(priors[s]!) }),
      transition<number, Act>((s, a) => {
        const row = successors[s]![ACTIONS.indexOf(a)]!;
        return categorical(row.length > 0 ? row : [[s, 1]]);
      }),
      optimality<number, Act>((s, a) => rewards[s]![ACTIONS.indexOf(a)]!),
      temperature(alpha),
      gamma === 1 ? horizon(4) : discount(gamma),
    ),
  );
}

describe('fused fixed-dynamics step', () => {
  it('equals qTable + stateValues bit for bit, every branch', () => {
    let compared = 0;
    let infinite = 0;
    for (let seed = 1; seed <= 40; seed++) {
      for (const alpha of [0, 0.3, 1, 1e7]) {
        for (const gamma of [0, 0.9, 1]) {
          const graph = randomGraph(seed, alpha, gamma) as FactorGraph<unknown, unknown>;
          const random = mulberry(1000 + seed);
          // Near rows at α = 1e7 need values within NEAR·α of each other: small spreads there, wide ones elsewhere.
          const spread = alpha === 1e7 ? 1 : 20;
          const next = Float64Array.from({ length: graph.nS }, () => (random() < 0.15 ? -Infinity : (random() - 0.5) * spread));
          const ws = workspace(graph);
          const fused = new Float64Array(graph.nS);
          backwardStep(graph, 'fixed-dynamics', graph.reward, next, fused, ws);
          const table = new Float64Array(graph.nS * graph.nA);
          qTable(graph, 'fixed-dynamics', graph.reward, next, table, workspace(graph));
          const twoPass = new Float64Array(graph.nS);
          stateValues(graph, table, twoPass);
          for (let s = 0; s < graph.nS; s++) {
            expect(Object.is(fused[s], twoPass[s]), `seed ${seed}, α ${alpha}, γ ${gamma}, s ${s}: ${fused[s]} vs ${twoPass[s]}`).toBe(true);
            if (fused[s] === -Infinity) infinite++;
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(40 * 4 * 3 * 6);
    // The −Infinity branches were taken, and not everywhere.
    expect(infinite).toBeGreaterThan(50);
    expect(infinite).toBeLessThan(compared / 2);
  });
});
