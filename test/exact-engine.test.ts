/**
 * The exact engine against closed forms: long horizons, extreme rewards and
 * temperatures, the discounted fixed point, terminal factors, time-varying
 * rewards, factored states, and reproducibility.
 * Tolerances: log quantities rtol = atol = 1e-10, probabilities atol 1e-12 (RELIABILITY).
 */
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
  model,
  optimality,
  state,
  temperature,
  transition,
  uniform,
  CaiError,
  type Part,
} from '../src/index.js';

import { close } from './helpers/close.js';

/** RELIABILITY's close(): log quantities rtol = atol = 1e-10 by default; NaN never passes. */
const expectClose = (a: number, b: number, tol = 1e-10) => {
  if (!close(a, b, { rtol: tol, atol: tol })) expect(a).toBe(b);
};

/** One state, two actions with rewards r1, r2, uniform prior, a self-loop. */
function bandit(r1: number, r2: number, parts: Part[]) {
  return model(
    state('s', ['only']),
    action('a', ['one', 'two']),
    transition(() => deterministic('only')),
    optimality((_s: string, a: string) => (a === 'one' ? r1 : r2)),
    ...parts,
  );
}

describe('closed forms', () => {
  it('log Z of a self-loop over T = 100 000 steps is T·log((e^{r1} + e^{r2})/2), without underflow', () => {
    const T = 100_000;
    const post = infer(bandit(-1, 0, [horizon(T)]), exact());
    const expected = T * Math.log((Math.exp(-1) + 1) / 2);
    expectClose(post.logEvidence, expected);
    const pi = post.policy(0, 'only');
    expectClose(pi.probs[0]!, Math.exp(-1) / (Math.exp(-1) + 1), 1e-12);
    const m = post.stateMarginal(T - 1);
    expect(m[0]).toBe(1);
  });

  it('a two-state chain over T = 100 000 matches its transfer-matrix closed form', () => {
    // States 0/1, actions stay/switch (deterministic), r = −1 in state 1, 0 in state 0.
    // Z = 1ᵀ Mᵀ… : with uniform prior, β_{T−1}(s) = e^{r_s}, β_t(s) = e^{r_s} Σ_a ½ β_{t+1}(succ(s,a)) = e^{r_s} · (β_{t+1}(0)+β_{t+1}(1))/2.
    // So the sum σ_t = β_t(0)+β_t(1) obeys σ_t = (1 + e^{−1})/2 · σ_{t+1}, σ_{T−1} = 1 + e^{−1}.
    const T = 100_000;
    const m = model(
      state('s', [0, 1], { initial: 0 }),
      action('a', ['stay', 'switch']),
      transition((s: number, a: string) => deterministic(a === 'stay' ? s : 1 - s)),
      optimality((s: number) => (s === 1 ? -1 : 0)),
      horizon(T),
    );
    const post = infer(m, exact());
    const c = (1 + Math.exp(-1)) / 2;
    // log β_0(0) = r_0 + log(σ_1/2) = log(c^{T−2}·(1 + e^{−1})/2) = (T−1)·log c
    expectClose(post.logEvidence, (T - 1) * Math.log(c));
    for (const t of [0, 1, 50_000, T - 1]) {
      const v = post.V(t);
      expect(v.every(Number.isFinite)).toBe(true);
    }
  });

  it('rewards of ±1e6 and temperatures from 1e-6 to 1e6 stay finite and exact', () => {
    for (const alpha of [1e-6, 1e-3, 1, 1e3, 1e6]) {
      for (const [r1, r2] of [
        [1e6, -1e6],
        [-1e6, -1e6 + 1],
        [0, 1e-6],
      ] as const) {
        const T = 10;
        const post = infer(bandit(r1, r2, [horizon(T), temperature(alpha)]), exact());
        // log Z = T · log(½ e^{r1/α} + ½ e^{r2/α}), computed stably here.
        const hi = Math.max(r1, r2) / alpha;
        const lo = Math.min(r1, r2) / alpha;
        const expected = T * (hi + Math.log(0.5 * (1 + Math.exp(lo - hi))));
        expectClose(post.logEvidence, expected);
        const pi = post.policy(0, 'only').probs;
        expectClose(pi[0]! + pi[1]!, 1, 1e-12);
        expectClose(pi[0]!, 1 / (1 + Math.exp((r2 - r1) / alpha)), 1e-12);
      }
    }
  });

  it('the discounted soft fixed point of a self-loop is V = α log Σ_a p(a) e^{r_a/α} / (1 − γ)', () => {
    for (const gamma of [0, 0.5, 0.9, 0.99]) {
      for (const backup of ['posterior', 'fixed-dynamics'] as const) {
        const post = infer(bandit(1, -2, [discount(gamma), temperature(0.5)]), exact({ backup, tolerance: 1e-12 }));
        const soft = 0.5 * Math.log(0.5 * Math.exp(1 / 0.5) + 0.5 * Math.exp(-2 / 0.5));
        expectClose(post.V(0)[0]!, soft / (1 - gamma), 1e-9);
        expect(post.convergence!.residual).toBeLessThan(1e-12);
        expect(post.convergence!.iterations).toBeGreaterThan(0);
        expect(post.horizon).toBe(Infinity);
        // Stationary: the policy does not depend on t.
        expect(post.policy(0, 'only').probs).toEqual(post.policy(7, 'only').probs);
      }
    }
  });

  it('an unreachable tolerance is reported as not converged, naming the option', () => {
    // Two backups: Anderson acceleration (engines/exact/anderson.ts) solves this one-state fixed point by its third.
    expect(() => infer(bandit(1, 0, [discount(0.999)]), exact({ maxIterations: 2 }))).toThrow(
      /did not converge in 2 iterations.*raise maxIterations/,
    );
  });
});

