/**
 * Catalogue rows E100–E114 (issue 13, engine and numerics): hostile numbers,
 * proposals, missing rows, divergence and memory. Spread into MALFORMED by
 * test/helpers/malformed.ts and listed in docs/errors.md.
 */
import {
  action,
  categorical,
  compile,
  deterministic,
  evaluate,
  horizon,
  importance,
  infer,
  model,
  optimality,
  softActorCritic,
  softQLearning,
  state,
  temperature,
  transition,
  variational,
  exact,
  type Part,
} from '../../src/index.js';
import type { MalformedInput } from './malformed.js';

/** Two cells; 'go' flips, 'stay' stays; starts at 0. */
const flip = (...parts: Part<number, string>[]) =>
  model<number, string>(state('x', [0, 1], { initial: 0 }), action('a', ['stay', 'go']), transition((x: number, a: string) => deterministic(a === 'go' ? 1 - x : x)), ...parts);

/** A slippery walk on 0 … 5 towards 4, no hard constraint. */
const walk = (...parts: Part<number, string>[]) =>
  model<number, string>(
    state('x', [0, 1, 2, 3, 4, 5], { initial: 0 }),
    action('a', ['l', 'r']),
    transition((x: number, a: string) => categorical([[Math.max(0, Math.min(5, x + (a === 'r' ? 1 : -1))), 0.8], [x, 0.2]])),
    optimality((x: number) => -Math.abs(x - 4)),
    ...parts,
  );

const grid = Array.from({ length: 2 ** 13 }, (_, i) => i);

