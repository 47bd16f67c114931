/**
 * Catalogue rows E800–E829 (issue 19 part 3: continuous actions simulated,
 * bounded actions, Gaussian policies). Spread into MALFORMED by
 * test/helpers/malformed.ts and listed in docs/errors.md.
 */
import { action, compileContinuous, exact, horizon, infer, linearGaussian, model, multivariateNormal, quadratic, rng, simulatorOf, state } from '../../src/index.js';
import type { MalformedInput } from './malformed.js';

type X = Float64Array;
const bounded = () =>
  model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1, { bounds: { low: -1, high: 1 } }), linearGaussian({ A: 1, B: 1 }), quadratic({ Q: 1, R: 1 }), horizon(3));

export const GAUSSIAN_POLICY_ROWS: readonly MalformedInput[] = [
  { id: 'E800', input: 'action bounds with low ≥ high', run: () => action.continuous('u', 2, { bounds: { low: [0, 1], high: [1, 1] } }), code: 'gaussian-invalid', message: "action.continuous('u'): bounds.low[1] = 1 is not below bounds.high[1] = 1; expected low < high in every component" },
  { id: 'E801', input: 'action bounds of the wrong length', run: () => action.continuous('u', 2, { bounds: { low: [-1, -1, -1], high: 1 } }), code: 'gaussian-invalid', message: "action.continuous('u'): bounds.low is [-1,-1,-1]; expected a finite number or an array of 2 finite numbers" },
  { id: 'E802', input: 'action bounds that are not { low, high }', run: () => action.continuous('u', 1, { bounds: [-1, 1] as never }), code: 'gaussian-invalid', message: "action.continuous('u'): bounds is [-1,1]; expected { low, high }, arrays of length 1 or numbers" },
  { id: 'E803', input: 'a Gaussian action prior with bounds', run: () => action.continuous('u', 1, { prior: multivariateNormal([0], [[1]]), bounds: { low: -1, high: 1 } }), code: 'gaussian-invalid', message: "action.continuous('u'): a Gaussian prior with bounds; expected one of them: with bounds the prior is Lebesgue measure on the box. Drop the prior, or the bounds" },
  { id: 'E804', input: 'exact() on a bounded continuous action', run: () => infer(bounded(), exact()), code: 'continuous-action', message: "exact(): action.continuous('u') has bounds, and the soft-LQR closed form integrates u over all of ℝ^d (a Gaussian policy cannot stay in a box); expected an unbounded action. Drop the bounds for exact(), or use variational({ family: gaussianPolicy() }), which squashes a Gaussian into the box with tanh" },
  { id: 'E805', input: 'a simulated action of the wrong length', run: () => simulatorOf(compileContinuous(bounded())).step(Float64Array.of(0), Float64Array.of(0, 1), rng(1)), code: 'gaussian-invalid', message: "action.continuous('u'): an action [0,1] was simulated; expected a Float64Array of length 1" },
];
