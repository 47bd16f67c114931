/**
 * The engine-agreement battery: an engine against an independent reference on
 * random models, with the tolerance the engine states.
 *
 *   exact engines       every number within { log, prob } of the reference
 *                       (`expectPosteriorsClose`), and `checkPosterior` passes
 *   stochastic engines  |log Ẑ − log Z| ≤ z·SE(log Ẑ) for the evidence (each such comparison
 *                       fails a correct engine with probability δ = 2(1 − Φ(z)));
 *     with particles    (a posterior `particlesOf` reads, e.g. importance()): the marginals
 *                       p(s_t|O), p(s_t,a_t|O), p(a_t|O), each within the Bernstein half-width
 *                       of an n-sample mean at the same δ (`estimateTolerance`), with n the
 *                       conservative effective sample size of `particleSampleSize` (below);
 *                       entries with p ∈ {0, 1} must match exactly (to `prob.atol`). Policies
 *                       are not compared with the reference: π = p(s,a)/p(s) is a ratio of two
 *                       estimates with no useful bound at rarely visited states, and
 *                       `checkPosterior` already holds it exactly (to rounding) to the compared
 *                       marginals through Bayes' law p(s_t,a_t|O) = p(s_t|O) π_t(a|s).
 *     without particles policies and marginals within the absolute tolerance `prob`.
 *                       Queries the engine refuses with 'unsupported-query' (V, Q of a particle
 *                       posterior) are skipped and counted (`unsupported`); nothing else is.
 *                       The family-wise bound is (statistical comparisons) × δ; the battery
 *                       refuses an entry whose runs × δ (the evidence alone) exceeds its stated
 *                       false-positive rate before running, and a run whose full bound does after.
 *
 * A new engine joins the library's suite with one `EngineCase` line in
 * test/engine-agreement.test.ts; users can run the same battery on their own
 * engines.
 */
import { fc } from './optional.js';
import { infer } from '../engines/engine.js';
import type { Engine, EngineInput } from '../types/engine.js';
import type { Model } from '../types/model.js';
import { arbitraryModelSpec, buildModel, type SpecOptions, type StateValue } from './arbitraries.js';
import { particlesOf, type WeightedParticles } from '../posterior/weighted.js';
import { bruteForce } from './brute-force.js';
import { checkPosterior } from './check.js';
import { expectEstimatesWithin, expectPosteriorsClose } from './compare.js';
import { fixedDynamicsReference } from './fixed-dynamics.js';
import { close, normalTwoSidedTail, type Tolerance } from './tolerance.js';

/** Tolerance of a deterministic engine: every log quantity within `log`, every probability within `prob`. */
export interface ExactAgreement {
  readonly kind: 'exact';
  readonly log: Tolerance;
  readonly prob: Tolerance;
}

/**
 * Tolerance of a stochastic engine. The evidence must lie within `standardErrors` of its own reported
 * standard error, and the marginals of a particle posterior within their Bernstein half-width at the same
 * per-comparison rate; each such comparison fails a correct engine with probability δ = 2(1 − Φ(z)).
 */
export interface StochasticAgreement {
  readonly kind: 'stochastic';
  /** z: how many standard errors |log Ẑ − log Z| may span. */
  readonly standardErrors: number;
  /** The false-positive budget of one run of the battery (all models together), e.g. 1e-4. */
  readonly falsePositiveRate: number;
  /**
   * Rounding: added to each statistical half-width (its atol), and the tolerance of `checkPosterior`'s sums.
   * For an engine without particles, the absolute tolerance of its policies and marginals.
   */
  readonly prob: Tolerance;
  /** V and Q when compared (`values: true`). */
  readonly log?: Tolerance;
}

/** One row of the agreement table. */
export interface EngineCase {
  /** Shown in test names and failures, e.g. "exact({ backup: 'posterior' })". */
  readonly name: string;
  /** A fresh engine value (seeded, if it samples). */
  readonly engine: () => Engine;
  /** What it must agree with: brute-force enumeration of p(τ|O), or the fixed-dynamics optimum Q = r + E[V]. */
  readonly reference: 'brute-force' | 'fixed-dynamics';
  readonly tolerance: ExactAgreement | StochasticAgreement;
  /** The random models it is run on (default: `arbitraryModelSpec()`'s defaults). */
  readonly models?: SpecOptions;
  /** Compare V and Q (default true for exact engines, false for stochastic ones). */
  readonly values?: boolean;
  /** Which recursion `checkPosterior` holds it to (default: from `exactness`). */
  readonly backup?: 'posterior' | 'fixed-dynamics' | 'none';
  /** Fraction of `options.runs` this entry runs (default 1), e.g. 0.25 for a slow stochastic engine. */
  readonly runScale?: number;
}

