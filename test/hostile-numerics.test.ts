/**
 * Issue 13, engine and numerics half: hostile numbers that used to give a
 * silent wrong answer. Large α (the soft value against an independent closed
 * form), reward sums that overflow, r/α that overflows.
 * Tolerances: soft values rtol 1e-12 (issue 13 item 3); each stated below.
 */
import { describe, expect, it } from 'vitest';
import { create, all } from 'mathjs';
import {
  action,
  CaiError,
  categorical,
  compile,
  deterministic,
  discount,
  evaluate,
  exact,
  horizon,
  importance,
  infer,
  sampler,
  softQLearning,
  softActorCritic,
  variational,
  variationalFit,
  learningFit,
  linearSoftmax,
  model,
  optimality,
  state,
  temperature,
  transition,
  type Part,
} from '../src/index.js';
import { fitWarnings } from '../src/engines/variational/honesty.js';

const big = create(all, { number: 'BigNumber', precision: 60 });

/**
 * V_0 = α log((1 + e^{−1/α})/2), the one-step bandit with rewards 0 and −1 and a
 * uniform prior, computed independently of the engine: for α ≥ 10 by the
 * series −1/2 + u/8 − u³/192 + u⁵/2880 − 17u⁷/645120 (u = 1/α, next term
 * < 3e-15 relative), else in 60-digit decimal arithmetic.
 */
function banditValue(alpha: number): number {
  if (alpha >= 10) {
    const u = 1 / alpha;
    return -0.5 + u / 8 - u ** 3 / 192 + u ** 5 / 2880 - (17 * u ** 7) / 645120;
  }
  const a = big.bignumber(alpha);
  const inner = big.divide(big.add(1, big.exp(big.divide(-1, a) as never)), 2);
  return big.number(big.multiply(a, big.log(inner as never)) as never) as number;
}

const relClose = (actual: number, expected: number, rtol: number) => {
  if (!(Math.abs(actual - expected) <= rtol * Math.abs(expected))) expect(actual).toBe(expected);
};

const ALPHAS = [1e-300, 1e-100, 1e-10, 1e-3, 0.1, 1, 3, 10, 100, 1e3, 1e5, 1e8, 1e10, 1e12, 1e16, 1e20, 1e50, 1e100, 1e200, 1e300];

describe('large α keeps the soft value (issue 13 item 3)', () => {
  const bandit = (alpha: number) =>
    model(
      state('s', ['only']),
      action('a', ['zero', 'minus']),
      transition(() => deterministic('only')),
      optimality((_s, a) => (a === 'zero' ? 0 : -1)),
      temperature(alpha),
      horizon(1),
    );

  it.each(ALPHAS)('one-step bandit at α = %s: V_0 and log p(O) to 1e-12 relative, both backups', (alpha) => {
    const expected = banditValue(alpha);
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const post = infer(bandit(alpha), exact({ backup }));
      relClose(post.V(0)[0]!, expected, 1e-12);
      relClose(post.logEvidence, expected / alpha, 1e-12);
    }
  });

  it('a prior that is not dyadic (0.1, 0.2, 0.7) at α = 1e16: V_0 → E_p[r] to 1e-12; a prior summing to 1 + 1e-10 keeps Σπ = 1', () => {
    const three = (alpha: number, probs: number[], rewards: number[]) =>
      model(
        state('s', ['only']),
        action('a', ['x', 'y', 'z'], { prior: categorical([['x', probs[0]!], ['y', probs[1]!], ['z', probs[2]!]]) }),
        transition(() => deterministic('only')),
        optimality((_s, a) => rewards[['x', 'y', 'z'].indexOf(a as string)]!),
        temperature(alpha),
        horizon(1),
      );
    // α log Σ p e^{r/α} = E_p[r] + Var_p(r)/(2α) + O(α^-2); the second term is 1e-16 here
    relClose(infer(three(1e16, [0.1, 0.2, 0.7], [0, -1, -2]), exact()).V(0)[0]!, 0.1 * 0 + 0.2 * -1 + 0.7 * -2, 1e-12);
    const pi = infer(three(1, [0.3, 0.3, 0.4 + 1e-10], [0, -1e-4, -2e-4]), exact()).policy(0, 'only');
    expect(Math.abs(pi.probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-12);
  });

  /** Two states reached uniformly at random from each; r = 0 in 'good', −1 in 'bad' (every action). */
  const coin = (alpha: number, ...extra: Part[]) =>
    model(
      state('s', ['good', 'bad'], { initial: 'good' }),
      action('a', ['x', 'y']),
      transition(() => categorical([['good', 0.5], ['bad', 0.5]])),
      optimality((s) => (s === 'good' ? 0 : -1)),
      temperature(alpha),
      ...extra,
    );

  it.each(ALPHAS.filter((a) => a >= 1e-10))('stochastic dynamics at α = %s: posterior backup over successors, fixed-dynamics and discounted', (alpha) => {
    const L = banditValue(alpha);
    // posterior: V_0(good) = 0 + α log(½ e^{0} + ½ e^{−1/α}) = L
    relClose(infer(coin(alpha, horizon(2)), exact()).V(0)[0]!, L, 1e-12);
    // fixed dynamics: V_0(good) = 0 + ½(0 − 1) = −1/2 exactly
    relClose(infer(coin(alpha, horizon(2)), exact({ backup: 'fixed-dynamics' })).V(0)[0]!, -0.5, 1e-12);
    // discounted posterior, γ = ½: V(good) = γ(V(good) + L) ⇒ V(good) = γL/(1 − γ) = L
    // (the stopping tolerance is absolute, so it is set relative to |L|)
    relClose(infer(coin(alpha, discount(0.5)), exact({ tolerance: 1e-14 * Math.abs(L) })).V(0)[0]!, L, 1e-12);
  });
});

