/**
 * Laws of the exact engine on random models (RELIABILITY 4, 5 and 8).
 *
 * Random models as in exact-brute-force.test.ts (|S| ≤ 4, |A| ≤ 3, T ≤ 5,
 * hard constraints, time-varying and terminal rewards), drawn by fast-check
 * with a fixed seed; each test's name gives the number of models.
 * Tolerances: log quantities rtol = atol = 1e-10, probabilities atol 1e-12,
 * gradients 1e-6 relative (absolute below 1); "bit-identical" means `Object.is`.
 * The value iteration and the reference sums below are written here and
 * import nothing from the engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, infer, model, optimality, state, temperature, transition, type Model, type Part, type Posterior } from '../src/index.js';
import {
  arbitraryModelSpec,
  buildModel,
  mapRewards,
  specParts,
  specReward,
  specStateIndex,
  timeVaryingSpec,
  type ModelSpec,
  type StateValue,
} from '../src/testing/arbitraries.js';
import { expectPosteriorsClose } from '../src/testing/index.js';
import { assert, assertClose, LOG_TOL, PROB_TOL, type Tolerance } from './helpers/close.js';

const SEED = 42;
const RUNS = 200;
const TIMEOUT = 60_000;

type S = StateValue;
type A = string;

const posterior = (m: Model<S, A>) => infer(m, exact());
const fixedDynamics = (m: Model<S, A>) => infer(m, exact({ backup: 'fixed-dynamics' }));

/** Policy tables of every step, or undefined when p(O) = 0 (then policyTable throws). */
function policies(post: Posterior<S, A>): Float64Array[] | undefined {
  if (post.logEvidence === -Infinity) return undefined;
  return Array.from({ length: post.horizon }, (_, t) => post.policyTable(t));
}

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string): void {
  assert(actual.length === expected.length, `${label}: lengths ${actual.length} and ${expected.length}`);
  for (let i = 0; i < actual.length; i++) assertClose(actual[i]!, expected[i]!, tol, `${label}[${i}]`);
}

function assertBitIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  assert(actual.length === expected.length, `${label}: lengths differ`);
  for (let i = 0; i < actual.length; i++) assert(Object.is(actual[i], expected[i]), `${label}[${i}]: ${actual[i]} is not bit-identical to ${expected[i]}`);
}

/** Everything a posterior answers about values and policies, compared bit for bit. */
function assertSamePosterior(a: Posterior<S, A>, b: Posterior<S, A>, label: string): void {
  assert(Object.is(a.logEvidence, b.logEvidence), `${label}: logEvidence ${a.logEvidence} vs ${b.logEvidence}`);
  const T = a.horizon;
  for (let t = 0; t < T; t++) {
    assertBitIdentical(a.V(t), b.V(t), `${label}: V(${t})`);
    assertBitIdentical(a.Q(t), b.Q(t), `${label}: Q(${t})`);
  }
  if (a.logEvidence === -Infinity) return;
  for (let t = 0; t < T; t++) {
    assertBitIdentical(a.policyTable(t), b.policyTable(t), `${label}: policyTable(${t})`);
    assertBitIdentical(a.stateMarginal(t), b.stateMarginal(t), `${label}: stateMarginal(${t})`);
  }
  expect(a.mostProbable()).toEqual(b.mostProbable());
}

/** A reward table of the spec's shape (stationary), for extra optimality parts. */
function rewardTable(spec: ModelSpec): fc.Arbitrary<number[][]> {
  const value = fc.oneof({ arbitrary: fc.double({ min: -3, max: 3, noNaN: true }), weight: 9 }, { arbitrary: fc.constant(-Infinity), weight: 1 });
  return fc.array(fc.array(value, { minLength: spec.actions.length, maxLength: spec.actions.length }), { minLength: spec.states.length, maxLength: spec.states.length });
}

