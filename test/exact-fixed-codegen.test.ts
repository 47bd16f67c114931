/**
 * The fixed-dynamics step generated per graph (src/engines/exact/fixed/codegen.ts)
 * against the generic step it stands in for (backup.ts `genericFixedStep`),
 * Object.is per state (bit for bit, NaN included), and end to end against
 * the values by definition (test/helpers/fixed-reference.ts, relative 1e-12):
 *
 * 1. Step level, seeded random graphs (mulberry32, seeds 1 … 12): rows of
 *    1 … 11 entries with one common length (the unrolled branch) and longer
 *    ones (the loop), absorbing rows, −Infinity rewards, priors uniform (a
 *    literal in the code) or with excluded actions, |A| ∈ {1, 3, 5, 17} (17:
 *    the loop over actions, not unrolled), α ∈ {0, 0.3, 1, 1e7} (1e7: the
 *    log1p/expm1 near rows), γ ∈ {0, 0.9, 1}, V_{t+1} with −Infinity, +Infinity
 *    (the NaN branch of a first successor c = +∞) and ordinary entries.
 * 2. End to end: `exact({ backup: 'fixed-dynamics' }).run` on a slippery gridworld large
 *    enough for the generated step (absorbing goal, a forbidden move, cliffs,
 *    uniform prior at α = 0.5, non-uniform at α = 0), every V_t within 1e-12
 *    of the values by definition.
 * 3. Without `new Function` (a page whose Content-Security-Policy has no
 *    'unsafe-eval'; stubbed here): no step is generated, the refusal is
 *    remembered, and the generic step gives the same V_t bit for bit.
 * 4. `literal` writes only doubles that parse back to the same bits.
 * 5. Without the generator installed (the root as a browser bundles it, not the
 *    package's Node entry): no step is generated.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { action, categorical, compile, exact, horizon, model, optimality, state, temperature, transition, type FactorGraph } from '../src/index.js';
import { fixedStepOf, genericFixedStep } from '../src/engines/exact/backup.js';
import '../src/engines/exact/fixed/install.js';
import { literal } from '../src/engines/exact/fixed/codegen.js';
import { fixedValuesByDefinition } from './helpers/fixed-reference.js';
import { mulberry } from './helpers/mulberry.js';


/** The arrays a step reads, as a compiled graph holds them (rows normalised, CSR). */
function randomTables(seed: number, nA: number, alpha: number, gamma: number, uniform: boolean): FactorGraph<unknown, unknown> {
  const random = mulberry(seed);
  const nS = 30;
  const common = 2 + (seed % 4);
  const rowStart = [0];
  const next: number[] = [];
  const prob: number[] = [];
  for (let row = 0; row < nS * nA; row++) {
    const u = random();
    const count = u < 0.1 ? 1 : u < 0.7 ? common : 1 + Math.floor(random() * 11);
    if (u < 0.05) {
      next.push(Math.floor(row / nA)); // absorbing
      prob.push(1);
    } else {
      const w = Array.from({ length: count }, () => 0.05 + random());
      const z = w.reduce((a, b) => a + b, 0);
      for (let k = 0; k < count; k++) {
        next.push(Math.floor(random() * nS));
        prob.push(w[k]! / z);
      }
    }
    rowStart.push(next.length);
  }
  const prior = new Float64Array(nS * nA);
  for (let s = 0; s < nS; s++) {
    const w = Array.from({ length: nA }, (_, a) => (uniform ? 1 : a > 0 && random() < 0.3 ? 0 : 0.2 + random()));
    const z = w.reduce((a, b) => a + b, 0);
    for (let a = 0; a < nA; a++) prior[s * nA + a] = w[a]! / z;
  }
  const reward = Float64Array.from({ length: nS * nA }, () => (random() < 0.12 ? -Infinity : Math.round((random() * 4 - 2) * 8) / 8));
  return {
    nS,
    nA,
    alpha,
    gamma,
    horizon: 10,
    prior,
    reward,
    dynamics: { rowStart: Int32Array.from(rowStart), next: Int32Array.from(next), prob: Float64Array.from(prob), nnz: next.length },
  } as unknown as FactorGraph<unknown, unknown>;
}

