/**
 * Inverse RL, the objective: the reported log-likelihood is Σ posterior.logProb
 * of the exact engine (compiled independently from the learned model), its
 * gradient matches central finite differences, the fused solver's
 * occupancies match the engine's marginals, and malformed demonstrations
 * and options get errors naming the demonstration, step and fix.
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
  temperature,
  transition,
} from '../src/index.js';
import type { Model, Part } from '../src/index.js';
import { OccupancySolver } from '../src/engines/exact/occupancy/index.js';
import { demonstrationsFrom, demonstrationsJSON, indicatorFeatures, inferReward, loadDemonstrations, rewardLikelihood, type Demonstration, type IrlVariant } from '../src/irl/index.js';
import { loadDemonstrations as loadDemonstrationsFile } from '../src/node/index.js';

type Move = 'N' | 'S' | 'E' | 'W' | 'stay';
const MOVES: readonly Move[] = ['N', 'S', 'E', 'W', 'stay'];

interface World {
  readonly world: Model<number, Move>;
  readonly phi: (s: number, a: Move) => number[];
  readonly W: number;
}

/**
 * A W×H gridworld, moves slip to 'stay' with probability `slip`; the action
 * prior forbids 'stay' in the top row (zeros in p(a|s)); starts spread over
 * three cells. Features: goal cell, bog cells, column/W, 'stay'.
 */
function gridworld(W: number, H: number, T: number, slip: number, alpha = 1): World {
  const cells = Array.from({ length: W * H }, (_, i) => i);
  const goal = W * H - 1;
  const bog = (s: number) => s % W === 1 && Math.floor(s / W) > 0;
  const step = (s: number, a: Move) => {
    const x = s % W;
    const y = Math.floor(s / W);
    const [nx, ny] = a === 'N' ? [x, y - 1] : a === 'S' ? [x, y + 1] : a === 'E' ? [x + 1, y] : a === 'W' ? [x - 1, y] : [x, y];
    return nx < 0 || ny < 0 || nx >= W || ny >= H ? s : ny * W + nx;
  };
  const world = model<number, Move>(
    state('cell', cells, { initial: categorical([[0, 0.5], [W, 0.3], [2, 0.2]]) }),
    action('move', MOVES, { prior: (s: number) => (s < W ? categorical<Move>([['N', 0.25], ['S', 0.25], ['E', 0.25], ['W', 0.25]]) : categorical(MOVES.map((m) => [m, 0.2] as const))) }),
    transition((s: number, a: Move) => (slip > 0 && a !== 'stay' && step(s, a) !== s ? categorical([[step(s, a), 1 - slip], [s, slip]]) : categorical([[step(s, a), 1]]))),
    optimality(() => 0),
    temperature(alpha),
    horizon(T),
  );
  const phi = (s: number, a: Move) => [s === goal ? 1 : 0, bog(s) ? 1 : 0, (s % W) / W, a === 'stay' ? 1 : 0];
  return { world, phi, W };
}

const THETA = [1.5, -1, 0.8, -0.4];

/** The model's parts without those of the given kinds. */
function without(m: Model<number, Move>, ...kinds: string[]): Part<number, Move>[] {
  return m.parts.filter((p) => !kinds.includes(p.kind)) as Part<number, Move>[];
}

function linear(phi: (s: number, a: Move) => number[], theta: readonly number[]) {
  return (s: number, a: Move) => phi(s, a).reduce((acc, f, k) => acc + f * theta[k]!, 0);
}

/** Demonstrations drawn from the exact posterior (or the fixed-dynamics one) under θ, some cut short. */
function demonstrations(w: World, theta: readonly number[], backup: 'posterior' | 'fixed-dynamics', n: number, seed: number): Demonstration<number, Move>[] {
  const expert = model<number, Move>(...without(w.world, 'optimality'), optimality(linear(w.phi, theta)));
  return demonstrationsFrom(infer(expert, exact({ backup })).sample(n, { seed })).map((d, i) => (i % 3 === 1 ? d.slice(0, 1 + (i % 4)) : d));
}

const variants: readonly [IrlVariant, 'posterior' | 'fixed-dynamics'][] = [
  ['maxent', 'posterior'],
  ['causal', 'fixed-dynamics'],
];

