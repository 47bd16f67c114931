/**
 * Models that can only be simulated (src/simulate): the compiler's refusal,
 * the two simulators (over tables, over the model's functions) drawing from
 * the right distributions, and the checks made at each draw.
 */
import { describe, expect, it } from 'vitest';
import {
  action,
  CaiError,
  categorical,
  compile,
  exact,
  horizon,
  infer,
  model,
  optimality,
  state,
  transition,
  type Model,
} from '../src/index.js';
import { gaussian, rng } from '../src/dist/rng.js';
import { sampler } from '../src/dist/sampler.js';
import { compileModel, simulatorGraph, simulatorOf, tableSimulator } from '../src/simulate/index.js';
import { chiSquare } from './helpers/chi-square.js';

/** Three cells; 'r' moves right with probability 0.7 (else stays), 'l' moves left surely. */
const slip = (s: number, a: string) => (a === 'r' ? categorical([[Math.min(s + 1, 2), 0.7], [s, 0.3]]) : categorical([[Math.max(s - 1, 0), 1]]));
const parts = (next: (s: number, a: string) => unknown) =>
  [
    state('c', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.25], [2, 0.25]]) }),
    action('m', ['l', 'r'], { prior: (s: number) => categorical([['l', s / 4], ['r', 1 - s / 4]]) }),
    transition(next as (s: number, a: string) => ReturnType<typeof slip>),
    optimality((s: number, a: string, t: number) => (s === 2 ? 0 : -1 - 0.5 * t) + (a === 'l' ? -0.25 : 0)),
    optimality.terminal((s: number) => s),
    horizon(4),
  ] as const;
const tabulable: Model<number, string> = model(...parts(slip));
/** The same dynamics, but drawn by a sampler: same distribution, no tables. */
const sampled: Model<number, string> = model(
  ...parts((s, a) =>
    sampler((random) => {
      const u = random.next();
      return a === 'r' ? (u < 0.7 ? Math.min(s + 1, 2) : s) : Math.max(s - 1, 0);
    }),
  ),
);

/** Counts of `draw()` over the values 0 … k−1. */
function counts(n: number, k: number, draw: () => number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) c[draw()]!++;
  return c;
}

describe('compileModel and the refusal of exact()', () => {
  it('tabulates what can be tabulated and simulates the rest, saying why', () => {
    expect(compileModel(tabulable).kind).toBe('factor-graph');
    const graph = compileModel(sampled);
    expect(graph.kind).toBe('simulator');
    if (graph.kind !== 'simulator') return;
    expect(graph.reason).toBe("transition returned a sampler at s=0, a='l'");
    expect(graph.states?.values).toEqual([0, 1, 2]);
    expect(graph.horizon).toBe(4);
  });

  it('exact() refuses a sampler transition and a simulated state, suggesting the engines that simulate', () => {
    const refusal = (m: Model<unknown, unknown>) => {
      try {
        infer(m, exact());
      } catch (error) {
        return error as CaiError;
      }
      throw new Error('expected a refusal');
    };
    const fromSampler = refusal(sampled as Model<unknown, unknown>);
    expect(fromSampler.code).toBe('needs-simulator');
    expect(fromSampler.message).toBe(
      "exact(): transition returned a sampler at s=0, a='l', so the model has no tables, which exact() needs; return categorical(...) from the transition to tabulate it, or use importance({ particles: 1000 }) or variational({ gradient: 'score-function' }), which simulate",
    );
    const continuous = model(state.simulated('x', { initial: 0 }), action('push', [-1, 1]), transition((x: number, a: number) => sampler(() => x + a)), optimality(() => 0), horizon(2));
    expect(refusal(continuous as Model<unknown, unknown>).message).toMatch(/^exact\(\): state\.simulated\('x'\) has no finite domain, so the model has no tables, which exact\(\) needs; use importance/);
    expect(() => compile(continuous)).toThrow(/^compile\(\): state\.simulated\('x'\) has no finite domain, so the model has no tables; use importance/);
  });

  it('reports faults in the other tables before the refusal', () => {
    const broken = model(state('c', [0, 1], { initial: 5 }), action('m', ['l']), transition(() => sampler(() => 0)), optimality(() => 0), horizon(2));
    expect(() => compile(broken)).toThrow(expect.objectContaining({ code: 'initial-unknown' }));
  });
});