describe('generated fixed-dynamics step', () => {
  it('equals the generic step bit for bit on every branch', () => {
    let compared = 0;
    let special = 0;
    for (let seed = 1; seed <= 12; seed++) {
      for (const nA of [1, 3, 5, 17]) {
        for (const alpha of [0, 0.3, 1, 1e7]) {
          for (const gamma of [0, 0.9, 1]) {
            const graph = randomTables(seed * 100 + nA, nA, alpha, gamma, seed % 2 === 0);
            const step = fixedStepOf(graph, true);
            expect(step).toBeDefined();
            const random = mulberry(7000 + seed);
            const spread = alpha === 1e7 ? 1 : 20;
            for (let trial = 0; trial < 3; trial++) {
              const next = Float64Array.from({ length: graph.nS }, () => {
                const u = random();
                return u < 0.1 ? -Infinity : u < 0.13 && trial === 2 ? Infinity : (random() - 0.5) * spread;
              });
              const fast = new Float64Array(graph.nS);
              const plain = new Float64Array(graph.nS);
              step!(graph.reward, next, fast);
              genericFixedStep(graph, graph.reward, next, plain, new Float64Array(nA));
              for (let s = 0; s < graph.nS; s++) {
                if (!Object.is(fast[s], plain[s])) expect.fail(`seed ${seed}, |A| ${nA}, α ${alpha}, γ ${gamma}, trial ${trial}, s ${s}: ${fast[s]} vs ${plain[s]}`);
                if (!Number.isFinite(plain[s]!)) special++;
                compared++;
              }
            }
          }
        }
      }
    }
    expect(compared).toBe(12 * 4 * 4 * 3 * 3 * 30);
    // −Infinity and NaN states were reached, and not everywhere.
    expect(special).toBeGreaterThan(500);
    expect(special).toBeLessThan(compared / 2);
  });
});

type Cell = number;
const MOVES = ['N', 'S', 'E', 'W', 'stay'] as const;
type Move = (typeof MOVES)[number];

/** A slippery n×n gridworld: 0.8 where intended, 0.1 to each side; the last cell absorbing; E forbidden at a few cells. */
const compiled = new Map<string, FactorGraph<Cell, Move>>();
function gridworld(n: number, T: number, alpha: number, uniform: boolean): FactorGraph<Cell, Move> {
  const key = `${n} ${T} ${alpha} ${uniform}`;
  if (!compiled.has(key)) compiled.set(key, compileGridworld(n, T, alpha, uniform));
  return compiled.get(key)!;
}

function compileGridworld(n: number, T: number, alpha: number, uniform: boolean): FactorGraph<Cell, Move> {
  const go = (c: Cell, m: Move): Cell => {
    const x = c % n;
    const y = Math.floor(c / n);
    const [dx, dy] = m === 'N' ? [0, -1] : m === 'S' ? [0, 1] : m === 'E' ? [1, 0] : m === 'W' ? [-1, 0] : [0, 0];
    const nx = x + dx;
    const ny = y + dy;
    return nx < 0 || nx >= n || ny < 0 || ny >= n ? c : ny * n + nx;
  };
  const side: Record<Move, [Move, Move]> = { N: ['W', 'E'], S: ['E', 'W'], E: ['N', 'S'], W: ['S', 'N'], stay: ['N', 'S'] };
  const goal = n * n - 1;
  return compile(
    model<Cell, Move>(
      state('cell', Array.from({ length: n * n }, (_, i) => i), { initial: 0 }),
      action<Move, Cell>('move', MOVES, uniform ? {} : { prior: (s: Cell) => categorical<Move>(MOVES.map((m, k) => [m, 1 + ((s + k) % 3)] as [Move, number]).map(([m, w]) => [m, w / MOVES.reduce((z, _, j) => z + 1 + ((s + j) % 3), 0)])) }),
      transition<Cell, Move>((s, a) =>
        s === goal
          ? categorical([[s, 1]])
          : categorical([
              [go(s, a), 0.8],
              [go(s, side[a][0]), 0.1],
              [go(s, side[a][1]), 0.1],
            ]),
      ),
      optimality<Cell, Move>((s, a) => (s === goal ? 0 : a === 'E' && s % 7 === 3 ? -Infinity : (s * 7) % 17 === 3 ? -10 : -1)),
      temperature(alpha),
      horizon(T),
    ),
  );
}

