/**
 * Catalogue rows E600–E649 (issue 19, continuous actions and soft LQR):
 * what continuous models each engine refuses, malformed matrices, rewards
 * that are not concave, and queries of the Gaussian posterior. Spread into
 * MALFORMED by test/helpers/malformed.ts and listed in docs/errors.md.
 */
import {
  action,
  compile,
  exact,
  horizon,
  importance,
  infer,
  isGaussianPosterior,
  linearGaussian,
  model,
  multivariateNormal,
  optimality,
  quadratic,
  state,
  temperature,
  discount,
  transition,
  deterministic,
  gaussianPosterior,
  type GaussianPosterior,
  type Part,
} from '../../src/index.js';
import type { MalformedInput } from './malformed.js';

type X = Float64Array;
/** A double integrator: x = (position, velocity), u = force. */
const lqr = (...more: Part<X, X>[]) =>
  model<X, X>(
    state.simulated('x', { initial: [1, 0] }),
    action.continuous('u', 1),
    linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]], W: [[0.01, 0], [0, 0.01]] }),
    quadratic({ Q: [[1, 0], [0, 0.1]], R: [[0.1]] }),
    horizon(5),
    ...more,
  );
const solved = (): GaussianPosterior => {
  const post: unknown = infer(lqr(), exact());
  if (!isGaussianPosterior(post)) throw new Error('expected a Gaussian posterior');
  return post;
};
const scalar = (...more: Part<X, X>[]) =>
  model<X, X>(state.simulated('x', { initial: [0] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 1 }), horizon(2), ...more);