describe('terminal factor, time-varying reward', () => {
  it('a terminal reward tilts the last transition: p(s_T | O) ∝ p(s_T) e^{r_T(s_T)}', () => {
    // One decision from state 0; the action picks a coin flip over {0,1}; r_T(1) = log 3.
    const m = model(
      state('s', [0, 1], { initial: 0 }),
      action('a', ['go']),
      transition(() => uniform([0, 1])),
      optimality(() => 0),
      optimality.terminal((s: number) => (s === 1 ? Math.log(3) : 0)),
      horizon(1),
    );
    const post = infer(m, exact());
    expectClose(post.logEvidence, Math.log(0.5 * 1 + 0.5 * 3));
    const last = post.stateMarginal(1);
    expectClose(last[0]!, 0.25, 1e-12);
    expectClose(last[1]!, 0.75, 1e-12);
    const [tau] = post.sample(1, { seed: 3 });
    expect(tau!.states).toHaveLength(2);
    expect(tau!.actions).toHaveLength(1);
    expectClose(post.logProb(tau!), Math.log(tau!.states[1] === 1 ? 0.75 : 0.25), 1e-12);
  });

  it('a reward that reads t changes the policy over time', () => {
    const m = model(
      state('s', ['only']),
      action('a', ['early', 'late']),
      transition(() => deterministic('only')),
      optimality((_s: string, a: string, t: number) => (a === 'early' ? (t < 2 ? 1 : 0) : t < 2 ? 0 : 1)),
      horizon(4),
    );
    const post = infer(m, exact());
    expect(post.graph.rewardTimeVarying).toBe(true);
    const p = (t: number) => post.policy(t, 'only').probs[0]!;
    expectClose(p(0), Math.E / (Math.E + 1), 1e-12);
    expectClose(p(3), 1 / (Math.E + 1), 1e-12);
    expectClose(post.logEvidence, 4 * Math.log((Math.E + 1) / 2));
  });
});

