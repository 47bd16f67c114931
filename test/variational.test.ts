/**
 * The variational engine on tabulated models (issue 3; RELIABILITY 9–11):
 * the ELBO identities at the optimum, the bound on random models, the exact
 * gradient against finite differences, hard constraints, the linear family,
 * and the fit record. References are the exact engine (log Z and the
 * fixed-dynamics optimum) and the testing kit's independent ELBO of a policy
 * (`checkPosterior(...).elbo`, plain loops over the model's own functions).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  action,
  categorical,
  compile,
  deterministic,
  discount,
  evaluate,
  exact,
  horizon,
  infer,
  linearSoftmax,
  model,
  optimality,
  state,
  tabularSoftmax,
  temperature,
  transition,
  variational,
  variationalFit,
  type Model,
  type Posterior,
} from '../src/index.js';
import { ExactElbo } from '../src/engines/variational/elbo.js';
import { arbitraryModelSpec, buildModel, checkPosterior } from '../src/testing/index.js';
import { centralDifference } from './helpers/finite-difference.js';

interface Cell {
  readonly x: number;
  readonly y: number;
}
type Move = 'N' | 'S' | 'E' | 'W';
const MOVES: readonly Move[] = ['N', 'S', 'E', 'W'];
const DELTA: Record<Move, readonly [number, number]> = { N: [0, -1], S: [0, 1], E: [1, 0], W: [-1, 0] };

/**
 * A W×H gridworld from (0,0) to the absorbing goal (W−1,H−1): −1 per step, 0 at the goal,
 * `pit` cells forbidden (r = −∞). With `slip` > 0 the move fails (stays put) with that probability.
 */
function grid(options: { width: number; height: number; T: number; slip?: number; pits?: readonly Cell[]; alpha?: number }): Model<Cell, Move> {
  const { width, height, T } = options;
  const slip = options.slip ?? 0;
  const cells: Cell[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) cells.push({ x, y });
  const isGoal = (s: Cell) => s.x === width - 1 && s.y === height - 1;
  const isPit = (s: Cell) => (options.pits ?? []).some((p) => p.x === s.x && p.y === s.y);
  const move = (s: Cell, a: Move): Cell => {
    const x = s.x + DELTA[a][0];
    const y = s.y + DELTA[a][1];
    return x < 0 || x >= width || y < 0 || y >= height ? s : { x, y };
  };
  return model<Cell, Move>(
    state('cell', cells, { initial: { x: 0, y: 0 } }),
    action('move', MOVES),
    transition((s: Cell, a: Move) => (isGoal(s) ? deterministic(s) : slip > 0 ? categorical([[move(s, a), 1 - slip], [s, slip]]) : deterministic(move(s, a)))),
    optimality((s: Cell) => (isPit(s) ? -Infinity : isGoal(s) ? 0 : -1)),
    temperature(options.alpha ?? 1),
    horizon(T),
  );
}

/** max |q_t(a|s) − π_t(a|s)| over the states q reaches at t with probability ≥ `minMass`. */
function policyDistance(q: Posterior<unknown, unknown>, reference: Posterior<unknown, unknown>, minMass: number): number {
  const { nS, nA } = reference.graph;
  let worst = 0;
  for (let t = 0; t < reference.horizon; t++) {
    const d = q.stateMarginal(t);
    const a = q.policyTable(t);
    const b = reference.policyTable(t);
    for (let s = 0; s < nS; s++) {
      if (d[s]! < minMass) continue;
      for (let k = 0; k < nA; k++) worst = Math.max(worst, Math.abs(a[s * nA + k]! - b[s * nA + k]!));
    }
  }
  return worst;
}

const TIGHT = { steps: 20_000, tolerance: 1e-15 } as const;

/**
 * A variational posterior of a tabulated model, typed as one: the engine reads 'simulator'
 * (it also runs on simulated models), so `infer` types its result with a `CompiledModel` graph.
 */