describe('exact fixed-dynamics with the generated step', () => {
  it('gives every V_t within 1e-12 of the values by definition', () => {
    for (const [alpha, uniform] of [
      [0.5, true],
      [0, false],
    ] as const) {
      const graph = gridworld(64, 72, alpha, uniform);
      expect(fixedStepOf(graph as FactorGraph<unknown, unknown>), 'large enough for the generated step').toBeDefined();
      const post = exact({ backup: 'fixed-dynamics' }).run(graph, {});
      const reference = fixedValuesByDefinition(graph);
      let forbidden = 0;
      let compared = 0;
      for (let t = 0; t < 72; t++) {
        const v = post.V(t) as Float64Array;
        for (let s = 0; s < graph.nS; s++) {
          const want = reference[t]![s]!;
          if (want === -Infinity) forbidden++;
          if (!(Math.abs(v[s]! - want) <= 1e-12 * Math.max(1, Math.abs(want)) || v[s] === want)) expect.fail(`α ${alpha}, t ${t}, s ${s}: ${v[s]} vs ${want}`);
          compared++;
        }
      }
      expect(compared).toBe(72 * graph.nS);
      // The E-forbidden cells have finite values (other actions remain): no state is −∞ here.
      expect(forbidden).toBe(0);
    }
  });
});

describe('without new Function', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('runs the generic step, remembers the refusal, and gives the same V_t bit for bit', async () => {
    const graph = gridworld(64, 72, 0.5, true);
    const withCode = exact({ backup: 'fixed-dynamics' }).run(graph, {});
    vi.resetModules();
    const fresh = await import('../src/engines/exact/backup.js');
    const { exact: freshExact } = await import('../src/node-main.js');
    let calls = 0;
    vi.stubGlobal('Function', function refused() {
      calls++;
      throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source");
    });
    expect(fresh.fixedStepOf(graph as FactorGraph<unknown, unknown>)).toBeUndefined();
    const other = { ...graph } as FactorGraph<unknown, unknown>; // another graph object: made (or not) afresh
    expect(fresh.fixedStepOf(other)).toBeUndefined();
    expect(calls).toBe(1);
    const without = freshExact({ backup: 'fixed-dynamics' }).run(graph, {});
    for (let t = 0; t < 72; t++) {
      const a = withCode.V(t) as Float64Array;
      const b = without.V(t) as Float64Array;
      for (let s = 0; s < graph.nS; s++) if (!Object.is(a[s], b[s])) expect.fail(`t ${t}, s ${s}: ${a[s]} vs ${b[s]}`);
    }
  });
});

describe('the generator', () => {
  afterEach(() => vi.resetModules());

  it('is installed by the Node entry only', async () => {
    vi.resetModules();
    const root = await import('../src/index.js');
    const fresh = await import('../src/engines/exact/backup.js');
    const graph = { ...gridworld(64, 72, 0.5, true) } as FactorGraph<unknown, unknown>;
    expect(fresh.generators.fixed).toBeUndefined();
    expect(fresh.fixedStepOf(graph, true)).toBeUndefined();
    expect(root.exact({ backup: 'fixed-dynamics' }).run(graph, {}).V(0)).toHaveLength(graph.nS);
    await import('../src/node-main.js');
    expect(fresh.fixedStepOf(graph)).toBeDefined();
  });
});

describe('literal', () => {
  it('writes a double that parses back to the same bits, and nothing for a non-finite one', () => {
    const random = mulberry(5);
    const view = new DataView(new ArrayBuffer(8));
    const values = [0, -0, 1, 0.1, 1 / 3, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1e-300, 0.99, 0.999];
    for (let i = 0; i < 2000; i++) {
      view.setUint32(0, Math.floor(random() * 2 ** 32));
      view.setUint32(4, Math.floor(random() * 2 ** 32));
      values.push(view.getFloat64(0));
    }
    let checked = 0;
    for (const x of values) {
      const text = literal(x);
      if (!Number.isFinite(x)) {
        expect(text).toBeUndefined();
        continue;
      }
      expect(text).toMatch(/^\(-?[0-9.e+-]+\)$/);
      expect(Object.is(Number(text!.slice(1, -1)), x)).toBe(true);
      expect(Object.is(new Function(`return ${text!};`)() as number, x)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(1900);
    for (const x of [NaN, Infinity, -Infinity]) expect(literal(x)).toBeUndefined();
  });
});
