/**
 * The exact engine against brute-force enumeration (RELIABILITY 1 and 3).
 *
 * Random models: |S| ≤ 4, |A| ≤ 3, T ≤ 5 (horizon cut so that at most 20 000
 * trajectories exist), deterministic / sparse / dense dynamics, non-uniform
 * initial and action priors (with zeros), ~10 % −Infinity rewards, time-varying
 * rewards, optional terminal factor, α ∈ {0.25, 0.5, 1, 2, 3}.
 * fast-check with a fixed seed; the number of models is in each test's name.
 *
 * Tolerances (RELIABILITY): log quantities rtol = atol = 1e-10; probabilities
 * atol 1e-12; Σ π = 1 and Σ p(s_t|O) = 1 to 1e-12. The extreme-scale block
 * (|r|/α up to ~1.5e7) scales its tolerances with the magnitude of the
 * log-weights, as the brute force's own rounding does; the sampling test is a
 * χ² test at false-positive rate 1e-4 with a fixed seed.
 *
 * The references (the testing kit's `bruteForce` and `fixedDynamicsReference`)
 * import nothing from src/compile, src/engines or src/posterior (RELIABILITY 19).
 * Every number is compared with the kit's `expectPosteriorsClose` (V and Q at
 * log rtol = atol = 1e-10 in reward units) and every posterior must pass the
 * kit's `checkPosterior` against brute force; what the kit does not cover
 * (`policy()` categoricals, error codes, conditionals of p(τ|O), `logProb`, the
 * mode) is checked here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, infer, model, optimality, state, temperature, transition, type Model, type Posterior } from '../src/index.js';
import {
  arbitraryModelSpec,
  bruteForce,
  buildModel,
  checkPosterior as checkLaws,
  expectPosteriorsClose,
  fixedDynamicsReference,
  mapRewards,
  timeVaryingSpec,
  type BruteForce,
  type ModelSpec,
  type StateValue,
} from '../src/testing/index.js';
import { assert, assertClose, assertNoNaN, LOG_TOL, logSumExp, PROB_TOL, thrownCode } from './helpers/close.js';
import { chiSquare } from './helpers/chi-square.js';

const SEED = 42;
const RUNS = 300;
/** Generous per-test limit (the suite's files set none of their own); each test takes a few seconds. */
const TIMEOUT = 60_000;

type S = StateValue;
type A = string;

/** Engine index of each brute-force state / action (the two may order a factored domain differently). */
function indexMaps(bf: BruteForce<S, A>, post: Posterior<S, A>) {
  const sMap = bf.states.map((s) => post.graph.states.indexOf(s));
  const aMap = bf.actions.map((a) => post.graph.actions.indexOf(a));
  assert(!sMap.includes(-1) && !aMap.includes(-1), 'domains differ');
  return { sMap, aMap };
}

