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
 * 2. The scaled pass's merged rows by pattern (src/engines/exact/patterns.ts) and
 *    the sums over them (scaled.ts `accumulatePatterned`, written out, and
 *    `accumulate`, looped): every pattern row decodes to the merged row folded
 *    in this file (shared patterns or one per state, on gridworlds, tori and
 *    seeded random models); every total, scale·total and max equals a plain
 *    left-to-right sum Σ w·(E·K) at widths 1 … 10, with zero and underflowing E
 *    (seeds 1 … 16); the backward pass stores the same totals and shifts with
 *    shared patterns as with one pattern per state, underflow fallback
 *    included; and the forward marginals match a log-space forward pass from
 *    V_{t+1} written here to 1e-12, before and after V_t was read.
 * 3. The forward step over the states with mass (forward.ts, issue 17 h23a: the
 *    listed states and the band their rows reach, K_{t+1} from the max the
 *    backward pass stored, the normalisation of `forwardTo` over the list)
 *    against the step that sweeps all of S, written here: every marginal
 *    Object.is-equal, through the public stateMarginal and through the step
 *    itself with rows read as V (none, odd, all) and a seeded initial spread
 *    over S; the list ascending and holding every state with mass.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, discount, exact, horizon, model, optimality, state, temperature, transition, type FactorGraph } from '../src/index.js';
import { backwardStep, qTable, stateValues, workspace } from '../src/engines/exact/backup.js';
import { accumulate, accumulatePatterned, buildLayout, scaledBackwardPass, scaledLayout, ValueRows } from '../src/engines/exact/scaled.js';
import { patternsOf } from '../src/engines/exact/patterns.js';
import { expNonPositive } from '../src/engines/exact/exp.js';
import { gridworldGraph, slipperyGraph } from '../bench/exact/gridworld.js';
import { mulberry } from './helpers/mulberry.js';


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

/**
 * The merged rows of a graph folded here, independently of patterns.ts:
 * M(s,s') = Σ_a W(s,a) p(s'|s,a), successors in order of first appearance,
 * each sum taken left to right over (a, k), as the scaled pass always folded them.
 */
function referenceRows(graph: FactorGraph<unknown, unknown>, weight: Float64Array): { next: number[]; value: number[] }[] {
  const { rowStart, next, prob } = graph.dynamics;
  const rows: { next: number[]; value: number[] }[] = [];
  for (let s = 0; s < graph.nS; s++) {
    const row = { next: [] as number[], value: [] as number[] };
    for (let a = 0; a < graph.nA; a++) {
      const w = weight[s * graph.nA + a]!;
      if (w === 0) continue;
      for (let k = rowStart[s * graph.nA + a]!; k < rowStart[s * graph.nA + a + 1]!; k++) {
        const at = row.next.indexOf(next[k]!);
        if (at >= 0) row.value[at] = row.value[at]! + w * prob[k]!;
        else {
          row.next.push(next[k]!);
          row.value.push(w * prob[k]!);
        }
      }
    }
    rows.push(row);
  }
  return rows;
}

/** A torus gridworld (alike but for the wrapping edges) with a slippery move and reward(x, y). */
function torus(n: number, rewardAt: (x: number, y: number) => number, T = 12): FactorGraph<unknown, unknown> {
  const cells = Array.from({ length: n * n }, (_, i) => i);
  const move = (s: number, a: Act) => {
    const x = s % n;
    const y = Math.floor(s / n);
    if (a === 'a') return y * n + ((x + 1) % n);
    if (a === 'b') return y * n + ((x + n - 1) % n);
    if (a === 'c') return ((y + 1) % n) * n + x;
    return s;
  };
  return compile(
    model<number, Act>(
      state('cell', cells, { initial: 0 }),
      action('move', ACTIONS),
      transition<number, Act>((s, a) => categorical([[move(s, a), 0.7], [s, 0.2], [move(s, 'c'), 0.1]])),
      optimality<number, Act>((s) => rewardAt(s % n, Math.floor(s / n))),
      horizon(T),
    ),
  ) as FactorGraph<unknown, unknown>;
}

/** Grids with walls (edges and corners differ), from the benchmarks: 4 and 5 actions. */
const grids = (): [string, FactorGraph<unknown, unknown>][] => [
  ['4-action gridworld 16×16', gridworldGraph(16, 10) as FactorGraph<unknown, unknown>],
  ['5-action slippery gridworld 16×16', slipperyGraph(16, 10) as FactorGraph<unknown, unknown>],
  ['torus 16×16', torus(16, (x, y) => ((x * 7 + y) % 11 === 3 ? -5 : -1))],
];