function tables<S, A>(post: Posterior<S, A, 'simulator'>): Posterior<S, A> {
  expect(post.graph.kind).toBe('factor-graph');
  return post as unknown as Posterior<S, A>;
}

describe('variational(): the ELBO identities at the optimum', () => {
  it('deterministic dynamics, time-indexed tabular family: ELBO = log Z within 1e-6 and q = the exact posterior policy', () => {
    const m = grid({ width: 4, height: 3, T: 7, pits: [{ x: 1, y: 1 }, { x: 2, y: 0 }] });
    const logZ = infer(m, exact()).logEvidence;
    const post = infer(m, variational({ family: tabularSoftmax({ timeIndexed: true }), ...TIGHT }));
    expect(post.evidence.kind).toBe('lower-bound');
    expect(post.logEvidence).toBeLessThanOrEqual(logZ + 1e-12);
    expect(logZ - post.logEvidence).toBeLessThan(1e-6);
    // With deterministic dynamics the gap is Σ_t E_q[KL(q_t ‖ π_t)], so q matches wherever q goes
    // (every state q reaches; elsewhere q stays at the prior, which the ELBO does not see). Measured: 8e-8.
    expect(policyDistance(tables(post) as Posterior<unknown, unknown>, infer(m, exact()) as Posterior<unknown, unknown>, Number.MIN_VALUE)).toBeLessThan(1e-6);
    const fit = variationalFit(post);
    expect(fit.gap).toBeCloseTo(logZ - post.logEvidence, 15);
    expect(post.evidence.description).toContain('log p(O) − ELBO');
  });

  it('stochastic dynamics: q = the exact fixed-dynamics policy within 1e-4 and ELBO = its logEvidence', () => {
    const m = grid({ width: 3, height: 3, T: 6, slip: 0.3, pits: [{ x: 1, y: 1 }] });
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const logZ = infer(m, exact()).logEvidence;
    const post = infer(m, variational(TIGHT));
    expect(Math.abs(post.logEvidence - fixed.logEvidence)).toBeLessThan(1e-8);
    // The optimistic posterior is strictly above: the gap is real, not rounding.
    expect(logZ - post.logEvidence).toBeGreaterThan(1e-3);
    // Every state q reaches (measured: 9e-8); the issue asks for 1e-4.
    expect(policyDistance(tables(post) as Posterior<unknown, unknown>, fixed as Posterior<unknown, unknown>, Number.MIN_VALUE)).toBeLessThan(1e-6);
    // Q^q and V^q are the soft values of q; at the optimum they are the fixed-dynamics ones (reward units).
    const d = post.stateMarginal(2);
    const vq = post.V(2);
    const vf = fixed.V(2);
    for (let s = 0; s < d.length; s++) if (d[s]! > 1e-3) expect(Math.abs(vq[s]! - vf[s]!)).toBeLessThan(1e-6);
  });

  it('α ≠ 1 and a finite horizon with discount: the optimum is the fixed-dynamics one in the same units', () => {
    for (const alpha of [0.5, 2]) {
      const m = grid({ width: 3, height: 2, T: 5, slip: 0.2, alpha });
      const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
      const post = infer(m, variational(TIGHT));
      expect(Math.abs(post.logEvidence - fixed.logEvidence)).toBeLessThan(1e-8);
      expect(post.value).toBeCloseTo(alpha * post.logEvidence, 12);
    }
    const discounted = model<number, string>(
      state('s', [0, 1, 2], { initial: 0 }),
      action('a', ['stay', 'go']),
      transition((s: number, a: string) => (a === 'go' ? categorical([[Math.min(s + 1, 2), 0.7], [s, 0.3]]) : deterministic(s))),
      optimality((s: number, a: string) => (s === 2 ? 1 : a === 'go' ? -0.5 : 0)),
      horizon(6),
      discount(0.8),
    );
    const fixed = infer(discounted, exact({ backup: 'fixed-dynamics' }));
    const post = infer(discounted, variational(TIGHT));
    expect(Math.abs(post.logEvidence - fixed.logEvidence)).toBeLessThan(1e-8);
  });
});

