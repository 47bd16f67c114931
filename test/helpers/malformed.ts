/**
 * The catalogue of malformed inputs behind docs/errors.md: each entry is one
 * mistake a user can make, the call that makes it, and the error it must give
 * (code and full message). test/errors-catalogue.test.ts runs every entry and
 * checks that docs/errors.md lists exactly these rows, so the page and the
 * library cannot drift apart. (test/errors.test.ts pins the fields and the
 * multi-issue cases in more detail.)
 */
import {
  action,
  categorical,
  compile,
  deterministic,
  discount,
  evaluate,
  exact,
  horizon,
  importance,
  infer,
  linearSoftmax,
  learningFit,
  pseudoLikelihoodEM,
  softActorCritic,
  softQLearning,
  virel,
  rewardLikelihood,
  loadDemonstrations,
  variational,
  model,
  optimality,
  compileModel,
  rng,
  sampler,
  simulatorOf,
  state,
  temperature,
  transition,
  uniform,
  type Distribution,
  type ErrorCode,
  type Part,
  observation,
  beliefPosterior,
  valueGrid,
  policyIteration,
} from '../../src/index.js';
import { HOSTILE } from './malformed-hostile.js';
import { cells, corridor, corridorExceptAt, defaults, moves, type Cell, type Move } from './corridor.js';
import { HOSTILE_ROWS } from './hostile-rows.js';
import { MALFORMED_AGENTS } from './malformed-agents.js';
import { rolloutSvg } from '../../src/viz/svg/rollout.js';
import { GAUSSIAN_ROWS } from './gaussian-rows.js';
import { GAUSSIAN_DISCOUNTED_ROWS, LQG_ROWS } from './gaussian-discounted-rows.js';
import { MALFORMED_KERNELS } from './malformed-kernels.js';
import { GAUSSIAN_POLICY_ROWS } from './gaussian-policy-rows.js';
import { PICTURE_ROWS } from './picture-rows.js';

/** One row of the catalogue. */
export interface MalformedInput {
  /** Stable id, the first column of the table in docs/errors.md. */
  readonly id: string;
  /** The mistake, in a few words (second column). */
  readonly input: string;
  /** The call that makes it; must throw a CaiError. */
  readonly run: () => unknown;
  readonly code: ErrorCode;
  /** The full message (single issue). */
  readonly message: string;
}


/** A two-door POMDP for the partial-observability rows: listening hears the door right 80 % of the time. */
type D = 'l' | 'r';
type K = 'listen' | 'open';
const parts = (...more: Part<D, K>[]) =>
  [
    state('door', ['l', 'r'] as D[]),
    action('act', ['listen', 'open'] as K[]),
    transition((s: D) => deterministic(s)),
    optimality((s: D, a: K) => (a === 'listen' ? -1 : s === 'l' ? 10 : -10)),
    horizon(2),
    ...more,
  ] as Part<D, K>[];
const hear = observation((s: D, a: K) => (a === 'listen' ? categorical([[s, 0.8], [s === 'l' ? 'r' : 'l', 0.2]]) : uniform(['l', 'r'])));
const pomdp = (...more: Part<D, K>[]) => model<D, K>(...parts(hear, ...more));

type XY = { x: number; y: number };
const factored = (...more: Part<XY, Move>[]) =>
  model<XY, Move>(state('x', [0, 1], { initial: 0 }), state('y', [0, 1], { initial: 0 }), action('move', moves), optimality(() => 0), horizon(2), ...more);
const moveX = () => transition('x', (_s: XY, a: Move) => deterministic(a === 'E' ? 1 : 0));
const stayY = () => transition('y', (s: XY) => deterministic(s.y));

const doomed = () => infer(corridor({ optimality: optimality((_s: Cell, _a: Move, t: number) => (t === 2 ? -Infinity : 0)) }), exact());
const INFEASIBLE = 'exact: p(O) = 0 — every trajectory meets a −Infinity reward; nothing is feasible from t = 2. Relax a hard constraint or change the initial state';
/** A point mass pushed along a line: only a sampler describes where it goes. */
const line = (reward: (x: number) => number = () => 0, next: (x: number, a: number) => unknown = (x, a) => sampler(() => x + a)) =>
  model(state.simulated('x', { initial: 0 }), action('push', [-1, 1]), transition(next as never), optimality(reward), horizon(3));
const SIMULATE_HINT = "use importance({ particles: 1000 }) or variational({ gradient: 'score-function' }), which simulate";
const DISTRIBUTION_HINT = 'return categorical([[value, p], …]), deterministic(value) or uniform(values)';