describe('merged rows by pattern (patterns.ts)', () => {
  it('decode to the merged rows folded here, bit for bit, shared or one per state, with pads (0, 0)', () => {
    let states = 0;
    const graphs: [string, FactorGraph<unknown, unknown>][] = [...grids(), ...Array.from({ length: 12 }, (_, i) => [`random ${i + 1}`, randomGraph(i + 1, 0.7, 1) as FactorGraph<unknown, unknown>] as [string, FactorGraph<unknown, unknown>])];
    for (const [name, graph] of graphs) {
      const layout = buildLayout(graph, true);
      const reference = referenceRows(graph, layout.weight);
      for (const shared of [true, false]) {
        const P = shared ? patternsOf(graph, layout.weight, layout.scale, true) : patternsOf(graph, layout.weight, layout.scale, false)!;
        if (P === undefined) continue; // the random graphs' rows are not few
        let widest = 0;
        for (const row of reference) widest = Math.max(widest, row.next.length);
        if (P.width > 0) expect(P.width, name).toBe(widest);
        for (let s = 0; s < graph.nS; s++) {
          const p = P.id[s]!;
          const row = reference[s]!;
          const length = P.start[p + 1]! - P.start[p]!;
          for (let k = 0; k < length; k++) {
            const at = P.start[p]! + k;
            if (k < row.next.length) {
              expect(s + P.offset[at]!, `${name} s ${s} k ${k}`).toBe(row.next[k]);
              expect(Object.is(P.weight[at], row.value[k]), `${name} s ${s} k ${k}`).toBe(true);
            } else {
              expect([P.offset[at], P.weight[at]], `${name}: a pad`).toEqual([0, 0]);
            }
          }
          expect(length, name).toBe(P.width > 0 ? P.width : row.next.length);
          expect(Object.is(P.scale[p], layout.scale[s]), name).toBe(true);
          states++;
        }
      }
    }
    expect(states).toBeGreaterThan(500);
  });

  it('are few on gridworlds and tori, and refused as shared where the rows are not few', () => {
    for (const [name, graph] of grids()) {
      const layout = buildLayout(graph, true);
      const P = patternsOf(graph, layout.weight, layout.scale, true);
      expect(P, name).toBeDefined();
      // Interior, 4 edges (wrapping ones on the torus), 4 corners (and the goal) times the cliff and plain rewards.
      expect(P!.scale.length, name).toBeLessThanOrEqual(20);
    }
    for (let seed = 1; seed <= 5; seed++) {
      const graph = randomGraph(seed, 0.7, 1) as FactorGraph<unknown, unknown>;
      const layout = buildLayout(graph, true);
      expect(patternsOf(graph, layout.weight, layout.scale, true)).toBeUndefined();
      expect(layout.patterns.scale.length).toBe(graph.nS); // one per state
    }
  });

  it('give every total, scale·total and max bit for bit as the sum over the merged rows, written out or looped, at widths 1 … 5 and wider', () => {
    let compared = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const random = mulberry(seed);
      const nS = 40;
      for (let width = 1; width <= 10; width++) {
        // Pattern rows of 1 … width entries (one full), successors within the states, weights > 0; E in [0, 1] with
        // exact zeros and tiny values so that some totals fall below 1e-280; K as the pass gives it.
        const count = 5;
        const rows = Array.from({ length: count }, (_, p) => {
          const length = p === 0 ? width : 1 + Math.floor(random() * width);
          return { offset: Array.from({ length }, () => Math.floor(random() * 21) - 10), weight: Array.from({ length }, () => random() * 0.3) };
        });
        const id = Int32Array.from({ length: nS }, (_, s) => {
          for (;;) {
            const p = Math.floor(random() * rows.length);
            if (rows[p]!.offset.every((d) => s + d >= 0 && s + d < nS)) return p;
            if (rows.every((r) => !r.offset.every((d) => s + d >= 0 && s + d < nS))) break;
          }
          rows.push({ offset: [0], weight: [random()] });
          return rows.length - 1;
        });
        const scale = Float64Array.from(rows, () => (random() < 0.2 ? 0 : random()));
        const E = Float64Array.from({ length: nS }, () => (random() < 0.1 ? 0 : random() < 0.1 ? 1e-300 * random() : random()));
        const c = Float64Array.from({ length: nS }, () => (random() < 0.1 ? -Infinity : random()));
        const K = random() < 0.3 ? 1 : 0.5 + 3 * random();
        // The reference: total = Σ_k w_k·(E_k·K), left to right from 0; e = scale·total.
        const totals = new Float64Array(nS);
        const scaled = new Float64Array(nS);
        let max = 0;
        let low = false;
        for (let s = 0; s < nS; s++) {
          const row = rows[id[s]!]!;
          let total = 0;
          for (let k = 0; k < row.offset.length; k++) total += row.weight[k]! * (E[s + row.offset[k]!]! * K);
          totals[s] = total;
          scaled[s] = scale[id[s]!]! * total;
          max = Math.max(max, scaled[s]!);
          if (total < 1e-280 && c[s] !== -Infinity) low = true;
        }
        const W = Math.max(...rows.map((r) => r.offset.length));
        const start = Int32Array.from({ length: rows.length + 1 }, (_, p) => rows.slice(0, p).reduce((n, r) => n + r.offset.length, 0));
        const forms: [string, number, Int32Array, Int32Array, Float64Array][] = [['looped', 0, start, Int32Array.from(rows.flatMap((r) => r.offset)), Float64Array.from(rows.flatMap((r) => r.weight))]];
        if (W <= 5) {
          const pad = <T>(xs: T[], zero: T) => [...xs, ...Array<T>(W - xs.length).fill(zero)];
          forms.push(['written out', W, Int32Array.from(rows, (_, p) => p * W), Int32Array.from(rows.flatMap((r) => pad(r.offset, 0))), Float64Array.from(rows.flatMap((r) => pad(r.weight, 0)))]);
        }
        for (const [form, w, st, offset, weight] of forms) {
          const outTotals = new Float64Array(nS);
          const outScaled = new Float64Array(nS);
          const got = (w > 0 ? accumulatePatterned : accumulate)(nS, w, c, id, st, offset, weight, scale, E, K, outTotals, outScaled);
          expect(got, `${form}, seed ${seed}, width ${width}`).toBe(low ? -1 : max);
          for (let s = 0; s < nS; s++) {
            expect(Object.is(outTotals[s], totals[s]), `${form}, seed ${seed}, width ${width}, s ${s}`).toBe(true);
            expect(Object.is(outScaled[s], scaled[s]), `${form}, seed ${seed}, width ${width}, s ${s}`).toBe(true);
          }
          compared++;
        }
      }
    }
    expect(compared).toBe(16 * 10 + 16 * 5);
  });

  it('leave every stored total and shift of the backward pass bit for bit as one pattern per state, underflow fallback included', () => {
    let fallbacks = 0;
    for (const [name, graph] of [...grids(), ['gridworld with −800 cliffs (underflow fallback)', gridworldGraph(16, 10, -800) as FactorGraph<unknown, unknown>], ['torus with a −1000 band (every successor of its middle underflows)', torus(16, (x) => (x >= 3 && x <= 5 ? -1000 : -1))]] as const) {
      const runs = [true, false].map((shared) => {
        const layout = buildLayout(graph, shared);
        const rows = new ValueRows(graph.nS, graph.horizon + 1, graph.alpha, layout.shift);
        if (!graph.terminal) rows.writableValues(graph.horizon).fill(0);
        scaledBackwardPass(graph, rows, layout);
        return { rows, count: layout.patterns.scale.length };
      });
      expect(runs[0]!.count, name).toBeLessThan(runs[1]!.count);
      for (let t = 0; t <= graph.horizon; t++) {
        const [a, b] = [runs[0]!.rows, runs[1]!.rows];
        expect(a.holdsValues(t), `${name} t ${t}`).toBe(b.holdsValues(t));
        if (a.holdsValues(t) && t < graph.horizon) fallbacks++;
        expect(Object.is(a.shiftAt(t), b.shiftAt(t)), `${name} t ${t}`).toBe(true);
        const [x, y] = [a.stored(t), b.stored(t)];
        for (let s = 0; s < graph.nS; s++) expect(Object.is(x[s], y[s]), `${name} t ${t} s ${s}`).toBe(true);
      }
    }
    expect(fallbacks).toBeGreaterThan(0);
  });

  it('give forward marginals within 1e-12 of m_{t+1}(s′) = Σ_s m_t(s) Σ_a q_t(a, s′|s), q_t ∝ p(a|s) e^{r(s,a)/α} p(s′|s,a) e^{V_{t+1}(s′)/α}, before and after V_t was read', () => {
    for (const [name, graph] of [...grids(), ['torus with a −1000 band', torus(16, (x) => (x >= 3 && x <= 5 ? -1000 : -1))]] as const) {
      for (const readFirst of [false, true]) {
        const post = exact().run(graph, {});
        // Policy queries read V_t as a view (the row is turned into V): the forward step then forms its totals again.
        if (readFirst) for (let t = 0; t < graph.horizon; t += 2) post.policy(t, 0);
        const { nS, nA, alpha, prior, reward } = graph;
        const { rowStart, next, prob } = graph.dynamics;
        let m = Float64Array.from(post.stateMarginal(0));
        for (let t = 0; t < graph.horizon - 1; t++) {
          const v = post.V(t + 1);
          const out = new Float64Array(nS);
          for (let s = 0; s < nS; s++) {
            if (m[s] === 0) continue;
            // The posterior's joint step from s, in log space with one shift per state.
            const terms: [number, number][] = [];
            for (let a = 0; a < nA; a++) {
              if (!(prior[s * nA + a]! > 0)) continue;
              for (let k = rowStart[s * nA + a]!; k < rowStart[s * nA + a + 1]!; k++) terms.push([next[k]!, Math.log(prior[s * nA + a]! * prob[k]!) + (reward[s * nA + a]! + v[next[k]!]!) / alpha]);
            }
            const top = Math.max(...terms.map(([, l]) => l));
            const z = terms.reduce((sum, [, l]) => sum + Math.exp(l - top), 0);
            for (const [j, l] of terms) out[j] += (m[s]! * Math.exp(l - top)) / z;
          }
          const got = post.stateMarginal(t + 1);
          for (let s = 0; s < nS; s++) expect(Math.abs(got[s]! - out[s]!), `${name}, read first ${readFirst}, t ${t + 1}, s ${s}`).toBeLessThan(1e-12);
          m = out;
        }
      }
    }
  });
});