describe('variational(): the bound on random models (fast-check, seed 17)', () => {
  it('200 models: ELBO ≤ log Z (+1e-12), logEvidence = the ELBO of its own q by an independent sum, and never above the fixed-dynamics optimum', () => {
    let feasible = 0;
    fc.assert(
      fc.property(arbitraryModelSpec(), fc.integer({ min: 1, max: 60 }), (spec, steps) => {
        const m = buildModel(spec);
        const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
        if (fixed.logEvidence === -Infinity) {
          // Every q has ELBO −∞: the engine refuses rather than optimise nothing.
          expect(() => infer(m, variational({ steps }))).toThrow(expect.objectContaining({ code: 'infeasible' }));
          return;
        }
        feasible++;
        const logZ = infer(m, exact()).logEvidence;
        // A short fit, so q is a generic policy rather than the optimum.
        const post = infer(m, variational({ steps }));
        expect(post.logEvidence).toBeLessThanOrEqual(logZ + 1e-12);
        expect(post.logEvidence).toBeLessThanOrEqual(fixed.logEvidence + 1e-12);
        const report = checkPosterior(m, tables(post), { backup: 'none', reference: logZ });
        const scale = Math.max(1, Math.abs(report.elbo!));
        expect(Math.abs(post.logEvidence - report.elbo!)).toBeLessThanOrEqual(1e-10 * scale);
        const fit = variationalFit(post);
        expect(fit.elbo[fit.steps]).toBe(post.logEvidence);
        expect(fit.gap).toBeGreaterThanOrEqual(-1e-12);
      }),
      { seed: 17, numRuns: 200 },
    );
    expect(feasible).toBeGreaterThan(100);
  });
});