describe('finite rewards that overflow are refused at compile time (issue 13 item 1)', () => {
  const chain = (...parts: Part[]) =>
    model(state('s', [0, 1], { initial: 0 }), action('a', ['stay', 'go']), transition((s: number, a: string) => deterministic(a === 'go' ? 1 - s : s)), ...parts);

  const refusal = (m: ReturnType<typeof chain>) => {
    try {
      compile(m);
    } catch (error) {
      expect(error).toBeInstanceOf(CaiError);
      return error as CaiError;
    }
    throw new Error('compile() accepted a model whose values overflow');
  };

  it('1e308 at horizon 4: names the state, the action and the sum', () => {
    const e = refusal(chain(optimality((s) => (s === 1 ? 1e308 : 0)), horizon(4)));
    expect(e.code).toBe('reward-invalid');
    expect(e.state).toBe(1);
    expect(e.message).toMatch(/r\(s=1, a='stay'\) = 1e\+308 accumulated over the horizon T = 4 reaches 4 × 1e\+308 = Infinity/);
  });

  it('−1e308 per step is not read as a hard constraint', () => {
    const e = refusal(chain(optimality((s) => (s === 1 ? -1e308 : 0)), horizon(2)));
    expect(e.code).toBe('reward-invalid');
    expect(e.message).toMatch(/-Infinity, beyond the largest double/);
  });

  it('two parts of 1e308: the sum overflows, named with its parts', () => {
    const e = refusal(chain(optimality(() => 1e308), optimality(() => 1e308), horizon(1)));
    expect(e.code).toBe('reward-invalid');
    expect(e.message).toMatch(/sum of the optimality parts at s=0, a='stay' overflows: 1e\+308 \+ 1e\+308 = Infinity/);
  });

  it('a terminal reward on top of the horizon, and a discount, count too', () => {
    expect(refusal(chain(optimality(() => 1e308), optimality.terminal(() => 1e308), horizon(1))).part).toBe('optimality.terminal');
    expect(refusal(chain(optimality((s) => (s ? -1e307 : 0)), discount(0.99))).message).toMatch(/1\/\(1 − γ\) = 100/);
  });

  it('what a double can hold still runs: 1e308 at horizon 1, −1e307 at horizon 10, a −Infinity part beside a finite one', () => {
    expect(infer(chain(optimality((s) => (s === 1 ? 1e308 : 0)), horizon(1)), exact()).logEvidence).toBe(Math.log(1 + 0) + 0); // s_0 = 0: r = 0 both actions
    const post = infer(chain(optimality((s) => (s === 1 ? -1e307 : 0)), horizon(10)), exact());
    // only trajectories that never visit s = 1 count (the others weigh exp(−1e307) = 0): the prior's 'stay' at t = 0 … 8
    expect(post.logEvidence).toBeCloseTo(-9 * Math.log(2), 12);
    expect(infer(chain(optimality((_s, a) => (a === 'go' ? -Infinity : 0)), optimality(() => -1e300), horizon(1)), exact()).logEvidence).toBe(-1e300 + Math.log(0.5));
  });
});