/**
 * The forward step as it was before the states with mass were listed (the form it replaces): every step sweeps S —
 * E_{t+1} = scale·total_{t+1} and K = 1/max by its own sweep (not the max the backward pass stored), or exp((V − M)/α)
 * from a row read as V; totals formed again from E·K when row t holds V; the scatter over every state in order, each
 * pattern row looped first entry first; out ·= E·K; then the normalisation of `forwardTo` over all of S.
 * Undefined when a state with mass has an underflowed total (that step takes the exact π and K, not compared here).
 */
function sweptForward(graph: FactorGraph<unknown, unknown>, rows: ValueRows, t: number, m: Float64Array): Float64Array | undefined {
  const { nS, alpha } = graph;
  const { scale, patterns: P } = scaledLayout(graph);
  const next = rows.stored(t + 1);
  const E = new Float64Array(nS);
  let K = 1;
  if (rows.holdsValues(t + 1)) for (let s = 0; s < nS; s++) E[s] = next[s] === -Infinity ? 0 : Math.exp((next[s]! - rows.shiftAt(t)) / alpha);
  else {
    let max = 0;
    for (let s = 0; s < nS; s++) {
      E[s] = scale[s]! * next[s]!;
      if (E[s]! > max) max = E[s]!;
    }
    K = max === 0 ? 1 : 1 / max;
  }
  let totals = rows.stored(t);
  if (rows.holdsValues(t)) {
    for (let s = 0; s < nS; s++) E[s] = E[s]! * K;
    K = 1;
    totals = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      let sum = 0;
      for (let k = P.start[P.id[s]!]!; k < P.start[P.id[s]! + 1]!; k++) sum += P.weight[k]! * E[s + P.offset[k]!]!;
      totals[s] = sum;
    }
  }
  const out = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    if (m[s] === 0) continue;
    if (!(totals[s]! > 1e-280)) return undefined;
    const w = m[s]! / totals[s]!;
    for (let k = P.start[P.id[s]!]!; k < P.start[P.id[s]! + 1]!; k++) out[s + P.offset[k]!] += w * P.weight[k]!;
  }
  for (let s = 0; s < nS; s++) if (out[s] !== 0) out[s] = out[s]! * (E[s]! * K);
  let total = 0;
  for (let s = 0; s < nS; s++) total += out[s]!;
  if (total > 0) for (let s = 0; s < nS; s++) out[s] = out[s]! / total;
  return out;
}