/** Every check of the posterior backup against enumeration, on one model. */
function checkPosterior(m: Model<S, A>): void {
  const bf = bruteForce(m);
  const post = infer(m, exact());
  const { nA } = post.graph;
  const { sMap } = indexMaps(bf, post);
  const T = bf.horizon;

  // log Z, V, Q (whether or not O is feasible), π where V > −∞, and the state, state-action and action marginals
  // against enumeration; then the posterior's own laws (no NaN, Σπ = Σ p(s_t|O) = 1, Bellman and Bayes
  // consistency, the evidence and ELBO bound, V = −∞ exactly where brute force finds no feasible continuation).
  expectPosteriorsClose(post, bf, { log: LOG_TOL, prob: PROB_TOL, values: LOG_TOL });
  checkLaws(m, post, { reference: bf });

  if (bf.logZ === -Infinity) {
    expect(post.logEvidence).toBe(-Infinity);
    expect(thrownCode(() => post.policy(0, bf.states[0]!))).toBe('infeasible');
    expect(thrownCode(() => post.stateMarginal(0))).toBe('infeasible');
    expect(thrownCode(() => post.mostProbable())).toBe('infeasible');
    expect(thrownCode(() => post.sample(1, { seed: 1 }))).toBe('infeasible');
    return;
  }

  // policy(t, s) as a categorical: the same numbers as policyTable, and a clear error where V_t(s) = −∞.
  for (let t = 0; t < T; t++) {
    const table = post.policyTable(t);
    bf.states.forEach((s, i) => {
      const expected = bf.policy(t, s);
      const row = sMap[i]! * nA;
      if (expected === undefined) {
        expect(thrownCode(() => post.policy(t, s))).toBe('state-infeasible');
        for (let b = 0; b < nA; b++) assert(table[row + b] === 0, `policyTable(${t}) row of infeasible ${JSON.stringify(s)} is not 0`);
        return;
      }
      const pi = post.policy(t, s);
      let sum = 0;
      bf.actions.forEach((a, k) => {
        const p = pi.probs[pi.support.indexOf(a)]!;
        sum += p;
        assertClose(p, expected[k]!, PROB_TOL, `π_${t}(${a}|${JSON.stringify(s)})`);
      });
      assertClose(sum, 1, PROB_TOL, `Σ_a π_${t}(a|${JSON.stringify(s)})`);
      // The conditional of p(τ|O) coincides with p(a_t|s_t,O_{t:T}) wherever the posterior visits s_t.
      const conditional = bf.trajectoryPolicy(t, s);
      if (conditional !== undefined) conditional.forEach((p, k) => assertClose(p, expected[k]!, { rtol: 0, atol: 1e-12 }, `p(a_${t}|s_${t},O) vs p(a_${t}|s_${t},O_{t:T})`));
    });
  }

  // log p(τ | O) of every trajectory with positive prior probability.
  for (const tr of bf.trajectories) {
    const lp = post.logProb({ states: tr.states, actions: tr.actions });
    assertClose(lp, tr.logPosterior, LOG_TOL, `logProb(${JSON.stringify([tr.states, tr.actions])})`);
  }

  // log p(prefix | O) of every prefix of k < T decisions (k states, k actions): log Σ over its completions.
  for (let k = 1; k < T; k++) {
    const groups = new Map<string, { states: S[]; actions: A[]; logs: number[] }>();
    for (const tr of bf.trajectories) {
      const states = tr.states.slice(0, k);
      const actions = tr.actions.slice(0, k);
      const key = JSON.stringify([states, actions]);
      const group = groups.get(key) ?? { states, actions, logs: [] };
      group.logs.push(tr.logPosterior);
      groups.set(key, group);
    }
    for (const g of groups.values()) {
      assertClose(post.logProb({ states: g.states, actions: g.actions }), logSumExp(g.logs), LOG_TOL, `logProb of the prefix ${JSON.stringify([g.states, g.actions])}`);
    }
  }

  // The mode is a member of the argmax set, with the right log-probability.
  const mode = post.mostProbable();
  const modeLogProb = bf.logProb(mode.states, mode.actions);
  assert(modeLogProb >= bf.maxLogPosterior - 1e-10, `mostProbable() has log p ${modeLogProb} < max ${bf.maxLogPosterior}`);
  expect(bf.argmax(1e-10).some((tr) => JSON.stringify([tr.states, tr.actions]) === JSON.stringify([mode.states, mode.actions]))).toBe(true);
  assertClose(mode.logProb, modeLogProb, LOG_TOL, 'mostProbable().logProb');
  assertClose(mode.logProb, bf.maxLogPosterior, LOG_TOL, 'mostProbable().logProb vs max');
}