/** Options of `checkEngineAgreement`. */
export interface AgreementOptions {
  /** Number of random models. */
  readonly runs: number;
  readonly seed: number;
  /** Overrides the entry's model options (e.g. a family of extreme temperatures). */
  readonly models?: SpecOptions;
}

/** What one run of the battery covered. */
export interface AgreementReport {
  readonly engine: string;
  readonly runs: number;
  /** Models with p(O) > 0 (the rest check −Infinity evidence and refusals). */
  readonly feasible: number;
  /** Numbers compared with the reference. */
  readonly comparisons: number;
  /** Checks made by `checkPosterior`. */
  readonly checks: number;
  /** Statistical comparisons (stochastic engines) and the family-wise false-positive bound of the run. */
  readonly statisticalComparisons: number;
  readonly falsePositiveBound: number;
  /** Queries skipped because the engine refused them with 'unsupported-query' (e.g. V and Q of a particle posterior). */
  readonly unsupported: number;
  /** What was skipped or held differently, and why (one line per reason). */
  readonly notes: readonly string[];
}

/**
 * The effective sample size behind a particle posterior's marginals, conservatively:
 *
 *   1/n = 1/ESS_final + Σ_{resamplings u} 1/ESS_u,    ESS_final = 1/Σ_i W_i² (Kish)
 *
 * Without resampling it is Kish's ESS, for which Var(Σ_i W_i f_i) ≈ Var_p(f)/ESS. Each resampling adds
 * multinomial noise of about Var(f)/ESS_u and, going back in time, merges lineages (the traced s_t of the
 * final particles rest on fewer distinct ancestors: path degeneracy); adding the stages' inverse ESS
 * counts every stage's noise at every t, which over-counts for late t and is the right order for early t
 * (a coalescent of effective size ESS_u leaves ~2/Σ_u(1/ESS_u) lineages). It is at most ESS_final.
 * @example particleSampleSize(particlesOf(infer(m, importance({ particles: 4000 }))))
 */
export function particleSampleSize(particles: WeightedParticles<unknown, unknown>): number {
  let sumSquares = 0;
  for (const w of particles.weights) sumSquares += w * w;
  let inverse = sumSquares;
  for (let t = 0; t < particles.resampled.length; t++) if (particles.resampled[t] === 1) inverse += 1 / particles.ess[t]!;
  return 1 / inverse;
}

/**
 * Run `entry.engine()` on `runs` random models (fast-check, seeded) and hold it to its reference and tolerance.
 * Throws (with fast-check's counterexample and every mismatch listed) on disagreement.
 * @example
 * checkEngineAgreement({ name: 'exact', engine: () => exact(), reference: 'brute-force',
 *   tolerance: { kind: 'exact', log: { rtol: 1e-9, atol: 1e-9 }, prob: { rtol: 0, atol: 1e-9 } } }, { runs: 100, seed: 42 });
 */
