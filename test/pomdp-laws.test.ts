/**
 * Laws and published numbers of the belief kernel (issue 15, RELIABILITY 23):
 *
 * - revealing observations (o = s′, and o_0 = s_0): every number equals the
 *   fully observed exact() on the same MDP — fixed-dynamics and posterior,
 *   finite horizon to 1e-12 (relative), discounted infinite horizon to 1e-9;
 * - uninformative observations: the value equals the best open-loop plan by
 *   brute force over action sequences (α = 0: the max; α > 0 and γ = 1: the
 *   soft max α log Σ_seq Π p(a) exp(R(seq)/α)), to 1e-9;
 * - Tiger: values at horizons 1–10 for γ = 1 and 0.95 against an independent
 *   recursion (test/helpers/tiger-reference.ts), to 1e-9; the discounted
 *   infinite horizon ≈ 19.37 against the same recursion run 800 steps (γ^800 < 1e-17), to 1e-6;
 * - samples, logProb and the mode: exp(logProb) sums to 1 over every
 *   trajectory (1e-12), the mode attains the maximum, and sample frequencies
 *   pass a χ² test (false-positive rate 1e-4, seed fixed);
 * - evaluate(model, { belief }) and the refusals of everything that cannot
 *   handle observations;
 * - point-based value iteration (`beliefPoints`): its lower and upper bounds
 *   bracket the exact Tiger value (1e-8: the exact solve's own tolerance) with
 *   an error bound < 1e-6, the MDP value under revealing observations (1e-9),
 *   and finite-horizon values within γ^H·max|r|/(1−γ).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beliefPosterior,
  categorical,
  deterministic,
  evaluate,
  exact,
  extend,
  importance,
  infer,
  model,
  observation,
  rewardLikelihood,
  softQLearning,
  variational,
  type Categorical,
  type ObservedTrajectory,
  type Part,
} from '../src/index.js';
import { chiSquare } from './helpers/chi-square.js';
import { thrownCode } from './helpers/close.js';
import type { PomdpSpec } from './helpers/pomdp-brute.js';
import { arbitraryPomdp, pomdpModel } from './helpers/pomdp-model.js';
import { tigerValue } from './helpers/tiger-reference.js';
import { tiger, type Act, type Heard, type Side } from '../dsl-examples/tiger.js';

function close(a: number, b: number, tol: number, label: string): void {
  if (a === b) return;
  if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) throw new Error(`${label}: ${a} vs ${b}`);
}

/** The spec's MDP with observations that reveal the state (o = s′, o_0 = s_0), and the same MDP fully observed. */
function revealing(spec: PomdpSpec) {
  const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const pomdp = pomdpModel({ ...spec, nO: spec.nS, z: identity(spec.nS).map((row) => Array.from({ length: spec.nA }, () => row)), z0: identity(spec.nS) });
  const full = model(...pomdp.parts.filter((p) => p.kind !== 'observation'));
  return { pomdp, full };
}

const delta = (n: number, s: number) => Float64Array.from({ length: n }, (_, i) => (i === s ? 1 : 0));

