/**
 * The testing kit itself (`control-as-inference/testing`, issue 6):
 *
 * - it is importable from the package as a user imports it (through `exports`,
 *   from dist/, with declarations), declares fast-check as an optional peer
 *   dependency, does not import vitest, and its references import no engine code;
 * - `bruteForceExact` (mathjs fractions) recovers rationals, gives Z = 25/64 on a
 *   hand-checked bandit, and agrees with the float `bruteForce` on 150 random
 *   rational models (seed 42; log Z rel 1e-12, probabilities abs 1e-12);
 * - `fixedDynamicsReference` is a lower bound (ELBO ≤ log Z + 1e-12 on 150 random
 *   models) that is tight under deterministic dynamics and a point initial state;
 * - `checkPosterior` and `expectPosteriorsClose` have teeth: each of 12 tampered
 *   posteriors (a swapped policy row, a silent −Infinity, a NaN, a shifted
 *   evidence …) is caught with a label naming the query, and a swapped policy row
 *   is caught on 100 random models (seed 7);
 * - the stochastic path of `checkEngineAgreement`: a noisy but unbiased engine
 *   passes at z = 4.5 (false-positive bound 100 × 6.8e-6 = 6.8e-4), a biased one
 *   fails, and an entry whose bound exceeds its stated rate is refused;
 * - particle posteriors (importance()): `checkPosterior` with backup 'none' never
 *   asks for V or Q beyond the one refused query, counts it, and keeps the other
 *   laws; the battery holds an importance engine's marginals to their Bernstein
 *   half-width (z = 6) on 30 mixed models (seed 42) and catches one whose state
 *   marginals were pulled 10 % towards uniform; `particleSampleSize` is Kish's ESS
 *   without resampling and smaller with it;
 * - `chiSquare`, `normalTwoSidedTail`, `estimateTolerance` (Bernstein, against its closed form).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { HALF_AND_THREE_QUARTERS } from './helpers/rational-bandit.js';
import { action, categorical, exact, horizon, importance, infer, model, optimality, rng, state, temperature, transition, type Engine, type FactorGraph, type Model, type Part, type Posterior, type RunContext } from '../src/index.js';
import { particlesOf } from '../src/posterior/weighted.js';
import { particleSampleSize } from '../src/testing/agreement.js';
import { expectEstimatesWithin } from '../src/testing/compare.js';
import { estimateTolerance } from '../src/testing/tolerance.js';
import {
  arbitraryModelSpec,
  arbitraryRationalSpec,
  bruteForce,
  bruteForceExact,
  buildModel,
  buildRationalModel,
  checkEngineAgreement,
  checkPosterior,
  chiSquare,
  expectPosteriorsClose,
  fixedDynamicsReference,
  fractionToNumber,
  LOG_TOL,
  normalTwoSidedTail,
  PosteriorMismatchError,
  PROB_TOL,
  toFraction,
} from '../src/testing/index.js';
import { assertClose } from './helpers/close.js';

const SEED = 42;
const TIMEOUT = 60_000;
const root = new URL('..', import.meta.url);

describe("the package's testing subpath", () => {
  it("imports from 'control-as-inference/testing' through package.json exports (dist, with declarations) and runs a property", async () => {
    const kit = await import('control-as-inference/testing');
    const api = await import('control-as-inference');
    for (const name of ['arbitraryModelSpec', 'arbitraryModel', 'buildModel', 'bruteForce', 'bruteForceExact', 'fixedDynamicsReference', 'checkPosterior', 'expectPosteriorsClose', 'checkEngineAgreement', 'assertClose', 'chiSquare', 'PosteriorMismatchError']) {
      expect(typeof (kit as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(existsSync(fileURLToPath(new URL('dist/testing/index.d.ts', root)))).toBe(true);
    // The built kit checks the built engine on 20 random models.
    fc.assert(
      fc.property(kit.arbitraryModel({ maxHorizon: 3 }), (m) => {
        const post = api.infer(m, api.exact());
        kit.checkPosterior(m, post, { reference: 'brute-force' });
        kit.expectPosteriorsClose(post, kit.bruteForce(m), { log: kit.LOG_TOL, prob: kit.PROB_TOL });
      }),
      { seed: SEED, numRuns: 20 },
    );
  });

  it('package.json maps ./testing to dist and declares fast-check and mathjs as optional peer (and dev) dependencies', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('package.json', root)), 'utf8')) as Record<string, Record<string, unknown>>;
    // `default`, not `import`: require() of the ES module works too (Node ≥ 20.19).
    expect(pkg['exports']!['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
    for (const peer of ['fast-check', 'mathjs']) {
      expect(pkg['peerDependencies']![peer], peer).toBeDefined();
      expect(pkg['peerDependenciesMeta']![peer], peer).toEqual({ optional: true });
      expect(pkg['devDependencies']![peer], peer).toBeDefined();
      expect(pkg['dependencies']![peer], peer).toBeUndefined();
    }
  });

  it('the kit imports no test framework, and its references (RELIABILITY 19) import nothing from src/compile, src/engines or src/posterior', () => {
    const dir = fileURLToPath(new URL('src/testing/', root));
    const imports = (file: string) => [...readFileSync(dir + file, 'utf8').matchAll(/^import[^;]*?from '([^']+)'/gms)].map((m) => m[1]!);
    for (const file of readdirSync(dir)) expect(imports(file).filter((spec) => /vitest|jest|mocha/.test(spec)), file).toEqual([]);
    // The references and everything they import inside src/testing.
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of imports(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/\/(compile|engines|posterior)\//);
        if (spec.startsWith('./')) visit(spec.slice(2).replace(/\.js$/, '.ts'));
      }
    };
    for (const reference of ['brute-force.ts', 'brute-force-exact.ts', 'fixed-dynamics.ts']) visit(reference);
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});

describe('bruteForceExact: exact rational arithmetic (mathjs fractions)', () => {
  it('recovers the fraction a double stands for, and refuses numbers that are not small fractions', () => {
    expect(toFraction(Math.exp(Math.log(3 / 7)))!.equals(fraction(3, 7))).toBe(true);
    expect(toFraction(1 / 3)!.equals(fraction(1, 3))).toBe(true);
    expect(toFraction(0.1 + 0.2)!.equals(fraction(3, 10))).toBe(true);
    expect(toFraction(0)!.equals(fraction(0, 1))).toBe(true);
    expect(toFraction(7)!.equals(fraction(7, 1))).toBe(true);
    expect(toFraction(Math.PI)).toBeUndefined();
    expect(toFraction(Math.E / 3)).toBeUndefined();
    expect(toFraction(-0.5)).toBeUndefined();
    expect(toFraction(NaN)).toBeUndefined();
  });

  it('a one-state bandit with potentials 1/2 and 3/4 over T = 2 has Z = (5/8)² = 25/64 and π(a0) = 2/5 exactly', () => {
    const spec = HALF_AND_THREE_QUARTERS;
    const exactAnswer = bruteForceExact(buildRationalModel(spec));
    expect(exactAnswer.Z.equals(fraction(25, 64))).toBe(true);
    expect(exactAnswer.policy(0, 0)![0]!.equals(fraction(2, 5))).toBe(true);
    expect(exactAnswer.trajectoryCount).toBe(4);
    assertClose(exactAnswer.logZ, Math.log(25 / 64), { rtol: 1e-15, atol: 0 }, 'log Z');
  });

  it('an irrational potential is refused with its name, not rounded', () => {
    const m = model(state('s', ['only']), action('a', ['x']), transition(() => categorical([['only', 1]])), optimality(() => 1), horizon(1));
    expect(() => bruteForceExact(m)).toThrow(/bruteForceExact: exp\(r_0\(s = 0, a = 0\)\/α\) = 2\.718281828459045 is not a fraction/);
  });

  it(`agrees with the float brute force on 150 random rational models (seed ${SEED}): log Z rel 1e-12, π and p(s_t|O) abs 1e-12`, () => {
    let feasible = 0;
    fc.assert(
      fc.property(arbitraryRationalSpec(), (spec) => {
        const m = buildRationalModel(spec);
        const exactAnswer = bruteForceExact(m);
        const bf = bruteForce(m);
        if (exactAnswer.Z.equals(fraction(0, 1))) {
          expect(bf.logZ).toBe(-Infinity);
          return;
        }
        feasible++;
        assertClose(bf.logZ, exactAnswer.logZ, { rtol: 1e-12, atol: 1e-14 }, 'log Z');
        for (let t = 0; t < spec.T; t++) {
          for (let s = 0; s < spec.nS; s++) {
            const exactPolicy = exactAnswer.policy(t, s);
            const floatPolicy = bf.policy(t, s);
            expect(exactPolicy === undefined).toBe(floatPolicy === undefined);
            exactPolicy?.forEach((p, a) => assertClose(floatPolicy![a]!, fractionToNumber(p), PROB_TOL, `π_${t}(a${a}|${s})`));
          }
        }
        for (let t = 0; t <= (spec.terminal ? spec.T : spec.T - 1); t++) {
          const floatMarginal = bf.stateMarginal(t);
          exactAnswer.stateMarginal(t).forEach((p, s) => assertClose(floatMarginal[s]!, fractionToNumber(p), PROB_TOL, `p(s_${t} = ${s} | O)`));
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(feasible).toBeGreaterThan(75);
  }, TIMEOUT);
});

describe('fixedDynamicsReference', () => {
  it(`is a lower bound on log Z (ELBO ≤ log Z + 1e-12), tight with deterministic dynamics and a point initial state (150 random models, seed ${SEED})`, () => {
    fc.assert(
      fc.property(arbitraryModelSpec(), (spec) => {
        const m = buildModel(spec);
        const bf = bruteForce(m);
        const ref = fixedDynamicsReference(m);
        expect(ref.elbo <= bf.logZ + 1e-12 || (ref.elbo === -Infinity && bf.logZ === -Infinity)).toBe(true);
        const deterministic = ref.tables.dynamics.every((row) => row.every((succ) => succ.length === 1));
        const point = ref.tables.initial.filter((p) => p > 0).length === 1;
        if (deterministic && point) assertClose(ref.elbo, bf.logZ, LOG_TOL, 'ELBO = log Z');
        if (deterministic) expectPosteriorsClose(ref, bf, { log: LOG_TOL, prob: PROB_TOL }, { evidence: point, marginals: point, label: 'deterministic dynamics' });
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, TIMEOUT);
});

/** A posterior that answers like `post` except where `overrides` says otherwise. */
function tamper<S, A>(post: Posterior<S, A>, overrides: Partial<Posterior<S, A>>): Posterior<S, A> {
  const base: Posterior<S, A> = {
    engine: post.engine,
    exactness: post.exactness,
    graph: post.graph,
    horizon: post.horizon,
    logEvidence: post.logEvidence,
    evidence: post.evidence,
    value: post.value,
    convergence: post.convergence,
    policy: (t, s) => post.policy(t, s),
    policyTable: (t) => post.policyTable(t),
    Q: (t) => post.Q(t),
    V: (t) => post.V(t),
    stateMarginal: (t) => post.stateMarginal(t),
    stateActionMarginal: (t) => post.stateActionMarginal(t),
    actionMarginal: (t) => post.actionMarginal(t),
    sample: (n, options) => post.sample(n, options),
    mostProbable: () => post.mostProbable(),
    logProb: (trajectory) => post.logProb(trajectory),
  };
  return { ...base, ...overrides };
}

