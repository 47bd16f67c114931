/**
 * Kernels of issue 17 that must not change a result, against the form they replace:
 *
 * 1. The fused fixed-dynamics step (src/engines/exact/backup.ts, `backwardStep`
 *    with backup 'fixed-dynamics': one loop per state, no S·A table) against
 *    `qTable` (Q = r + γ E[V'] for every row) then `stateValues`
 *    (V = α log Σ_a p(a|s) exp(Q/α)), Object.is per state where no exp runs
 *    (α = 0, −Infinity, the near rows) and within 1e-12 relative elsewhere (the
 *    step's e^x is exp.ts's inlined `expNonPositive`, within 2ε of Math.exp,
 *    itself checked below on 10^5 points), on seeded random
 *    models (mulberry32, seeds 1 … 40) that exercise every branch: −Infinity
 *    rewards, actions the prior excludes, V_{t+1} with −Infinity entries (a
 *    reachable infeasible successor forbids the action), a state with every
 *    action forbidden, γ ∈ {0, 0.9, 1}, and α ∈ {0, 0.3, 1, 1e7} (α = 0 is the
 *    hard max, 1e7 the log1p/expm1 "near" rows).
 * 2. The scaled pass's merged rows padded to one width (src/engines/exact/scaled.ts,
 *    `padded` + `accumulatePadded`) against the unpadded `accumulate`, at
 *    every width 1 … 8, with zero and underflowing E (seeds 1 … 16); and
 *    that padding is refused above width 8 or where it would more than double the rows.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, discount, horizon, model, optimality, state, temperature, transition, type FactorGraph } from '../src/index.js';
import { backwardStep, qTable, stateValues, workspace } from '../src/engines/exact/backup.js';
import { accumulate, accumulatePadded, padded } from '../src/engines/exact/scaled.js';
import { expNonPositive } from '../src/engines/exact/exp.js';

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
  it('equals qTable + stateValues, bit for bit where no exp runs and within 1e-12 elsewhere, every branch', () => {
    let compared = 0;
    let infinite = 0;
    let inexact = 0;
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
            // Bit for bit where no exp runs (α = 0, −Infinity, the expm1 near rows at α = 1e7);
            // elsewhere within 1e-12 relative: the fused step's inlined exp is within 2ε of Math.exp.
            const same = Object.is(fused[s], twoPass[s]);
            if (alpha === 0 || alpha === 1e7 || !Number.isFinite(twoPass[s]!)) expect(same, `seed ${seed}, α ${alpha}, γ ${gamma}, s ${s}: ${fused[s]} vs ${twoPass[s]}`).toBe(true);
            else expect(Math.abs(fused[s]! - twoPass[s]!), `seed ${seed}, α ${alpha}, γ ${gamma}, s ${s}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(twoPass[s]!)));
            if (!same) inexact++;
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
    // Some states did differ in the last bits (the exps ran), so the tolerance above was needed and tested.
    expect(inexact).toBeGreaterThan(0);
  });
});

describe('expNonPositive (exp.ts)', () => {
  it('is within 2ε relative of Math.exp on 10^5 seeded points of [−708, 0], exact at 0, Math.exp outside', () => {
    const random = mulberry(7);
    let worst = 0;
    for (let i = 0; i < 100000; i++) {
      // Half the points near 0 (where the soft max's arguments mostly are), half over the whole range.
      const x = i % 2 === 0 ? -random() * 4 : -random() * 708;
      const reference = Math.exp(x);
      worst = Math.max(worst, Math.abs(expNonPositive(x) - reference) / reference);
    }
    expect(worst).toBeLessThanOrEqual(2 * Number.EPSILON);
    expect(worst).toBeGreaterThan(0);
    expect(Object.is(expNonPositive(0), 1)).toBe(true);
    expect(Object.is(expNonPositive(-0), 1)).toBe(true);
    for (const x of [-708, -707.9999, -1e-300, -Math.LN2, (-0.5 * Math.LN2) / 128]) {
      expect(Math.abs(expNonPositive(x) - Math.exp(x)) / Math.exp(x), `x = ${x}`).toBeLessThanOrEqual(2 * Number.EPSILON);
    }
    for (const x of [-709, -745, -800, -Infinity, 1e-300, 1, Infinity, NaN]) expect(Object.is(expNonPositive(x), Math.exp(x)), `x = ${x}`).toBe(true);
  });
});

describe('padded merged rows of the scaled pass', () => {
  it('give every total bit for bit as the unpadded rows, at every width 1 … 8 (and the same underflow flag)', () => {
    let compared = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const random = mulberry(seed);
      const nS = 40;
      for (let width = 1; width <= 8; width++) {
        // Rows of 1 … width entries (at least one full, so the padded width is `width`), weights > 0,
        // E in [0, 1] with exact zeros, and a few tiny E so that some totals fall below 1e-280.
        const starts = [0];
        const successor: number[] = [];
        const weighted: number[] = [];
        for (let s = 0; s < nS; s++) {
          const count = s === 0 ? width : 1 + Math.floor(random() * width);
          for (let k = 0; k < count; k++) {
            successor.push(Math.floor(random() * nS));
            weighted.push(random() * 0.3);
          }
          starts.push(successor.length);
        }
        const merged = { weighted: Float64Array.from(weighted), successor: Int32Array.from(successor), stateStart: Int32Array.from(starts) };
        const E = Float64Array.from({ length: nS }, () => (random() < 0.1 ? 0 : random() < 0.1 ? 1e-300 * random() : random()));
        const c = Float64Array.from({ length: nS }, () => (random() < 0.1 ? -Infinity : random()));
        const pad = padded(merged, nS);
        if (pad === undefined) continue; // padding would more than double these rows
        expect(pad.width).toBe(width);
        const plain = new Float64Array(nS);
        const fast = new Float64Array(nS);
        const flag = accumulate(nS, c, merged.stateStart, merged.successor, merged.weighted, E, plain);
        expect(accumulatePadded(nS, pad.width, c, pad.successor, pad.weighted, E, fast)).toBe(flag);
        for (let s = 0; s < nS; s++) expect(Object.is(fast[s], plain[s]), `seed ${seed}, width ${width}, s ${s}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('are not built when the widest row is above 8 or padding would more than double the rows', () => {
    const wide = { weighted: new Float64Array(9).fill(0.1), successor: new Int32Array(9), stateStart: Int32Array.from([0, 9]) };
    expect(padded(wide, 1)).toBeUndefined();
    // One row of 8 and seven of 1: 64 padded entries for 15.
    const uneven = { weighted: new Float64Array(15).fill(0.1), successor: new Int32Array(15), stateStart: Int32Array.from([0, 8, 9, 10, 11, 12, 13, 14, 15]) };
    expect(padded(uneven, 8)).toBeUndefined();
  });
});