describe('r/α that overflows: the engines that weight by exp(r/α) name the temperature (issue 13 item 1)', () => {
  const bandit = (alpha: number, ...extra: Part[]) =>
    model(state('s', ['only']), action('a', ['zero', 'minus']), transition(() => deterministic('only')), optimality((_s, a) => (a === 'zero' ? 0 : -1)), temperature(alpha), horizon(4), ...extra);

  const refused = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(CaiError);
      return error as CaiError;
    }
    throw new Error('the engine accepted a temperature whose r/α overflows');
  };

  it('exact() refuses a subnormal α (log p(O) came out −4 for −4·log 2), and at α = 1e-300 gives −4·log 2 to 1e-12', () => {
    const e = refused(() => infer(bandit(5e-324), exact()));
    expect(e.code).toBe('temperature-invalid');
    expect(e.message).toContain('exact(): temperature α = 5e-324 is subnormal (below 2.2250738585072014e-308)');
    relClose(infer(bandit(1e-300), exact()).logEvidence, -4 * Math.log(2), 1e-12);
    expect(infer(bandit(0), exact()).policy(0, 'only').probs).toEqual([1, 0]); // the limit itself
  });

  it.each([
    ['importance()', () => importance({ particles: 10 })],
    ['variational()', () => variational({ steps: 2 })],
    ['softQLearning()', () => softQLearning({ steps: 4 })],
    ['softActorCritic()', () => softActorCritic({ steps: 4 })],
  ] as const)('%s at α = 5e-324 refuses, naming the temperature', (part, engine) => {
    const e = refused(() => infer(bandit(5e-324), engine()));
    expect(e.code).toBe('temperature-invalid');
    expect(e.message).toContain(`${part}: temperature α = 5e-324 is subnormal (below 2.2250738585072014e-308), so α·log(…) and r/α keep too few digits (1/α overflows)`);
  });

  it('importance() and variational() at α = 1e-307 with r = −100: r/α = −1e309 is named with its state and action', () => {
    const m = model(state('s', ['only']), action('a', ['zero', 'minus']), transition(() => deterministic('only')), optimality((_s, a) => (a === 'zero' ? 0 : -100)), temperature(1e-307), horizon(2));
    for (const engine of [importance({ particles: 10 }), variational({ steps: 2 })]) {
      const e = refused(() => infer(m, engine));
      expect(e.code).toBe('temperature-invalid');
      expect(e.message).toMatch(/temperature α = 1e-307 is so small that r\/α overflows: r\(s='only', a='minus'\) = -100 gives r\/α = -Infinity, which would read as a hard constraint/);
    }
  });

  it('a simulated model: the reward is checked as it is drawn', () => {
    const m = model(
      state('s', ['only']),
      action('a', ['zero', 'minus']),
      transition(() => sampler(() => 'only')),
      optimality((_s, a) => (a === 'zero' ? 0 : -100)),
      temperature(1e-307),
      horizon(2),
    );
    const e = refused(() => infer(m, importance({ particles: 50, seed: 1 })));
    expect(e.code).toBe('temperature-invalid');
    expect(e.message).toMatch(/at t=\d the reward r = -100 divided by the temperature α = 1e-307 overflows to -Infinity/);
    expect(refused(() => infer(m, variational({ steps: 2, samples: 50, seed: 1 }))).code).toBe('temperature-invalid');
  });
});