describe('a revealing observation gives the fully observed answer', () => {
  it('fixed-dynamics and posterior, finite horizon: value, V, Q, π at every state and t (80 random MDPs, rel 1e-12)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0, 0.5, 1, 2], gammas: [1, 0.9], maxT: 4 }), (spec) => {
        const { pomdp, full } = revealing(spec);
        for (const backup of ['fixed-dynamics', 'posterior'] as const) {
          if (backup === 'posterior' && (spec.gamma !== 1 || spec.alpha === 0)) continue;
          const mdp = infer(full, exact({ backup }));
          if (mdp.value === -Infinity) continue;
          const post = beliefPosterior<number, number, string>(infer(pomdp, exact({ backup })));
          close(post.value, mdp.value, 1e-12, `${backup} value`);
          close(post.logEvidence, mdp.logEvidence, 1e-12, `${backup} logEvidence`);
          for (let t = 0; t < spec.T; t++) {
            const V = mdp.V(t);
            const Q = mdp.Q(t);
            for (let s = 0; s < spec.nS; s++) {
              close(post.V(t, delta(spec.nS, s)), V[s]!, 1e-12, `${backup} V_${t}(${s})`);
              const q = post.Q(t, delta(spec.nS, s));
              for (let a = 0; a < spec.nA; a++) close(q[a]!, Q[s * spec.nA + a]!, 1e-12, `${backup} Q_${t}(${s}, ${a})`);
              if (V[s] === -Infinity) continue;
              const pi = post.policy(t, delta(spec.nS, s));
              const expected = mdp.policy(t, s);
              for (let a = 0; a < spec.nA; a++) close(pi.probs[a]!, expected.probs[a]!, 1e-12, `${backup} π_${t}(${a} | ${s})`);
            }
          }
        }
      }),
      { seed: 23, numRuns: 80 },
    );
  });

  it('fixed-dynamics, discounted infinite horizon: value and V (30 random MDPs, γ = 0.9, 1e-9)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0, 1], gammas: [0.9], maxT: 1 }), (spec) => {
        const { pomdp, full } = revealing(spec);
        const strip = (m: { parts: readonly Part[] }) => model(...m.parts.filter((p) => p.kind !== 'horizon'));
        const mdp = infer(strip(full), exact({ backup: 'fixed-dynamics' }));
        if (mdp.value === -Infinity) return;
        const post = beliefPosterior<unknown, unknown, string>(infer(strip(pomdp), exact({ backup: 'fixed-dynamics' })));
        close(post.value, mdp.value, 1e-9, 'value');
        const V = mdp.V(0);
        for (let s = 0; s < spec.nS; s++) close(post.V(0, delta(spec.nS, s)), V[s]!, 1e-9, `V(${s})`);
        expect(post.convergence!.residual).toBeLessThan(1e-10);
      }),
      { seed: 24, numRuns: 30 },
    );
  });
});

/** The best open-loop plan by brute force: every action sequence, its expected return R, max or soft max. */
function openLoop(spec: PomdpSpec): number {
  const returns: { logPrior: number; R: number }[] = [];
  const rec = (b: number[], t: number, logPrior: number, R: number) => {
    if (t === spec.T) return void returns.push({ logPrior, R });
    for (let a = 0; a < spec.nA; a++) {
      let r = 0;
      let forbidden = false;
      b.forEach((p, s) => {
        if (p === 0) return;
        if (spec.r[s]![a] === -Infinity) forbidden = true;
        else r += p * spec.r[s]![a]!;
      });
      const next = new Array<number>(spec.nS).fill(0);
      b.forEach((p, s) => spec.trans[s]![a]!.forEach((q, s2) => (next[s2]! += p * q)));
      rec(next, t + 1, logPrior + Math.log(spec.prior[a]!), forbidden || R === -Infinity ? -Infinity : R + Math.pow(spec.gamma, t) * r);
    }
  };
  rec([...spec.p0], 0, 0, 0);
  if (spec.alpha === 0) return Math.max(...returns.map((x) => x.R));
  const m = Math.max(...returns.map((x) => x.logPrior + x.R / spec.alpha));
  if (m === -Infinity) return -Infinity;
  return spec.alpha * (m + Math.log(returns.reduce((s, x) => s + Math.exp(x.logPrior + x.R / spec.alpha - m), 0)));
}

describe('an uninformative observation gives the best open-loop plan', () => {
  it('fixed-dynamics value = max (α = 0) or soft max (α > 0, γ = 1) over action sequences (80 random POMDPs, T ≤ 4, 1e-9)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0, 0.5, 1], gammas: [1, 0.9], maxT: 4 }), (spec) => {
        // With γ < 1 the soft recursion nests γ inside each log Σ exp, so it is no longer one soft max over sequences; the hard max still is.
        if (spec.alpha > 0 && spec.gamma < 1) return;
        const { z0: _ignored, ...rest } = spec;
        const blind: PomdpSpec = { ...rest, nO: 1, z: spec.r.map((row) => row.map(() => [1])) };
        const post = infer(pomdpModel(blind), exact({ backup: 'fixed-dynamics' }));
        close(post.value, openLoop(blind), 1e-9, 'value');
      }),
      { seed: 25, numRuns: 80 },
    );
  });
});