describe('variational(): the exact gradient', () => {
  it('matches central finite differences (h = 1e-5, rel 1e-6) on 40 random models at random parameters, tabular and linear families', () => {
    fc.assert(
      fc.property(arbitraryModelSpec({ maxStates: 3, maxHorizon: 4 }), fc.boolean(), fc.integer({ min: 1, max: 1000 }), (spec, linear, seed) => {
        const graph = compile(buildModel(spec));
        const family = (linear ? linearSoftmax((s: unknown, a: string) => [a === 'x' ? 1 : 0, String(s).length % 3, a === 'y' ? -0.5 : 0.25]) : tabularSoftmax()).bind({
          states: graph.states,
          actions: graph.actions,
          horizon: graph.horizon,
          example: graph.states.values[0]!,
        } as never);
        const elbo = new ExactElbo(graph as never, family);
        if (graph.initial.some((p, s) => p > 0 && elbo.alive[s] === 0)) return; // ELBO −∞ for every θ
        const params = new Float64Array(family.size);
        let x = seed;
        for (let i = 0; i < params.length; i++) params[i] = ((x = (x * 16807) % 2147483647) / 2147483647) * 2 - 1;
        const grad = new Float64Array(family.size);
        elbo.evaluate(params, grad, true);
        const h = 1e-5;
        for (let i = 0; i < params.length; i++) {
          const fd = centralDifference((x) => elbo.evaluate(x, undefined, true), params, i, h);
          // Central differences carry O(h²) ≈ 1e-10 truncation and ~1e-11/h rounding: an absolute floor of 1e-7.
          expect(Math.abs(grad[i]! - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-7);
        }
      }),
      { seed: 5, numRuns: 40 },
    );
  });
});

/**
 * A bridge and a jump: from 'start', 'walk' reaches 'far' surely in two steps; 'jump' lands on 'far'
 * at once with probability 1/2 and in the 'pit' otherwise, where every action has r = −∞.
 * The exact posterior jumps (conditioned on O the jump succeeded); q must never jump.
 */
function bridge(): Model<string, string> {
  return model<string, string>(
    state('where', ['start', 'bridge', 'far', 'pit'], { initial: 'start' }),
    action('do', ['walk', 'jump']),
    transition((s: string, a: string) => {
      if (s === 'start') return a === 'walk' ? deterministic('bridge') : categorical([['far', 0.5], ['pit', 0.5]]);
      if (s === 'bridge') return deterministic('far');
      return deterministic(s);
    }),
    optimality((s: string, a: string) => (s === 'pit' ? -Infinity : s === 'far' ? 2 : s === 'bridge' && a === 'jump' ? -Infinity : -0.5)),
    horizon(4),
  );
}

describe('variational(): hard constraints (r = −Infinity)', () => {
  it('q puts exactly zero mass on forbidden and risky actions, and its ELBO is the fixed-dynamics one', () => {
    const m = bridge();
    const posterior = infer(m, exact());
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const post = infer(m, variational(TIGHT));
    // The exact posterior takes the risk; q cannot choose its luck.
    expect(posterior.policy(0, 'start').probs[1]).toBeGreaterThan(0.1);
    expect(post.policy(0, 'start').probs).toEqual([1, 0]);
    expect(post.policy(1, 'bridge').probs).toEqual([1, 0]); // r(bridge, jump) = −∞
    expect(Number.isFinite(post.logEvidence)).toBe(true);
    expect(Math.abs(post.logEvidence - fixed.logEvidence)).toBeLessThan(1e-8);
    // Trajectories through the pit have probability 0 under q, and no sample visits it.
    expect(post.logProb({ states: ['start', 'pit', 'pit', 'pit'], actions: ['jump', 'walk', 'walk', 'walk'] })).toBe(-Infinity);
    for (const tr of post.sample(200, { seed: 3 })) expect(tr.states).not.toContain('pit');
    // The pit has no policy at all (every action forbidden); the row of the table is zero.
    expect(() => post.policy(2, 'pit')).toThrow(expect.objectContaining({ code: 'state-infeasible' }));
    expect(Array.from(post.policyTable(2).subarray(3 * 2, 4 * 2))).toEqual([0, 0]);
    expect(post.Q(0)[1]).toBe(-Infinity); // Q^q(start, jump) under the true dynamics
  });

  it('a start from which every action risks −∞ is refused: the ELBO is −∞ for every q', () => {
    const m = model<string, string>(
      state('where', ['start', 'pit', 'far'], { initial: 'start' }),
      action('do', ['a', 'b']),
      transition((s: string) => (s === 'start' ? categorical([['far', 0.9], ['pit', 0.1]]) : deterministic(s))),
      optimality((s: string) => (s === 'pit' ? -Infinity : 0)),
      horizon(3),
    );
    expect(infer(m, exact()).logEvidence).toBeGreaterThan(-Infinity); // p(O) > 0, yet no q avoids the pit
    expect(() => infer(m, variational())).toThrow(
      expect.objectContaining({ code: 'infeasible', message: expect.stringMatching(/^variational\(\): the ELBO is −Infinity for every q — p\(s_0\) gives mass to s='start'/) }),
    );
  });
});

describe('variational(): the linear family', () => {
  type GridCell = { readonly x: number; readonly y: number };
  const W = 5;
  const H = 5;
  /** A 5×5 gridworld with a 10 % slip, goal at (4,4), α = 0.25, T = 16. */
  const slippery = () => {
    const cells: GridCell[] = [];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) cells.push({ x, y });
    const goal = (s: GridCell) => s.x === W - 1 && s.y === H - 1;
    const move = (s: GridCell, a: Move): GridCell => {
      const x = s.x + DELTA[a][0];
      const y = s.y + DELTA[a][1];
      return x < 0 || x >= W || y < 0 || y >= H ? s : { x, y };
    };
    return model<GridCell, Move>(
      state('cell', cells, { initial: { x: 0, y: 0 } }),
      action('move', MOVES),
      transition((s: GridCell, a: Move) => (goal(s) ? deterministic(s) : categorical([[move(s, a), 0.9], [s, 0.1]]))),
      optimality((s: GridCell) => (goal(s) ? 0 : -1)),
      temperature(0.25),
      horizon(16),
    );
  };
  /** Coordinate features: the move's direction, and the direction scaled by the coordinate it changes. */
  const coordinates = (s: GridCell, a: Move) => [DELTA[a][0], DELTA[a][1], (DELTA[a][0] * s.x) / (W - 1), (DELTA[a][1] * s.y) / (H - 1)];

  it('a stationary linear softmax on coordinate features earns within 0.25 (≈3 %) of the tabular optimum', () => {
    const m = slippery();
    const tabular = infer(m, variational({ steps: 1500 }));
    const linear = infer(m, variational({ family: linearSoftmax(coordinates, { timeIndexed: false }), steps: 1500 }));
    const best = evaluate(m, tables(tabular)).value; // ≈ −8.92
    const uniform = evaluate(m, () => categorical(MOVES.map((a) => [a, 0.25] as const))).value; // ≈ −15.9
    const got = evaluate(m, tables(linear)).value;
    expect(got).toBeGreaterThan(best - 0.25);
    expect(got).toBeGreaterThan(uniform + 5);
    // The tabular family contains the linear one, so its ELBO is at least as high (up to optimiser slack).
    expect(linear.logEvidence).toBeLessThanOrEqual(tabular.logEvidence + 1e-6);
    expect(variationalFit(linear).parameters.length).toBe(4);
  });
});