describe('SMC standard error when one lineage survives (issue 13 item 7)', () => {
  // A slippery walk on 0 … 9 towards 7 at α = 0.05 over 60 steps: 100 particles collapse onto one t = 0 ancestor.
  const walk = model(
    state('x', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { initial: 0 }),
    action('a', ['l', 'r']),
    transition((x: number, a: string) => categorical([[Math.max(0, Math.min(9, x + (a === 'r' ? 1 : -1))), 0.7], [x, 0.3]])),
    optimality((x: number) => -Math.abs(x - 7)),
    temperature(0.05),
    horizon(60),
  );

  it('is Infinity with the reason, not a capped "± 1.00", while the estimates spread over seeds', () => {
    const exactLogZ = infer(walk, exact()).logEvidence;
    const estimates: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const post = infer(walk, importance({ particles: 100, seed }));
      // the cause: Lee–Whiteley's 1 − (N/(N−1))^{K+1}(1 − ΣΩ²) ≤ ΣΩ² = 1 with a single Eve
      expect(post.evidence.standardError).toBe(Infinity);
      expect(post.evidence.description).toMatch(/fewer than two effective lineages/);
      estimates.push(post.logEvidence);
    }
    // the spread the old "± 1.00" hid: these four runs are more than 1 nat apart or off the exact value by more
    const spread = Math.max(...estimates) - Math.min(...estimates);
    const worst = Math.max(...estimates.map((e) => Math.abs(e - exactLogZ)));
    expect(Math.max(spread, worst)).toBeGreaterThan(1);
  });

  it('plain importance sampling with ESS < 2 likewise; a healthy run keeps a finite SE', () => {
    const one = infer(walk, importance({ particles: 100, seed: 1, resample: 'none' }));
    expect(one.evidence.standardError).toBe(Infinity);
    const short = model(...walk.parts.filter((p) => p.kind !== 'horizon' && p.kind !== 'temperature'), temperature(1), horizon(3));
    const healthy = infer(short, importance({ particles: 500, seed: 1 }));
    expect(Number.isFinite(healthy.evidence.standardError)).toBe(true);
    expect(healthy.evidence.standardError).toBeLessThan(0.2);
  });
});

describe('importance(): a proposal that misses part of the target is refused (issue 13 item 6)', () => {
  // Three actions, r = 0, −1, −Infinity ('c' is forbidden); the walk moves right on 'a', stays otherwise.
  const target = (forbidB = false) =>
    model(
      state('x', [0, 1, 2], { initial: 0 }),
      action('a', ['a', 'b', 'c']),
      transition((x: number, a: string) => deterministic(a === 'a' ? Math.min(2, x + 1) : x)),
      optimality((_x, a) => (a === 'a' ? 0 : a === 'b' ? (forbidB ? -Infinity : -1) : -Infinity)),
      horizon(3),
    );

  const refused = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(CaiError);
      return error as CaiError;
    }
    throw new Error('importance() accepted a proposal that misses part of the target');
  };

  it('a function proposal giving 0 to an allowed action: refused, naming the state and action', () => {
    const onlyA = () => categorical([['a', 1]]);
    const e = refused(() => infer(target(), importance({ particles: 200, seed: 1, proposal: onlyA })));
    expect(e.code).toBe('proposal-support');
    expect(e.state).toBe(0);
    expect(e.action).toBe('b');
    expect(e.message).toMatch(/gives probability 0 to a='b' at s=0, t=0, where the prior gives 0\.333/);
  });

  it('a zero only where the target is zero (r = −Infinity) is fine, unbiased, and the note says what was checked', () => {
    const noC = () => categorical([['a', 0.5], ['b', 0.5]]);
    const post = infer(target(), importance({ particles: 4000, seed: 2, proposal: noC }));
    const logZ = infer(target(), exact()).logEvidence;
    expect(Math.abs(post.logEvidence - logZ)).toBeLessThanOrEqual(4.5 * post.evidence.standardError!); // false-failure rate ≈ 7e-6
    expect(post.exactness.notes.join(' ')).toMatch(/its support was checked against the target's/);
  });

  it("another model's exact posterior (b forbidden there) as proposal: its policy table is checked and refused", () => {
    const other = infer(target(true), exact());
    const e = refused(() => infer(target(), importance({ particles: 100, seed: 1, proposal: other })));
    expect(e.code).toBe('proposal-support');
    expect(e.action).toBe('b');
  });

  it('on a simulated model the support cannot be checked, and the notes say so', () => {
    const sim = model(
      state('x', [0, 1, 2], { initial: 0 }),
      action('a', ['a', 'b']),
      transition((x: number, a: string) => sampler(() => (a === 'a' ? Math.min(2, x + 1) : x))),
      optimality((_x, a) => (a === 'a' ? 0 : -1)),
      horizon(2),
    );
    const post = infer(sim, importance({ particles: 50, seed: 1, proposal: () => categorical([['a', 0.5], ['b', 0.5]]) }));
    expect(post.exactness.notes.join(' ')).toMatch(/whether it gives mass wherever the target does cannot be checked/);
  });
});