describe('the Tiger problem', () => {
  for (const gamma of [1, 0.95]) {
    it(`optimal values at horizons 1–10, γ = ${gamma}, equal an independent recursion to 1e-9`, () => {
      for (let T = 1; T <= 10; T++) {
        const post = infer(tiger({ horizon: T, ...(gamma < 1 ? { gamma } : {}) }), exact({ backup: 'fixed-dynamics' }));
        close(post.value, tigerValue(T, gamma), 1e-9, `T = ${T}`);
      }
    });
  }

  it('the discounted infinite horizon (γ = 0.95) is ≈ 19.37, as POMDP solver suites assert, and equals the recursion to 1e-6', () => {
    const post = beliefPosterior(infer(tiger({ horizon: Infinity, gamma: 0.95 }), exact({ backup: 'fixed-dynamics' })));
    expect(post.value).toBeCloseTo(19.37, 2);
    close(post.value, tigerValue(800, 0.95), 1e-6, 'V(½)');
    expect(post.beliefCounts[0]).toBeLessThan(100); // opening resets: finitely many beliefs at the merge tolerance
  });

  it('the policy listens until two net hearings agree, then opens the other door (T = 10, α = 0)', () => {
    const post = beliefPosterior<Side, Act, Heard>(infer(tiger({ horizon: 10 }), exact({ backup: 'fixed-dynamics' })));
    const act = (heard: Heard[]) => {
      const pi = post.policy(heard.length, { actions: heard.map(() => 'listen' as const), observations: heard });
      return pi.support.filter((_, i) => pi.probs[i]! === 1);
    };
    expect(act([])).toEqual(['listen']);
    expect(act(['hear-left'])).toEqual(['listen']);
    expect(act(['hear-left', 'hear-left'])).toEqual(['open-right']);
    expect(act(['hear-right', 'hear-right'])).toEqual(['open-left']);
    expect(act(['hear-left', 'hear-right'])).toEqual(['listen']);
  });

  it('the posterior backup is optimistic about what will be observed: its value is the fully observed one, far above the belief optimum', () => {
    const optimistic = infer(tiger({ horizon: 5, alpha: 1 }), exact({ backup: 'posterior' }));
    const full = infer(model(...tiger({ horizon: 5, alpha: 1 }).parts.filter((p) => p.kind !== 'observation')), exact({ backup: 'posterior' }));
    const cautious = infer(tiger({ horizon: 5, alpha: 1 }), exact({ backup: 'fixed-dynamics' }));
    close(optimistic.value, full.value, 1e-12, 'the observation model drops out of log p(O)');
    expect(optimistic.value).toBeGreaterThan(cautious.value + 30);
    // The posterior hardly listens at the start; the belief agent always does.
    const listen = (p: Categorical<Act>) => p.probs[p.support.indexOf('listen')]!;
    const start = { actions: [], observations: [] };
    expect(listen(beliefPosterior<Side, Act, Heard>(optimistic).policy(0, start))).toBeLessThan(1e-3);
    expect(listen(beliefPosterior<Side, Act, Heard>(cautious).policy(0, start))).toBeGreaterThan(0.99);
  });
});

/** Every (s, a, o) trajectory of a finite POMDP (with o_0 when s_0 is observed). */
function allTrajectories(spec: PomdpSpec): ObservedTrajectory<number, number, string>[] {
  const out: ObservedTrajectory<number, number, string>[] = [];
  const rec = (states: number[], actions: number[], observations: string[], initial: string | undefined) => {
    if (actions.length === spec.T) return void out.push({ states, actions, observations, ...(initial !== undefined ? { initial } : {}) });
    for (let a = 0; a < spec.nA; a++) {
      if (actions.length === spec.T - 1) rec(states, [...actions, a], observations, initial);
      else for (let s = 0; s < spec.nS; s++) for (let o = 0; o < spec.nO; o++) rec([...states, s], [...actions, a], [...observations, `o${o}`], initial);
    }
  };
  for (let s = 0; s < spec.nS; s++) {
    if (spec.z0 === undefined) rec([s], [], [], undefined);
    else for (let o = 0; o < spec.nO; o++) rec([s], [], [], `o${o}`);
  }
  return out;
}