describe('the log-likelihood is Σ logProb under the exact engine', () => {
  /**
   * Σ log p(τ) under `post`: with start 'posterior' its logProb; with 'observed' the start's
   * log p(s_0|O) swapped for log p(s_0) (the default conditions on each demonstration's start).
   */
  function reference(post: ReturnType<typeof infer<number, Move>>, demos: Demonstration<number, Move>[], start: 'observed' | 'posterior', p0: Float64Array): number {
    const q0 = post.stateMarginal(0);
    return demos.reduce((acc, d) => {
      const s0 = post.graph.states.indexOf(d[0]!.state);
      const swap = start === 'observed' ? Math.log(p0[s0]!) - Math.log(q0[s0]!) : 0;
      return acc + post.logProb({ states: d.map((x) => x.state), actions: d.map((x) => x.action) }) + swap;
    }, 0);
  }
  for (const slip of [0, 0.25]) {
    for (const [variant, backup] of variants) {
      for (const start of ['observed', 'posterior'] as const) {
        it(`${variant}, slip ${slip}, start '${start}': at several θ, against a posterior compiled from the learned model`, () => {
          const w = gridworld(3, 3, 5, slip, 0.7);
          const p0 = compile(w.world).initial;
          const demos = demonstrations(w, THETA, backup, 9, 11);
          const J = rewardLikelihood(w.world, demos, { features: w.phi, variant, start });
          for (const theta of [[0, 0, 0, 0], THETA, [-2, 3, 1, 0.5]]) {
            const value = J.evaluate(theta);
            // Independent path: the model with optimality(r_θ), compiled and solved by exact().
            const post = infer(J.model(Float64Array.from(theta)), exact({ backup }));
            const ref = reference(post, demos, start, p0);
            expect(Math.abs(value.logLikelihood - ref)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(ref)));
            expect(value.objective).toBe(value.logLikelihood); // l2 = 0
          }
        });
      }
    }
  }

  it('a reward range of 1e3·α makes the scaled pass underflow: still exact, through the log-space fallback', () => {
    const w = gridworld(4, 3, 6, 0.25, 0.01);
    const theta = [12, -10, 8, -5];
    const demos = demonstrations(w, [0.02, -0.01, 0.01, 0], 'posterior', 6, 5);
    for (const start of ['observed', 'posterior'] as const) {
      const J = rewardLikelihood(w.world, demos, { features: w.phi, start });
      const value = J.evaluate(theta);
      const post = infer(J.model(Float64Array.from(theta)), exact());
      const ref = reference(post, demos, start, compile(w.world).initial);
      expect(Number.isFinite(ref)).toBe(true);
      expect(Math.abs(value.logLikelihood - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref));
    }
  });
});