describe('evaluate() on an importance posterior: unvisited rows are not infeasible (issue 13 item 8)', () => {
  // No hard constraint anywhere: every V^π is finite. A slippery 6-cell walk, 20 particles leave many (t, s) unvisited.
  const walk = model(
    state('x', [0, 1, 2, 3, 4, 5], { initial: 0 }),
    action('a', ['l', 'r']),
    transition((x: number, a: string) => categorical([[Math.max(0, Math.min(5, x + (a === 'r' ? 1 : -1))), 0.8], [x, 0.2]])),
    optimality((x: number) => -Math.abs(x - 4)),
    horizon(6),
  );
  const post = infer(walk, importance({ particles: 20, seed: 3 }));

  it("refuses by default, naming the first (t, s) without a row and the 'prior' option", () => {
    try {
      evaluate(walk, post);
      throw new Error('evaluate() accepted missing rows');
    } catch (error) {
      expect(error).toBeInstanceOf(CaiError);
      expect((error as CaiError).code).toBe('unsupported-query');
      expect((error as CaiError).message).toMatch(/the importance posterior gives no action at t=\d, s=\d .*not −Infinity \(no particle visited it\); pass evaluate\(model, policy, \{ unvisited: 'prior' \}\)/);
    }
  });

  it("with unvisited: 'prior' the value is finite, the rows are counted, and it equals evaluating the tables completed by hand", () => {
    const e = evaluate(walk, post, { unvisited: 'prior' });
    expect(Number.isFinite(e.value)).toBe(true);
    expect(e.notes[0]).toMatch(/^\d+ \(t, s\) rows had no policy/);
    const completed = (t: number) => {
      const table = post.policyTable(t);
      for (let s = 0; s < 6; s++) if (table[2 * s]! + table[2 * s + 1]! === 0) table.set([0.5, 0.5], 2 * s);
      return table;
    };
    const reference = evaluate(walk, { table: completed });
    expect(e.value).toBe(reference.value);
    expect(reference.notes).toEqual([]);
  });

  it('an exact posterior keeps −Infinity where every policy meets a hard constraint (both backups)', () => {
    const risky = model(
      state('x', ['safe', 'risky', 'dead'], { initial: 'safe' }),
      action('a', ['stay', 'go']),
      transition((x: string, a: string) => (x === 'safe' && a === 'go' ? deterministic('risky') : x === 'risky' ? categorical([['dead', 0.5], ['safe', 0.5]]) : deterministic(x))),
      optimality((x: string) => (x === 'dead' ? -Infinity : 0)),
      horizon(3),
    );
    for (const backup of ['posterior', 'fixed-dynamics'] as const) {
      const e = evaluate(risky, infer(risky, exact({ backup })));
      expect(e.V(0)[2]).toBe(-Infinity); // 'dead'
      // fixed dynamics avoids the risk (finite return); the optimistic posterior backup takes it (−∞ for sure, in expectation)
      expect(e.value).toBe(backup === 'fixed-dynamics' ? 0 : -Infinity);
    }
  });
});

