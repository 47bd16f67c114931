/**
 * Rational potentials give exact sums (RELIABILITY 2).
 *
 * Models whose every number is rational: probabilities are integer weights
 * over their sum, rewards are r = log(n/d) so that exp(r/α) = n/d with α = 1
 * (and n = 0 gives r = −Infinity, a potential of exactly 0). Z, the posterior
 * policy and the state marginals are computed with mathjs fractions — Z by
 * enumerating every trajectory — and the engine's floats must agree:
 * exp(logEvidence) to 1e-12 relative, probabilities to 1e-12 absolute.
 * 120 random rational models (fast-check, seed 42) and one hand-checked model.
 */
import fc from 'fast-check';
import { add, divide, fraction, multiply, type Fraction } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { action, categorical, exact, horizon, infer, model, optimality, state, transition, type Model } from '../src/index.js';
import { assert, assertClose, PROB_TOL, thrownCode } from './helpers/close.js';

const SEED = 42;
const RUNS = 120;
const TIMEOUT = 60_000;
/** exp(logEvidence) against the exact Z: relative 1e-12. */
const Z_TOL = { rtol: 1e-12, atol: 0 };

const ZERO = fraction(0, 1);
const ONE = fraction(1, 1);
const plus = (x: Fraction, y: Fraction): Fraction => add(x, y);
const times = (x: Fraction, y: Fraction): Fraction => multiply(x, y) as Fraction;
const over = (x: Fraction, y: Fraction): Fraction => divide(x, y) as Fraction;
const toNumber = (x: Fraction): number => Number(x.valueOf());
const sum = (xs: readonly Fraction[]): Fraction => xs.reduce(plus, ZERO);

/** Integer weights (at least one positive) as an exact and a float probability row. */
interface Row {
  readonly weights: readonly number[];
}
const exactRow = (row: Row): Fraction[] => {
  const total = row.weights.reduce((a, b) => a + b, 0);
  return row.weights.map((w) => fraction(w, total));
};
const floatRow = (row: Row): number[] => {
  const total = row.weights.reduce((a, b) => a + b, 0);
  return row.weights.map((w) => w / total);
};

/** A potential n/d (n = 0: a hard constraint). */
interface Potential {
  readonly n: number;
  readonly d: number;
}
const exactPotential = (p: Potential): Fraction => fraction(p.n, p.d);
const reward = (p: Potential): number => (p.n === 0 ? -Infinity : Math.log(p.n / p.d));

interface RationalSpec {
  readonly nS: number;
  readonly nA: number;
  readonly T: number;
  readonly initial: Row;
  readonly prior: readonly Row[];
  readonly dynamics: readonly (readonly Row[])[];
  /** potential[t][s][a] */
  readonly potential: readonly (readonly (readonly Potential[])[])[];
  readonly terminal: readonly Potential[] | undefined;
}

function rowArb(n: number): fc.Arbitrary<Row> {
  return fc
    .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), fc.nat({ max: n - 1 }))
    .map(([w, i]) => ({ weights: w.some((x) => x > 0) ? w : w.map((x, k) => (k === i ? 1 : x)) }));
}

const potentialArb: fc.Arbitrary<Potential> = fc.oneof(
  { arbitrary: fc.record({ n: fc.integer({ min: 1, max: 7 }), d: fc.integer({ min: 1, max: 7 }) }), weight: 9 },
  { arbitrary: fc.constant({ n: 0, d: 1 }), weight: 1 },
);

