/**
 * The hostile-input suite (issue 13, "Then go further"): fast-check draws
 * models, engine options and demonstrations files from a grammar of bad
 * values (test/helpers/hostile-grammar.ts) and every one must end in a
 * CaiError whose code is in the catalogue of docs/errors.md, or in a result
 * with no NaN that equals an independent reference (brute-force enumeration
 * for exact(), the plain-loop recursion for fixed dynamics; for importance(),
 * no NaN, and the same model with the exact posterior as proposal gives Ẑ = Z
 * to 1e-10). Seeded, so a failure reproduces; the
 * test's name carries the number of inputs it ran.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { describeInput, hostileInput, judge, scanEntryPoints, type Outcome } from './helpers/hostile-grammar.js';
import { line } from './helpers/malformed-hostile.js';
import { MALFORMED } from './helpers/malformed.js';

const RUNS = 2000;
const SEED = 13;
const catalogued = new Set<string>(MALFORMED.map((e) => e.code));

describe('hostile inputs', () => {
  it(`${RUNS} generated hostile inputs (seed ${SEED}): each gives a catalogued CaiError or a NaN-free result equal to its reference`, () => {
    const outcomes: Outcome[] = [];
    fc.assert(
      fc.property(hostileInput, (x) => {
        const outcome = judge(x, catalogued);
        outcomes.push(outcome);
        if (outcome.kind === 'failed') throw new Error(`${describeInput(x)}: ${outcome.why}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(outcomes).toHaveLength(RUNS);
    // Both branches are exercised: the grammar is not so hostile that nothing ever runs.
    expect(outcomes.filter((o) => o.kind === 'typed').length).toBeGreaterThan(RUNS / 4);
    expect(outcomes.filter((o) => o.kind === 'right').length).toBeGreaterThan(RUNS / 20);
  });

  it('every exported function, called with each bad value first (or after a model or a posterior), returns or throws a catalogued CaiError', () => {
    const scan = scanEntryPoints(api, line(), api.infer(line(), api.exact()), catalogued);
    expect(scan.raw).toEqual([]);
    expect(scan.typed).toBeGreaterThan(scan.calls / 2);
  });
});