/** Throws the PosteriorMismatchError `run` throws, failing if it throws nothing or something else. */
function mismatch(run: () => unknown): PosteriorMismatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof PosteriorMismatchError) return error;
    throw error;
  }
  throw new Error('expected a PosteriorMismatchError, but the check passed');
}

describe('checkPosterior and expectPosteriorsClose catch tampered posteriors', () => {
  // Stochastic dynamics, a non-uniform prior, a hard constraint (s = 2, a = 'y') and a terminal factor.
  const m = model<number, string>(
    state('s', [0, 1, 2], { initial: categorical([[0, 0.5], [1, 0.3], [2, 0.2]]) }),
    action<string, number>('a', ['x', 'y'], { prior: (s: number) => categorical([['x', s === 2 ? 0.5 : 0.7], ['y', s === 2 ? 0.5 : 0.3]]) }),
    transition((s: number, a: string) => (a === 'x' ? categorical([[s, 0.6], [(s + 1) % 3, 0.4]]) : categorical([[(s + 2) % 3, 0.5], [0, 0.5]]))),
    optimality((s: number, a: string) => (s === 2 && a === 'y' ? -Infinity : s === 2 ? 0.5 : -0.25 * s)),
    optimality.terminal((s: number) => (s === 0 ? 1 : 0)),
    temperature(0.7),
    horizon(3),
  );
  const post = infer(m, exact());
  const fixed = infer(m, exact({ backup: 'fixed-dynamics' }));
  const bf = bruteForce(m);
  const edit = (table: Float64Array, i: number, f: (x: number) => number) => {
    const out = table.slice();
    out[i] = f(out[i]!);
    return out;
  };

  it('the untouched posteriors pass: both backups, against brute force, with 4000 samples (seed 3) at false-positive rate 1e-6', () => {
    const report = checkPosterior(m, post, { reference: bf, samples: { n: 4000, seed: 3, falsePositiveRate: 1e-6 } });
    expect(report.ok).toBe(true);
    expect(report.checks).toBeGreaterThan(200);
    expect(report.elbo!).toBeLessThanOrEqual(post.logEvidence);
    expect(checkPosterior(m, fixed, { reference: bf }).ok).toBe(true);
    expect(expectPosteriorsClose(post, bf, { log: LOG_TOL, prob: PROB_TOL }).comparisons).toBeGreaterThan(60);
  });

  const cases: [string, Posterior<number, string>, RegExp][] = [
    ['two policy entries swapped', tamper(post, { policyTable: (t) => (t === 1 ? edit(edit(post.policyTable(1), 0, () => post.policyTable(1)[1]!), 1, () => post.policyTable(1)[0]!) : post.policyTable(t)) }), /policyTable\(1\)\[s=0, a='x'\]/],
    ['a policy that does not sum to 1', tamper(post, { policyTable: (t) => edit(post.policyTable(t), 2, (x) => x * 1.001) }), /Σ_a policyTable\(0\)\[s=1, ·\]/],
    ['a state marginal off by 1e-6', tamper(post, { stateMarginal: (t) => edit(post.stateMarginal(t), 0, (x) => x + 1e-6) }), /Σ_s stateMarginal\(0\)/],
    ['a joint marginal that is not m_t·π_t', tamper(post, { stateActionMarginal: (t) => edit(post.stateActionMarginal(t), 0, (x) => x + 1e-9) }), /stateActionMarginal\(0\)\[s=0, a='x'\] vs p\(s_t\|O\)·π_t\(a\|s\)/],
    ['an action marginal that is not Σ_s p(s, a)', tamper(post, { actionMarginal: (t) => edit(post.actionMarginal(t), 1, (x) => x - 1e-9) }), /actionMarginal\(0\)\[a='y'\]/],
    ['logEvidence shifted by 1e-8', tamper(post, { logEvidence: post.logEvidence + 1e-8 }), /logEvidence/],
    ['a silent −Infinity in V', tamper(post, { V: (t) => (t === 1 ? edit(post.V(1), 2, () => -Infinity) : post.V(t)) }), /V\(1\)\[s=2\] = −Infinity although a continuation avoiding every −Infinity reward exists/],
    ['a Q value off by 1e-7', tamper(post, { Q: (t) => edit(post.Q(t), 3, (x) => x + 1e-7) }), /Q\(0\)\[s=1, a='y'\]/],
    ['a NaN in a joint marginal', tamper(post, { stateActionMarginal: (t) => edit(post.stateActionMarginal(t), 4, () => NaN) }), /stateActionMarginal\(0\)\[s=2, a='x'\].*: got NaN/],
    ['a marginal that does not follow the tilted dynamics', tamper(post, { stateMarginal: (t) => (t === 2 ? post.stateMarginal(1) : post.stateMarginal(t)) }), /stateMarginal\(2\)\[s=\d\] vs Σ m_\{t−1\} π K/],
    ['a fixed-dynamics bound above the exact log Z', tamper(fixed, { logEvidence: bf.logZ + 0.01 }), /exceeds the reference log Z/],
    ['samples from another posterior', tamper(post, { sample: (n, o) => infer(model<number, string>(...(m.parts as Part<number, string>[]), optimality((s: number) => (s === 0 ? 2 : 0))), exact()).sample(n, o) }), /samples: s_\d frequencies/],
  ];
  it.each(cases)('%s', (_name, tampered, label) => {
    const error = mismatch(() => checkPosterior(m, tampered, { reference: bf, samples: { n: 4000, seed: 3, falsePositiveRate: 1e-6 } }));
    expect(error.failures.some((f) => label.test(f)), error.message).toBe(true);
  });

  it('expectPosteriorsClose names the query, the state and the action, and counts beyond the listed failures', () => {
    const shifted = tamper(post, { policyTable: (t) => edit(post.policyTable(t), 0, (x) => x + 1e-6), V: (t) => post.V(t).map((v) => v + 1e-6) });
    const error = mismatch(() => expectPosteriorsClose(shifted, bf, { log: LOG_TOL, prob: PROB_TOL }, { label: 'tampered', maxListed: 3 }));
    expect(error.failures).toHaveLength(3);
    expect(error.failureCount).toBe(4 * 3 + 3); // V_0 … V_3 at 3 states, and π_0, π_1, π_2 at (s = 0, x)
    expect(error.message).toMatch(/^tampered: posteriors differ: 15 failures\n {2}tampered: V\(0\)\[s=0\]: got/);
    expect(error.message).toMatch(/… and 12 more$/);
  });

  it('states listed in another order are matched by value', () => {
    const parts = m.parts.map((p) => (p.kind === 'state' ? state('s', [2, 1, 0], { initial: categorical([[0, 0.5], [1, 0.3], [2, 0.2]]) }) : p)) as Part<number, string>[];
    const reversed = model<number, string>(...parts);
    const other = infer(reversed, exact());
    expect(other.graph.states.values).toEqual([2, 1, 0]);
    expectPosteriorsClose(other, post, { log: LOG_TOL, prob: PROB_TOL });
    checkPosterior(reversed, other, { reference: bf });
  });

  it('a swapped policy row is caught on 100 random models (seed 7) wherever some state has two likely actions', () => {
    let caught = 0;
    fc.assert(
      fc.property(arbitraryModelSpec(), (spec) => {
        const rm = buildModel(spec);
        const p = infer(rm, exact());
        if (p.logEvidence === -Infinity) return;
        const { nS, nA } = p.graph;
        for (let t = 0; t < p.horizon; t++) {
          const table = p.policyTable(t);
          for (let s = 0; s < nS; s++) {
            for (let a = 1; a < nA; a++) {
              if (Math.abs(table[s * nA]! - table[s * nA + a]!) < 1e-6) continue;
              const swapped = table.slice();
              [swapped[s * nA], swapped[s * nA + a]] = [table[s * nA + a]!, table[s * nA]!];
              const bad = tamper(p, { policyTable: (u) => (u === t ? swapped : p.policyTable(u)) });
              mismatch(() => checkPosterior(rm, bad));
              mismatch(() => expectPosteriorsClose(bad, p, { log: LOG_TOL, prob: PROB_TOL }));
              caught++;
              return;
            }
          }
        }
      }),
      { seed: 7, numRuns: 100 },
    );
    expect(caught).toBeGreaterThan(50);
  }, TIMEOUT);
});