const rationalSpec: fc.Arbitrary<RationalSpec> = fc
  .record({ nS: fc.constantFrom(1, 2, 3), nA: fc.constantFrom(1, 2, 3), T: fc.constantFrom(1, 2, 3), terminal: fc.boolean() })
  .chain(({ nS, nA, T, terminal }) =>
    fc.record({
      nS: fc.constant(nS),
      nA: fc.constant(nA),
      T: fc.constant(T),
      initial: rowArb(nS),
      prior: fc.array(rowArb(nA), { minLength: nS, maxLength: nS }),
      dynamics: fc.array(fc.array(rowArb(nS), { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }),
      potential: fc.array(fc.array(fc.array(potentialArb, { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }), { minLength: T, maxLength: T }),
      terminal: terminal ? fc.array(potentialArb, { minLength: nS, maxLength: nS }) : fc.constant(undefined),
    }),
  );

/** The float model through the DSL: states 0 … nS−1, actions 'a0' …; α = 1 (the default). */
function buildRational(spec: RationalSpec): Model<number, string> {
  const states = Array.from({ length: spec.nS }, (_, i) => i);
  const actions = Array.from({ length: spec.nA }, (_, i) => `a${i}`);
  const dist = <V>(values: readonly V[], row: Row) => categorical(values.map((v, i) => [v, floatRow(row)[i]!] as const).filter(([, p]) => p > 0));
  const terminal = spec.terminal;
  return model<number, string>(
    state('s', states, { initial: dist(states, spec.initial) }),
    action<string, number>('a', actions, { prior: (s: number) => dist(actions, spec.prior[s]!) }),
    transition((s: number, a: string) => dist(states, spec.dynamics[s]![actions.indexOf(a)]!)),
    optimality((s: number, a: string, t: number) => reward(spec.potential[t]![s]![actions.indexOf(a)]!)),
    ...(terminal === undefined ? [] : [optimality.terminal((s: number) => reward(terminal[s]!))]),
    horizon(spec.T),
  );
}

/** Exact Z by enumerating every trajectory; exact β, policy and state marginals. */
function exactSolution(spec: RationalSpec) {
  const { nS, nA, T } = spec;
  const p0 = exactRow(spec.initial);
  const prior = spec.prior.map(exactRow);
  const dyn = spec.dynamics.map((rows) => rows.map(exactRow));
  const phi = spec.potential.map((slice) => slice.map((row) => row.map(exactPotential)));
  const phiT = spec.terminal?.map(exactPotential);
  const lastState = phiT === undefined ? T - 1 : T;

  // Enumerate trajectories (s_0, a_0, …): weight = p(τ) Π potentials.
  const trajectories: { s: number[]; a: number[]; w: Fraction }[] = [];
  const walk = (t: number, s: number[], a: number[], w: Fraction): void => {
    const here = s[t]!;
    for (let ai = 0; ai < nA; ai++) {
      const wa = times(times(w, prior[here]![ai]!), phi[t]![here]![ai]!);
      if (t === T - 1 && phiT === undefined) {
        trajectories.push({ s, a: [...a, ai], w: wa });
        continue;
      }
      for (let s2 = 0; s2 < nS; s2++) {
        const ws = times(wa, dyn[here]![ai]![s2]!);
        if (t === T - 1) trajectories.push({ s: [...s, s2], a: [...a, ai], w: times(ws, phiT![s2]!) });
        else walk(t + 1, [...s, s2], [...a, ai], ws);
      }
    }
  };
  for (let s0 = 0; s0 < nS; s0++) walk(0, [s0], [], p0[s0]!);
  const Z = sum(trajectories.map((tr) => tr.w));

  // β_t(s, a) = φ_t(s,a) Σ_{s'} p(s'|s,a) Σ_{a'} p(a'|s') β_{t+1}(s', a')   (exact, so a recursion is as good as enumeration)
  const beta: Fraction[][][] = new Array<Fraction[][]>(T);
  const future = (t: number, s: number): Fraction => (t === T ? phiT![s]! : sum(prior[s]!.map((p, a) => times(p, beta[t]![s]![a]!))));
  for (let t = T - 1; t >= 0; t--) {
    beta[t] = [];
    for (let s = 0; s < nS; s++) {
      beta[t]![s] = [];
      for (let a = 0; a < nA; a++) {
        const tail = t === T - 1 && phiT === undefined ? ONE : sum(dyn[s]![a]!.map((p, s2) => times(p, future(t + 1, s2))));
        beta[t]![s]![a] = times(phi[t]![s]![a]!, tail);
      }
    }
  }
  const policy = (t: number, s: number): Fraction[] | undefined => {
    const v = future(t, s);
    if (v.equals(ZERO)) return undefined;
    return prior[s]!.map((p, a) => over(times(p, beta[t]![s]![a]!), v));
  };
  const stateMarginal = (t: number): Fraction[] => {
    const out = Array.from({ length: nS }, () => ZERO);
    for (const tr of trajectories) out[tr.s[t]!] = plus(out[tr.s[t]!]!, tr.w);
    return out.map((x) => over(x, Z));
  };
  return { Z, policy, stateMarginal, lastState, trajectories: trajectories.length };
}

/** Checks the engine against the exact answer; returns the exact Z as a number. */
function checkRational(spec: RationalSpec): number {
  const exactAnswer = exactSolution(spec);
  const post = infer(buildRational(spec), exact());
  const Z = toNumber(exactAnswer.Z);
  if (Z === 0) {
    expect(post.logEvidence).toBe(-Infinity);
    return 0;
  }
  assertClose(Math.exp(post.logEvidence), Z, Z_TOL, 'exp(logEvidence) vs exact Z');
  for (let t = 0; t < spec.T; t++) {
    for (let s = 0; s < spec.nS; s++) {
      const expected = exactAnswer.policy(t, s);
      if (expected === undefined) {
        expect(thrownCode(() => post.policy(t, s))).toBe('state-infeasible');
        continue;
      }
      const pi = post.policy(t, s);
      expected.forEach((p, a) => assertClose(pi.probs[pi.support.indexOf(`a${a}`)]!, toNumber(p), PROB_TOL, `π_${t}(a${a}|${s})`));
    }
  }
  for (let t = 0; t <= exactAnswer.lastState; t++) {
    const m = post.stateMarginal(t);
    exactAnswer.stateMarginal(t).forEach((p, s) => assertClose(m[post.graph.states.indexOf(s)]!, toNumber(p), PROB_TOL, `p(s_${t} = ${s} | O)`));
  }
  return Z;
}

describe('rational potentials: exact sums with mathjs fractions (RELIABILITY 2; Z rel 1e-12, probabilities abs 1e-12)', () => {
  it('a one-state bandit with potentials 1/2 and 3/4 over T = 2 has Z = (5/8)² = 25/64 exactly', () => {
    const spec: RationalSpec = {
      nS: 1,
      nA: 2,
      T: 2,
      initial: { weights: [1] },
      prior: [{ weights: [1, 1] }],
      dynamics: [[{ weights: [1] }, { weights: [1] }]],
      potential: [[[{ n: 1, d: 2 }, { n: 3, d: 4 }]], [[{ n: 1, d: 2 }, { n: 3, d: 4 }]]],
      terminal: undefined,
    };
    const solution = exactSolution(spec);
    expect(solution.Z.equals(fraction(25, 64))).toBe(true);
    const policy = solution.policy(0, 0)!;
    expect(policy[0]!.equals(fraction(2, 5))).toBe(true); // (1/2)/(1/2 + 3/4)
    checkRational(spec);
    const post = infer(buildRational(spec), exact());
    assertClose(post.logEvidence, Math.log(25 / 64), { rtol: 1e-12, atol: 1e-12 }, 'log Z');
  });

  it(`${RUNS} random rational models (|S| ≤ 3, |A| ≤ 3, T ≤ 3, time-varying potentials, zeros, optional terminal): Z, π and p(s_t|O) match the exact fractions`, () => {
    let feasible = 0;
    fc.assert(
      fc.property(rationalSpec, (spec) => {
        if (checkRational(spec) > 0) feasible++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert(feasible >= RUNS / 2, `only ${feasible} of ${RUNS} random rational models were feasible`);
  }, TIMEOUT);
});