describe('variational(): the fit record and progress', () => {
  it('records the ELBO after each update, reports progress through both callbacks, and is deterministic', () => {
    const m = grid({ width: 3, height: 3, T: 5, slip: 0.2 });
    const seen: number[] = [];
    const fractions: number[] = [];
    const post = infer(m, variational({ steps: 50, onProgress: (p) => seen.push(p.elbo) }), { progress: (f) => fractions.push(f) });
    const fit = variationalFit(post);
    expect(fit.steps).toBe(50);
    expect(fit.converged).toBe(false);
    expect(fit.elbo.length).toBe(51);
    expect(Array.from(fit.elbo.subarray(0, 50))).toEqual(seen);
    expect(fit.elbo[50]).toBe(post.logEvidence);
    // Adam from the prior: the ELBO rises overall.
    expect(fit.elbo[50]!).toBeGreaterThan(fit.elbo[0]!);
    expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    const again = variationalFit(infer(m, variational({ steps: 50 })));
    expect(Array.from(again.elbo)).toEqual(Array.from(fit.elbo));
    expect(post.exactness.evidence).toBe('lower-bound');
    expect(post.exactness.posterior).toBe(false);
    expect(() => variationalFit(infer(m, exact()))).toThrow(/not variational\(\)/);
  });

  it('stops on the tolerance: converged, fewer steps than the budget, and the last steps are calm', () => {
    const m = grid({ width: 3, height: 2, T: 4 });
    const fit = variationalFit(infer(m, variational({ steps: 20_000, tolerance: 1e-10 })));
    expect(fit.converged).toBe(true);
    expect(fit.steps).toBeLessThan(20_000);
    const n = fit.elbo.length;
    expect(Math.abs(fit.elbo[n - 1]! - fit.elbo[n - 2]!)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(fit.elbo[n - 1]!)));
    expect(fit.gap).toBeLessThan(1e-6);
  });

  it('gradient ascent reaches the same optimum as Adam', () => {
    const m = grid({ width: 3, height: 2, T: 4, slip: 0.1 });
    const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
    const post = infer(m, variational({ optimizer: 'gradient-ascent', learningRate: 1, steps: 20_000, tolerance: 1e-14 }));
    expect(Math.abs(post.logEvidence - fixed.logEvidence)).toBeLessThan(1e-8);
  });
});