export const HOSTILE_ROWS: readonly MalformedInput[] = [
  { id: 'E100', input: 'two finite reward parts whose sum overflows', run: () => compile(flip(optimality((x: number, a: string) => (x === 1 && a === 'go' ? 1e308 : 0)), optimality((x: number, a: string) => (x === 1 && a === 'go' ? 1e308 : 0)), horizon(1))), code: 'reward-invalid', message: "optimality: the sum of the optimality parts at s=1, a='go' overflows: 1e+308 + 1e+308 = Infinity; expected a sum a double can hold (|Σ r| ≤ 1.7976931348623157e+308). Scale the rewards down (and α with them: only r/α matters)" },
  { id: 'E101', input: 'a finite reward whose sum over the horizon overflows', run: () => compile(flip(optimality((x: number) => (x === 1 ? 1e308 : 0)), horizon(4))), code: 'reward-invalid', message: "optimality: r(s=1, a='stay') = 1e+308 accumulated over the horizon T = 4 reaches 4 × 1e+308 = Infinity, beyond the largest double (1.7976931348623157e+308); expected |Σ_t r_t| to be representable. Scale the rewards down (and α with them: only r/α matters) or shorten the horizon" },
  { id: 'E102', input: 'a terminal reward that overflows the return', run: () => compile(flip(optimality(() => 1e308), optimality.terminal((x: number) => (x === 1 ? 1e308 : 0)), horizon(1))), code: 'reward-invalid', message: "optimality.terminal: r_T(s=1) = 1e+308 added to rewards of up to 1e+308 in magnitude over the horizon T = 1 reaches Infinity, beyond the largest double (1.7976931348623157e+308); expected the return to be representable. Scale the rewards down (and α with them: only r/α matters) or shorten the horizon" },
  { id: 'E103', input: 'a subnormal temperature (α = 5e-324)', run: () => infer(flip(optimality((x: number) => -x), temperature(5e-324), horizon(2)), importance()), code: 'temperature-invalid', message: "importance(): temperature α = 5e-324 is subnormal (below 2.2250738585072014e-308), so α·log(…) and r/α keep too few digits (1/α overflows); expected α = 0 or α ≥ 2.2250738585072014e-308. Use temperature(0) with exact() for the hard-max limit, or raise α (only r/α matters: scale r and α together)" },
  { id: 'E104', input: 'a temperature so small that r/α overflows', run: () => infer(flip(optimality((x: number) => -100 * x), temperature(1e-307), horizon(2)), variational()), code: 'temperature-invalid', message: "variational(): temperature α = 1e-307 is so small that r/α overflows: r(s=1, a='stay') = -100 gives r/α = -Infinity, which would read as a hard constraint; expected finite r/α. Use temperature(0) with exact() for the hard-max limit, or raise α (only r/α matters: scale r and α together)" },
  { id: 'E105', input: 'an importance proposal that gives 0 to an action the target needs', run: () => infer(flip(optimality((x: number) => -x), horizon(2)), importance({ particles: 10, proposal: () => categorical([['stay', 1]]) })), code: 'proposal-support', message: "importance(): the proposal (a user policy) gives probability 0 to a='go' at s=0, t=0, where the prior gives 0.5 and a feasible trajectory continues; expected q(a|s) > 0 wherever the target p(τ|O) is, or the trajectories through it are never drawn and Ẑ is biased low. Give that action some probability (mix the proposal with the prior), or use proposal: 'prior'" },
  { id: 'E106', input: 'evaluate() of an importance posterior at a (t, s) no particle visited', run: () => evaluate(walk(horizon(6)), infer(walk(horizon(6)), importance({ particles: 20, seed: 3 }))), code: 'unsupported-query', message: "evaluate(): the importance posterior gives no action at t=5, s=5 (an all-zero row), yet the state is not infeasible — a feasible action exists — so V^π there is unknown, not −Infinity (no particle visited it); pass evaluate(model, policy, { unvisited: 'prior' }) to use p(a|s) where the policy has no row, or estimate the policy with more particles" },
  { id: 'E107', input: "evaluate() with an unknown 'unvisited' choice", run: () => evaluate(walk(horizon(2)), () => categorical([['l', 1]]), { unvisited: 'uniform' as never }), code: 'option-invalid', message: "evaluate(): unvisited must be 'refuse' or 'prior', got 'uniform'" },
  { id: 'E108', input: 'a learning rate so large the critic explodes', run: () => infer(walk(horizon(4)), softQLearning({ steps: 400, learningRate: 1e20, seed: 1 })), code: 'not-converged', message: "softQLearning(): the run diverged — the critic's RMS TD error in episode 17 (environment step 68) is 7.396e+19, beyond 1000000× the scale of the soft values (H·(max|r| + α log|A|) = 18.8); the updates overshoot. Lower learningRate (now 1e+20; also actorLearningRate where the engine has one), or rescale the rewards or features" },
  { id: 'E109', input: 'a factored state of 2^13 × 2^13 records', run: () => compile(model(state('x', grid), state('y', grid), action('a', ['only']), transition('x', (s: { x: number }) => deterministic(s.x)), transition('y', (s: { y: number }) => deterministic(s.y)), optimality(() => 0), horizon(2))), code: 'too-large', message: "compile(): tabulating 67108864 states × 1 actions (a record per state) needs ~5.37 GB, above the 2.15 GB memory limit; factor the model more coarsely, or use a sampling engine (importance(), variational({ gradient: 'score-function' })) on a model with sampler transitions" },
  { id: 'E110', input: 'importance() with 10^6 decisions × 1000 particles', run: () => infer(walk(horizon(1e6)), importance({ particles: 1000 })), code: 'too-large', message: "importance(): 1000 particles × 1000000 decisions needs ~16 GB, above the 2.15 GB memory limit; use fewer particles or fewer decisions (the steps option)" },
  { id: 'E111', input: 'sample(1e8) trajectories', run: () => infer(walk(horizon(3)), exact()).sample(1e8, { seed: 1 }), code: 'too-large', message: "sample: 100000000 trajectories of 3 decisions needs ~24.8 GB, above the 2.15 GB memory limit; draw fewer (in batches, each with its own seed) or fewer steps" },
  { id: 'E112', input: 'variational() over a horizon of 10^8', run: () => infer(walk(horizon(1e8)), variational()), code: 'too-large', message: "variational(): the exact ELBO over T = 100000000 steps × 6 states × 2 actions needs ~106 GB, above the 2.15 GB memory limit; shorten the horizon, or use a stationary family (timeIndexed: false) with gradient: 'score-function'" },
  { id: 'E113', input: 'a learning engine over a horizon of 10^8', run: () => infer(walk(horizon(1e8)), softActorCritic()), code: 'too-large', message: "softActorCritic(): T = 100000000 time slots × 6 states × 2 actions of critic and policy tables, and a replay buffer of 20000 needs ~81.6 GB, above the 2.15 GB memory limit; shorten the horizon (or use discount(γ), whose policy is stationary), a smaller bufferSize, or a coarser state space" },
];