export const GAUSSIAN_ROWS: readonly MalformedInput[] = [
  { id: 'E600', input: "a continuous action given to importance()", run: () => infer(lqr(), importance({ particles: 100 })), code: 'continuous-action', message: "importance(): action.continuous('u') is a continuous action, which importance() cannot handle; expected a finite action(...). exact() solves linear-Gaussian models (state.simulated, linearGaussian(...), quadratic(...)) in closed form; variational({ family: gaussianPolicy() }), softActorCritic() and virel() learn a Gaussian policy on any simulated model" },
  { id: 'E601', input: "compile() of a model with a continuous action", run: () => compile(lqr()), code: 'continuous-action', message: "compile(): action.continuous('u') is a continuous action, which compile() cannot handle; expected a finite action(...). exact() solves linear-Gaussian models (state.simulated, linearGaussian(...), quadratic(...)) in closed form; variational({ family: gaussianPolicy() }), softActorCritic() and virel() learn a Gaussian policy on any simulated model" },
  { id: 'E602', input: "a continuous action with a tabulated state", run: () => infer(model<number, X>(state('x', [0, 1], { initial: 0 }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1 }) as unknown as Part<number, X>, quadratic({ Q: 1, R: 1 }) as unknown as Part<number, X>, horizon(2)), exact()), code: 'continuous-action', message: "exact(): the state is state('x'); a continuous action with tabulated or factored states is not solved; expected a linear-Gaussian model (one state.simulated variable, linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T)) for a continuous action" },
  { id: 'E603', input: "a continuous action with a function reward, given to exact()", run: () => infer(scalar(optimality((x: X, u: X) => -(x[0]! ** 2) - u[0]! ** 2)), exact()), code: 'continuous-action', message: "exact(): an optimality(...) reward is a function, not quadratic({ Q, R, … }); expected a linear-Gaussian model (one state.simulated variable, linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T)) for a continuous action" },
  { id: 'E604', input: "a linear-Gaussian model with an infinite horizon and time-varying dynamics", run: () => infer(model<X, X>(state.simulated('x', { initial: [0] }), action.continuous('u', 1), linearGaussian({ A: (t) => 1 + 0.1 * t, B: 1 }), quadratic({ Q: 1, R: 1 }), discount(0.9)), exact()), code: 'continuous-action', message: "exact(): the horizon is infinite but linearGaussian's A is a function of t (the stationary Riccati fixed point needs stationary dynamics); expected a linear-Gaussian model (one state.simulated variable, linearGaussian(...) dynamics, quadratic(...) rewards, horizon(T)) for a continuous action" },
  { id: 'E605', input: "a continuous action of dimension 0", run: () => action.continuous('u', 0), code: 'gaussian-invalid', message: "action.continuous('u'): the dimension is 0; expected a positive integer" },
  { id: 'E606', input: "a continuous action prior that is not multivariateNormal", run: () => action.continuous('u', 1, { prior: [0, 1] as never }), code: 'gaussian-invalid', message: "action.continuous('u'): the prior is [0,1]; expected multivariateNormal(mean, covariance), or no prior for the Lebesgue (uniform) prior" },
  { id: 'E607', input: "a non-square A", run: () => linearGaussian({ A: [[1, 0.1]], B: [[0], [0.1]] }), code: 'gaussian-invalid', message: "linearGaussian: A is 1 × 2; expected a square matrix" },
  { id: 'E608', input: "linearGaussian without B", run: () => linearGaussian({ A: [[1]] } as never), code: 'gaussian-invalid', message: "linearGaussian: B is missing; expected { A, B, c?, W? } with x' = A x + B u + c + w" },
  { id: 'E609', input: "a non-symmetric noise covariance", run: () => linearGaussian({ A: [[1, 0], [0, 1]], B: [[0], [1]], W: [[1, 0.5], [0, 1]] }), code: 'gaussian-invalid', message: "linearGaussian: W is not symmetric (entry [1][0] = 0 but [0][1] = 0.5); expected a symmetric matrix" },
  { id: 'E610', input: "a quadratic reward with NaN", run: () => quadratic({ Q: [[1, NaN], [NaN, 1]] }), code: 'gaussian-invalid', message: "quadratic: Q is [[1,NaN],[NaN,1]]; expected a matrix of finite numbers given as rows, e.g. [[1, 0], [0, 1]]" },
  { id: 'E611', input: "B whose shape does not match the action dimension", run: () => infer(model<X, X>(state.simulated('x', { initial: [1, 0] }), action.continuous('u', 2), linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]] }), quadratic({ Q: [[1, 0], [0, 1]], R: [[1, 0], [0, 1]] }), horizon(3)), exact()), code: 'gaussian-invalid', message: "linearGaussian: B is 2 × 1; expected 2 × 2 (state dimension 2 from A, action dimension 2)" },
  { id: 'E612', input: "a covariance that is not positive semi-definite", run: () => multivariateNormal([0, 0], [[1, 2], [2, 1]]), code: 'gaussian-invalid', message: "multivariateNormal: the covariance [[1,2],[2,1]] is not positive semi-definite; expected a covariance matrix" },
  { id: 'E613', input: "a reward convex in u (R < 0)", run: () => infer(scalar(quadratic({ Q: 1, R: -1 })), exact()), code: 'not-concave', message: "exact(): S = R + BᵀP̂B is not positive definite at t = 1, so the reward grows without bound in some direction of u and V = +Infinity; expected a reward concave in u (R positive definite is enough with a concave terminal)" },
  { id: 'E614', input: "the posterior backup at \u03b1 = 0 with noise", run: () => infer(scalar(quadratic({ Q: 1, R: 1 }), temperature(0)), exact()), code: 'not-concave', message: "exact(): the posterior backup at α = 0 with noise W ≠ 0 at t = 1 lets the posterior choose the noise (the limit is not a control problem); expected α > 0 or backup: 'fixed-dynamics'" },
  { id: 'E615', input: "a terminal reward so convex that the posterior backup's noise integral diverges", run: () => infer(scalar(quadratic({ R: 1 }), quadratic.terminal({ Q: -2 }), temperature(1)), exact()), code: 'not-concave', message: "exact(): α log E exp(V/α) over the noise W at t = 1 diverges (αI + LᵀPL is not positive definite: the value grows faster than the noise's density decays); expected a reward concave enough for the posterior backup, or use backup: 'fixed-dynamics'" },
  { id: 'E616', input: "policy(t) past the horizon", run: () => solved().policy(5, [1, 0]), code: 'time-out-of-range', message: "policy(): t = 5 is outside 0 … 4; expected an integer time of the model (horizon 5)" },
  { id: 'E617', input: "policy(t, x) with x of the wrong length", run: () => solved().policy(0, [1]), code: 'gaussian-invalid', message: "policy(): x is [1]; expected a vector of 2 finite numbers" },
  { id: 'E618', input: "time-varying dynamics simulated with a finite action", run: () => infer(model<X, number>(state.simulated('x', { initial: [0] }), action('u', [-1, 1]), linearGaussian({ A: (t) => [[1 + t]], B: 1 }), optimality((x: X) => -(x[0]! ** 2)), horizon(3)), importance({ particles: 10 })), code: 'function-threw', message: "transition threw at s=[0], a=1: linearGaussian: time-varying dynamics cannot be simulated step by step (a simulator step does not see t); expected stationary A, B, c, W. With action.continuous(...), exact() solves the time-varying model in closed form" },
  { id: 'E619', input: "logProb() of a trajectory of the wrong length", run: () => solved().logProb({ states: [], actions: [] }), code: 'trajectory-invalid', message: "logProb(): expected { states, actions } with 5 states and 5 actions (vectors), got {states:[],actions:[]}" },
  { id: 'E620', input: "evaluate() of a policy whose gain has the wrong shape", run: () => solved().evaluate({ K: [[1, 2, 3]] }), code: 'gaussian-invalid', message: "evaluate(): the policy's K at t = 4 is [[1,2,3]]; expected a 1 × 2 matrix of finite numbers" },
  { id: 'E621', input: "an initial state of the wrong dimension", run: () => infer(model<X, X>(state.simulated('x', { initial: [1, 0, 0] }), action.continuous('u', 1), linearGaussian({ A: [[1, 0.1], [0, 1]], B: [[0], [0.1]] }), quadratic({ Q: [[1, 0], [0, 1]], R: [[1]] }), horizon(3)), exact()), code: 'gaussian-invalid', message: "state.simulated('x'): the initial state has length 3; expected 2 (state dimension 2 from A, action dimension 1)" },
  { id: 'E622', input: "a singular Gaussian action prior", run: () => infer(model<X, X>(state.simulated('x', { initial: [0] }), action.continuous('u', 2, { prior: multivariateNormal([0, 0], [[1, 1], [1, 1]]) }), linearGaussian({ A: 1, B: [[1, 1]] }), quadratic({ Q: 1 }), horizon(2)), exact()), code: 'gaussian-invalid', message: "action.continuous('u'): the prior covariance is singular; expected a positive definite covariance (a Gaussian prior with a density)" },
  { id: 'E623', input: "gaussianPosterior() of a tabular posterior", run: () => gaussianPosterior(infer(model(state('x', [0, 1], { initial: 0 }), action('a', ['stay']), transition((x: number) => deterministic(x)), optimality(() => 0), horizon(1)), exact())), code: 'option-invalid', message: "gaussianPosterior(): this posterior is not of a linear-Gaussian model; give the model action.continuous(...), linearGaussian(...) and quadratic(...), or use the posterior as it is" },
];