describe(`exact engine vs brute force (${RUNS} random models, seed ${SEED}; log rtol=atol=1e-10, probabilities atol 1e-12)`, () => {
  it(`log Z, Q, V, p(a_t|s_t,O), marginals, log p(τ|O) (and of every prefix) and the mode agree on ${RUNS} random models; Σπ = Σp(s_t|O) = 1; no NaN`, () => {
    fc.assert(fc.property(arbitraryModelSpec(), (spec) => checkPosterior(buildModel(spec))), { seed: SEED, numRuns: RUNS });
  }, TIMEOUT);

  it('100 random models made infeasible (r = −∞ at one step, or r_T = −∞): logEvidence = −∞ and queries throw code "infeasible"', () => {
    const infeasible = fc
      .tuple(arbitraryModelSpec({ infeasibleRate: 0 }), fc.nat(), fc.boolean())
      .map(([spec, k, useTerminal]): ModelSpec => {
        if (useTerminal && spec.terminal !== undefined) return { ...spec, terminal: spec.terminal.map(() => -Infinity) };
        const at = k % spec.T;
        return mapRewards(timeVaryingSpec(spec), (r, { t }) => (t === at ? -Infinity : r));
      });
    fc.assert(
      fc.property(infeasible, (spec) => {
        const m = buildModel(spec);
        const bf = bruteForce(m);
        expect(bf.logZ).toBe(-Infinity);
        const post = infer(m, exact());
        expect(post.logEvidence).toBe(-Infinity);
        for (const s of bf.states) {
          const code = thrownCode(() => post.policy(0, s));
          expect(code).toBe('infeasible');
        }
        expect(thrownCode(() => post.policyTable(0))).toBe('infeasible');
        expect(thrownCode(() => post.stateMarginal(0))).toBe('infeasible');
        expect(thrownCode(() => post.stateActionMarginal(0))).toBe('infeasible');
        expect(thrownCode(() => post.mostProbable())).toBe('infeasible');
        expect(thrownCode(() => post.sample(3, { seed: 7 }))).toBe('infeasible');
        for (let t = 0; t < spec.T; t++) {
          assertNoNaN(post.V(t), `V(${t})`);
          assertNoNaN(post.Q(t), `Q(${t})`);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  }, TIMEOUT);

  it(`fixed-dynamics backup on ${RUNS} random models: ELBO ≤ log Z + 1e-12 (= when dynamics and s_0 are deterministic), and V, Q, π match an independent Q = r + E[V] recursion`, () => {
    fc.assert(
      fc.property(arbitraryModelSpec(), (spec) => {
        const m = buildModel(spec);
        const bf = bruteForce(m);
        const post = infer(m, exact({ backup: 'fixed-dynamics' }));
        const { sMap } = indexMaps(bf, post);
        const ref = fixedDynamicsReference(m);
        // ELBO, V, Q (1e-10), π where V > −∞, and q(s_t), q(s_t, a_t), q(a_t) (1e-12) against the independent
        // recursion (its marginals run the recursion's own policy forward from q(s_0) = p(s_0)); then the laws.
        expectPosteriorsClose(post, ref, { log: LOG_TOL, prob: PROB_TOL, values: LOG_TOL }, { label: 'fixed-dynamics vs Q = r + E[V]' });
        checkLaws(m, post, { reference: bf });
        assert(post.logEvidence <= bf.logZ + 1e-12, `ELBO ${post.logEvidence} > log Z ${bf.logZ}`);
        // Equality needs the whole trajectory distribution deterministic given the actions: q keeps p(s_0) too,
        // so with a spread-out initial state the ELBO is E_{p(s_0)}[V_0]/α < log E_{p(s_0)}[exp(V_0/α)] (Jensen).
        const deterministic = bf.tables.dynamics.every((row) => row.every((succ) => succ.length === 1));
        const pointInitial = bf.tables.initial.filter((p) => p > 0).length === 1;
        if (deterministic && pointInitial) assertClose(post.logEvidence, bf.logZ, LOG_TOL, 'ELBO = log Z under deterministic dynamics and initial state');
        if (deterministic) {
          // Per initial state the bound is tight: V_0^fixed(s) = α log p(O | s_0 = s).
          bf.states.forEach((s, i) => assertClose(post.V(0)[sMap[i]!]!, bf.alpha * bf.logFuture(0, s), LOG_TOL, `deterministic: V_0(${JSON.stringify(s)}) = α log p(O|s_0)`));
        }
        if (post.logEvidence === -Infinity) return; // q(s_0) = p(s_0) meets an infeasible state
        // policy(t, s) as a categorical, where V_t(s) > −∞.
        for (let t = 0; t < spec.T; t++) {
          const expected = ref.policyTable(t);
          const V = ref.V(t);
          const nA = bf.actions.length;
          bf.states.forEach((s, i) => {
            if (V[i] === -Infinity) return;
            const pi = post.policy(t, s);
            let sum = 0;
            bf.actions.forEach((a, k) => {
              const p = pi.probs[pi.support.indexOf(a)]!;
              sum += p;
              assertClose(p, expected[i * nA + k]!, PROB_TOL, `fixed-dynamics π_${t}(${a}|${JSON.stringify(s)})`);
            });
            assertClose(sum, 1, PROB_TOL, `Σ_a π_${t}`);
          });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  // Regression: with backup 'fixed-dynamics', one initial state whose fixed-dynamics value is −∞ makes the ELBO
  // E_{p(s_0)}[V_0]/α = −∞ (right), but the posterior used to be flagged infeasible as a whole: policy(0, 'a') at a
  // state with V_0 = 0 threw 'infeasible' saying "p(O) = 0 — every trajectory meets a −Infinity reward", although
  // p(O) = 1/2 here and the fixed-dynamics policy at 'a' is well defined.
  it("fixed-dynamics: an infeasible initial state makes the ELBO −∞ but does not make policy() refuse a feasible state", () => {
    const m = model<string, string>(
      state('s', ['a', 'b', 'bad'], { initial: categorical([['a', 0.5], ['bad', 0.5]]) }),
      action('u', ['go']),
      transition((s: string) => categorical([[s, 1]])),
      optimality((s: string) => (s === 'bad' ? -Infinity : 0)),
      horizon(2),
    );
    const post = infer(m, exact({ backup: 'fixed-dynamics' }));
    expect(post.logEvidence).toBe(-Infinity);
    expect(infer(m, exact()).logEvidence).toBeCloseTo(Math.log(0.5), 12);
    expect(thrownCode(() => post.policy(0, 'a'))).toBeUndefined();
    expect(post.policy(0, 'a').probs).toEqual([1]);
  });

  it('a factored state (two variables, per-variable transitions) agrees with brute force on 50 random reward tables', () => {
    const reward = fc.array(fc.oneof({ arbitrary: fc.integer({ min: -3, max: 3 }), weight: 9 }, { arbitrary: fc.constant(-Infinity), weight: 1 }), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(reward, fc.constantFrom(0.5, 1, 2), (r, alpha) => {
        const m = model<Record<string, unknown>, string>(
          state('pos', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.25], [2, 0.25]]) }),
          state('lamp', ['on', 'off']),
          action('a', ['left', 'right']),
          transition('pos', (s: Record<string, unknown>, a: string) => {
            const p = s['pos'] as number;
            const to = a === 'left' ? Math.max(0, p - 1) : Math.min(2, p + 1);
            return to === p ? categorical([[p, 1]]) : categorical([[to, 0.75], [p, 0.25]]);
          }),
          transition('lamp', (s: Record<string, unknown>) => categorical([['on', s['lamp'] === 'on' ? 0.9 : 0.2], ['off', s['lamp'] === 'on' ? 0.1 : 0.8]])),
          optimality((s: Record<string, unknown>, a: string) => r[(s['pos'] as number) * 4 + (s['lamp'] === 'on' ? 0 : 2) + (a === 'left' ? 0 : 1)]!),
          temperature(alpha),
          horizon(3),
        );
        checkPosterior(m as unknown as Model<S, A>);
      }),
      { seed: SEED, numRuns: 50 },
    );
  }, TIMEOUT);
});

describe('extreme scales (RELIABILITY 3 and 6)', () => {
  const EXTREME_RUNS = 200;
  it(`${EXTREME_RUNS} random models with rewards ×{1, 30, 300} and α ∈ {0.01, 0.003, 1e-4} (|r|/α up to ~1.5e7): no NaN, Σπ = Σp(s_t|O) = 1 to 1e-12, and brute force agrees to a tolerance scaled by M = max|r|·(T+1)/α`, () => {
    // At these scales the brute force's own log-weights (magnitude up to M) carry rounding of ~1e-16·M, so
    // log quantities are compared with atol 1e-13·M and probabilities with atol max(1e-12, 1e-13·M).
    // Priors with zeros are included: a forbidden action with Q − V ≫ 709α once gave 0·∞ = NaN (regression below).
    const arb = fc
      .tuple(arbitraryModelSpec({ temperatures: [0.01, 0.003, 1e-4] }), fc.constantFrom(1, 30, 300))
      .map(([spec, k]): ModelSpec => mapRewards(spec, (r) => k * r, (r) => k * r));
    fc.assert(
      fc.property(arb, (spec) => {
        const m = buildModel(spec);
        const bf = bruteForce(m);
        const post = infer(m, exact());
        let maxReward = 1;
        for (const slice of spec.reward) for (const row of slice) for (const r of row) if (Number.isFinite(r)) maxReward = Math.max(maxReward, Math.abs(r));
        for (const r of spec.terminal ?? []) if (Number.isFinite(r)) maxReward = Math.max(maxReward, Math.abs(r));
        const M = (maxReward * (spec.T + 1)) / spec.alpha;
        const logTol = { rtol: 0, atol: 1e-13 * M };
        const probTol = { rtol: 0, atol: Math.max(1e-12, 1e-13 * M) };
        // log Z, V and Q (in reward units: α times the log tolerance), π where V > −∞, and the marginals against
        // enumeration; then the laws, which include no NaN and Σπ = Σ p(s_t|O) = 1 to 1e-12.
        expectPosteriorsClose(post, bf, { log: logTol, prob: probTol, values: { rtol: 0, atol: spec.alpha * logTol.atol } }, { label: 'extreme scale' });
        checkLaws(m, post, { reference: bf });
        if (bf.logZ === -Infinity) return;
        // Every trajectory, including those with p(τ|O) far below the smallest double (log p down to ~−1e7).
        for (const tr of bf.trajectories) assertClose(post.logProb(tr), tr.logPosterior, logTol, 'log p(τ|O)');
        const mode = post.mostProbable();
        assert(!Number.isNaN(mode.logProb), 'mostProbable().logProb is NaN');
        assert(bf.logProb(mode.states, mode.actions) >= bf.maxLogPosterior - logTol.atol - 1e-10, 'mostProbable() is not a mode');
      }),
      { seed: SEED, numRuns: EXTREME_RUNS },
    );
  }, TIMEOUT);

  // Regression: an action with prior p(a|s) = 0 whose Q_t(s,a) exceeds V_t(s) by more than ~709·α got
  // π = 0·exp((Q − V)/α) = 0·Infinity = NaN, and the NaN spread: policy() and policyTable() all NaN,
  // stateActionMarginal() NaN, mostProbable() = { states: [undefined], actions: [undefined], logProb: NaN },
  // and sample() drew the forbidden action.
  it('an action the prior forbids, with a far higher reward (1000 vs 0, α = 1), gets probability 0 and is never sampled — not NaN', () => {
    const m = model<string, string>(
      state('s', ['only']),
      action<string, string>('a', ['x', 'y'], { prior: categorical([['x', 1], ['y', 0]]) }),
      transition(() => categorical([['only', 1]])),
      optimality((_s: string, a: string) => (a === 'x' ? 0 : 1000)),
      horizon(1),
    );
    const post = infer(m, exact());
    expect(post.logEvidence).toBe(0);
    expect(post.policy(0, 'only').probs).toEqual([1, 0]);
    expect(Array.from(post.policyTable(0))).toEqual([1, 0]);
    expect(Array.from(post.stateActionMarginal(0))).toEqual([1, 0]);
    expect(post.mostProbable()).toEqual({ states: ['only'], actions: ['x'], logProb: 0 });
    expect(post.sample(5, { seed: 1 }).every((tr) => tr.actions[0] === 'x')).toBe(true);
  });

  // Regression: logProb() took Math.log of the linear-space policy (and tilted kernel), so a feasible trajectory
  // whose probability is below ~1e-308 got −Infinity ("the posterior cannot produce it") instead of its
  // log-probability. Here log p(a = 'y' | O) = −1000.
  it('logProb of a feasible trajectory with log p(τ|O) = −1000 is −1000, not −Infinity', () => {
    const m = model<string, string>(
      state('s', ['only']),
      action('a', ['x', 'y']),
      transition(() => categorical([['only', 1]])),
      optimality((_s: string, a: string) => (a === 'x' ? 0 : -1000)),
      horizon(1),
    );
    const post = infer(m, exact());
    assertClose(post.logProb({ states: ['only'], actions: ['y'] }), -1000, LOG_TOL, 'log p(y | O)');
  });
});

describe('sampling from p(τ | O)', () => {
  /** A fixed small model: stochastic dynamics, a non-uniform initial state and action prior, a hard constraint and a terminal factor. */
  const sampled = model<number, string>(
    state('s', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.3], [2, 0.2]]) }),
    action<string, number>('a', ['x', 'y'], { prior: (s: number) => categorical([['x', s === 2 ? 0.5 : 0.7], ['y', s === 2 ? 0.5 : 0.3]]) }),
    transition((s: number, a: string) => (a === 'x' ? categorical([[s, 0.6], [(s + 1) % 3, 0.4]]) : categorical([[(s + 2) % 3, 0.5], [0, 0.5]]))),
    optimality((s: number, a: string) => (s === 1 && a === 'y' ? -Infinity : s === 2 ? 0.5 : -0.25 * s)),
    optimality.terminal((s: number) => (s === 0 ? 1 : 0)),
    horizon(3),
  );

  it('20 000 samples (seed 2024) match brute-force p(τ|O) by χ² at false-positive rate 1e-4; same seed ⇒ identical samples', () => {
    const bf = bruteForce(sampled);
    const post = infer(sampled, exact());
    const N = 20_000;
    const draws = post.sample(N, { seed: 2024 });
    const keyOf = (states: readonly number[], actions: readonly string[]) => JSON.stringify([states, actions]);
    const index = new Map(bf.trajectories.map((tr, i) => [keyOf(tr.states, tr.actions), i] as const));
    const counts = new Array<number>(bf.trajectories.length).fill(0);
    for (const d of draws) {
      const i = index.get(keyOf(d.states, d.actions));
      assert(i !== undefined, `sampled a trajectory with zero prior probability: ${keyOf(d.states, d.actions)}`);
      assert(bf.trajectories[i].posterior > 0, `sampled a trajectory with zero posterior probability: ${keyOf(d.states, d.actions)}`);
      counts[i]! += 1;
    }
    const result = chiSquare(counts, bf.trajectories.map((tr) => tr.posterior));
    expect(result.cells).toBeGreaterThan(20); // the test has power: many cells with expected count ≥ 5
    expect(result.pValue).toBeGreaterThan(1e-4);
    // Same seed ⇒ identical samples, from the same posterior and from a fresh one.
    expect(post.sample(N, { seed: 2024 })).toEqual(draws);
    expect(infer(sampled, exact()).sample(N, { seed: 2024 })).toEqual(draws);
    expect(post.sample(50, { seed: 'another' })).toEqual(post.sample(50, { seed: 'another' }));
  }, TIMEOUT);
});
