/**
 * Catalogue rows E930–E959 (issue 21: hostile inputs across the first wave's
 * surfaces — pictures given posteriors they cannot draw, exact()'s solver on
 * kernels that do not take it, softActorCritic's target entropy). Spread into
 * MALFORMED by test/helpers/malformed.ts and listed in docs/errors.md.
 */
import { action, policyIteration, categorical, deterministic, exact, horizon, infer, linearGaussian, model, observation, optimality, quadratic, softActorCritic, state, temperature, transition, uniform, discount, valueGrid } from '../../src/index.js';
import { expectedVisits, rolloutSvg, stateNamer, thetaSummary } from '../../src/viz/index.js';
import { tiger } from '../../dsl-examples/tiger.js';
import { corridor } from './corridor.js';
import type { MalformedInput } from './malformed.js';

type X = Float64Array;
type D = 'l' | 'r';
type K = 'listen' | 'open';
const door = () =>
  model<D, K>(
    state('door', ['l', 'r'] as D[]),
    action('act', ['listen', 'open'] as K[]),
    transition((s: D) => deterministic(s)),
    optimality((s: D, a: K) => (a === 'listen' ? -1 : s === 'l' ? 10 : -10)),
    observation((s: D, a: K) => (a === 'listen' ? categorical([[s, 0.8], [s === 'l' ? 'r' : 'l', 0.2]]) : uniform(['l', 'r']))),
    discount(0.9),
  );
const lqr = () => model<X, X>(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));
/** The catalogue runner calls run() synchronously, so these rows use the synchronous pictures (the async ones: test/viz-posterior-kinds.test.ts). */
const lqrPost = () => infer(lqr(), exact());

export const PICTURE_ROWS: readonly MalformedInput[] = [
  { id: 'E930', input: "solver policyIteration() on a POMDP", run: () => infer(door(), exact({ backup: 'fixed-dynamics', solver: policyIteration() })), code: 'option-invalid', message: "exact(): solver policyIteration() on a model solved by the 'belief' kernel; expected a fully observed table model (only the tabular kernel has policy iteration). Leave solver out" },
  { id: 'E931', input: "solver policyIteration() on a soft-LQR model", run: () => infer(lqr(), exact({ backup: 'fixed-dynamics', solver: policyIteration() })), code: 'option-invalid', message: "exact(): solver policyIteration() on a model solved by the 'gaussian' kernel; expected a fully observed table model (only the tabular kernel has policy iteration). Leave solver out" },
  { id: 'E932', input: 'a target entropy above log|A| for a finite action', run: () => infer(corridor(), softActorCritic({ steps: 10, warmup: 1, temperature: 'tuned', targetEntropy: 5 })), code: 'option-invalid', message: "softActorCritic(): targetEntropy is 5 nats for a finite action of 2 values; expected a number in [0, log 2 = 0.6931], the entropies a policy over 2 actions can have (negative targets are for action.continuous(...))" },
  { id: 'E933', input: 'a negative target entropy for a finite action', run: () => infer(corridor(), softActorCritic({ steps: 10, warmup: 1, temperature: 'tuned', targetEntropy: -1 })), code: 'option-invalid', message: "softActorCritic(): targetEntropy is -1 nats for a finite action of 2 values; expected a number in [0, log 2 = 0.6931], the entropies a policy over 2 actions can have (negative targets are for action.continuous(...))" },
  { id: 'E934', input: 'a target entropy of NaN', run: () => softActorCritic({ temperature: 'tuned', targetEntropy: NaN }), code: 'option-invalid', message: "softActorCritic(): targetEntropy must be a finite number of nats, got NaN" },
  { id: 'E935', input: 'a text value grid of a soft-LQR posterior', run: () => valueGrid(lqrPost() as never, []), code: 'argument-invalid', message: "valueGrid: got a Gaussian (soft-LQR) posterior of exact; expected a compiled graph with a finite state domain (post.graph of a tabular posterior) — it draws a text grid of the states. A continuous state has no grid: draw its trajectories with curvesSvg([{ name, values }]) of sampled states, or use reportHtml(post)" },
  { id: 'E936', input: 'expected visits of a POMDP posterior', run: () => expectedVisits(infer(tiger(), exact()) as never, 2), code: 'argument-invalid', message: "expectedVisits: got a belief posterior (a POMDP) of exact; expected a posterior over a finite state domain with stateMarginal() (infer(model, exact()) on a table model) — it draws the table Σ_t p(s_t | O). A POMDP has no per-state table: use beliefSvg(post, trajectory) or beliefPolicySvg(post)" },
  { id: 'E937', input: 'a rollout of the posterior instead of its graph', run: () => rolloutSvg(infer(corridor(), exact()) as never, { states: [], actions: [] } as never), code: 'argument-invalid', message: "rolloutSvg: got a posterior of exact; expected a compiled graph with a finite state domain (post.graph of a tabular posterior) — it draws one trajectory moving over the grid cells. Pass post.graph (and the table you want drawn) rather than the posterior" },
  { id: 'E938', input: 'state names of a posterior instead of its states', run: () => stateNamer(infer(corridor(), exact()) as never), code: 'argument-invalid', message: "stateNamer: got a posterior of exact; expected an array of state values — it draws axis labels for states. Pass post.graph.states.values" },
  { id: 'E939', input: 'a θ summary of a forward posterior', run: () => thetaSummary(infer(corridor(), exact()) as never), code: 'argument-invalid', message: "thetaSummary: got a posterior of exact; expected the fit of inferReward(model, demonstrations, …) (a RewardEstimate, with theta) — it draws the fitted reward weights θ. For a posterior of a forward problem use reportHtml(post)" },
];
