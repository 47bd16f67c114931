/**
 * The engine-agreement battery: an engine against an independent reference on
 * random models, with the tolerance the engine states.
 *
 *   exact engines       every number within { log, prob } of the reference
 *                       (`expectPosteriorsClose`), and `checkPosterior` passes
 *   stochastic engines  |log Ẑ − log Z| ≤ z·SE(log Ẑ) for the evidence, policies and
 *                       marginals within a stated absolute tolerance; the per-comparison
 *                       false-positive rate is 2(1 − Φ(z)), and the battery refuses to
 *                       run a table whose family-wise bound (comparisons × that rate)
 *                       exceeds the false-positive rate the entry states
 *
 * A new engine joins the library's suite with one `EngineCase` line in
 * test/engine-agreement.test.ts; users can run the same battery on their own
 * engines.
 */
import fc from 'fast-check';
import { infer } from '../engines/engine.js';
import type { Engine } from '../types/engine.js';
import type { Model } from '../types/model.js';
import { arbitraryModelSpec, buildModel, type SpecOptions, type StateValue } from './arbitraries.js';
import { bruteForce } from './brute-force.js';
import { checkPosterior } from './check.js';
import { expectPosteriorsClose } from './compare.js';
import { fixedDynamicsReference } from './fixed-dynamics.js';
import { normalTwoSidedTail, type Tolerance } from './tolerance.js';

/** Tolerance of a deterministic engine: every log quantity within `log`, every probability within `prob`. */
export interface ExactAgreement {
  readonly kind: 'exact';
  readonly log: Tolerance;
  readonly prob: Tolerance;
}

/**
 * Tolerance of a stochastic engine. The evidence must lie within `standardErrors` of its own reported
 * standard error; each such comparison fails a correct engine with probability 2(1 − Φ(z)).
 */
export interface StochasticAgreement {
  readonly kind: 'stochastic';
  /** z: how many standard errors |log Ẑ − log Z| may span. */
  readonly standardErrors: number;
  /** The false-positive budget of one run of the battery (all models together), e.g. 1e-4. */
  readonly falsePositiveRate: number;
  /** Policies and marginals (no standard error reported): absolute tolerance. */
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
  let feasible = 0;
  let comparisons = 0;
  let checks = 0;
  let statistical = 0;
  if (tol.kind === 'stochastic') {
    // The budget is checked before running: a table entry states z and the rate it claims.
    const bound = options.runs * normalTwoSidedTail(tol.standardErrors);
    if (bound > tol.falsePositiveRate) {
      throw new Error(`${entry.name}: ${options.runs} evidence comparisons at z = ${tol.standardErrors} give a false-positive bound of ${bound.toExponential(2)} > the stated ${tol.falsePositiveRate}; raise standardErrors or lower runs`);
    }
  }
  fc.assert(
    fc.property(arbitraryModelSpec(options.models ?? entry.models), (spec) => {
      const m: Model<StateValue, string> = buildModel(spec);
      const bf = bruteForce(m);
      const reference = entry.reference === 'brute-force' ? bf : fixedDynamicsReference(m);
      const post = infer(m, entry.engine());
      const label = `${entry.name} vs ${entry.reference}`;
      if (post.logEvidence > -Infinity) feasible++;
      if (tol.kind === 'exact') {
        comparisons += expectPosteriorsClose(post, reference, { log: tol.log, prob: tol.prob }, { label, values: entry.values ?? true }).comparisons;
        checks += checkPosterior(m, post, { reference: bf, tolerance: { log: tol.log, prob: tol.prob }, ...(entry.backup ? { backup: entry.backup } : {}) }).checks;
        return;
      }
      const values = entry.values ?? false;
      comparisons += expectPosteriorsClose(post, reference, { log: tol.log ?? tol.prob, prob: tol.prob }, { label, values, evidence: false }).comparisons;
      const se = post.evidence.standardError;
      if (reference.logEvidence === -Infinity) {
        if (post.logEvidence !== -Infinity) throw new Error(`${label}: logEvidence ${post.logEvidence} although p(O) = 0`);
      } else {
        if (se === undefined || !(se >= 0)) throw new Error(`${label}: a stochastic engine must report evidence.standardError (got ${se})`);
        statistical++;
        const z = Math.abs(post.logEvidence - reference.logEvidence) / se;
        if (!(z <= tol.standardErrors)) throw new Error(`${label}: logEvidence ${post.logEvidence} is ${z.toFixed(2)} standard errors (SE ${se}) from ${reference.logEvidence}; allowed ${tol.standardErrors}`);
      }
      checks += checkPosterior(m, post, { reference: bf, backup: entry.backup ?? 'none', tolerance: { log: tol.log ?? tol.prob, prob: tol.prob } }).checks;
    }),
    { seed: options.seed, numRuns: options.runs },
  );
  const falsePositiveBound = tol.kind === 'stochastic' ? statistical * normalTwoSidedTail(tol.standardErrors) : 0;
  return { engine: entry.name, runs: options.runs, feasible, comparisons, checks, statisticalComparisons: statistical, falsePositiveBound };
}