/**
 * A stochastic test engine: exact answers, but an evidence estimate log Z + bias + SE·ε with ε ~ N(0, 1)
 * drawn from a seeded stream (Box–Muller), reported with its standard error.
 */
function noisyEngine(seed: number, bias: number): () => Engine {
  const random = rng(seed, 'noisy engine');
  const standardError = 0.05;
  const inner = exact();
  return () => ({
    name: 'noisy',
    capabilities: inner.capabilities,
    options: {},
    reads: 'tables',
    run<S, A>(graph: FactorGraph<S, A>, context: RunContext): Posterior<S, A> {
      const post = inner.run(graph, context);
      const epsilon = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
      const logValue = post.logEvidence === -Infinity ? -Infinity : post.logEvidence + bias + standardError * epsilon;
      return tamper(post, { logEvidence: logValue, evidence: { kind: 'estimate', logValue, standardError, description: 'a noisy estimate' } });
    },
  });
}

describe('checkEngineAgreement: the stochastic path', () => {
  const entry = (bias: number) => ({
    name: `noisy (bias ${bias})`,
    engine: noisyEngine(11, bias),
    reference: 'brute-force' as const,
    tolerance: { kind: 'stochastic' as const, standardErrors: 4.5, falsePositiveRate: 1e-3, prob: PROB_TOL },
  });

  it('an unbiased engine passes at z = 4.5 on 100 models (seed 42): bound 100 × 2(1 − Φ(4.5)) = 6.8e-4 ≤ the stated 1e-3', () => {
    const report = checkEngineAgreement(entry(0), { runs: 100, seed: SEED });
    expect(report.statisticalComparisons).toBeGreaterThan(50);
    expect(report.falsePositiveBound).toBeLessThanOrEqual(1e-3);
    assertClose(report.falsePositiveBound, report.statisticalComparisons * normalTwoSidedTail(4.5), { rtol: 1e-12, atol: 0 }, 'bound');
  }, TIMEOUT);

  it('a biased engine (log Ẑ off by 10 standard errors) fails', () => {
    let error: unknown;
    try {
      checkEngineAgreement(entry(0.5), { runs: 100, seed: SEED });
    } catch (e) {
      error = e;
    }
    // fast-check reports the counterexample; the battery's own message is the cause.
    expect(String((error as Error).cause)).toMatch(/noisy \(bias 0\.5\) vs brute-force: logEvidence .* is \d+\.\d+ standard errors \(SE 0\.05\) from .*; allowed 4\.5/);
  }, TIMEOUT);

  it('an entry whose false-positive bound exceeds its stated rate is refused before it runs', () => {
    expect(() => checkEngineAgreement({ ...entry(0), tolerance: { ...entry(0).tolerance, standardErrors: 3 } }, { runs: 100, seed: SEED })).toThrow(/false-positive bound of 2\.70e-1 > the stated 0\.001/);
  });
});