describe('factored states', () => {
  it('two variables with per-variable transitions equal the flat model with a joint transition', () => {
    const xs = [0, 1, 2];
    const ys = ['lo', 'hi'];
    const moveX = (x: number, a: string) => (a === 'right' ? Math.min(2, x + 1) : Math.max(0, x - 1));
    const reward = (s: { x: number; y: string }, a: string) => (s.x === 2 && s.y === 'hi' ? 1 : 0) - (a === 'right' ? 0.1 : 0);
    const factored = model(
      state('x', xs, { initial: 0 }),
      state('y', ys, { initial: categorical([['lo', 0.7], ['hi', 0.3]]) }),
      action('a', ['left', 'right']),
      transition('x', (s: { x: number; y: string }, a: string) => categorical([[moveX(s.x, a), 0.9], [s.x, 0.1]])),
      transition('y', (s: { x: number; y: string }) => categorical([[s.y, 0.8], [s.y === 'lo' ? 'hi' : 'lo', 0.2]])),
      optimality(reward),
      horizon(5),
    );
    const cells = xs.flatMap((x) => ys.map((y) => ({ x, y })));
    const flat = model(
      state('xy', cells, { initial: categorical(cells.map((c) => [c, (c.x === 0 ? 1 : 0) * (c.y === 'lo' ? 0.7 : 0.3)] as const)) }),
      action('a', ['left', 'right']),
      transition((s: { x: number; y: string }, a: string) => {
        const pairs: [{ x: number; y: string }, number][] = [];
        for (const [x, px] of [[moveX(s.x, a), 0.9], [s.x, 0.1]] as const) {
          for (const [y, py] of [[s.y, 0.8], [s.y === 'lo' ? 'hi' : 'lo', 0.2]] as const) pairs.push([{ x, y }, px * py]);
        }
        return categorical(pairs);
      }),
      optimality(reward),
      horizon(5),
    );
    const a = infer(factored, exact());
    const b = infer(flat, exact());
    expectClose(a.logEvidence, b.logEvidence);
    expect(a.graph.variables.map((v) => v.name)).toEqual(['x', 'y']);
    for (const s of cells) {
      const pa = a.policy(2, s).probs;
      const pb = b.policy(2, s).probs;
      pa.forEach((p, i) => expectClose(p, pb[i]!, 1e-12));
    }
    expect(a.graph.toDot()).toContain('"x_1"');
    // The factored graph keeps one factor per variable: p(x'|s,a) and p(y'|s,a), whose product is the joint.
    const view = a.graph.unrolled();
    const [dx, dy] = a.graph.variableDynamics!;
    expect(view.tables['dynamics:x']).toBe(dx);
    expect(view.tables['dynamics:y']).toBe(dy);
    expect(view.tables.dynamics).toBeUndefined();
    const g = a.graph;
    for (let row = 0; row < g.nS * g.nA; row++) {
      // joint(x', y') = p(x'|s,a)·p(y'|s,a), with the flat index x'·|Y| + y' (variables in name order).
      const entries = (d: typeof dx, r: number) => Array.from({ length: d!.rowStart[r + 1]! - d!.rowStart[r]! }, (_, k) => [d!.next[d!.rowStart[r]! + k]!, d!.prob[d!.rowStart[r]! + k]!] as const);
      const product = new Map<number, number>();
      for (const [x, px] of entries(dx, row)) for (const [y, py] of entries(dy, row)) product.set(x * 2 + y, px * py);
      const joint = new Map(entries(g.dynamics, row));
      expect(joint).toEqual(product);
    }
    // State parts in another order: the same tables, bit for bit.
    const swapped = model(
      factored.parts[1] as Part,
      factored.parts[0] as Part,
      ...(factored.parts.slice(2) as Part[]),
    );
    const c = infer(swapped, exact());
    expect(c.logEvidence).toBe(a.logEvidence);
    expect(c.V(0)).toEqual(a.V(0));
  });
});

