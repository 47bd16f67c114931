/**
 * Rational potentials give exact sums (RELIABILITY 2).
 *
 * Models whose every number is rational: probabilities are integer weights
 * over their sum, rewards are r = log(n/d) so that exp(r/α) = n/d with α = 1
 * (and n = 0 gives r = −Infinity, a potential of exactly 0). Z, the posterior
 * policy and the state marginals are computed with mathjs fractions by the
 * testing kit's `bruteForceExact` — Z by enumerating every trajectory — and
 * the engine's floats must agree:
 * exp(logEvidence) to 1e-12 relative, probabilities to 1e-12 absolute.
 * 120 random rational models (fast-check, seed 42) and one hand-checked model.
 */
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { HALF_AND_THREE_QUARTERS } from './helpers/rational-bandit.js';
import { exact, infer } from '../src/index.js';
import { arbitraryRationalSpec, bruteForceExact, buildRationalModel, fractionToNumber, type RationalSpec } from '../src/testing/index.js';
import { assert, assertClose, PROB_TOL, thrownCode } from './helpers/close.js';

const SEED = 42;
const RUNS = 120;
const TIMEOUT = 60_000;
/** exp(logEvidence) against the exact Z: relative 1e-12. */
const Z_TOL = { rtol: 1e-12, atol: 0 };

/**
 * The exact answer from the testing kit: `bruteForceExact` enumerates every trajectory of the model built by
 * `buildRationalModel` in mathjs fractions (Z by enumeration, β by the exact recursion, checked against each other).
 */
function exactSolution(spec: RationalSpec) {
  const answer = bruteForceExact(buildRationalModel(spec));
  return { Z: answer.Z, policy: (t: number, s: number) => answer.policy(t, s), stateMarginal: (t: number) => answer.stateMarginal(t), lastState: spec.terminal === undefined ? spec.T - 1 : spec.T };
}

const toNumber = fractionToNumber;
/** Random rational models: |S|, |A|, T ≤ 3, time-varying potentials n/d (1 ≤ n, d ≤ 7, ~10 % zeros), optional terminal. */
const rationalSpec = arbitraryRationalSpec();

/** Checks the engine against the exact answer; returns the exact Z as a number. */
function checkRational(spec: RationalSpec): number {
  const exactAnswer = exactSolution(spec);
  const post = infer(buildRationalModel(spec), exact());
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
    const spec = HALF_AND_THREE_QUARTERS;
    const solution = exactSolution(spec);
    expect(solution.Z.equals(fraction(25, 64))).toBe(true);
    const policy = solution.policy(0, 0)!;
    expect(policy[0]!.equals(fraction(2, 5))).toBe(true); // (1/2)/(1/2 + 3/4)
    checkRational(spec);
    const post = infer(buildRationalModel(spec), exact());
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