describe('particle posteriors in the kit', () => {
  const PARTICLES = { kind: 'stochastic' as const, standardErrors: 6, falsePositiveRate: 1e-4, prob: { rtol: 0, atol: 1e-9 } };
  /** A corridor with a slip and a terminal goal: every state is visited often under the prior. */
  const corridor = model(
    state('x', [0, 1, 2], { initial: 0 }),
    action('move', ['stay', 'right']),
    transition((s: number, a: string) => (a === 'right' ? categorical([[Math.min(2, s + 1), 0.8], [s, 0.2]]) : categorical([[s, 1]]))),
    optimality((s: number, a: string) => (a === 'right' ? -0.5 : 0) + (s === 2 ? 1 : 0)),
    horizon(3),
  );

  it("checkPosterior(backup 'none') asks V(0) and Q(0) once, counts both as unsupported, and keeps the laws that need no values", () => {
    const post = infer(corridor, importance({ particles: 2000, resample: 'none', seed: 3 }));
    const report = checkPosterior(corridor, post as unknown as Posterior<number, string>, { reference: 'brute-force', backup: 'none', tolerance: { prob: { rtol: 0, atol: 1e-9 } } });
    expect(report.ok).toBe(true);
    expect(report.unsupported).toBe(2);
    expect(report.notes.join('\n')).toMatch(/V, Q, .* skipped \(importance\(\): V\(0\) is not available/);
    // normalisation, Bayes and support: dozens of checks remain.
    expect(report.checks).toBeGreaterThan(40);
    // Holding it to a recursion needs V: that is a failure, not a skip.
    const strict = checkPosterior(corridor, post as unknown as Posterior<number, string>, { backup: 'posterior', throwOnFailure: false });
    expect(strict.failures[0]).toMatch(/V\(0\) is unsupported .* use backup: 'none'/);
  });

  it('particleSampleSize is Kish ESS 1/Σ W_i² without resampling, and smaller with it', () => {
    const plain = particlesOf(infer(corridor, importance({ particles: 2000, resample: 'none', seed: 3 })));
    let sumSquares = 0;
    for (const w of plain.weights) sumSquares += w * w;
    assertClose(particleSampleSize(plain), 1 / sumSquares, { rtol: 1e-12, atol: 0 }, 'Kish ESS');
    const smc = particlesOf(infer(corridor, importance({ particles: 2000, essThreshold: 1, seed: 3 })));
    expect(smc.resampled.some((r) => r === 1)).toBe(true);
    let smcSquares = 0;
    for (const w of smc.weights) smcSquares += w * w;
    expect(particleSampleSize(smc)).toBeLessThan(1 / smcSquares);
  });

  it('the battery holds importance() marginals on 30 mixed models (z = 6) and counts V, Q as unsupported', () => {
    const entry = { name: 'importance', engine: () => importance({ particles: 4000, resample: 'none', seed: 5 }), reference: 'brute-force' as const, tolerance: PARTICLES };
    const report = checkEngineAgreement(entry, { runs: 30, seed: SEED });
    expect(report.statisticalComparisons).toBeGreaterThan(300);
    assertClose(report.falsePositiveBound, report.statisticalComparisons * normalTwoSidedTail(6), { rtol: 1e-12, atol: 0 }, 'bound');
    expect(report.unsupported).toBe(2 * report.feasible);
    expect(report.notes.some((n) => n.startsWith('policies: not compared'))).toBe(true);
  }, TIMEOUT);

  it('a particle posterior whose state marginals are pulled 10 % towards uniform is caught', () => {
    const biased = (): Engine => {
      const inner = importance({ particles: 4000, resample: 'none', seed: 5 });
      return {
        ...inner,
        name: 'biased particles',
        run<S, A>(graph: FactorGraph<S, A>, context: RunContext): Posterior<S, A> {
          const post = inner.run(graph, context);
          const pulled = (t: number) => post.stateMarginal(t).map((p, _, row) => 0.9 * p + 0.1 / row.length);
          return Object.create(post, { stateMarginal: { value: pulled } }) as Posterior<S, A>;
        },
      } as Engine;
    };
    let error: unknown;
    try {
      checkEngineAgreement({ name: 'biased particles', engine: biased, reference: 'brute-force', tolerance: PARTICLES }, { runs: 30, seed: SEED });
    } catch (e) {
      error = e;
    }
    expect(String((error as Error).cause)).toMatch(/estimates outside their sampling tolerance[\s\S]*stateMarginal\(\d\)\[s=.*\]: got .*, expected .* allowed/);
  }, TIMEOUT);

  it('expectEstimatesWithin: exact answers pass at any n; p ∈ {0, 1} must match exactly', () => {
    const bf = bruteForce(corridor);
    const r = expectEstimatesWithin(bf, bf, { effectiveSampleSize: 10, rate: 1e-9 });
    // 3 states × 3 steps + 6 pairs × 3 + 2 actions × 3, of which p(s_0 = 0) = 1 and the unreachable s_1 = 2 are exact.
    expect(r.comparisons).toBe(9 + 18 + 6);
    expect(r.statistical).toBeLessThan(r.comparisons);
    expect(r.unsupported).toBe(0);
    // Mass on a state of posterior probability 0 fails however few samples the estimate rests on.
    const off = { ...bf, stateMarginal: (t: number) => (t === 0 ? [0.999, 0.001, 0] : bf.stateMarginal(t)) };
    expect(() => expectEstimatesWithin(off, bf, { effectiveSampleSize: 1, rate: 1e-9 })).toThrow(/stateMarginal\(0\)\[s=1\]: got 0\.001, expected 0 \(.*allowed 1e-12/);
  });
});

describe('numbers', () => {
  it('estimateTolerance(p, n, rate) is the Bernstein half-width: 2 exp(−n ε²/(2p(1−p) + 2ε/3)) = rate', () => {
    for (const [p, n, rate] of [[0.5, 1000, 1e-6], [0.01, 4000, 2e-9], [0.999, 50, 1e-3]] as const) {
      const eps = estimateTolerance(p, n, rate);
      assertClose(2 * Math.exp((-n * eps * eps) / (2 * p * (1 - p) + (2 * eps) / 3)), rate, { rtol: 1e-9, atol: 0 }, `bound at p = ${p}`);
      expect(eps).toBeLessThanOrEqual(Math.sqrt((2 * p * (1 - p) * Math.log(2 / rate)) / n) + (2 * Math.log(2 / rate)) / (3 * n));
    }
    expect(estimateTolerance(0, 100, 1e-6)).toBe(0);
    expect(estimateTolerance(1, 100, 1e-6)).toBe(0);
    expect(estimateTolerance(0.5, 0.5, 1e-6)).toBe(Infinity);
  });

  it('normalTwoSidedTail(z) = 2(1 − Φ(z)) (against tabulated values to 1e-9 relative)', () => {
    const table: [number, number][] = [
      [0, 1],
      [1, 0.31731050786291415],
      [1.959963984540054, 0.05],
      [3, 0.0026997960632601913],
      [4.5, 6.795346249460123e-6],
      [6, 1.9731752900753e-9],
    ];
    for (const [z, p] of table) assertClose(normalTwoSidedTail(z), p, { rtol: 1e-9, atol: 0 }, `tail(${z})`);
  });

  it('chiSquare: a fair coin is not rejected, a loaded one is', () => {
    expect(chiSquare([5020, 4980], [0.5, 0.5]).pValue).toBeGreaterThan(0.5);
    expect(chiSquare([5500, 4500], [0.5, 0.5]).pValue).toBeLessThan(1e-15);
  });
});

// Type-level: a Model built by the kit is an ordinary Model.
const _typed: Model<unknown, unknown> = buildModel({ states: [0], actions: ['x'], T: 1, alpha: 1, omitTemperature: true, initial: undefined, prior: undefined, dynamics: [[[1]]], dynamicsKind: 'deterministic', reward: [[[0]]], timeVarying: false, terminal: undefined }) as Model<unknown, unknown>;
void _typed;