export const MALFORMED: readonly MalformedInput[] = [
  // --- model assembly -------------------------------------------------------------------
  { id: 'E01', input: 'no `state` part', run: () => corridor({ state: null }), code: 'missing-part', message: 'model(): no state(...) part; a model needs a state variable' },
  { id: 'E02', input: 'no `action` part', run: () => corridor({ action: null }), code: 'missing-part', message: 'model(): no action(...) part; a model needs an action variable' },
  { id: 'E03', input: 'no `transition` part', run: () => corridor({ transition: null }), code: 'missing-part', message: 'model(): no transition(...) part; give transition((s, a) => distribution)' },
  { id: 'E04', input: 'no `optimality` part', run: () => corridor({ optimality: null }), code: 'missing-part', message: 'model(): no optimality(...) part; give optimality(r); for a pure prior use optimality(() => 0)' },
  { id: 'E05', input: 'neither `horizon` nor `discount`', run: () => corridor({ horizon: null }), code: 'missing-part', message: 'model(): give horizon(T) or discount(γ); without either the model has no length' },
  { id: 'E06', input: 'something that is not a part (`3`)', run: () => corridor({}, 3 as unknown as Part<Cell, Move>), code: 'missing-part', message: 'model(): 3 is not a model part; build parts with state(), action(), transition(), optimality(), horizon() …' },
  { id: 'E07', input: 'two `horizon` parts', run: () => corridor({}, horizon(4)), code: 'duplicate-part', message: 'model(): 2 horizon(T) parts; a model takes one (use extend() to replace it)' },
  { id: 'E08', input: 'two `state` parts with one name', run: () => corridor({}, state('cell', cells)), code: 'duplicate-part', message: "model(): two state('cell') parts; each state variable needs its own name" },
  // --- domains --------------------------------------------------------------------------
  { id: 'E09', input: 'an empty state domain', run: () => state('cell', []), code: 'empty-domain', message: "state('cell'): the domain is empty; give at least one value" },
  { id: 'E10', input: 'a value listed twice (by content, any key order)', run: () => state('cell', [{ x: 1, y: 2 }, { x: 0, y: 0 }, { y: 2, x: 1 }]), code: 'duplicate-value', message: "state('cell'): value {y:2,x:1} appears twice (indices 0 and 2); each value must be listed once" },
  { id: 'E11', input: 'NaN in a domain', run: () => state('n', [0, 1, NaN]), code: 'invalid-value', message: "state('n'): value at index 2 is NaN; values must be finite numbers, strings, booleans or records of them" },
  { id: 'E12', input: 'a function in a domain', run: () => state('n', [0, () => 1]), code: 'invalid-value', message: "state('n'): value at index 1 is a function; values must be finite numbers, strings, booleans or records of them" },
  { id: 'E13', input: 'an initial value not in the domain', run: () => compile(corridor({ state: state('cell', cells, { initial: { x: 9, y: 9 } }) })), code: 'initial-unknown', message: "state('cell'): initial value {x:9,y:9} is not in the domain" },
  { id: 'E14', input: 'initial probabilities that sum to 0.9', run: () => compile(corridor({ state: state('cell', cells, { initial: categorical([[{ x: 0, y: 0 }, 0.5], [{ x: 1, y: 0 }, 0.4]]) }) })), code: 'initial-unnormalised', message: "state('cell'): the initial distribution sums to 0.9; expected 1 ± 1e-9 (no silent renormalisation)" },
  { id: 'E15', input: 'a negative initial probability', run: () => compile(corridor({ state: state('cell', cells, { initial: categorical([[{ x: 0, y: 0 }, -0.5], [{ x: 1, y: 0 }, 1.5]]) }) })), code: 'probability-invalid', message: "state('cell'): the initial distribution gives probability -0.5 to {x:0,y:0}; probabilities must be finite and ≥ 0" },
  // --- actions --------------------------------------------------------------------------
  { id: 'E16', input: 'no actions', run: () => action('move', []), code: 'empty-domain', message: "action('move'): the domain is empty; give at least one value" },
  { id: 'E17', input: 'an action listed twice', run: () => action('move', ['N', 'S', 'N']), code: 'duplicate-value', message: "action('move'): value 'N' appears twice (indices 0 and 2); each value must be listed once" },
  { id: 'E18', input: 'an action prior that sums to 0.9', run: () => compile(corridor({ action: action('move', moves, { prior: categorical<Move>([['E', 0.5], ['W', 0.4]]) }) })), code: 'prior-unnormalised', message: "action('move'): the prior p(·|s={x:0,y:0}) sums to 0.9; expected 1 ± 1e-9 (no silent renormalisation)" },
  { id: 'E19', input: 'an action prior with no mass at some state', run: () => compile(corridor({ action: action('move', moves, { prior: (s: Cell) => (s.x === 1 ? categorical<Move>([['E', 0], ['W', 0]]) : uniform(moves)) }) })), code: 'prior-zero', message: "action('move'): the prior gives 0 to every action at s={x:1,y:0}; every state needs at least one allowed action (use a −Infinity reward to forbid actions)" },
  { id: 'E20', input: 'an action prior that names an unknown action', run: () => compile(corridor({ action: action('move', moves, { prior: ((s: Cell) => (s.x === 1 ? categorical([['N', 1]]) : uniform(moves))) as (s: Cell) => Distribution<Move> }) })), code: 'unknown-action', message: "action('move'): at s={x:1,y:0} the prior gives mass to 'N', which is not in the action domain" },
  { id: 'E21', input: 'an action prior given as a plain record', run: () => action('move', moves, { prior: { E: 0.5, W: 0.5 } as unknown as Distribution<Move> }), code: 'option-invalid', message: "action('move'): prior must be a distribution or a function of the state, got {E:0.5,W:0.5}; e.g. { prior: categorical([['N', 0.7], ['S', 0.3]]) }" },
  // --- transitions ----------------------------------------------------------------------
  { id: 'E22', input: 'a factored state without the transition of one variable', run: () => factored(moveX()), code: 'transition-missing', message: "transition for 'y' is missing; give transition('y', (s, a) => distribution)" },
  { id: 'E23', input: 'two transitions for one variable', run: () => corridor({}, defaults.transition()), code: 'transition-duplicate', message: "transition for 'cell' is given 2 times; give one" },
  { id: 'E24', input: 'a transition for a variable that does not exist', run: () => factored(moveX(), stayY(), transition('z', () => deterministic(0))), code: 'transition-unknown-variable', message: "transition('z'): there is no state('z'); state variables are 'x', 'y'" },
  { id: 'E25', input: 'a successor outside the domain', run: () => compile(corridor({ transition: corridorExceptAt(0, 'W', () => deterministic({ x: -1, y: 0 })) })), code: 'successor-unknown', message: "transition: from s={x:0,y:0} with a='W' it returned {x:-1,y:0}, which is not in state('cell')" },
  { id: 'E26', input: 'a transition row that sums to 1.2', run: () => compile(corridor({ transition: corridorExceptAt(0, 'E', () => categorical([[{ x: 1, y: 0 }, 0.8], [{ x: 0, y: 0 }, 0.4]])) })), code: 'probability-unnormalised', message: "transition: p(·|s={x:0,y:0}, a='E') sums to 1.2; expected 1 ± 1e-9 (no silent renormalisation)" },
  { id: 'E27', input: 'a transition probability of −0.1', run: () => compile(corridor({ transition: corridorExceptAt(1, 'W', () => categorical([[{ x: 0, y: 0 }, 1.1], [{ x: 1, y: 0 }, -0.1]])) })), code: 'probability-invalid', message: "transition: p(·|s={x:1,y:0}, a='W') gives probability -0.1 to {x:1,y:0}; probabilities must be finite and ≥ 0" },
  { id: 'E28', input: 'a transition probability of NaN', run: () => compile(corridor({ transition: corridorExceptAt(1, 'W', () => categorical([[{ x: 0, y: 0 }, 1], [{ x: 1, y: 0 }, NaN]])) })), code: 'probability-invalid', message: "transition: p(·|s={x:1,y:0}, a='W') gives probability NaN to {x:1,y:0}; probabilities must be finite and ≥ 0" },
  { id: 'E29', input: 'a transition that returns a state, not a distribution', run: () => compile(corridor({ transition: corridorExceptAt(0, 'E', () => ({ x: 1, y: 0 })) })), code: 'transition-not-distribution', message: `transition: from s={x:0,y:0} with a='E' it returned {x:1,y:0} (an object), not a distribution; ${DISTRIBUTION_HINT}` },
  { id: 'E30', input: 'a transition that returns nothing (a missing `return`)', run: () => compile(corridor({ transition: corridorExceptAt(0, 'E', () => undefined) })), code: 'transition-not-distribution', message: `transition: from s={x:0,y:0} with a='E' it returned undefined (does the function return a value on every path?), not a distribution; ${DISTRIBUTION_HINT}` },
  {
    id: 'E31',
    input: 'a transition function that throws',
    run: () =>
      compile(
        corridor({
          transition: corridorExceptAt(1, 'W', () => {
            throw new Error('wall lookup failed');
          }),
        }),
      ),
    code: 'function-threw',
    message: "transition threw at s={x:1,y:0}, a='W': wall lookup failed",
  },
  // --- rewards --------------------------------------------------------------------------
  { id: 'E32', input: 'a reward of NaN', run: () => compile(corridor({ optimality: optimality((s: Cell, a: Move) => (s.x === 1 && a === 'E' ? NaN : -1)) })), code: 'reward-invalid', message: "optimality: r(s={x:1,y:0}, a='E') is NaN; rewards must be finite or −Infinity (a hard constraint)" },
  { id: 'E33', input: 'a reward of +Infinity', run: () => compile(corridor({ optimality: optimality((s: Cell, a: Move) => (s.x === 1 && a === 'E' ? Infinity : -1)) })), code: 'reward-invalid', message: "optimality: r(s={x:1,y:0}, a='E') is Infinity; rewards must be finite or −Infinity (a hard constraint)" },
  { id: 'E34', input: "a reward that is not a number ('1')", run: () => compile(corridor({ optimality: optimality((s: Cell, a: Move) => (s.x === 1 && a === 'E' ? ('1' as unknown as number) : -1)) })), code: 'reward-invalid', message: "optimality: r(s={x:1,y:0}, a='E') is '1' (a string); rewards must be finite or −Infinity (a hard constraint)" },
  { id: 'E35', input: 'a NaN terminal reward', run: () => compile(corridor({}, optimality.terminal((s: Cell) => (s.x === 1 ? NaN : 0)))), code: 'reward-invalid', message: 'optimality.terminal: r_T(s={x:1,y:0}) is NaN; rewards must be finite or −Infinity (a hard constraint)' },
  {
    id: 'E36',
    input: 'a reward that reads t without declaring it (`(s, a, t = 0) => …`)',
    run: () => compile(corridor({ optimality: optimality((_s: Cell, _a: Move, t = 0) => (t > 1 ? -5 : -1)) })),
    code: 'reward-reads-t',
    message: "optimality: r(s={x:0,y:0}, a='E') is -1 at t=0 but -5 at t=2, yet the reward declares no t parameter, so it would be tabulated at t=0 only; declare it as (s, a, t) => … or pass optimality(r, { timeVarying: true })",
  },
  // --- temperature, horizon, discount ---------------------------------------------------
  { id: 'E37', input: 'a negative temperature', run: () => temperature(-1), code: 'temperature-invalid', message: 'temperature: α must be ≥ 0 and finite, got -1. Use temperature(0) for the hard-max limit' },
  { id: 'E38', input: 'an infinite temperature', run: () => temperature(Infinity), code: 'temperature-invalid', message: 'temperature: α must be ≥ 0 and finite, got Infinity. Use temperature(0) for the hard-max limit' },
  { id: 'E39', input: 'horizon 0', run: () => horizon(0), code: 'horizon-invalid', message: 'horizon: expected a positive integer, got 0. For an infinite horizon give horizon(Infinity) (or no horizon) with discount(γ)' },
  { id: 'E40', input: 'horizon 2.5', run: () => horizon(2.5), code: 'horizon-invalid', message: 'horizon: expected a positive integer, got 2.5. For an infinite horizon give horizon(Infinity) (or no horizon) with discount(γ)' },
  { id: 'E41', input: 'γ = 1 with an infinite horizon', run: () => corridor({ horizon: discount(1) }), code: 'discount-invalid', message: 'discount: γ must be in [0, 1) for an infinite horizon, got 1. Give horizon(T) to use γ = 1' },
  { id: 'E42', input: 'γ = 1.5', run: () => discount(1.5), code: 'discount-invalid', message: 'discount: γ must be in [0, 1] (and below 1 for an infinite horizon), got 1.5' },
  { id: 'E43', input: 'a reward that reads t with an infinite horizon', run: () => corridor({ optimality: optimality((_s: Cell, _a: Move, t: number) => -t), horizon: discount(0.9) }), code: 'time-reward-infinite', message: 'optimality: the reward reads t, but the model has an infinite horizon (discount without horizon); give horizon(T) or drop the t argument' },
  { id: 'E44', input: 'a terminal reward with an infinite horizon', run: () => corridor({ horizon: discount(0.9) }, optimality.terminal(() => 1)), code: 'missing-part', message: 'optimality.terminal: a terminal reward needs a finite horizon; give horizon(T)' },
  // --- engine options and size ----------------------------------------------------------
  { id: 'E45', input: 'a misspelt engine option', run: () => exact({ bakup: 'posterior' } as never), code: 'unknown-option', message: "exact(): unknown option 'bakup' (did you mean 'backup'?); known options: 'backup', 'tolerance', 'maxIterations', 'mergeTolerance', 'maxBeliefs', 'beliefPoints', 'solver'" },
  { id: 'E46', input: 'an unknown backup', run: () => exact({ backup: 'optimistic' } as never), code: 'option-invalid', message: "exact(): backup must be 'posterior', 'fixed-dynamics', 'boltzmann' or 'expected-utility', got 'optimistic'" },
  { id: 'E47', input: 'a tolerance of 0', run: () => exact({ tolerance: 0 }), code: 'option-invalid', message: 'exact(): tolerance must be a positive number, got 0' },
  {
    id: 'E48',
    input: '10⁴ states × 10⁴ actions (tables too large)',
    run: () => {
      const many = Array.from({ length: 10_000 }, (_, i) => i);
      return compile(model(state('s', many), action('a', many), transition((s: number) => deterministic(s)), optimality(() => 0), horizon(2)));
    },
    code: 'too-large',
    message: 'compile(): 1.00e+4 states × 10000 actions (~2.4 GB) exceeds the table limit of 67108864 entries; factor the model more coarsely or use a sampling engine',
  },
  {
    id: 'E49',
    input: 'a horizon of 10⁹ (values too large to store)',
    run: () => infer(model(state('s', [0, 1]), action('a', ['x']), transition((s: number) => deterministic(s)), optimality(() => 0), horizon(1e9)), exact()),
    code: 'too-large',
    message: 'exact(): storing V_t for 2 states × 1000000001 steps needs 16.0 GB, above the 2.1 GB limit; shorten the horizon or use discount(γ) for the infinite horizon',
  },
  {
    id: 'E50',
    // 3 backups: Anderson acceleration (engines/exact/anderson.ts) solves this two-state fixed point by its 6th.
    input: 'value iteration that does not converge (γ near 1, maxIterations 3)',
    run: () => infer(model(state('s', [0, 1]), action('a', ['x', 'y']), transition((s: number, a: string) => deterministic(a === 'x' ? s : 1 - s)), optimality((s: number) => s), discount(0.999999)), exact({ maxIterations: 3 })),
    code: 'not-converged',
    message: 'exact(): soft value iteration did not converge in 3 iterations (residual 6.201e-1, tolerance 1e-10); raise maxIterations or tolerance, or lower γ',
  },
  // --- queries --------------------------------------------------------------------------
  { id: 'E51', input: 'a policy query when every trajectory is infeasible', run: () => doomed().policy(0, { x: 0, y: 0 }), code: 'infeasible', message: `policy(t=0, s={x:0,y:0}): ${INFEASIBLE}` },
  { id: 'E52', input: 'marginals when every trajectory is infeasible', run: () => doomed().stateMarginal(1), code: 'infeasible', message: `stateMarginal(1): ${INFEASIBLE}` },
  {
    id: 'E53',
    input: 'a policy at a state the constraints make unreachable',
    run: () => infer(corridor({ optimality: optimality((s: Cell) => (s.x === 1 ? -Infinity : 0)) }), exact()).policy(0, { x: 1, y: 0 }),
    code: 'state-infeasible',
    message: 'policy(t=0, s={x:1,y:0}): every continuation from this state meets a −Infinity reward (V_0(s) = −Infinity); p(a|s,O) is undefined there',
  },
  { id: 'E54', input: 'a policy at a state outside the model', run: () => infer(corridor(), exact()).policy(0, { x: 5, y: 0 }), code: 'unknown-state', message: 'policy: s={x:5,y:0} is not a state of the model' },
  { id: 'E55', input: 'a policy at t = T', run: () => infer(corridor(), exact()).policy(3, { x: 0, y: 0 }), code: 'time-out-of-range', message: 'policy: t = 3 is outside the horizon; expected 0 … 2' },
  { id: 'E56', input: 'a negative number of samples', run: () => infer(corridor(), exact()).sample(-1, { seed: 1 }), code: 'option-invalid', message: 'sample: n must be a non-negative integer, got -1' },
  { id: 'E57', input: 'a trajectory with too few states for its actions', run: () => infer(corridor(), exact()).logProb({ states: [{ x: 0, y: 0 }], actions: ['E', 'E', 'E'] }), code: 'trajectory-invalid', message: 'logProb: a trajectory with 3 actions needs 3 states, got 1' },
  // --- evaluate() -----------------------------------------------------------------------
  { id: 'E58', input: 'evaluate() with a policy that names an unknown action', run: () => evaluate(corridor(), () => categorical([['N', 1]]) as unknown as Distribution<Move>), code: 'unknown-action', message: "evaluate(): the policy at s={x:0,y:0}, t=2 gives mass to 'N', which is not an action of the model" },
  { id: 'E59', input: 'evaluate() with a policy that sums to 0.5', run: () => evaluate(corridor(), () => categorical<Move>([['E', 0.5]])), code: 'probability-unnormalised', message: 'evaluate(): the policy at s={x:0,y:0}, t=2 sums to 0.5; expected 1 ± 1e-9' },
  // --- models that can only be simulated -------------------------------------------------
  { id: 'E60', input: 'exact() on a model whose transition returns a sampler', run: () => infer(corridor({ transition: transition(() => sampler(() => ({ x: 0, y: 0 }))) }), exact()), code: 'needs-simulator', message: `exact(): transition returned a sampler at s={x:0,y:0}, a='E', so the model has no tables, which exact() needs; return categorical(...) from the transition to tabulate it, or ${SIMULATE_HINT}` },
  { id: 'E61', input: 'exact() on a model with a state.simulated', run: () => infer(line(), exact()), code: 'needs-simulator', message: `exact(): state.simulated('x') has no finite domain, so the model has no tables, which exact() needs; ${SIMULATE_HINT}` },
  { id: 'E62', input: 'state.simulated without an initial value', run: () => state.simulated('x', {} as never), code: 'option-invalid', message: "state.simulated('x'): give { initial }: a value, a distribution or sampler((random) => value) for s_0" },
  { id: 'E63', input: 'a sampler that draws a value outside the finite domain', run: () => simulatorOf(compileModel(corridor({ transition: transition(() => sampler(() => ({ x: 2, y: 0 }))) }))).step({ x: 0, y: 0 }, 0, rng(1)), code: 'successor-unknown', message: "transition: p(·|s={x:0,y:0}, a='E') gave {x:2,y:0}, which is not in state('cell')" },
  { id: 'E64', input: 'a sampler that draws NaN', run: () => simulatorOf(compileModel(line(undefined, () => sampler(() => NaN)))).step(0, 0, rng(1)), code: 'sample-invalid', message: "transition: p(·|s=0, a=-1) sampled NaN; a sampler must return a state value (a finite number, a string, a record …)" },
  { id: 'E65', input: 'a NaN reward met while simulating', run: () => simulatorOf(compileModel(line((x) => (x > 0 ? NaN : 0)))).reward(1, 1, 2), code: 'reward-invalid', message: 'optimality: r(s=1, a=1, t=2) is NaN; rewards must be finite or −Infinity (a hard constraint)' },
  // --- importance() ---------------------------------------------------------------------
  { id: 'E66', input: 'importance() with zero particles', run: () => importance({ particles: 0 }), code: 'option-invalid', message: 'importance(): particles must be a positive integer, got 0' },
  {
    id: 'E67',
    input: 'importance() when every particle meets a −Infinity reward',
    run: () => infer(corridor({ optimality: optimality((_s: Cell, _a: Move, t: number) => (t === 2 ? -Infinity : 0)) }), importance({ particles: 10 })),
    code: 'weights-all-zero',
    message: 'importance(): all 10 particles have weight 0 by t=2: each met a −Infinity reward; Ẑ = 0. Use more particles, a proposal that avoids the hard constraints (e.g. the policy of another engine\'s posterior), or check that the constraints can be met',
  },
  // --- variational() and inverse RL ------------------------------------------------------
  { id: 'E68', input: "variational() with a negative learning rate", run: () => variational({ learningRate: -0.1 }), code: 'option-invalid', message: "variational(): learningRate must be a positive finite number, got -0.1" },
  { id: 'E69', input: "variational() with zero steps", run: () => variational({ steps: 0 }), code: 'option-invalid', message: "variational(): steps must be an integer ≥ 1, got 0" },
  { id: 'E70', input: "a score-function fit on zero samples", run: () => variational({ gradient: 'score-function', samples: 0 }), code: 'option-invalid', message: "variational(): samples must be an integer ≥ 1, got 0" },
  { id: 'E71', input: "linear features of different lengths", run: () => infer(corridor(), variational({ family: linearSoftmax((s: Cell) => (s.x === 1 ? [1, 2, 3] : [1, 2])) })), code: 'feature-invalid', message: "linearSoftmax(): φ(s={x:1,y:0}, a='E') has length 3; expected 2 (the length of φ at the first state and action). Return the same number of features everywhere" },
  { id: 'E72', input: "a variational fit whose every q has ELBO −∞", run: () => infer(corridor({ optimality: optimality((s: Cell) => (s.x === 0 ? -Infinity : 0)) }), variational()), code: 'infeasible', message: "variational(): the ELBO is −Infinity for every q — p(s_0) gives mass to s={x:0,y:0}, from which every action risks a −Infinity reward under the true dynamics (q keeps the dynamics and cannot choose its luck). Relax a hard constraint or change the initial state; exact() gives log p(O) and the exact posterior" },
  { id: 'E73', input: "a demonstration at an unknown state", run: () => rewardLikelihood(corridor(), [[{ state: { x: 5, y: 0 }, action: 'E' }]], { features: (s: Cell) => [s.x] }), code: 'demonstration-invalid', message: "irl: demonstration 0, step 0: state {x:5,y:0} is not a state of the model" },
  { id: 'E74', input: "a demonstration step the dynamics cannot produce", run: () => rewardLikelihood(corridor(), [[{ state: { x: 0, y: 0 }, action: 'E' }, { state: { x: 0, y: 0 }, action: 'E' }]], { features: (s: Cell) => [s.x] }), code: 'demonstration-invalid', message: "irl: demonstration 0, step 0: s={x:0,y:0} → s′={x:0,y:0} under a='E' has probability 0 under the model's dynamics; check the demonstration or the transition" },
  { id: 'E75', input: "a demonstration longer than the horizon", run: () => rewardLikelihood(corridor(), [[0, 1, 1, 1].map((x) => ({ state: { x, y: 0 }, action: 'E' as Move }))], { features: (s: Cell) => [s.x] }), code: 'demonstration-invalid', message: "irl: demonstration 0, step 3: the demonstration has 4 steps, more than the horizon T = 3; shorten it or raise horizon(T)" },
  { id: 'E76', input: "reward features of different lengths", run: () => rewardLikelihood(corridor(), [[{ state: { x: 0, y: 0 }, action: 'E' }]], { features: (s: Cell) => (s.x === 1 ? [1, 2] : [1]) }), code: 'feature-invalid', message: "features: φ(s={x:1,y:0}, a='E') has length 2 but θ has 1 (the length of φ at the first state-action); every φ(s, a) must have the same length" },
  // --- inverse RL: start states and features (issue 16, ids E450–E499) ---------------------
  { id: 'E450', input: "reward features of length 0", run: () => rewardLikelihood(corridor(), [[{ state: { x: 0, y: 0 }, action: 'E' }]], { features: () => [] }), code: 'feature-invalid', message: "features: φ(s={x:0,y:0}, a='E') is empty, so θ would have no weights and nothing could be learned; return at least one feature" },
  { id: 'E451', input: "an unknown start convention", run: () => rewardLikelihood(corridor(), [[{ state: { x: 0, y: 0 }, action: 'E' }]], { features: (s: Cell) => [s.x], start: 'first' as never }), code: 'option-invalid', message: "rewardLikelihood: start must be 'observed' (condition on each demonstration's first state) or 'posterior' (the start is evidence too), got 'first'" },
  { id: 'E452', input: "importance() IRL with a demonstration starting where no particle did", run: () => rewardLikelihood(corridor(), [[0, 1, 2].map(() => ({ state: { x: 1, y: 0 }, action: 'E' as Move }))], { features: (s: Cell) => [s.x], engine: importance({ particles: 10, seed: 1 }) }), code: 'demonstration-invalid', message: "irl: demonstration 0 starts at s={x:1,y:0}, where no particle started, so start: 'observed' has no estimate of Z(s_0) there; use more particles, exact(), or start: 'posterior'" },
  // --- learning engines (softQLearning, softActorCritic, virel, pseudoLikelihoodEM) -------
  { id: "E77", input: "a misspelt option of a learning engine", run: () => softQLearning({ stpes: 10 } as never), code: 'unknown-option', message: "softQLearning(): unknown option 'stpes' (did you mean 'steps'?); known options: 'steps', 'batchSize', 'bufferSize', 'warmup', 'learningRate', 'optimizer', 'episodeLength', 'evaluationSamples', 'seed', 'onProgress', 'critic', 'targetSmoothing'" },
  { id: "E78", input: "a learning engine with zero steps", run: () => softQLearning({ steps: 0 }), code: 'option-invalid', message: "softQLearning(): steps must be an integer ≥ 1, got 0" },
  { id: "E79", input: "fewer steps than the warm-up, so nothing would be learned", run: () => infer(corridor(), softQLearning({ steps: 10 })), code: 'option-invalid', message: "softQLearning(): steps (10) is less than warmup (64), so no update would run and the policy would stay the prior; raise steps or lower warmup (or batchSize, its default)" },
  { id: "E80", input: "a target smoothing rate of 0", run: () => softQLearning({ targetSmoothing: 0 }), code: 'option-invalid', message: "softQLearning(): targetSmoothing must be a number in (0, 1], got 0" },
  { id: "E81", input: "an unknown temperature mode of soft actor-critic", run: () => softActorCritic({ temperature: 'hot' as never }), code: 'option-invalid', message: "softActorCritic(): temperature must be 'fixed' (the model's α) or 'tuned', got 'hot'; to fix another α, give the model temperature(α)" },
  { id: "E82", input: "a target entropy with a fixed temperature", run: () => softActorCritic({ targetEntropy: 0.5 }), code: 'option-invalid', message: "softActorCritic(): targetEntropy and temperatureLearningRate apply to temperature: 'tuned'; the temperature is fixed — drop them or pass temperature: 'tuned'" },
  { id: "E83", input: "VIREL with a \u03b2 scale of 0", run: () => virel({ betaScale: 0 }), code: 'option-invalid', message: "virel(): betaScale must be a positive finite number, got 0" },
  { id: "E84", input: "an episode length on a finite horizon", run: () => infer(corridor(), softQLearning({ episodeLength: 5 })), code: 'option-invalid', message: "softQLearning(): episodeLength applies to a discounted infinite horizon; this model has horizon(3), so every episode is 3 decisions — drop episodeLength" },
  { id: "E85", input: "a learning engine at temperature(0)", run: () => infer(corridor({}, temperature(0)), softQLearning()), code: 'temperature-invalid', message: "softQLearning(): temperature(0) is the hard-max limit, where the soft value (α log Σ exp(Q/α)) and the ELBO are undefined; use temperature(α) with α > 0, or exact() for the hard max" },
  { id: "E86", input: "an episode that reaches a state where every action is \u2212\u221e", run: () => infer(corridor({ optimality: optimality((s: Cell) => (s.x === 1 ? -Infinity : 0)) }), softQLearning({ steps: 100 })), code: 'infeasible', message: "softQLearning(): an episode reached a dead end — every action at s={x:1,y:0}, t=1 has r = −Infinity or prior 0 — so its soft value is −Infinity under every policy, which a learned critic cannot hold. A learning engine sees only the states it visits and cannot steer around a constraint it has not met; use a large finite penalty instead of −Infinity, or exact() on a tabulable model" },
  { id: "E87", input: "pseudo-likelihood EM with fewer steps than one iteration", run: () => infer(corridor(), pseudoLikelihoodEM({ steps: 30 })), code: 'option-invalid', message: "pseudoLikelihoodEM(): steps (30) is less than one EM iteration (20 episodes × 3 decisions = 60 transitions), so the policy would stay the prior; raise steps or lower episodesPerIteration" },
  { id: "E88", input: "an EM iteration larger than the buffer", run: () => infer(corridor(), pseudoLikelihoodEM({ steps: 100, bufferSize: 30 })), code: 'option-invalid', message: "pseudoLikelihoodEM(): one EM iteration (20 episodes × 3 decisions = 60 transitions) does not fit in bufferSize 30; raise bufferSize or lower episodesPerIteration" },
  { id: "E89", input: "a tabular critic on a state with no finite domain", run: () => infer(line(), softQLearning({ steps: 100 })), code: 'option-invalid', message: "tabularCritic(): the model's state has no finite domain (state.simulated), so there is no table to hold its values; use a linear family (linearSoftmax(features), linearCritic(features)) with features of the state" },
  { id: "E90", input: "learning curves asked of another engine's posterior", run: () => learningFit(infer(corridor(), exact())), code: 'option-invalid', message: "learningFit: the posterior comes from 'exact', not a learning engine (softQLearning(), softActorCritic(), virel(), pseudoLikelihoodEM()); only those have learning curves" },
  { id: "E91", input: "a replay buffer smaller than the warm-up", run: () => infer(corridor(), softQLearning({ bufferSize: 10 })), code: 'option-invalid', message: "softQLearning(): bufferSize (10) is less than warmup (64), so the buffer never holds enough transitions for an update; raise bufferSize or lower warmup (or batchSize, its default)" },
  // --- hostile numbers, proposals, missing rows, divergence and memory (issue 13) -----------
  ...HOSTILE_ROWS,
  // --- hostile inputs (issue 13): rows E150–E199 live in malformed-hostile.ts -----------
  ...HOSTILE,
  { id: 'E200', input: "a file path given to the root entry's loadDemonstrations", run: () => loadDemonstrations('demos.json'), code: 'demonstration-invalid', message: "loadDemonstrations: 'demos.json' is not JSON text; expected { \"demonstrations\": [[{ \"state\": …, \"action\": … }, …], …] }. To read a file, import { loadDemonstrations } from 'control-as-inference/node'" },
  // --- partial observability (issue 15) -------------------------------------------------
  { id: 'E300', input: "a POMDP given to an engine that plans as if the state were seen", run: () => infer(pomdp(), importance({ particles: 10 })), code: 'observation-unsupported', message: "importance(): the model has an observation(...) part (a POMDP) and importance() plans as if the state were seen, which would solve the fully observed problem instead; use exact() (exact planning over reachable beliefs; backup 'fixed-dynamics' or 'posterior')" },
  { id: 'E301', input: "a POMDP evaluated with a policy that reads the state", run: () => evaluate(pomdp(), () => deterministic<K>('listen')), code: 'observation-unsupported', message: "evaluate(): the model has an observation(...) part (a POMDP), so a policy may not read the state; pass { belief: (t, b) => distribution } to evaluate a belief policy" },
  { id: 'E302', input: "backup 'posterior' on a discounted POMDP", run: () => infer(pomdp(discount(0.9)), exact({ backup: 'posterior' })), code: 'observation-unsupported', message: "exact(): backup 'posterior' on a POMDP needs γ = 1, got γ = 0.9: discounting is not a factor of the unrolled graph, so there is no exact conditional to compute; use backup 'fixed-dynamics'" },
  { id: 'E303', input: "a POMDP whose action prior depends on the state", run: () => infer(model<D, K>(...parts(hear).filter((p) => p.kind !== 'action'), action('act', ['listen', 'open'] as K[], { prior: (s: D) => (s === 'l' ? uniform<K>(['listen', 'open']) : deterministic<K>('listen')) })), exact()), code: 'observation-unsupported', message: "action('act'): the prior p(a|s) depends on the state (it differs at s='r'), which a POMDP agent cannot see; give one distribution for every state" },
  { id: 'E304', input: "more reachable beliefs than maxBeliefs", run: () => infer(pomdp(), exact({ backup: 'fixed-dynamics', maxBeliefs: 2 })), code: 'too-large', message: "exact(): the reachable beliefs of this POMDP exceed maxBeliefs = 2 by t = 1 (each belief can have up to 2 actions × 2 observations = 4 successors; ~1 kB so far for 2 states); shorten the horizon, raise mergeTolerance to merge nearby beliefs, or raise maxBeliefs" },
  { id: 'E305', input: "an observation row that does not sum to 1", run: () => infer(model<D, K>(...parts(observation((s: D, a: K) => (s === 'l' && a === 'open' ? categorical([[s, 0.9]]) : deterministic(s))))), exact()), code: 'probability-unnormalised', message: "observation: Z(·|s'='l', a='open') sums to 0.9; expected 1 ± 1e-9 (no silent renormalisation)" },
  { id: 'E306', input: "an observation function that returns a value, not a distribution", run: () => infer(model<D, K>(...parts(observation((s: D, a: K) => (s === 'l' && a === 'open' ? (s as never) : deterministic(s))))), exact()), code: 'transition-not-distribution', message: "observation: Z(·|s'='l', a='open') returned 'l', not a distribution; return categorical([[o, p], …]), deterministic(o) or uniform(observations)" },
  { id: 'E307', input: "two observation parts", run: () => model<D, K>(...parts(hear, hear)), code: 'duplicate-part', message: "model(): 2 observation(...) parts; a model takes one (use extend() to replace it)" },
  { id: 'E308', input: "a history whose length is not t", run: () => beliefPosterior(infer(pomdp(), exact())).policy(1, { actions: [], observations: [] }), code: 'history-invalid', message: "policy(t=1): a history at t = 1 lists the 1 actions taken before t (and what was seen after each), got 0" },
  { id: 'E309', input: "a history that cannot happen", run: () => beliefPosterior(infer(model<D, K>(...parts(observation((s: D) => deterministic(s)), state('door', ['l', 'r'] as D[], { initial: 'l' })).filter((_p, i) => i !== 0)), exact())).belief({ actions: ['listen'], observations: ['r'] }), code: 'history-invalid', message: "belief: the history cannot happen: observations[0] = 'r' after actions[0] = 'listen' has probability 0 under the model" },
  { id: 'E310', input: "a per-state table asked of a POMDP posterior", run: () => (infer(pomdp(), exact()) as unknown as { policyTable(t: number): unknown }).policyTable(0), code: 'unsupported-query', message: "policyTable: the model is partially observed, so there is no per-state policy or table (the agent cannot see the state); ask policy(t, history), belief(history), V(t, belief) or sample(...) of the belief posterior" },
  { id: 'E311', input: "a merge tolerance of 0", run: () => exact({ mergeTolerance: 0 }), code: 'option-invalid', message: "exact(): mergeTolerance must be a number in (0, 0.5), got 0" },
  { id: 'E312', input: "a POMDP whose transition only samples", run: () => infer(model<D, K>(...parts(hear).filter((p) => p.kind !== 'transition'), transition((s: D) => sampler(() => s))), exact()), code: 'observation-unsupported', message: "exact(): the model has an observation(...) part and a transition that only samples; no engine solves a simulated POMDP (importance() refuses it: see docs/guides/pomdp.md). Return categorical(...) from the transition and use exact() (exact planning over reachable beliefs; backup 'fixed-dynamics' or 'posterior')" },
  { id: 'E313', input: "a POMDP given to variational()", run: () => infer(pomdp(), variational()), code: 'observation-unsupported', message: "variational(): the model has an observation(...) part (a POMDP) and variational() plans as if the state were seen, which would solve the fully observed problem instead; use exact() (exact planning over reachable beliefs; backup 'fixed-dynamics' or 'posterior')" },
  { id: 'E314', input: "point-based value iteration asked for a finite horizon", run: () => infer(pomdp(), exact({ backup: 'fixed-dynamics', beliefPoints: 10 })), code: 'option-invalid', message: "exact(): beliefPoints (point-based value iteration) is for a discounted infinite horizon at temperature(0); this model has horizon(2). Leave beliefPoints out to solve it exactly over its reachable beliefs" },
  { id: 'E315', input: "an infinite-horizon POMDP whose reachable beliefs pass maxBeliefs", run: () => infer(model<D, K>(...parts(hear, discount(0.9)).filter((p) => p.kind !== 'horizon')), exact({ backup: 'fixed-dynamics', maxBeliefs: 5 })), code: 'too-large', message: "exact(): the reachable beliefs of this POMDP exceed maxBeliefs = 5 (each belief can have up to 2 actions × 2 observations = 4 successors; ~1 kB so far for 2 states); with an infinite horizon the reachable set may never close: give exact({ beliefPoints: 500 }) for point-based value iteration with an error bound (at temperature(0)), raise mergeTolerance, or raise maxBeliefs" },
  // --- agent backups and goal inference (issue 16): E400–E449 in malformed-agents.ts ---
  ...MALFORMED_AGENTS,
  // --- grid layouts (issue 18): a drawing hint that cannot place the states ------------
  { id: 'E540', input: "a layout whose cellOf throws", run: () => { const g = compile(model(state('n', [0, 1], { layout: { width: 2, height: 1, cellOf: (n: number) => { if (n === 1) throw new Error('no cell for 1'); return { x: n, y: 0 }; } } }), action('a', ['go']), transition((n: number) => deterministic(n)), optimality(() => 0), horizon(1))); return valueGrid(g, [0, 0]); }, code: 'option-invalid', message: "valueGrid: layout.cellOf threw at s=1: no cell for 1; cellOf receives the state value (the whole record { name: value, … } for a factored state) and returns { x, y } or undefined" },
  { id: 'E541', input: "a factored state's layout written for one variable's value", run: () => { const g = compile(model(state('x', [0, 1], { layout: { width: 2, height: 1, cellOf: (x: number) => ({ x, y: 0 }) } }), state('y', [0]), action('a', ['go']), transition('x', (s: { x: number }) => deterministic(s.x)), transition('y', () => deterministic(0)), optimality(() => 0), horizon(1))); return valueGrid(g, [0, 0]); }, code: 'option-invalid', message: "valueGrid: layout.cellOf({x:0,y:0}) is {x:{x:0,y:0},y:0}, outside the 2 × 1 grid" },
  // Issue 18 (pictures): the animated rollout checks its options before drawing.
  { id: 'E560', input: 'a rollout animated at 0 seconds per step', run: () => rolloutSvg(lineGrid(), { states: [0, 1], actions: ['go'] }, { secondsPerStep: 0 }), code: 'option-invalid', message: 'rolloutSvg: secondsPerStep is 0; expected a number of seconds in (0, 60]' },
  { id: 'E561', input: 'a rollout whose first state has no cell', run: () => rolloutSvg(lineGrid(), { states: [2], actions: [] }), code: 'option-invalid', message: "rolloutSvg: the trajectory's first state 2 has no cell on the grid; expected a trajectory that starts on a drawn cell. Draw one from this model's posterior, e.g. post.mostProbable()" },
  { id: 'E562', input: "a rollout of a trajectory from another model", run: () => rolloutSvg(lineGrid(), { states: [0, 1], actions: ['jump'] }), code: 'option-invalid', message: "rolloutSvg: step 0 of the trajectory (0, 'jump' → 1) is not in the model's domains; expected a trajectory of this model. Draw one from its posterior, e.g. post.mostProbable()" },
  // --- continuous actions and soft LQR (issue 19) ---------------------------------------
  ...GAUSSIAN_ROWS,
  ...GAUSSIAN_DISCOUNTED_ROWS,
  ...LQG_ROWS,
  // --- exact()'s kernels and options (issue 14's bundle target): E700–E729 in malformed-kernels.ts ---
  ...MALFORMED_KERNELS,
  ...GAUSSIAN_POLICY_ROWS,
  // --- policy iteration for the discounted fixed-dynamics backup (issue 17): E750–E769 ----
  { id: 'E750', input: 'an unknown solver', run: () => exact({ backup: 'fixed-dynamics', solver: 'newton' } as never), code: 'option-invalid', message: "exact(): solver must be 'value-iteration' or policyIteration(), got 'newton'" },
  { id: 'E751', input: 'policy iteration asked of the posterior backup', run: () => exact({ solver: policyIteration() }), code: 'option-invalid', message: "exact(): solver policyIteration() at backup 'posterior'; expected backup: 'fixed-dynamics' — policy iteration evaluates a fixed policy under the dynamics (Q = r + γE[V]), which the posterior backup is not. Use backup: 'fixed-dynamics', or leave solver out" },
  { id: 'E752', input: "the solver named as a string, 'policy-iteration'", run: () => exact({ backup: 'fixed-dynamics', solver: 'policy-iteration' } as never), code: 'option-invalid', message: "exact(): solver is the name 'policy-iteration'; expected the solver itself, solver: policyIteration() (import { policyIteration } from 'control-as-inference') — a value, so that a page that does not use it does not bundle it" },
  { id: 'E753', input: 'policy iteration asked of a finite horizon', run: () => infer(model(state('s', [0, 1]), action('a', ['stay', 'go']), transition((s: number, a: string) => deterministic(a === 'go' ? 1 - s : s)), optimality((s: number) => s), horizon(3)), exact({ backup: 'fixed-dynamics', solver: policyIteration() })), code: 'option-invalid', message: 'exact(): solver policyIteration() on a model with horizon(3); expected an infinite horizon (discount(γ < 1) and no horizon), where a fixed point is solved — a finite horizon is one exact backward pass. Leave solver out' },
  // --- issue 21: pictures given what they cannot draw, exact()'s solver on kernels, SAC's target entropy: E930–E959 ---
  ...PICTURE_ROWS,
];

/** A 2-cell line with a third state off the grid (for the picture entries). */
function lineGrid() {
  return compile(
    model(
      state('n', [0, 1, 2], { initial: 0, layout: { width: 2, height: 1, cellOf: (n: number) => (n < 2 ? { x: n, y: 0 } : undefined) } }),
      action('a', ['go']),
      transition((n: number) => categorical([[Math.min(2, n + 1), 1]])),
      optimality(() => 0),
      horizon(2),
    ),
  );
}