describe('the compiled factor graph', () => {
  const m = model(
    state('s', [0, 1, 2], { initial: 0 }),
    action('a', ['l', 'r']),
    transition((s: number, a: string) => categorical([[Math.max(0, Math.min(2, s + (a === 'r' ? 1 : -1))), 0.75], [s, 0.25]])),
    optimality((s: number) => (s === 2 ? 0 : s === 1 ? -1 : -Infinity)),
    horizon(4),
  );

  it('stores CSR dynamics without zeros and merges repeated successors', () => {
    const g = compile(m);
    expect(g.nS).toBe(3);
    expect(g.nA).toBe(2);
    // From s=0 with 'l' the move and the slip both stay at 0: one merged entry of probability 1.
    const row = 0 * 2 + 0;
    expect(g.dynamics.rowStart[row + 1]! - g.dynamics.rowStart[row]!).toBe(1);
    expect(g.dynamics.prob[g.dynamics.rowStart[row]!]).toBe(1);
    expect(g.dynamics.nnz).toBe(10);
    expect(g.deterministic).toBe(false);
    expect(g.reward).toBeInstanceOf(Float64Array);
    expect(g.reward[0]).toBe(-Infinity);
  });

  it('shares stationary tables across time in the unrolled view', () => {
    const u = compile(m).unrolled();
    const dynamics = u.factors.filter((f) => f.table === 'dynamics');
    expect(dynamics.map((f) => f.t)).toEqual([0, 1, 2]);
    expect(u.factors.filter((f) => f.table === 'reward')).toHaveLength(4);
    expect(Object.keys(u.tables).sort()).toEqual(['dynamics', 'initial', 'prior', 'reward']);
    const graph = compile(m);
    const view = graph.unrolled();
    expect(view.tables.dynamics).toBe(graph.dynamics);
    expect(view.tables.reward).toBe(graph.reward);
    expect(u.variables.filter((v) => v.kind === 'optimality')).toHaveLength(4);
  });

  it('draws DOT with variables, factors and shaded optimality nodes', () => {
    const dot = compile(m).toDot();
    expect(dot.startsWith('graph factor_graph {')).toBe(true);
    for (const name of ['"s_0"', '"a_0"', '"O_0"', '"p(s_1|s_0,a_0)"', 'fillcolor']) expect(dot).toContain(name);
    expect(dot.trim().endsWith('}')).toBe(true);
  });

  it('serialises to JSON with −Infinity as null', () => {
    const json = JSON.parse(JSON.stringify(compile(m).toJSON()));
    expect(json.horizon).toBe(4);
    expect(json.reward[0]).toBeNull();
    expect(json.dynamics.rowStart).toHaveLength(7);
  });
});

describe('evaluate', () => {
  it('the hard-max fixed-dynamics policy is Bellman-consistent: V^π = V*', () => {
    const m = model(
      state('s', [0, 1, 2, 3], { initial: 0 }),
      action('a', ['l', 'r']),
      transition((s: number, a: string) => categorical([[Math.max(0, Math.min(3, s + (a === 'r' ? 1 : -1))), 0.8], [s, 0.2]])),
      optimality((s: number, a: string) => (s === 3 ? 1 : 0) - (a === 'r' ? 0.05 : 0)),
      temperature(0),
      discount(0.9),
    );
    const post = infer(m, exact({ backup: 'fixed-dynamics' }));
    const ev = evaluate(m, post);
    const vStar = post.V(0);
    ev.V(0).forEach((v, s) => expectClose(v, vStar[s]!, 1e-8));
  });

  it('the value of the uniform policy on a self-loop is the mean reward times T', () => {
    const ev = evaluate(bandit(1, -3, [horizon(6)]), () => uniform(['one', 'two']));
    expectClose(ev.value, 6 * -1);
    expect(ev.Q(0)).toEqual(new Float64Array([1 + 5 * -1, -3 + 5 * -1]));
  });
});