describe('the simulators draw from the model', () => {
  const N = 20_000;
  // Each χ² test rejects a correct sampler with probability 1e-4; seeds are fixed, so the outcome is reproducible.
  const ALPHA = 1e-4;
  const graph = compile(tabulable);
  const fromTables = tableSimulator(graph);
  const fromFunctions = simulatorOf(compileModel(sampled));

  it('s_0 follows the initial distribution', () => {
    const random = rng(11);
    expect(chiSquare(counts(N, 3, () => fromTables.initial(random)), [0.5, 0.25, 0.25]).pValue).toBeGreaterThan(ALPHA);
    expect(chiSquare(counts(N, 3, () => fromFunctions.initial(random) as number), [0.5, 0.25, 0.25]).pValue).toBeGreaterThan(ALPHA);
  });

  it('s_{t+1} follows p(· | s, a), from the CSR rows and from the sampler', () => {
    const random = rng(12);
    for (const s of [0, 1, 2]) {
      for (const a of [0, 1]) {
        const expected = [0, 0, 0];
        const dist = slip(s, a === 0 ? 'l' : 'r');
        dist.support.forEach((v, i) => (expected[v] = expected[v]! + dist.probs[i]!));
        expect(chiSquare(counts(N / 4, 3, () => fromTables.step(s, a, random)), expected).pValue).toBeGreaterThan(ALPHA);
        expect(chiSquare(counts(N / 4, 3, () => fromFunctions.step(s, a, random) as number), expected).pValue).toBeGreaterThan(ALPHA);
      }
    }
  });

  it('rewards, terminal rewards and the action prior equal the compiled tables', () => {
    const out = new Float64Array(2);
    const onFunctions = simulatorGraph(tabulable, 'for the test').simulator;
    for (let s = 0; s < 3; s++) {
      onFunctions.prior(s, out);
      expect([...out]).toEqual([...graph.prior.subarray(s * 2, s * 2 + 2)]);
      fromTables.prior(s, out);
      expect([...out]).toEqual([...graph.prior.subarray(s * 2, s * 2 + 2)]);
      expect(onFunctions.terminal(s)).toBe(graph.terminal![s]);
      expect(fromTables.terminal(s)).toBe(graph.terminal![s]);
      for (let a = 0; a < 2; a++) {
        for (let t = 0; t < 4; t++) {
          expect(onFunctions.reward(s, a, t)).toBe(graph.rewardAt(t)[s * 2 + a]);
          expect(fromTables.reward(s, a, t)).toBe(graph.rewardAt(t)[s * 2 + a]);
        }
      }
    }
  });

  it('is reproducible from the seed', () => {
    const run = (seed: number) => {
      const random = rng(seed);
      const path: unknown[] = [];
      let x = fromFunctions.initial(random);
      for (let t = 0; t < 4; t++) path.push((x = fromFunctions.step(x, t % 2, random)));
      return path;
    };
    expect(run(5)).toEqual(run(5));
  });

  it('simulates continuous and factored states, records in declared order', () => {
    const m = model(
      state.simulated('x', { initial: sampler((random) => gaussian(random)) }),
      state('mode', ['calm', 'windy'], { initial: 'calm' }),
      action('push', [-1, 1]),
      transition('x', (s: { x: number; mode: string }, a: number) => sampler((random) => s.x + a + (s.mode === 'windy' ? gaussian(random) : 0))),
      transition('mode', () => categorical([['calm', 0.5], ['windy', 0.5]])),
      optimality((s: { x: number }) => -s.x * s.x),
      horizon(3),
    );
    const graph = compileModel(m);
    expect(graph.kind).toBe('simulator');
    const sim = simulatorOf(graph);
    expect(sim.states).toBeUndefined();
    const random = rng(3);
    const s0 = sim.initial(random) as { x: number; mode: string };
    expect(Object.keys(s0)).toEqual(['x', 'mode']);
    const s1 = sim.step(s0, 1, random) as { x: number; mode: string };
    expect(Object.keys(s1)).toEqual(['x', 'mode']);
    expect(s1.x).toBe(s0.x + 1); // calm at t = 0: no noise
    expect(sim.index(s1)).toBe(-1);
    expect(sim.reward(s1, 0, 1)).toBe(-s1.x * s1.x);
  });
});

describe('every draw is checked', () => {
  const random = rng(1);
  const one = (next: (s: number, a: string) => unknown, reward: (s: number) => number = () => 0) =>
    simulatorOf(compileModel(model(state('c', [0, 1], { initial: 0 }), action('m', ['go']), transition(next as never), optimality(reward), horizon(2))));
  const error = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as CaiError;
    }
    throw new Error('expected an error');
  };

  it('a sampled value outside a finite domain', () => {
    const sim = one(() => sampler(() => 7));
    const e = error(() => sim.step(0, 0, random));
    expect(e.code).toBe('successor-unknown');
    expect(e.message).toBe("transition: p(·|s=0, a='go') gave 7, which is not in state('c')");
    expect([e.state, e.action]).toEqual([0, 'go']);
  });

  it('a sampler that returns NaN or nothing', () => {
    const sim = one(() => sampler(() => NaN));
    expect(error(() => sim.step(0, 0, random)).message).toBe("transition: p(·|s=0, a='go') sampled NaN; a sampler must return a state value (a finite number, a string, a record …)");
    expect(error(() => one(() => sampler(() => undefined)).step(0, 0, random)).code).toBe('sample-invalid');
  });

  it('a distribution that does not sum to 1, drawn at run time', () => {
    const sim = one((s) => (s === 0 ? sampler(() => 1) : categorical([[0, 0.5]])));
    expect(error(() => sim.step(1, 0, random)).message).toBe("transition: p(·|s=1, a='go') sums to 0.5; expected 1 ± 1e-9 (no silent renormalisation)");
  });

  it('a NaN reward names the state, action and time (a finite model reports it at compile time instead)', () => {
    expect(() => one(() => sampler(() => 1), () => NaN)).toThrow(expect.objectContaining({ code: 'reward-invalid' }));
    const sim = simulatorOf(compileModel(model(state.simulated('x', { initial: 0 }), action('m', ['go']), transition((x: number) => sampler(() => x + 1)), optimality((x: number) => (x > 0 ? NaN : 0)), horizon(2))));
    expect(sim.reward(0, 0, 0)).toBe(0);
    const e = error(() => sim.reward(1, 0, 1));
    expect(e.code).toBe('reward-invalid');
    expect(e.message).toBe("optimality: r(s=1, a='go', t=1) is NaN; rewards must be finite or −Infinity (a hard constraint)");
    expect(e.t).toBe(1);
  });

  it('state.simulated needs an initial value', () => {
    expect(() => state.simulated('x', {} as never)).toThrow("state.simulated('x'): give { initial }: a value, a distribution or sampler((random) => value) for s_0");
  });
});
