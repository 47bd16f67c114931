/**
 * `control-as-inference/testing`: property-test a posterior the way you
 * property-test code. Named exports only; framework-agnostic (assertions
 * throw plain errors with a label and the numbers, so they work inside
 * `fc.assert` and under any test runner). Needs `fast-check` (an optional
 * peer dependency) for the arbitraries and the agreement battery.
 *
 * - random models: `arbitraryModelSpec`, `arbitraryModel`, `buildModel`, `mapRewards` …,
 *   and rational ones for exact arithmetic: `arbitraryRationalSpec`, `buildRationalModel`;
 * - exact references for tiny models, independent of the engines: `bruteForce`
 *   (every trajectory, in log space), `bruteForceExact` (mathjs fractions),
 *   `fixedDynamicsReference` (Q = r + E[V] by plain loops);
 * - properties: `checkPosterior` (normalisation, Bellman and Bayes consistency,
 *   evidence, the ELBO bound, no NaN / silent −Infinity), `expectPosteriorsClose`;
 * - particle engines: `expectEstimatesWithin` (marginals within a Bernstein width of the
 *   effective sample size `particleSampleSize`), `estimateTolerance`;
 * - the engine-agreement battery: `checkEngineAgreement`;
 * - numbers: `close`, `assertClose`, `LOG_TOL`, `PROB_TOL`, `chiSquare`, `normalTwoSidedTail`.
 *
 * See docs/testing-posteriors.md.
 */
export {
  arbitraryModelSpec,
  arbitraryModel,
  buildModel,
  specParts,
  specReward,
  specStateIndex,
  mapRewards,
  timeVaryingSpec,
  arbitraryRationalSpec,
  buildRationalModel,
  weightProbabilities,
  rationalReward,
} from './arbitraries.js';
export type { ModelSpec, SpecOptions, StateValue, RationalSpec, RationalSpecOptions, RationalPotential, WeightRow } from './arbitraries.js';
export { bruteForce, tabulate } from './brute-force.js';
export type { BruteForce, BruteForceTables, BruteTrajectory, TabulateOptions } from './brute-force.js';
export { bruteForceExact, toFraction, logFraction, fractionToNumber } from './brute-force-exact.js';
export type { ExactBruteForce, RationalOptions } from './brute-force-exact.js';
export { fixedDynamicsReference } from './fixed-dynamics.js';
export type { FixedDynamicsReference } from './fixed-dynamics.js';
export { posteriorTables } from './tables.js';
export type { PosteriorTables } from './tables.js';
export { expectPosteriorsClose, expectEstimatesWithin, PosteriorMismatchError } from './compare.js';
export type { CompareOptions, CompareReport, PosteriorTolerance, EstimateTolerance, EstimateReport } from './compare.js';
export { checkPosterior } from './check.js';
export type { CheckPosteriorOptions, PosteriorCheckReport } from './check.js';
export { checkEngineAgreement, particleSampleSize } from './agreement.js';
export type { AgreementOptions, AgreementReport, EngineCase, ExactAgreement, StochasticAgreement } from './agreement.js';
export { close, assertClose, LOG_TOL, PROB_TOL, normalTwoSidedTail, estimateTolerance } from './tolerance.js';
export type { Tolerance } from './tolerance.js';
export { chiSquare, upperGammaQ } from './chi-square.js';
export type { ChiSquareResult } from './chi-square.js';