function tablePart(spec: ModelSpec, table: readonly (readonly number[])[]): Part<S, A> {
  const index = specStateIndex(spec);
  return optimality((s: S, a: A) => table[index(s)]![spec.actions.indexOf(a)]!);
}

describe(`part order (RELIABILITY 8; ${RUNS} random models, bit-identical)`, () => {
  it(`shuffling the parts (with two optimality and two terminal parts) gives bit-identical log Z, V, Q, π, marginals and mode on ${RUNS} models`, () => {
    const arb = arbitraryModelSpec().chain((spec) => {
      const extra = rewardTable(spec);
      return fc.tuple(fc.constant(spec), extra).chain(([spec, table]) => {
        const index = specStateIndex(spec);
        const parts: Part<S, A>[] = [...specParts(spec), tablePart(spec, table), optimality.terminal((s: S) => 0.5 * index(s) - 1)];
        return fc.tuple(fc.constant(parts), fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }));
      });
    });
    fc.assert(
      fc.property(arb, ([parts, shuffled]) => {
        assertSamePosterior(posterior(model(...shuffled)), posterior(model(...parts)), 'posterior backup');
        assertSamePosterior(fixedDynamics(model(...shuffled)), fixedDynamics(model(...parts)), 'fixed-dynamics backup');
        // And across runs: the same model solved twice.
        assertSamePosterior(posterior(model(...parts)), posterior(model(...parts)), 'rerun');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  // Regression: compile() used to add the optimality parts' rewards in the order of the parts, and floating-point
  // addition is not associative, so with three or more parts the reward table — and then every V, Q and log Z —
  // differed in the last bits with the order: r = 0.1, 0.2, 0.3 gave log Z = 0.6000000000000001, and 0.3, 0.2, 0.1
  // gave 0.6 (RELIABILITY 8 promises bit-identical results). Two parts were fine (a + b = b + a exactly).
  it('three optimality parts in reverse order give a bit-identical log Z (0.1 + 0.2 + 0.3 vs 0.3 + 0.2 + 0.1)', () => {
    const base: Part<string, string>[] = [state('s', ['only']), action('a', ['go']), transition(() => categorical([['only', 1]])), horizon(1)];
    const r = [0.1, 0.2, 0.3].map((x) => optimality(() => x));
    const forward = infer(model<string, string>(...base, r[0]!, r[1]!, r[2]!), exact());
    const reverse = infer(model<string, string>(...base, r[2]!, r[1]!, r[0]!), exact());
    expect(Object.is(forward.logEvidence, reverse.logEvidence)).toBe(true);
  });

  it(`shuffling three optimality parts gives bit-identical results (${RUNS} models)`, () => {
    const arb = arbitraryModelSpec().chain((spec) =>
      fc.tuple(fc.constant(spec), rewardTable(spec), rewardTable(spec)).chain(([spec, r1, r2]) => {
        const parts: Part<S, A>[] = [...specParts(spec), tablePart(spec, r1), tablePart(spec, r2)];
        return fc.tuple(fc.constant(parts), fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }));
      }),
    );
    fc.assert(
      fc.property(arb, ([parts, shuffled]) => assertSamePosterior(posterior(model(...shuffled)), posterior(model(...parts)), 'three optimality parts')),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);
});

describe(`reward laws (RELIABILITY 4; ${RUNS} random models each; log 1e-10, probabilities 1e-12)`, () => {
  it(`two optimality parts equal one part with the summed reward (${RUNS} models)`, () => {
    const arb = arbitraryModelSpec().chain((spec) => fc.tuple(fc.constant(spec), rewardTable(spec)));
    fc.assert(
      fc.property(arb, ([spec, extra]) => {
        const two = model<S, A>(...specParts(spec), tablePart(spec, extra));
        const summed = buildModel(mapRewards(spec, (r, { s, a }) => r + extra[s]![a]!));
        for (const solve of [posterior, fixedDynamics]) {
          const a = solve(two);
          const b = solve(summed);
          // log Z, V, Q, π and the marginals (the testing kit's comparison), and the same feasibility.
          expectPosteriorsClose(a, b, { log: LOG_TOL, prob: PROB_TOL, values: LOG_TOL }, { label: 'two parts vs summed' });
          const pa = policies(a);
          const pb = policies(b);
          assert((pa === undefined) === (pb === undefined), 'feasibility differs');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it(`r + c shifts log Z by c·T/α and V_t by c·(T − t), and leaves every policy unchanged (${RUNS} models)`, () => {
    const arb = fc.tuple(arbitraryModelSpec(), fc.double({ min: -10, max: 10, noNaN: true }));
    fc.assert(
      fc.property(arb, ([spec, c]) => {
        const shifted = buildModel(mapRewards(spec, (r) => r + c));
        const base = buildModel(spec);
        const a = posterior(base);
        const b = posterior(shifted);
        assertClose(b.logEvidence, a.logEvidence + (c * spec.T) / spec.alpha, LOG_TOL, 'log Z + cT/α');
        for (let t = 0; t < spec.T; t++) {
          const va = a.V(t);
          const vb = b.V(t);
          for (let s = 0; s < va.length; s++) assertClose(vb[s]!, va[s]! + c * (spec.T - t), LOG_TOL, `V_${t}(${s}) + c(T − t)`);
        }
        for (const [pa, pb] of [
          [policies(a), policies(b)],
          [policies(fixedDynamics(base)), policies(fixedDynamics(shifted))],
        ] as const) {
          assert((pa === undefined) === (pb === undefined), 'feasibility differs');
          pa?.forEach((table, t) => assertAllClose(pb![t]!, table, PROB_TOL, `π_${t}`));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it(`scaling r, r_T and α by the same k changes neither log Z nor any policy, and scales V by k (${RUNS} models)`, () => {
    const arb = fc.tuple(arbitraryModelSpec(), fc.constantFrom(0.1, 0.5, 2, 3, 10));
    fc.assert(
      fc.property(arb, ([spec, k]) => {
        const scaledSpec: ModelSpec = { ...mapRewards(spec, (r) => k * r, (r) => k * r), alpha: k * spec.alpha, omitTemperature: false };
        for (const solve of [posterior, fixedDynamics]) {
          const a = solve(buildModel(spec));
          const b = solve(buildModel(scaledSpec));
          assertClose(b.logEvidence, a.logEvidence, LOG_TOL, 'log Z');
          for (let t = 0; t < spec.T; t++) {
            const va = a.V(t);
            const vb = b.V(t);
            for (let s = 0; s < va.length; s++) assertClose(vb[s]!, k * va[s]!, LOG_TOL, `V_${t}(${s})·k`);
          }
          const pa = policies(a);
          const pb = policies(b);
          assert((pa === undefined) === (pb === undefined), 'feasibility differs');
          pa?.forEach((table, t) => assertAllClose(pb![t]!, table, PROB_TOL, `π_${t}`));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it(`with deterministic dynamics the two backups give the same V, Q and π, and the same log Z when s_0 is deterministic too (${RUNS} models)`, () => {
    fc.assert(
      fc.property(arbitraryModelSpec({ dynamics: 'deterministic' }), (spec) => {
        const m = buildModel(spec);
        const a = posterior(m);
        const b = fixedDynamics(m);
        const pointInitial = typeof spec.initial === 'number' || spec.states.length === 1 || (Array.isArray(spec.initial) && spec.initial.filter((p) => p > 0).length === 1);
        // V, Q and π (where V > −∞) agree; log Z and the marginals too when s_0 is a point mass (the testing kit's comparison).
        expectPosteriorsClose(b, a, { log: LOG_TOL, prob: PROB_TOL, values: LOG_TOL }, { evidence: pointInitial, marginals: pointInitial, label: 'fixed-dynamics vs posterior' });
        // Otherwise q keeps p(s_0): ELBO = E_{p(s_0)}[V_0]/α ≤ log E_{p(s_0)}[exp(V_0/α)] (Jensen).
        if (!pointInitial) assert(b.logEvidence <= a.logEvidence + 1e-12, `ELBO ${b.logEvidence} > log Z ${a.logEvidence}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it(`raising r(s,a) never lowers π_{T−1}(a|s) or log Z (${RUNS} models, both backups)`, () => {
    const arb = arbitraryModelSpec().chain((spec) =>
      fc.record({
        spec: fc.constant(spec),
        s: fc.nat({ max: spec.states.length - 1 }),
        a: fc.nat({ max: spec.actions.length - 1 }),
        delta: fc.double({ min: 0, max: 5, noNaN: true }),
        lift: fc.double({ min: -5, max: 5, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ spec, s, a, delta, lift }) => {
        const raised = buildModel(mapRewards(spec, (r, w) => (w.s === s && w.a === a ? (r === -Infinity ? lift : r + delta) : r)));
        const base = buildModel(spec);
        const nA = spec.actions.length;
        for (const solve of [posterior, fixedDynamics]) {
          const before = solve(base);
          const after = solve(raised);
          const j = before.graph.states.indexOf(spec.states[s]);
          const b = before.graph.actions.indexOf(spec.actions[a]);
          assert(after.logEvidence >= before.logEvidence - LOG_TOL.atol - LOG_TOL.rtol * Math.abs(before.logEvidence), `log Z fell from ${before.logEvidence} to ${after.logEvidence}`);
          if (before.logEvidence === -Infinity || before.V(spec.T - 1)[j] === -Infinity) continue;
          const p0 = before.policyTable(spec.T - 1)[j * nA + b]!;
          const p1 = after.policyTable(spec.T - 1)[j * nA + b]!;
          assert(p1 >= p0 - PROB_TOL.atol, `π_{T−1}(a|s) fell from ${p0} to ${p1}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it(`a −∞ constraint on one (t, s, a) never raises log Z or any V_t(s) (${RUNS} models, both backups)`, () => {
    const arb = arbitraryModelSpec().chain((spec) =>
      fc.record({ spec: fc.constant(spec), t: fc.nat({ max: spec.T - 1 }), s: fc.nat({ max: spec.states.length - 1 }), a: fc.nat({ max: spec.actions.length - 1 }) }),
    );
    fc.assert(
      fc.property(arb, ({ spec, t, s, a }) => {
        const constrained = buildModel(mapRewards(timeVaryingSpec(spec), (r, w) => (w.t === t && w.s === s && w.a === a ? -Infinity : r)));
        const base = buildModel(spec);
        for (const solve of [posterior, fixedDynamics]) {
          const before = solve(base);
          const after = solve(constrained);
          const tol = (x: number) => LOG_TOL.atol + LOG_TOL.rtol * Math.abs(x);
          const ok = before.logEvidence === -Infinity ? after.logEvidence === -Infinity : after.logEvidence <= before.logEvidence + tol(before.logEvidence);
          assert(ok, `log Z rose from ${before.logEvidence} to ${after.logEvidence}`);
          for (let u = 0; u < spec.T; u++) {
            const vb = before.V(u);
            const va = after.V(u);
            for (let i = 0; i < vb.length; i++) {
              const ok = vb[i] === -Infinity ? va[i] === -Infinity : va[i]! <= vb[i]! + tol(vb[i]!);
              assert(ok, `V_${u}(${i}) rose from ${vb[i]} to ${va[i]}`);
            }
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);
});

describe(`α → 0 (RELIABILITY 4; ${RUNS} random models)`, () => {
  /** Plain finite-horizon value iteration: V_t(s) = max_{a: p(a|s) > 0} r_t(s,a) + Σ_{s'} p(s'|s,a) V_{t+1}(s'). */
  function valueIteration(spec: ModelSpec) {
    const nS = spec.states.length;
    const nA = spec.actions.length;
    const prior = (s: number, a: number) =>
      spec.prior === undefined ? 1 / nA : spec.prior.kind === 'constant' ? spec.prior.row[a]! : spec.prior.rows[s]![a]!;
    const V: number[][] = new Array<number[]>(spec.T + 1);
    const Q: number[][][] = new Array<number[][]>(spec.T);
    if (spec.terminal !== undefined) V[spec.T] = [...spec.terminal];
    for (let t = spec.T - 1; t >= 0; t--) {
      const next = t === spec.T - 1 ? V[spec.T] : V[t + 1];
      V[t] = [];
      Q[t] = [];
      for (let s = 0; s < nS; s++) {
        let best = -Infinity;
        const q: number[] = [];
        for (let a = 0; a < nA; a++) {
          let value = specReward(spec, t, s, a);
          if (next !== undefined && value > -Infinity) {
            let expected = 0;
            for (let s2 = 0; s2 < nS; s2++) {
              const p = spec.dynamics[s]![a]![s2]!;
              if (p > 0) expected += p * next[s2]!;
            }
            value = expected === -Infinity ? -Infinity : value + expected;
          }
          q.push(value);
          if (prior(s, a) > 0 && value > best) best = value;
        }
        V[t]![s] = best;
        Q[t]![s] = q;
      }
    }
    return { V, Q, prior };
  }

  it(`temperature(0) with the fixed-dynamics backup reproduces hard-max value iteration (to 1e-10), and its policy is the prior on the argmax (${RUNS} models)`, () => {
    fc.assert(
      fc.property(arbitraryModelSpec(), (spec0) => {
        const spec: ModelSpec = { ...spec0, alpha: 0, omitTemperature: false };
        const post = fixedDynamics(buildModel(spec));
        const vi = valueIteration(spec);
        const nA = spec.actions.length;
        const feasible = post.logEvidence > -Infinity;
        for (let t = 0; t < spec.T; t++) {
          const V = post.V(t);
          spec.states.forEach((sv, s) => {
            const j = post.graph.states.indexOf(sv);
            // Equal up to the order of rounding: the engine takes E[V'] relative to one successor's value.
            assertClose(V[j]!, vi.V[t]![s]!, LOG_TOL, `V_${t}(${s}) vs value iteration`);
          });
          if (!feasible) continue;
          const table = post.policyTable(t);
          spec.states.forEach((sv, s) => {
            const j = post.graph.states.indexOf(sv);
            const best = vi.V[t]![s]!;
            if (best === -Infinity) return;
            // Support: every allowed exact maximiser, nothing below max − 1e-9·max(1, |max|); within it π ∝ p(a|s).
            const slack = 1e-9 * Math.max(1, Math.abs(best));
            let mass = 0;
            let priorMass = 0;
            for (let a = 0; a < nA; a++) {
              const p = table[j * nA + post.graph.actions.indexOf(spec.actions[a])]!;
              const q = vi.Q[t]![s]![a]!;
              if (vi.prior(s, a) > 0 && q === best) assert(p > 0, `π_${t}(${a}|${s}) = 0 at a maximiser`);
              if (p > 0) {
                assert(vi.prior(s, a) > 0 && q >= best - slack, `π_${t}(${a}|${s}) = ${p} on a non-maximiser (Q = ${q}, max ${best})`);
                mass += p;
                priorMass += vi.prior(s, a);
              }
            }
            assertClose(mass, 1, PROB_TOL, `Σ π_${t}(·|${s})`);
            for (let a = 0; a < nA; a++) {
              const p = table[j * nA + post.graph.actions.indexOf(spec.actions[a])]!;
              if (p > 0) assertClose(p, vi.prior(s, a) / priorMass, PROB_TOL, `π_${t}(${a}|${s}) ∝ prior on the argmax`);
            }
          });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it('the posterior backup at α = 0 is optimistic under stochastic dynamics and does not reproduce value iteration', () => {
    // 'gamble' reaches a jackpot (r_T = 10) or a pit (r_T = −12) with equal odds: E = −1 < 0 = 'safe'.
    const m = model<string, string>(
      state('s', ['start', 'mid', 'jackpot', 'pit'], { initial: 'start' }),
      action('a', ['safe', 'gamble']),
      transition((s: string, a: string) => (s !== 'start' ? categorical([[s, 1]]) : a === 'safe' ? categorical([['mid', 1]]) : categorical([['jackpot', 0.5], ['pit', 0.5]]))),
      optimality(() => 0),
      optimality.terminal((s: string) => (s === 'jackpot' ? 10 : s === 'pit' ? -12 : 0)),
      temperature(0),
      horizon(1),
    );
    const fixed = fixedDynamics(m as Model<S, A>);
    const optimistic = posterior(m as Model<S, A>);
    const start = fixed.graph.states.indexOf('start');
    expect(fixed.V(0)[start]).toBe(0); // value iteration: max(0, −1)
    expect(optimistic.V(0)[start]).toBe(10); // the posterior also picks the lucky transition
    expect(fixed.policy(0, 'start').probs).toEqual([1, 0]);
    expect(optimistic.policy(0, 'start').probs).toEqual([0, 1]);
  });
});

describe(`∂ log Z / ∂θ = E_post[Σ_t φ(s_t, a_t)] / α (RELIABILITY 5; ${RUNS} random models; central differences h = 1e-5, tolerance 1e-6·max(1, |g|))`, () => {
  it(`matches central differences on ${RUNS} models with r_θ = θ·φ(s,a) (plus the model's hard constraints and terminal reward)`, () => {
    const arb = arbitraryModelSpec({ timeVarying: false }).chain((spec) =>
      fc.integer({ min: 1, max: 3 }).chain((d) =>
        fc.record({
          spec: fc.constant(spec),
          features: fc.array(fc.array(fc.array(fc.integer({ min: -4, max: 4 }).map((k) => k / 4), { minLength: d, maxLength: d }), { minLength: spec.actions.length, maxLength: spec.actions.length }), { minLength: spec.states.length, maxLength: spec.states.length }),
          theta: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: d, maxLength: d }),
        }),
      ),
    );
    fc.assert(
      fc.property(arb, ({ spec, features, theta }) => {
        const index = specStateIndex(spec);
        const hard = spec.reward[0]!;
        const modelAt = (th: readonly number[]) =>
          model<S, A>(
            ...specParts(spec).filter((p) => p.kind !== 'optimality'),
            optimality((s: S, a: A) => {
              const i = index(s);
              const k = spec.actions.indexOf(a);
              if (hard[i]![k] === -Infinity) return -Infinity;
              let r = 0;
              features[i]![k]!.forEach((f, n) => (r += th[n]! * f));
              return r;
            }),
          );
        const post = posterior(modelAt(theta));
        fc.pre(post.logEvidence > -Infinity);
        const nA = spec.actions.length;
        const expected = theta.map(() => 0);
        for (let t = 0; t < spec.T; t++) {
          const joint = post.stateActionMarginal(t);
          spec.states.forEach((sv, i) => {
            const j = post.graph.states.indexOf(sv);
            spec.actions.forEach((av, k) => {
              const p = joint[j * nA + post.graph.actions.indexOf(av)]!;
              features[i]![k]!.forEach((f, n) => (expected[n]! += (p * f) / spec.alpha));
            });
          });
        }
        const h = 1e-5;
        theta.forEach((_, n) => {
          const plus = theta.map((x, m) => (m === n ? x + h : x));
          const minus = theta.map((x, m) => (m === n ? x - h : x));
          const fd = (posterior(modelAt(plus)).logEvidence - posterior(modelAt(minus)).logEvidence) / (2 * h);
          const g = expected[n]!;
          assert(Math.abs(fd - g) <= 1e-6 * Math.max(1, Math.abs(g)), `∂ log Z/∂θ_${n}: central difference ${fd}, E[Σφ]/α = ${g}`);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);
});