describe('variational(): converged means converged (issue 13 item 4)', () => {
  const walk = (alpha: number) =>
    model(
      state('x', [0, 1, 2, 3], { initial: 0 }),
      action('a', ['l', 'r']),
      transition((x: number, a: string) => categorical([[Math.max(0, Math.min(3, x + (a === 'r' ? 1 : -1))), 0.7], [x, 0.3]])),
      optimality((x: number, a: string) => -Math.abs(x - 2) - (a === 'l' ? 0.5 : 0)),
      temperature(alpha),
      horizon(4),
    );

  it('α = 1e100: the rewards are below the rounding of the ELBO, so not converged, and the note says why', () => {
    const post = infer(walk(1e100), variational({}));
    const fit = variationalFit(post);
    expect(fit.converged).toBe(false);
    expect(fit.warnings.join(' ')).toMatch(/With α = 1e\+100 the rewards' whole share of the ELBO is at most 1\.00e-99 nats/);
    expect(post.exactness.notes[0]).toMatch(/^Not converged: /);
  });

  it('linearSoftmax features × 1e10: an ELBO that fell below its start, or a saturated plateau, is not converged', () => {
    const fell = variationalFit(infer(walk(1), variational({ family: linearSoftmax((x: number, a: string) => [1e10 * x * (a === 'r' ? 1 : -1)]) })));
    expect(fell.elbo[fell.elbo.length - 1]!).toBeLessThan(fell.elbo[0]!);
    expect(fell.converged).toBe(false);
    expect(fell.warnings.join(' ')).toMatch(/is below the starting one -7\.39: the optimiser made q worse. Lower learningRate/);
    const plateau = variationalFit(infer(walk(1), variational({ family: linearSoftmax((x: number, a: string) => [1e10 * (a === 'r' ? 1 : 0), 1e10 * (x === 2 ? 1 : 0)]) })));
    expect(plateau.converged).toBe(false);
    expect(plateau.warnings.join(' ')).toMatch(/q is saturated: at t=\d, s=\d it gives a='[lr]' probability 0 where the fixed-dynamics optimum gives/);
  });

  it('an ELBO above the exact log Z beyond rounding is reported (the check itself, on a fabricated trace)', () => {
    const graph = compile(walk(1));
    const logZ = infer(walk(1), exact()).logEvidence;
    const trace = Float64Array.of(logZ - 1, logZ + 1e-6);
    expect(fitWarnings(graph as never, trace, logZ + 1e-6, logZ, true)[0]).toMatch(/is above the exact log p\(O\) = .* by 1\.000e-6 .*: it is no lower bound/);
    expect(fitWarnings(graph as never, trace, logZ - 1e-16, logZ, true)).toEqual([]); // within rounding
  });

  it('a healthy fit still converges with no warning (features at scale 1, α = 1)', () => {
    const fit = variationalFit(infer(walk(1), variational({})));
    expect(fit.converged).toBe(true);
    expect(fit.warnings).toEqual([]);
    expect(fit.gap!).toBeGreaterThanOrEqual(-1e-12);
  });
});

describe('learning engines stop when they diverge (issue 13 item 5)', () => {
  const walk = model(
    state('x', [0, 1, 2, 3], { initial: 0 }),
    action('a', ['l', 'r']),
    transition((x: number, a: string) => categorical([[Math.max(0, Math.min(3, x + (a === 'r' ? 1 : -1))), 0.7], [x, 0.3]])),
    optimality((x: number) => -Math.abs(x - 2)),
    horizon(4),
  );

  it.each([
    ['softQLearning()', (lr: number) => softQLearning({ steps: 400, learningRate: lr, seed: 1 })],
    ['softActorCritic()', (lr: number) => softActorCritic({ steps: 400, learningRate: lr, seed: 1 })],
  ] as const)('%s with learningRate 1e20 and 1e300: a typed error naming learningRate, not a policy or "a dead end at s=undefined"', (part, engine) => {
    for (const lr of [1e20, 1e300]) {
      try {
        infer(walk, engine(lr));
        throw new Error(`${part} returned a policy at learningRate ${lr}`);
      } catch (error) {
        expect(error).toBeInstanceOf(CaiError);
        expect((error as CaiError).code).toBe('not-converged');
        expect((error as CaiError).message).toContain(`${part}: the run diverged — `);
        expect((error as CaiError).message).toContain(`Lower learningRate (now ${lr.toExponential()}`);
      }
    }
  });

  it('a sane learning rate still runs', () => {
    const post = infer(walk, softQLearning({ steps: 400, seed: 1 }));
    expect(Number.isFinite(post.logEvidence)).toBe(true);
  });
});

describe('memory: refused with an estimate before allocating (issue 13, Memory)', () => {
  const tooLarge = (run: () => unknown, part: string) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(CaiError);
      expect((error as CaiError).code).toBe('too-large');
      expect((error as CaiError).message).toMatch(new RegExp(`^${part.replace(/[()]/g, '\\$&')}: .* needs ~[\\d.e+]+ GB, above the 2\\.15 GB memory limit; `));
      return (error as CaiError).message;
    }
    throw new Error(`${part} did not refuse`);
  };
  const small = (T: number) =>
    model(state('x', [0, 1], { initial: 0 }), action('a', ['l', 'r']), transition((_x: number, a: string) => deterministic(a === 'r' ? 1 : 0)), optimality((x: number) => -x), horizon(T));

  it('a factored 2^13 × 2^13 state at the table limit: compile() refuses before building 2^26 records', () => {
    const values = Array.from({ length: 2 ** 13 }, (_, i) => i);
    const m = model(state('x', values), state('y', values), action('a', ['only']), transition('x', (s: { x: number }) => deterministic(s.x)), transition('y', (s: { y: number }) => deterministic(s.y)), optimality(() => 0), horizon(2));
    expect(tooLarge(() => compile(m), 'compile()')).toContain('tabulating 67108864 states × 1 actions (a record per state)');
  });

  it('importance() with T = 1e6 decisions × 1000 particles', () => {
    expect(tooLarge(() => infer(small(1e6), importance({ particles: 1000 })), 'importance()')).toContain('1000 particles × 1000000 decisions');
  });

  it('post.sample(1e8)', () => {
    expect(tooLarge(() => infer(small(3), exact()).sample(1e8, { seed: 1 }), 'sample')).toContain('100000000 trajectories of 3 decisions');
    expect(tooLarge(() => infer(small(3), importance({ particles: 10 })).sample(1e8, { seed: 1 }), 'sample')).toContain('100000000 trajectories');
  });

  it('variational() and softQLearning() at T = 1e8', () => {
    expect(tooLarge(() => infer(small(1e8), variational({ steps: 1 })), 'variational()')).toContain('T = 100000000 steps × 2 states × 2 actions');
    expect(tooLarge(() => infer(small(2), variational({ steps: 1e9 })), 'variational()')).toContain('the ELBO trace of 1000000000 steps');
    expect(tooLarge(() => infer(small(1e8), softQLearning({ steps: 100 })), 'softQLearning()')).toContain('T = 100000000 time slots × 2 states × 2 actions');
  });

  it('learning curves stay bounded: 40 000 one-step episodes keep fewer than 16 384 points, in order', () => {
    const fit = learningFit(infer(small(1), softQLearning({ steps: 40_000, seed: 1 })));
    const x = fit.curves.environmentSteps;
    expect(fit.episodes).toBe(40_000);
    // 16 384 points at episode 16 384 thin to 8 192 (stride 2), again at 32 768 (stride 4): 8 192 + 7 232/4
    expect(x.length).toBe(8192 + 1808);
    expect(x.length).toBe(fit.curves.return.length);
    for (let i = 1; i < x.length; i++) expect(x[i]! > x[i - 1]!).toBe(true);
    expect(x[x.length - 1]).toBe(40_000);
  });
});

describe('memory: queries on a long horizon (issue 13, Memory)', () => {
  const line = (n: number, ...parts: Part[]) =>
    model(state('x', Array.from({ length: n }, (_, i) => i), { initial: 0 }), action('a', ['stay']), transition((x: number) => deterministic(x)), optimality(() => 0), ...parts);
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return [(error as CaiError).code, (error as CaiError).part];
    }
    return undefined;
  };

  it("evaluate() refuses V^π of 300 000 states × 1 001 steps (2.4 GB) before allocating it", () => {
    expect(refusal(() => evaluate(line(300_000, horizon(1000)), () => categorical([['stay', 1]])))).toEqual(['too-large', 'evaluate()']);
  });

  it('stateMarginal(t) of a discounted posterior refuses S·t forward messages at t = 1e9', () => {
    const post = infer(line(3, discount(0.9)), exact());
    expect(refusal(() => post.stateMarginal(1e9))).toEqual(['too-large', 'stateMarginal']);
    expect(post.stateMarginal(5)[0]).toBe(1);
  });
});