describe('the gradient is (empirical − expected)/α − l2·θ, exactly', () => {
  for (const slip of [0, 0.25]) {
    for (const [variant, backup] of variants) {
      for (const start of ['observed', 'posterior'] as const) {
        it(`${variant}, slip ${slip}, start '${start}', l2 = 0.3: central differences (h = 1e-5) agree to 1e-6 relative`, () => {
          const w = gridworld(3, 3, 5, slip, 0.7);
          const demos = demonstrations(w, THETA, backup, 9, 12);
          const J = rewardLikelihood(w.world, demos, { features: w.phi, variant, start, l2: 0.3 });
          const theta = [0.4, -0.3, 1.2, 0.2];
          const { gradient } = J.evaluate(theta);
          const h = 1e-5;
          for (let k = 0; k < theta.length; k++) {
            const up = theta.slice();
            const down = theta.slice();
            up[k]! += h;
            down[k]! -= h;
            const fd = (J.evaluate(up).objective - J.evaluate(down).objective) / (2 * h);
            expect(Math.abs(gradient[k]! - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
          }
        });
      }
    }
  }

  for (const of of ['state', 'state-action'] as const) {
    it(`indicatorFeatures('${of}') (${of === 'state' ? 'state' : 'per-pair'} occupancies) at α = 0.01, where the scaled pass underflows: 1e-5 relative`, () => {
      const w = gridworld(4, 3, 6, 0.25, 0.01);
      const demos = demonstrations(w, [0.02, -0.01, 0.01, 0], 'posterior', 6, 5);
      const J = rewardLikelihood(w.world, demos, { features: indicatorFeatures(of) });
      const theta = Array.from({ length: J.size }, (_, k) => 8 * Math.sin(k * 1.7));
      const { gradient } = J.evaluate(theta);
      const h = 1e-6;
      for (const k of [0, 5, 7, 11, 13, 30, 59].filter((k) => k < J.size)) {
        const up = theta.slice();
        const down = theta.slice();
        up[k]! += h;
        down[k]! -= h;
        const fd = (J.evaluate(up).objective - J.evaluate(down).objective) / (2 * h);
        expect(Math.abs(gradient[k]! - fd)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
      }
    });
  }
});

describe('the fused solver against the exact engine', () => {
  for (const backup of ['posterior', 'fixed-dynamics'] as const) {
    it(`${backup}: Σ_t p(s_t|O), Σ_t p(s_t,a_t|O), log p(O) and π_t match; occupancies sum to T (1e-12)`, () => {
      const w = gridworld(3, 3, 6, 0.25, 0.7);
      const r = linear(w.phi, THETA);
      const graph = compile(model<number, Move>(...without(w.world, 'optimality'), optimality(r)));
      const post = infer(graph, exact({ backup }));
      const solver = new OccupancySolver(graph as never, backup);
      expect(Math.abs(solver.solve(graph.reward) - post.logEvidence)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(post.logEvidence)));
      const states = new Float64Array(graph.nS);
      const pairs = new Float64Array(graph.nS * graph.nA);
      solver.forward((t, m) => {
        if (t === 0) for (let s = 0; s < graph.nS; s++) m[s] = m[s]! + solver.initialPosterior[s]!;
      }, states, pairs);
      const sumStates = new Float64Array(graph.nS);
      const sumPairs = new Float64Array(graph.nS * graph.nA);
      for (let t = 0; t < graph.horizon; t++) {
        post.stateMarginal(t).forEach((p, s) => (sumStates[s] = sumStates[s]! + p));
        post.stateActionMarginal(t).forEach((p, i) => (sumPairs[i] = sumPairs[i]! + p));
        const table = post.policyTable(t);
        for (let s = 0; s < graph.nS; s++) for (let a = 0; a < graph.nA; a++) expect(Math.abs(solver.policy(t, s, a) - table[s * graph.nA + a]!)).toBeLessThanOrEqual(1e-12);
      }
      states.forEach((x, s) => expect(Math.abs(x - sumStates[s]!)).toBeLessThanOrEqual(1e-12));
      pairs.forEach((x, i) => expect(Math.abs(x - sumPairs[i]!)).toBeLessThanOrEqual(1e-12));
      expect(Math.abs(states.reduce((a, b) => a + b, 0) - graph.horizon)).toBeLessThanOrEqual(1e-12 * graph.horizon);
    });
  }
});

describe('the fused solver where the scaled pass underflows', () => {
  it('mass injected at a state redone in log space flows on as the exact posterior from that state', () => {
    // α = 0.01 and rewards ±8: totals underflow and some states are redone exactly (exactRow = 1).
    const w = gridworld(4, 3, 6, 0.25, 0.01);
    const theta = Array.from({ length: 12 }, (_, k) => 8 * Math.sin(k * 1.7));
    const r = (s: number) => theta[s]!;
    const graph = compile(model<number, Move>(...without(w.world, 'optimality'), optimality(r)));
    const solver = new OccupancySolver(graph as never, 'posterior');
    solver.solve(graph.reward);
    const flags = (solver as unknown as { exactRow: Uint8Array }).exactRow;
    let checked = 0;
    for (let t = 1; t < graph.horizon; t++) {
      for (let s = 0; s < graph.nS; s++) {
        if (flags[t * graph.nS + s] !== 1) continue;
        // From (t, s) on, the posterior is that of the same world started at s with T − t decisions.
        const rest = infer(model<number, Move>(...without(w.world, 'optimality', 'horizon', 'state'), state('cell', Array.from({ length: 12 }, (_, i) => i), { initial: s }), optimality(r), horizon(graph.horizon - t)), exact());
        const states = new Float64Array(graph.nS);
        solver.forward((u, m) => {
          if (u === t) m[s] = m[s]! + 1;
        }, states);
        const expected = new Float64Array(graph.nS);
        for (let u = 0; u < graph.horizon - t; u++) rest.stateMarginal(u).forEach((p, i) => (expected[i] = expected[i]! + p));
        states.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThanOrEqual(1e-9));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('malformed demonstrations name the demonstration and the step', () => {
  const w = gridworld(3, 3, 4, 0.25);
  const ok: Demonstration<number, Move> = [
    { state: 0, action: 'E' },
    { state: 1, action: 'S' },
  ];
  const fit = (demos: unknown) => () => rewardLikelihood(w.world, demos as Demonstration<number, Move>[], { features: w.phi });
  const caught = (f: () => unknown): CaiError => {
    try {
      f();
    } catch (error) {
      if (error instanceof CaiError) return error;
      throw error;
    }
    throw new Error('expected a CaiError');
  };

  it('an unknown state', () => {
    const e = caught(fit([ok, [{ state: 0, action: 'E' }, { state: 1, action: 'S' }, { state: 42, action: 'N' }]]));
    expect(e.code).toBe('demonstration-invalid');
    expect(e.message).toContain('irl: demonstration 1, step 2: state 42 is not a state of the model');
    expect(e.state).toBe(42);
  });
  it('an unknown action', () => {
    const e = caught(fit([[{ state: 0, action: 'jump' }]]));
    expect(e.message).toContain("demonstration 0, step 0: action 'jump' is not an action of the model");
  });
  it('a step the dynamics cannot produce', () => {
    const e = caught(fit([ok, ok, [{ state: 0, action: 'E' }, { state: 4, action: 'N' }]]));
    expect(e.message).toContain("demonstration 2, step 0: s=0 → s′=4 under a='E' has probability 0 under the model's dynamics");
  });
  it('an action the prior forbids, and a start p(s_0) gives 0', () => {
    const e = caught(fit([[{ state: 1, action: 'stay' }]]));
    expect(e.issues.map((i) => i.message)).toEqual([
      'irl: demonstration 0, step 0: the demonstration starts at s=1, which has p(s_0) = 0 under the model\'s initial distribution',
      "irl: demonstration 0, step 0: a='stay' has prior probability 0 at s=1",
    ]);
  });
  it('a demonstration longer than the horizon', () => {
    const long = [0, 0, 0, 0, 0].map((s) => ({ state: s, action: 'N' as Move }));
    expect(caught(fit([long])).message).toContain('demonstration 0, step 4: the demonstration has 5 steps, more than the horizon T = 4');
  });
  it('every fault at once, and the shape of each step', () => {
    const e = caught(fit([[{ state: 42, action: 'N' }], [{ state: 0, action: 'jump' }]]));
    expect(e.issues.length).toBe(2);
    expect(caught(fit([[{ state: 0 }]])).message).toBe('irl: demonstration 0, step 0 is {state:0}; expected { state, action }');
    expect(caught(fit([[]])).message).toContain('demonstration 0 is empty');
    expect(caught(fit([])).message).toContain('no demonstrations');
  });
});

describe('options and models IRL cannot use', () => {
  const w = gridworld(3, 3, 4, 0.25);
  const demos: Demonstration<number, Move>[] = [[{ state: 0, action: 'E' }]];
  it('features of the wrong length, NaN features, a misspelt option', () => {
    const bad = (s: number, a: Move) => (s === 4 ? [1, 2] : w.phi(s, a));
    expect(() => rewardLikelihood(w.world, demos, { features: bad })).toThrow("features: φ(s=4, a='N') has length 2 but θ has 4");
    expect(() => rewardLikelihood(w.world, demos, { features: () => [NaN] })).toThrow("features: φ(s=0, a='N')[0] is NaN; features must be finite numbers");
    expect(() => inferReward(w.world, demos, { features: w.phi, stpes: 3 } as never)).toThrow("inferReward: unknown option 'stpes' (did you mean 'steps'?)");
    expect(() => rewardLikelihood(w.world, demos, { features: w.phi }).evaluate([1, 2])).toThrow('has length 2 but θ has 4');
  });
  it('α = 0; an unknown start', () => {
    const parts = without(w.world, 'horizon', 'temperature');
    expect(() => rewardLikelihood(w.world, demos, { features: w.phi, start: 'first' as never })).toThrow("rewardLikelihood: start must be 'observed'");
    expect(() => rewardLikelihood(model<number, Move>(...parts, horizon(4), temperature(0)), demos, { features: w.phi })).toThrow('give a temperature α > 0');
  });
});

describe('the JSON format', () => {
  it('round-trips through demonstrationsJSON, from text, an object and the example file', () => {
    const demos: Demonstration<{ x: number; y: number }, string>[] = [
      [{ state: { x: 0, y: 0 }, action: 'E' }, { state: { x: 1, y: 0 }, action: 'S' }],
      [{ state: { x: 2, y: 1 }, action: 'N' }],
    ];
    const text = demonstrationsJSON(demos);
    expect(loadDemonstrations(text)).toEqual(demos);
    expect(loadDemonstrations(JSON.parse(text))).toEqual(demos);
    const file = loadDemonstrationsFile<{ x: number; y: number }, string>(new URL('../dsl-examples/data/gridworld-demos.json', import.meta.url).pathname);
    expect(file.length).toBeGreaterThan(0);
    expect(file[0]![0]).toHaveProperty('state');
  });
  it('bad JSON, a missing file and a wrong shape are errors', () => {
    expect(() => loadDemonstrations('{ "demonstrations": [ ')).toThrow('loadDemonstrations: the JSON does not parse');
    expect(() => loadDemonstrationsFile('/no/such/file.json')).toThrow("loadDemonstrations: cannot read '/no/such/file.json'");
    // The root entry reads no files (it must bundle for a browser): a path is refused with the way to read it.
    expect(() => loadDemonstrations('/no/such/file.json')).toThrow("loadDemonstrations: '/no/such/file.json' is not JSON text; expected { \"demonstrations\": [[{ \"state\": …, \"action\": … }, …], …] }. To read a file, import { loadDemonstrations } from 'control-as-inference/node'");
    expect(() => loadDemonstrations({ trajectories: [] } as never)).toThrow('expected { "demonstrations": [[{ "state": …, "action": … }, …], …] }');
  });
});
