/**
 * The hand-worked rational model both the engine's and the kit's exact tests
 * start from: one state, two actions with potentials exp(r) = 1/2 and 3/4,
 * T = 2, so Z = (½·½ + ½·¾)²·… = (5/8)² = 25/64 and π(a0) = (1/2)/(1/2 + 3/4) = 2/5.
 */
import type { RationalSpec } from '../../src/testing/index.js';

export const HALF_AND_THREE_QUARTERS: RationalSpec = {
  nS: 1,
  nA: 2,
  T: 2,
  initial: { weights: [1] },
  prior: [{ weights: [1, 1] }],
  dynamics: [[{ weights: [1] }, { weights: [1] }]],
  potential: [[[{ n: 1, d: 2 }, { n: 3, d: 4 }]], [[{ n: 1, d: 2 }, { n: 3, d: 4 }]]],
  terminal: undefined,
};