describe('samples, logProb and the mode', () => {
  it('exp(logProb) sums to 1 over every trajectory and the mode attains the max (40 random POMDPs, T ≤ 3, both backups)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0.5, 1], gammas: [1], maxT: 3 }), (spec) => {
        for (const backup of ['fixed-dynamics', 'posterior'] as const) {
          const post = beliefPosterior<number, number, string>(infer(pomdpModel(spec), exact({ backup })));
          if (post.value === -Infinity) continue;
          const lps = allTrajectories(spec).map((tr) => post.logProb(tr));
          const total = lps.reduce((x, lp) => x + Math.exp(lp), 0);
          close(total, 1, 1e-12, `${backup}: Σ p(τ)`);
          const mode = post.mostProbable();
          close(post.logProb(mode), mode.logProb, 1e-12, `${backup}: logProb(mode)`);
          close(mode.logProb, Math.max(...lps), 1e-12, `${backup}: the mode is a maximum`);
        }
      }),
      { seed: 26, numRuns: 40 },
    );
  });

  it('sample frequencies match exp(logProb) (Tiger T = 2 at α = 1, 20 000 draws, χ² false-positive rate 1e-4 each)', () => {
    for (const backup of ['fixed-dynamics', 'posterior'] as const) {
      const post = beliefPosterior<Side, Act, Heard>(infer(tiger({ horizon: 2, alpha: 1 }), exact({ backup })));
      const draws = post.sample(20_000, { seed: 7 });
      const counts = new Map<string, number>();
      for (const d of draws) counts.set(JSON.stringify(d), (counts.get(JSON.stringify(d)) ?? 0) + 1);
      const keys = [...counts.keys()];
      const probs = keys.map((k) => Math.exp(post.logProb(JSON.parse(k) as ObservedTrajectory<Side, Act, Heard>)));
      const rest = 1 - probs.reduce((x, y) => x + y, 0);
      expect(rest).toBeGreaterThan(-1e-12);
      expect(chiSquare([...keys.map((k) => counts.get(k)!), 0], [...probs, Math.max(rest, 0)]).pValue).toBeGreaterThan(1e-4);
    }
  });
});

describe('evaluate(model, { belief }) and refusals', () => {
  it("the optimal belief policy's return equals the optimal value; always listening returns −T", () => {
    const post = beliefPosterior<Side, Act, Heard>(infer(tiger({ horizon: 6 }), exact({ backup: 'fixed-dynamics' })));
    const greedy = (t: number, b: Categorical<Side>) => {
      const belief = Float64Array.from(['left', 'right'] as Side[], (s) => b.probs[b.support.indexOf(s)] ?? 0);
      const pi = post.policy(t, belief);
      const best = pi.support[pi.probs.indexOf(Math.max(...pi.probs))]!;
      return deterministic(best);
    };
    close(evaluate(tiger({ horizon: 6 }), { belief: greedy }).value, post.value, 1e-12, 'V^π = V*');
    expect(evaluate(tiger({ horizon: 6 }), { belief: () => deterministic<Act>('listen') }).value).toBe(-6);
  });

  it('every engine that plans as if the state were seen refuses a POMDP and names exact()', () => {
    const m = tiger({ horizon: 3, alpha: 1 });
    for (const engine of [importance({ particles: 10 }), variational(), softQLearning()]) {
      expect(() => infer(m, engine)).toThrow(/observation\(\.\.\.\) part \(a POMDP\).*use exact\(\)/);
      expect(thrownCode(() => infer(m, engine))).toBe('observation-unsupported');
    }
    expect(thrownCode(() => evaluate(m, () => deterministic<Act>('listen')))).toBe('observation-unsupported');
    expect(thrownCode(() => rewardLikelihood(m, [], { features: () => [1] }))).toBe('observation-unsupported');
    expect(thrownCode(() => infer(tiger({ horizon: 3, gamma: 0.9 }), exact({ backup: 'posterior' })))).toBe('observation-unsupported');
    expect(thrownCode(() => (infer(m, exact()) as unknown as { policyTable(t: number): unknown }).policyTable(0))).toBe('unsupported-query');
  });

  it('a reachable-belief count over maxBeliefs is refused with an estimate', () => {
    expect(() => infer(tiger({ horizon: 10 }), exact({ backup: 'fixed-dynamics', maxBeliefs: 50 }))).toThrow(
      /exact\(\): the reachable beliefs of this POMDP exceed maxBeliefs = 50 by t = \d+ \(each belief can have up to 3 actions × 2 observations = 6 successors; ~\d+ kB so far for 2 states\)/,
    );
  });

  it('a state-dependent action prior is refused (the agent cannot see the state)', () => {
    const m = extend(tiger({ horizon: 2 }), observation(() => categorical([['x', 1]])));
    expect(thrownCode(() => infer(m, exact()))).toBeUndefined();
    const base = tiger({ horizon: 2 });
    const prior = base.parts.find((p) => p.kind === 'action')!;
    const statePrior = { ...prior, prior: (s: Side) => categorical<Act>(s === 'left' ? [['listen', 1]] : [['listen', 0.5], ['open-left', 0.5]]) };
    expect(thrownCode(() => infer(model(...base.parts.filter((p) => p.kind !== 'action'), statePrior), exact()))).toBe('observation-unsupported');
  });
});

