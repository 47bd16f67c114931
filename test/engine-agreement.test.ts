/**
 * Engine agreement (issue 6, RELIABILITY 1 and the per-engine rows): every
 * engine of the library against an independent reference on random models,
 * through the testing kit's battery (`checkEngineAgreement`): every number
 * compared with `expectPosteriorsClose`, and the posterior's own laws with
 * `checkPosterior` (Bellman and Bayes consistency, normalisation, evidence,
 * the ELBO bound, feasibility against brute force).
 *
 * A new engine joins with ONE line in `ENGINES`:
 *   - `reference`: 'brute-force' (enumeration of p(τ|O)) or 'fixed-dynamics'
 *     (Q = r + E[V] by plain loops);
 *   - `tolerance`: exact engines `{ kind: 'exact', log, prob }`; stochastic
 *     engines `{ kind: 'stochastic', standardErrors: z, falsePositiveRate, prob }`
 *     — the evidence must lie within z of its reported standard errors, a
 *     correct engine fails one comparison with probability 2(1 − Φ(z)), and the
 *     battery refuses an entry whose runs × 2(1 − Φ(z)) exceeds the stated
 *     `falsePositiveRate` (e.g. z = 4.5 → 6.8e-6 per model; 100 models → 6.8e-4).
 *
 * Families of random models (fast-check, seed 42; the count is in each test's name):
 * mixed (|S| ≤ 4, |A| ≤ 3, T ≤ 5; deterministic, sparse and dense dynamics; point,
 * spread and uniform initial states; non-uniform priors with zeros; ~10 % −∞
 * rewards; time-varying and terminal rewards; α ∈ {0.25 … 3}), dense dynamics,
 * many hard constraints (30 % −∞), and temperatures 0.01 … 100.
 * Exact engines: log quantities rtol = atol = 1e-9 (V, Q with atol·max(1, α)),
 * probabilities atol 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { exact } from '../src/index.js';
import { checkEngineAgreement, type EngineCase, type ExactAgreement, type SpecOptions } from '../src/testing/index.js';

const SEED = 42;
const TIMEOUT = 60_000;

/** Exact engines: 1e-9 on log quantities and probabilities. */
const EXACT: ExactAgreement = { kind: 'exact', log: { rtol: 1e-9, atol: 1e-9 }, prob: { rtol: 0, atol: 1e-9 } };

/** Every engine of the library, one line each. */
const ENGINES: readonly EngineCase[] = [
  { name: "exact({ backup: 'posterior' })", engine: () => exact(), reference: 'brute-force', tolerance: EXACT },
  { name: "exact({ backup: 'fixed-dynamics' })", engine: () => exact({ backup: 'fixed-dynamics' }), reference: 'fixed-dynamics', tolerance: EXACT },
  // A stochastic engine would join like this (importance sampling is not in the library yet):
  // { name: 'importance({ particles: 10_000 })', engine: () => importance({ particles: 10_000, seed: 1 }), reference: 'brute-force',
  //   tolerance: { kind: 'stochastic', standardErrors: 4.5, falsePositiveRate: 1e-3, prob: { rtol: 0, atol: 0.05 } } },
];

/** Families of random models, each with its number of models per engine. */
const FAMILIES: readonly { readonly name: string; readonly runs: number; readonly models: SpecOptions }[] = [
  { name: 'mixed models', runs: 300, models: {} },
  { name: 'dense stochastic dynamics', runs: 100, models: { dynamics: 'dense' } },
  { name: 'many hard constraints (30 % −∞ rewards)', runs: 100, models: { infeasibleRate: 0.3 } },
  { name: 'temperatures 0.01 … 100', runs: 100, models: { temperatures: [0.01, 0.1, 10, 100] } },
];

for (const entry of ENGINES) {
  describe(`${entry.name} agrees with ${entry.reference === 'brute-force' ? 'brute-force enumeration' : 'the fixed-dynamics recursion'} (seed ${SEED})`, () => {
    for (const family of FAMILIES) {
      it(`${family.runs} random models, ${family.name}`, () => {
        const report = checkEngineAgreement(entry, { runs: family.runs, seed: SEED, models: family.models });
        expect(report.runs).toBe(family.runs);
        // The battery has teeth: most models are feasible and each compares dozens of numbers.
        expect(report.feasible).toBeGreaterThan(family.runs / 3);
        expect(report.comparisons).toBeGreaterThan(family.runs * 20);
        expect(report.checks).toBeGreaterThan(family.runs * 20);
        expect(report.falsePositiveBound).toBe(0);
      }, TIMEOUT);
    }
  });
}