/** The scaled backward pass on fresh rows (deterministic: the engine's rows hold the same doubles). */
function backwardRows(graph: FactorGraph<unknown, unknown>): ValueRows {
  const layout = buildLayout(graph, true);
  const rows = new ValueRows(graph.nS, graph.horizon + 1, graph.alpha, layout.shift);
  if (!graph.terminal) rows.writableValues(graph.horizon).fill(0);
  scaledBackwardPass(graph, rows, layout);
  return rows;
}

const same = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
  let differ = 0;
  for (let s = 0; s < want.length; s++) if (!Object.is(got[s], want[s])) differ++;
  return differ;
};

describe('forward messages over the states with mass (forward.ts, issue 17 h23a)', () => {
  const graphs = (): [string, FactorGraph<unknown, unknown>][] => [
    ...grids(),
    ['5-action slippery gridworld 30×30 from its corner, T = 40', slipperyGraph(30, 40) as FactorGraph<unknown, unknown>],
    ['gridworld with −30 cliffs', gridworldGraph(16, 12, -30) as FactorGraph<unknown, unknown>],
    ...Array.from({ length: 8 }, (_, i) => [`random ${i + 1} (one pattern per state, unpadded)`, randomGraph(i + 1, 0.7, 1) as FactorGraph<unknown, unknown>] as [string, FactorGraph<unknown, unknown>]),
  ];

  it('keep every stateMarginal bit for bit as the step that sweeps all of S', () => {
    let compared = 0;
    for (const [name, graph] of graphs()) {
      const post = exact().run(graph, {});
      const rows = backwardRows(graph);
      let m: Float64Array = Float64Array.from(post.stateMarginal(0));
      for (let t = 0; t < graph.horizon - 1; t++) {
        const want = sweptForward(graph, rows, t, m);
        expect(want, `${name} t ${t}: no underflowed total on these graphs`).toBeDefined();
        expect(same(post.stateMarginal(t + 1), want!), `${name} t ${t + 1}: states that differ`).toBe(0);
        m = want!;
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('give the same marginals whatever order they are asked in (one forwardTo call fills one block)', () => {
    const graph = slipperyGraph(12, 20) as FactorGraph<unknown, unknown>;
    const [a, b] = [exact().run(graph, {}), exact().run(graph, {})];
    for (const t of [3, 3, 0, 11, 7, 19, 12]) a.stateMarginal(t);
    for (let t = 0; t < 20; t++) expect(same(a.stateMarginal(t), b.stateMarginal(t)), `t ${t}`).toBe(0);
    // A returned marginal is a copy: changing it changes no later answer.
    a.stateMarginal(5).fill(7);
    expect(same(a.stateMarginal(5), b.stateMarginal(5))).toBe(0);
  });

  it('keep the bits when rows were read as V first (E by exp, totals formed again) and from an initial spread over S', async () => {
    const { mergedForward } = await import('../src/engines/exact/forward.js');
    let compared = 0;
    let lists = 0;
    for (const [name, graph] of graphs()) {
      for (const read of ['none', 'odd', 'all'] as const) {
        const rows = backwardRows(graph);
        for (let t = 0; t <= graph.horizon; t++) if (read === 'all' || (read === 'odd' && t % 2 === 1)) rows.row(t);
        const step = mergedForward(graph, rows, () => {
          throw new Error('no total underflows on these graphs');
        });
        // Seeded (mulberry32, seed = the graph's size): mass on about a third of the states from which O can hold.
        const random = mulberry(graph.nS);
        const feasible = backwardRows(graph).stored(0);
        let m: Float64Array = Float64Array.from({ length: graph.nS }, (_, s) => (random() < 0.33 && feasible[s]! > 1e-280 ? random() : 0));
        const z = m.reduce((a, b) => a + b, 0);
        m = m.map((x) => x / z);
        for (let t = 0; t < graph.horizon - 1; t++) {
          const want = sweptForward(graph, rows, t, m);
          expect(want, `${name} t ${t}`).toBeDefined();
          const out = new Float64Array(graph.nS);
          const list = step(t, m, out);
          // The list: ascending, and it holds every state with mass; the normalisation as forwardTo does it.
          const n = list ? list.length : graph.nS;
          for (let i = 1; list && i < n; i++) expect(list[i]!, `${name} t ${t}`).toBeGreaterThan(list[i - 1]!);
          const listed = new Uint8Array(graph.nS).fill(list ? 0 : 1);
          for (let i = 0; i < n; i++) listed[list![i]!] = 1;
          for (let s = 0; s < graph.nS; s++) if (out[s] !== 0 && listed[s] === 0) expect.unreachable(`${name} t ${t}: s ${s} has mass and is not listed`);
          if (list) lists++;
          let total = 0;
          for (let i = 0; i < n; i++) total += out[list ? list[i]! : i]!;
          for (let i = 0; i < n; i++) out[list ? list[i]! : i] /= total;
          expect(same(out, want!), `${name}, read ${read}, t ${t + 1}: states that differ`).toBe(0);
          m = out;
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(lists).toBe(compared);
  });
});