describe('reproducibility', () => {
  const m = model(
    state('s', [0, 1, 2]),
    action('a', ['x', 'y']),
    transition((s: number, a: string) => categorical([[s, 0.5], [(s + (a === 'x' ? 1 : 2)) % 3, 0.5]])),
    optimality((s: number, a: string) => s - (a === 'x' ? 0.5 : 0)),
    horizon(6),
  );

  it('gives bit-identical results across runs and seeds reproduce samples', () => {
    const a = infer(m, exact());
    const b = infer(m, exact());
    expect(a.logEvidence).toBe(b.logEvidence);
    expect(a.V(0)).toEqual(b.V(0));
    expect(a.sample(50, { seed: 'x' })).toEqual(b.sample(50, { seed: 'x' }));
    expect(a.sample(50, { seed: 1 })).not.toEqual(a.sample(50, { seed: 2 }));
  });

  it('runs a 10^5-state × 4-action model over T = 50', () => {
    const n = 100_000;
    const states = Array.from({ length: n }, (_, i) => i);
    const big = model(
      state('s', states, { initial: 0 }),
      action('a', [-1, 1, 7, 0]),
      transition((s: number, a: number) => categorical([[(s + a + n) % n, 0.9], [s, 0.1]])),
      optimality((s: number) => -((s % 100) / 100)),
      horizon(50),
    );
    const post = infer(big, exact());
    expect(Number.isFinite(post.logEvidence)).toBe(true);
    const m0 = post.stateMarginal(49);
    expectClose(m0.reduce((x, y) => x + y, 0), 1, 1e-12);
  });

  it('refuses a state space too large for tables before allocating it', () => {
    const ten = Array.from({ length: 2000 }, (_, i) => i);
    const huge = model(
      state('x', ten),
      state('y', ten),
      state('z', ten),
      action('a', ['n']),
      transition('x', () => deterministic(0)),
      transition('y', () => deterministic(0)),
      transition('z', () => deterministic(0)),
      optimality(() => 0),
      horizon(2),
    );
    expect(() => compile(huge)).toThrow(CaiError);
    expect(() => compile(huge)).toThrow(/8\.00e\+9 states × 1 actions .* exceeds the table limit/);
  });
});

describe('the scaled fast pass agrees with the log-space general path', () => {
  // A reward that reads t (but ignores it) forces the general log-space path,
  // so the two implementations of the same recursion can be compared.
  const build = (reward: (s: number, a: string) => number, timeVarying: boolean, T: number) =>
    model(
      state('s', [0, 1, 2, 3], { initial: categorical([[0, 0.25], [1, 0.25], [2, 0.25], [3, 0.25]]) }),
      action('a', ['stay', 'go']),
      transition((s: number, a: string) =>
        s === 1 ? deterministic(2) : s === 3 ? categorical([[3, 0.5], [2, 0.5]]) : deterministic(a === 'stay' ? s : (s + 1) % 4),
      ),
      timeVarying ? optimality((s: number, a: string, t: number) => reward(s, a) + 0 * t) : optimality(reward),
      horizon(T),
    );

  it('where totals underflow (successors ~1000 nats below the best state), to 1e-10', () => {
    // State 2 costs 1000 per step and state 1 must move to it, so state 1's total underflows.
    const reward = (s: number, a: string) => (s === 2 ? -1000 : 0) + (a === 'go' ? -0.5 : 0);
    for (const T of [2, 3, 10, 40]) {
      const fast = infer(build(reward, false, T), exact());
      const slow = infer(build(reward, true, T), exact());
      expect(fast.graph.rewardTimeVarying).toBe(false);
      expect(slow.graph.rewardTimeVarying).toBe(true);
      expectClose(fast.logEvidence, slow.logEvidence);
      for (let t = 0; t < T; t++) {
        const a = fast.V(t);
        const b = slow.V(t);
        a.forEach((v, s) => expectClose(v, b[s]!));
        // From t ≤ T−2 state 1 sits > 745 nats below the best state: exp underflows, the fallback must run.
        if (t <= T - 2) expect(a[1]! - Math.max(...a)).toBeLessThan(-745);
        const pa = fast.policyTable(t);
        const pb = slow.policyTable(t);
        pa.forEach((p, i) => expect(Math.abs(p - pb[i]!)).toBeLessThanOrEqual(1e-12));
      }
    }
  });

  it('with hard constraints that make whole regions infeasible', () => {
    const reward = (s: number, a: string) => (s === 2 ? -Infinity : s === 3 && a === 'go' ? -Infinity : -0.1);
    for (const T of [1, 2, 5]) {
      const fast = infer(build(reward, false, T), exact());
      const slow = infer(build(reward, true, T), exact());
      expectClose(fast.logEvidence, slow.logEvidence);
      for (let t = 0; t < T; t++) fast.V(t).forEach((v, s) => expectClose(v, slow.V(t)[s]!));
    }
  });
});