describe('point-based value iteration: a bounded approximation for the infinite horizon', () => {
  it('on the Tiger it brackets the exact value over the reachable beliefs, with an error bound below 1e-6', () => {
    const exactValue = infer(tiger({ horizon: Infinity, gamma: 0.95 }), exact({ backup: 'fixed-dynamics' })).value;
    const post = beliefPosterior(infer(tiger({ horizon: Infinity, gamma: 0.95 }), exact({ backup: 'fixed-dynamics', beliefPoints: 20 })));
    const { upper, errorBound } = post.approximation!;
    // The exact solve stops at ‖V − TV‖∞ < 1e-10, so its value is within 1e-10·γ/(1−γ) ≈ 2e-9 of the fixed point.
    expect(post.value).toBeLessThanOrEqual(exactValue + 1e-8);
    expect(upper).toBeGreaterThanOrEqual(exactValue - 1e-8);
    expect(errorBound).toBeLessThan(1e-6);
    expect(post.exactness.policy).toMatch(/^approximate/);
  });

  it('its bounds hold on random POMDPs: revealing ones contain the MDP value; others the finite-horizon value ± γ^H·max|r|/(1−γ) (40 models, γ = 0.5, H = 6)', () => {
    fc.assert(
      fc.property(arbitraryPomdp({ alphas: [0], gammas: [0.5], maxT: 1 }), (spec) => {
        const finite = spec.r.every((row) => row.every((x) => x > -Infinity));
        if (!finite) return;
        const infinite = (m: { parts: readonly Part[] }) => model(...m.parts.filter((p) => p.kind !== 'horizon'));
        const { pomdp, full } = revealing(spec);
        const mdpValue = infer(infinite(full), exact({ backup: 'fixed-dynamics' })).value;
        const seen = beliefPosterior(infer(infinite(pomdp), exact({ backup: 'fixed-dynamics', beliefPoints: 30 })));
        expect(seen.value).toBeLessThanOrEqual(mdpValue + 1e-9);
        expect(seen.approximation!.upper).toBeGreaterThanOrEqual(mdpValue - 1e-9);
        const H = 6;
        const small: PomdpSpec = { ...spec, T: H };
        const maxR = Math.max(...small.r.flat().map(Math.abs));
        const slack = (Math.pow(small.gamma, H) * maxR) / (1 - small.gamma) + 1e-9;
        const horizonValue = infer(pomdpModel(small), exact({ backup: 'fixed-dynamics' })).value;
        const approx = beliefPosterior(infer(infinite(pomdpModel(small)), exact({ backup: 'fixed-dynamics', beliefPoints: 30 })));
        expect(approx.value).toBeLessThanOrEqual(horizonValue + slack);
        expect(approx.approximation!.upper).toBeGreaterThanOrEqual(horizonValue - slack);
        expect(approx.value).toBeLessThanOrEqual(approx.approximation!.upper + 1e-9);
      }),
      { seed: 27, numRuns: 40 },
    );
  });

  it('is refused where it does not apply (a finite horizon)', () => {
    expect(thrownCode(() => infer(tiger({ horizon: 3 }), exact({ backup: 'fixed-dynamics', beliefPoints: 10 })))).toBe('option-invalid');
  });
});