export function checkEngineAgreement(entry: EngineCase, options: AgreementOptions): AgreementReport {
  const tol = entry.tolerance;
  const runs = Math.max(1, Math.round(options.runs * (entry.runScale ?? 1)));
  let feasible = 0;
  let comparisons = 0;
  let checks = 0;
  let statistical = 0;
  let unsupported = 0;
  const notes = new Set<string>();
  const delta = tol.kind === 'stochastic' ? normalTwoSidedTail(tol.standardErrors) : 0;
  if (tol.kind === 'stochastic') {
    // The budget is checked before running for the evidence (one comparison per model); marginals add to it.
    const bound = runs * delta;
    if (bound > tol.falsePositiveRate) {
      throw new Error(`${entry.name}: ${runs} evidence comparisons at z = ${tol.standardErrors} give a false-positive bound of ${bound.toExponential(2)} > the stated ${tol.falsePositiveRate}; raise standardErrors or lower runs`);
    }
  }
  fc.assert(
    fc.property(arbitraryModelSpec(options.models ?? entry.models), (spec) => {
      const m: Model<StateValue, string> = buildModel(spec);
      const bf = bruteForce(m);
      const reference = entry.reference === 'brute-force' ? bf : fixedDynamicsReference(m);
      const label = `${entry.name} vs ${entry.reference}`;
      if (tol.kind === 'exact') {
        const post = infer(m, entry.engine());
        if (post.logEvidence > -Infinity) feasible++;
        const compared = expectPosteriorsClose(post, reference, { log: tol.log, prob: tol.prob }, { label, values: entry.values ?? true });
        // An exact engine answers every query: a refusal is a failure here, never a skip.
        if (compared.unsupported > 0) throw new Error(`${label}: an exact engine refused ${compared.unsupported} queries with 'unsupported-query': ${compared.skipped.join('; ')}`);
        comparisons += compared.comparisons;
        checks += checkPosterior(m, post, { reference: bf, tolerance: { log: tol.log, prob: tol.prob }, ...(entry.backup ? { backup: entry.backup } : {}) }).checks;
        return;
      }
      // A sampler that finds no feasible trajectory refuses ('weights-all-zero'): right when p(O) = 0, a failure otherwise.
      let post: ReturnType<typeof infer<StateValue, string, EngineInput>>;
      try {
        post = infer(m, entry.engine());
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (reference.logEvidence === -Infinity && (code === 'weights-all-zero' || code === 'infeasible')) {
          checks++;
          return;
        }
        throw error;
      }
      if (post.logEvidence > -Infinity) feasible++;
      const se = post.evidence.standardError;
      if (reference.logEvidence === -Infinity) {
        if (post.logEvidence !== -Infinity) throw new Error(`${label}: logEvidence ${post.logEvidence} although p(O) = 0`);
      } else {
        if (se === undefined || !(se >= 0)) throw new Error(`${label}: a stochastic engine must report evidence.standardError (got ${se})`);
        const logTol = tol.log ?? tol.prob;
        if (se === 0) {
          // A zero-variance estimate (one trajectory, or the exact posterior as proposal) must be exact.
          comparisons++;
          if (!close(post.logEvidence, reference.logEvidence, logTol)) throw new Error(`${label}: logEvidence ${post.logEvidence} with standard error 0, but log Z = ${reference.logEvidence}`);
        } else {
          statistical++;
          comparisons++;
          const z = Math.abs(post.logEvidence - reference.logEvidence) / se;
          if (!(z <= tol.standardErrors)) throw new Error(`${label}: logEvidence ${post.logEvidence} is ${z.toFixed(2)} standard errors (SE ${se}) from ${reference.logEvidence}; allowed ${tol.standardErrors}`);
        }
      }
      let particles: WeightedParticles<unknown, unknown> | undefined;
      try {
        particles = particlesOf(post);
      } catch {
        particles = undefined;
      }
      if (particles !== undefined) {
        if (post.logEvidence > -Infinity) {
          const n = particleSampleSize(particles);
          const r = expectEstimatesWithin(post, reference, { effectiveSampleSize: n, rate: delta, atol: tol.prob.atol }, { label });
          comparisons += r.comparisons;
          statistical += r.statistical;
          unsupported += r.unsupported;
          r.skipped.forEach((x) => notes.add(x.replace(/\(\d+\)/, '(t)')));
        }
        notes.add('policies: not compared with the reference (a ratio of two estimates); held to the compared marginals by checkPosterior (Bayes)');
      } else {
        const values = entry.values ?? false;
        const r = expectPosteriorsClose(post, reference, { log: tol.log ?? tol.prob, prob: tol.prob }, { label, values, evidence: false });
        comparisons += r.comparisons;
        unsupported += r.unsupported;
      }
      const report = checkPosterior(m, post as Parameters<typeof checkPosterior<StateValue, string>>[1], { reference: bf, backup: entry.backup ?? 'none', tolerance: { log: tol.log ?? tol.prob, prob: tol.prob } });
      checks += report.checks;
      unsupported += report.unsupported;
      report.notes.forEach((x) => notes.add(x));
    }),
    { seed: options.seed, numRuns: runs },
  );
  const falsePositiveBound = statistical * delta;
  if (tol.kind === 'stochastic' && falsePositiveBound > tol.falsePositiveRate) {
    throw new Error(`${entry.name}: ${statistical} statistical comparisons at z = ${tol.standardErrors} (${delta.toExponential(2)} each) give a false-positive bound of ${falsePositiveBound.toExponential(2)} > the stated ${tol.falsePositiveRate}; raise standardErrors or lower runs`);
  }
  return { engine: entry.name, runs, feasible, comparisons, checks, statisticalComparisons: statistical, falsePositiveBound, unsupported, notes: [...notes] };
}
