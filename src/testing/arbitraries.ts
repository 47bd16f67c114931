/**
 * fast-check arbitraries for small random models, built through the DSL.
 *
 * `arbitraryModelSpec` draws a plain-data description (sizes, probabilities,
 * rewards) that laws can transform — add a constant to the reward, scale it,
 * forbid an action — and `buildModel(spec)` turns it into a model with
 * `model(...)`. `arbitraryModel` is the two together.
 *
 * Sizes: |S| ≤ 4, |A| ≤ 3, T ≤ 5, and the horizon is cut so that the dense
 * bound |S|^(states per trajectory) · |A|^T on the number of trajectories stays
 * ≤ `maxTrajectories` (default 20 000), so brute-force enumeration stays fast.
 * Probabilities are integer weights divided by their sum, so every row sums to
 * 1 within a few ulps.
 */
import type * as FastCheck from 'fast-check';
import { fc } from './optional.js';
import { categorical, deterministic, type Distribution } from '../dist/categorical.js';
import { keyOf } from '../dist/value-key.js';
import { action, horizon, model, optimality, state, temperature, transition } from '../dsl/index.js';
import type { Model, Part } from '../types/model.js';

/** State values of random models: numbers, strings or records (all compared by content). */
export type StateValue = number | string | { readonly x: number; readonly y: string };

/** Plain data for a small finite-horizon model; indices refer to `states` and `actions`. */
export interface ModelSpec {
  readonly states: readonly StateValue[];
  readonly actions: readonly string[];
  readonly T: number;
  /** α; `temperature(α)` is left out when `omitTemperature` (then α must be 1). */
  readonly alpha: number;
  readonly omitTemperature: boolean;
  /** p(s_0): undefined for the DSL's uniform default, an index for a point mass, or a row of probabilities. */
  readonly initial: undefined | number | readonly number[];
  /** p(a|s): undefined (uniform), one row for every state, or one row per state. */
  readonly prior: undefined | { readonly kind: 'constant'; readonly row: readonly number[] } | { readonly kind: 'per-state'; readonly rows: readonly (readonly number[])[] };
  /** p(s'|s,a) as dynamics[s][a][s'] (rows sum to 1). */
  readonly dynamics: readonly (readonly (readonly number[])[])[];
  readonly dynamicsKind: 'deterministic' | 'sparse' | 'dense';
  /** r(s,a) as reward[0][s][a], or r(s,a,t) as reward[t][s][a] when `timeVarying`. −Infinity is a hard constraint. */
  readonly reward: readonly (readonly (readonly number[])[])[];
  readonly timeVarying: boolean;
  /** r_T(s), or undefined without a terminal part. */
  readonly terminal: readonly number[] | undefined;
}

/** Options of `arbitraryModelSpec`. */
export interface SpecOptions {
  readonly maxStates?: number;
  readonly maxActions?: number;
  readonly maxHorizon?: number;
  /** Upper bound on |S|^(states per trajectory)·|A|^T; the horizon is shortened to meet it. */
  readonly maxTrajectories?: number;
  /** Force this dynamics kind. */
  readonly dynamics?: 'deterministic' | 'sparse' | 'dense';
  /** Probability-like weight of a −Infinity reward among reward draws (default 0.1). */
  readonly infeasibleRate?: number;
  /** Temperatures to draw from (default 0.5, 1, 2; a few others sometimes). */
  readonly temperatures?: readonly number[];
  /** Allow a terminal part (default true). */
  readonly terminal?: boolean;
  /** Allow time-varying rewards (default true). */
  readonly timeVarying?: boolean;
}

const STATE_KINDS = ['number', 'string', 'record'] as const;

function stateValue(kind: (typeof STATE_KINDS)[number], i: number): StateValue {
  if (kind === 'number') return i * 10 - 5;
  if (kind === 'string') return `s${i}`;
  return { x: i, y: i % 2 === 0 ? 'even' : 'odd' };
}

/** Integer weights 0 … 4 with at least one positive entry, normalised to a probability row. */
function probabilityRow(n: number, sparse: boolean): FastCheck.Arbitrary<number[]> {
  const weight = sparse ? fc.oneof({ arbitrary: fc.constant<number>(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 }) : fc.integer({ min: 1, max: 4 });
  return fc.tuple(fc.array(weight, { minLength: n, maxLength: n }), fc.nat({ max: n - 1 })).map(([w, fallback]) => {
    const ws = [...w];
    if (!ws.some((x) => x > 0)) ws[fallback] = 1;
    const sum = ws.reduce((a, b) => a + b, 0);
    return ws.map((x) => x / sum);
  });
}

function rewardValue(infeasibleRate: number): FastCheck.Arbitrary<number> {
  const finite = fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -8, max: 8 }).map((k) => k / 4),
  );
  const w = Math.round(infeasibleRate * 100);
  if (w <= 0) return finite;
  return fc.oneof({ arbitrary: finite, weight: 100 - w }, { arbitrary: fc.constant(-Infinity), weight: w });
}

/** 1 … max, with 1 drawn a quarter as often as each larger size. */
function sizeArbitrary(max: number): FastCheck.Arbitrary<number> {
  return fc.oneof({ arbitrary: fc.constant(1), weight: 1 }, { arbitrary: fc.integer({ min: Math.min(2, max), max }), weight: Math.max(1, 4 * (max - 1)) });
}

/** Cut T so that nS^(T + terminal) · nA^T ≤ budget (never below 1). */
function fitHorizon(nS: number, nA: number, T: number, withTerminal: boolean, budget: number): number {
  let steps = T;
  while (steps > 1 && nS ** (steps + (withTerminal ? 1 : 0)) * nA ** steps > budget) steps--;
  return steps;
}

/**
 * A random small model spec: |S| ≤ 4, |A| ≤ 3, T ≤ 5 by default; deterministic, sparse or dense dynamics;
 * uniform, point or spread initial states; uniform, constant or per-state action priors (with zeros);
 * ~10 % −Infinity rewards; time-varying rewards and terminal factors sometimes; α ∈ {0.5, 1, 2} (0.25, 3 rarely).
 * @example fc.assert(fc.property(arbitraryModelSpec({ dynamics: 'dense' }), (spec) => { checkPosterior(buildModel(spec), infer(buildModel(spec), exact())); }), { seed: 42, numRuns: 100 })
 */
export function arbitraryModelSpec(options: SpecOptions = {}): FastCheck.Arbitrary<ModelSpec> {
  const maxStates = options.maxStates ?? 4;
  const maxActions = options.maxActions ?? 3;
  const maxHorizon = options.maxHorizon ?? 5;
  const budget = options.maxTrajectories ?? 20_000;
  const infeasibleRate = options.infeasibleRate ?? 0.1;
  const temperatures = options.temperatures ?? [0.5, 1, 2];
  const sizes = fc.record({
    // Weighted away from the trivial sizes (fast-check's integers favour the smallest values).
    nS: sizeArbitrary(maxStates),
    nA: sizeArbitrary(maxActions),
    T: fc.constantFrom(...Array.from({ length: maxHorizon }, (_, i) => i + 1)),
    hasTerminal: options.terminal === false ? fc.constant(false) : fc.boolean(),
    timeVarying: options.timeVarying === false ? fc.constant(false) : fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 }),
    stateKind: fc.constantFrom(...STATE_KINDS),
    dynamicsKind: options.dynamics !== undefined ? fc.constant(options.dynamics) : fc.constantFrom('deterministic' as const, 'sparse' as const, 'dense' as const),
    alpha: fc.oneof({ arbitrary: fc.constantFrom(...temperatures), weight: 4 }, { arbitrary: fc.constantFrom(...temperatures, 0.25, 3), weight: 1 }),
    omitTemperature: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  });
  return sizes.chain((z) => {
    const T = fitHorizon(z.nS, z.nA, z.T, z.hasTerminal, budget);
    const states = Array.from({ length: z.nS }, (_, i) => stateValue(z.stateKind, i));
    const actions = Array.from({ length: z.nA }, (_, i) => ['x', 'y', 'z', 'w', 'v'][i] ?? `a${i}`);
    const dynamicsRow: FastCheck.Arbitrary<number[]> =
      z.dynamicsKind === 'deterministic'
        ? fc.nat({ max: z.nS - 1 }).map((j) => states.map((_, k) => (k === j ? 1 : 0)))
        : probabilityRow(z.nS, z.dynamicsKind === 'sparse');
    const initial: FastCheck.Arbitrary<ModelSpec['initial']> = fc.oneof(
      fc.constant(undefined),
      fc.nat({ max: z.nS - 1 }),
      probabilityRow(z.nS, true),
      probabilityRow(z.nS, false),
    );
    const prior: FastCheck.Arbitrary<ModelSpec['prior']> = fc.oneof(
      fc.constant(undefined),
      probabilityRow(z.nA, false).map((row) => ({ kind: 'constant' as const, row })),
      fc.array(probabilityRow(z.nA, true), { minLength: z.nS, maxLength: z.nS }).map((rows) => ({ kind: 'per-state' as const, rows })),
    );
    const slice = fc.array(fc.array(rewardValue(infeasibleRate), { minLength: z.nA, maxLength: z.nA }), { minLength: z.nS, maxLength: z.nS });
    const slices = z.timeVarying ? T : 1;
    return fc.record({
      initial,
      prior,
      dynamics: fc.array(fc.array(dynamicsRow, { minLength: z.nA, maxLength: z.nA }), { minLength: z.nS, maxLength: z.nS }),
      reward: fc.array(slice, { minLength: slices, maxLength: slices }),
      terminal: z.hasTerminal ? fc.array(rewardValue(infeasibleRate / 2), { minLength: z.nS, maxLength: z.nS }) : fc.constant(undefined),
    }).map(
      (r): ModelSpec => ({
        states,
        actions,
        T,
        alpha: z.omitTemperature ? 1 : z.alpha,
        omitTemperature: z.omitTemperature,
        initial: r.initial,
        prior: r.prior,
        dynamics: r.dynamics,
        dynamicsKind: z.dynamicsKind,
        reward: r.reward,
        timeVarying: z.timeVarying,
        terminal: r.terminal,
      }),
    );
  });
}

/**
 * Index of a state value of `spec` (by content).
 * @example specStateIndex(spec)(spec.states[2]) // 2
 */
export function specStateIndex(spec: ModelSpec): (s: StateValue) => number {
  const map = new Map(spec.states.map((v, i) => [keyOf(v), i] as const));
  return (s) => {
    const i = map.get(keyOf(s));
    if (i === undefined) throw new Error(`not a state of the spec: ${JSON.stringify(s)}`);
    return i;
  };
}

function rowDistribution<V>(values: readonly V[], row: readonly number[]): Distribution<V> {
  const pairs = values.flatMap((v, i) => (row[i]! > 0 ? [[v, row[i]!] as const] : []));
  return pairs.length === 1 ? deterministic(pairs[0]![0]) : categorical(pairs);
}

/**
 * The parts of a spec's model, in a fixed order. The reward is one optimality part.
 * @example model(...specParts(spec), optimality(extraReward)) // add a second reward factor
 */
export function specParts(spec: ModelSpec): Part<StateValue, string>[] {
  const index = specStateIndex(spec);
  const actionIndex = (a: string) => spec.actions.indexOf(a);
  const initial = spec.initial === undefined ? undefined : typeof spec.initial === 'number' ? spec.states[spec.initial]! : rowDistribution(spec.states, spec.initial);
  const prior = spec.prior;
  const actionPart =
    prior === undefined
      ? action('a', spec.actions)
      : prior.kind === 'constant'
        ? action('a', spec.actions, { prior: rowDistribution(spec.actions, prior.row) })
        : action<string, StateValue>('a', spec.actions, { prior: (s: StateValue) => rowDistribution(spec.actions, prior.rows[index(s)]!) });
  const reward = spec.reward;
  const rewardPart = spec.timeVarying
    ? optimality((s: StateValue, a: string, t: number) => reward[t]![index(s)]![actionIndex(a)]!)
    : optimality((s: StateValue, a: string) => reward[0]![index(s)]![actionIndex(a)]!);
  const parts: Part<StateValue, string>[] = [
    state('s', spec.states, initial === undefined ? {} : { initial }),
    actionPart as Part<StateValue, string>,
    transition((s: StateValue, a: string) => rowDistribution(spec.states, spec.dynamics[index(s)]![actionIndex(a)]!)),
    rewardPart,
    horizon(spec.T),
  ];
  if (!spec.omitTemperature) parts.push(temperature(spec.alpha));
  const terminal = spec.terminal;
  if (terminal !== undefined) parts.push(optimality.terminal((s: StateValue) => terminal[index(s)]!));
  return parts;
}

/**
 * The model of a spec, built with `model(...)`.
 * @example const m = buildModel(spec); infer(m, exact())
 */
export function buildModel(spec: ModelSpec): Model<StateValue, string> {
  return model<StateValue, string>(...specParts(spec));
}

/**
 * r(s, a, t) of a spec (whether or not it varies with t).
 * @example specReward(spec, 0, 1, 2) // r_0(states[1], actions[2])
 */
export function specReward(spec: ModelSpec, t: number, s: number, a: number): number {
  return spec.reward[spec.timeVarying ? t : 0]![s]![a]!;
}

/**
 * A spec with every reward (and terminal reward) mapped through `f`: r ↦ f(r), r_T ↦ terminal(r_T).
 * @example buildModel(mapRewards(spec, (r) => r + 1)) // log Z shifts by T/α, policies stay
 */
export function mapRewards(spec: ModelSpec, f: (r: number, where: { t: number; s: number; a: number }) => number, terminal: (r: number, s: number) => number = (r) => r): ModelSpec {
  return {
    ...spec,
    reward: spec.reward.map((slice, t) => slice.map((row, s) => row.map((r, a) => f(r, { t, s, a })))),
    terminal: spec.terminal?.map((r, s) => terminal(r, s)),
  };
}

/**
 * Small random models built through the DSL (see `arbitraryModelSpec`).
 * @example fc.assert(fc.property(arbitraryModel(), (m) => { checkPosterior(m, infer(m, exact())); }), { seed: 1 })
 */
export function arbitraryModel(options: SpecOptions = {}): FastCheck.Arbitrary<Model<StateValue, string>> {
  return arbitraryModelSpec(options).map(buildModel);
}

/**
 * The same model with its reward stored per time step (so a law can change one step).
 * @example mapRewards(timeVaryingSpec(spec), (r, w) => (w.t === 2 ? -Infinity : r))
 */
export function timeVaryingSpec(spec: ModelSpec): ModelSpec {
  if (spec.timeVarying) return spec;
  return { ...spec, timeVarying: true, reward: Array.from({ length: spec.T }, () => spec.reward[0]!) };
}

// ---------------------------------------------------------------------------
// Rational models, for exact arithmetic (`bruteForceExact`).

/** Integer weights (at least one positive); the probabilities are weight / Σ weights. */
export interface WeightRow {
  readonly weights: readonly number[];
}

/** A potential exp(r/α) = n/d; n = 0 is a hard constraint (r = −Infinity). */
export interface RationalPotential {
  readonly n: number;
  readonly d: number;
}

/**
 * Plain data for a model whose every number is rational: states 0 … nS−1, actions 'a0' …,
 * α = 1, r_t(s,a) = log(n/d) so that the potential exp(r) is exactly n/d.
 */
export interface RationalSpec {
  readonly nS: number;
  readonly nA: number;
  readonly T: number;
  readonly initial: WeightRow;
  /** p(a|s), one row per state. */
  readonly prior: readonly WeightRow[];
  /** p(s'|s,a) as dynamics[s][a]. */
  readonly dynamics: readonly (readonly WeightRow[])[];
  /** potential[t][s][a] = exp(r_t(s,a)). */
  readonly potential: readonly (readonly (readonly RationalPotential[])[])[];
  /** exp(r_T(s)), or undefined without a terminal factor. */
  readonly terminal: readonly RationalPotential[] | undefined;
}

/** Options of `arbitraryRationalSpec`. */
export interface RationalSpecOptions {
  readonly maxStates?: number;
  readonly maxActions?: number;
  readonly maxHorizon?: number;
  /** Largest numerator and denominator of a potential (default 7). */
  readonly maxPotential?: number;
  /** Weight (out of 10) of a zero potential, a hard constraint (default 1). */
  readonly zeroWeight?: number;
}

function weightRow(n: number): FastCheck.Arbitrary<WeightRow> {
  return fc
    .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), fc.nat({ max: n - 1 }))
    .map(([w, i]) => ({ weights: w.some((x) => x > 0) ? w : w.map((x, k) => (k === i ? 1 : x)) }));
}

/**
 * Random rational models: |S|, |A|, T ≤ 3 by default, sparse integer weights (zeros included),
 * time-varying potentials n/d with 1 ≤ n, d ≤ 7, ~10 % zeros (hard constraints), optional terminal factor.
 * @example fc.assert(fc.property(arbitraryRationalSpec(), (spec) => { bruteForceExact(buildRationalModel(spec)); }), { seed: 1 })
 */
export function arbitraryRationalSpec(options: RationalSpecOptions = {}): FastCheck.Arbitrary<RationalSpec> {
  const maxP = options.maxPotential ?? 7;
  const zero = options.zeroWeight ?? 1;
  const range = (max: number) => Array.from({ length: max }, (_, i) => i + 1);
  const potential: FastCheck.Arbitrary<RationalPotential> =
    zero > 0
      ? fc.oneof({ arbitrary: fc.record({ n: fc.integer({ min: 1, max: maxP }), d: fc.integer({ min: 1, max: maxP }) }), weight: 10 - zero }, { arbitrary: fc.constant({ n: 0, d: 1 }), weight: zero })
      : fc.record({ n: fc.integer({ min: 1, max: maxP }), d: fc.integer({ min: 1, max: maxP }) });
  return fc
    .record({
      nS: fc.constantFrom(...range(options.maxStates ?? 3)),
      nA: fc.constantFrom(...range(options.maxActions ?? 3)),
      T: fc.constantFrom(...range(options.maxHorizon ?? 3)),
      terminal: fc.boolean(),
    })
    .chain(({ nS, nA, T, terminal }) =>
      fc.record({
        nS: fc.constant(nS),
        nA: fc.constant(nA),
        T: fc.constant(T),
        initial: weightRow(nS),
        prior: fc.array(weightRow(nA), { minLength: nS, maxLength: nS }),
        dynamics: fc.array(fc.array(weightRow(nS), { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }),
        potential: fc.array(fc.array(fc.array(potential, { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }), { minLength: T, maxLength: T }),
        terminal: terminal ? fc.array(potential, { minLength: nS, maxLength: nS }) : fc.constant(undefined),
      }),
    );
}

/**
 * The probabilities of a weight row: w_i / Σ w (floats; `bruteForceExact` recovers the fractions).
 * @example weightProbabilities({ weights: [1, 3] }) // [0.25, 0.75]
 */
export function weightProbabilities(row: WeightRow): number[] {
  const total = row.weights.reduce((a, b) => a + b, 0);
  return row.weights.map((w) => w / total);
}

/**
 * r = log(n/d), so that the potential exp(r) is n/d at α = 1; −Infinity for n = 0.
 * @example rationalReward({ n: 3, d: 4 }) // Math.log(0.75)
 */
export function rationalReward(p: RationalPotential): number {
  return p.n === 0 ? -Infinity : Math.log(p.n / p.d);
}

/**
 * The model of a rational spec, through the DSL: states 0 … nS−1, actions 'a0' …, α = 1 (the default),
 * r_t(s,a) = log(n/d), a terminal factor when `spec.terminal` is given.
 * @example const m = buildRationalModel(spec); infer(m, exact()).logEvidence
 */
export function buildRationalModel(spec: RationalSpec): Model<number, string> {
  const states = Array.from({ length: spec.nS }, (_, i) => i);
  const actions = Array.from({ length: spec.nA }, (_, i) => `a${i}`);
  const dist = <V>(values: readonly V[], row: WeightRow) => {
    const probs = weightProbabilities(row);
    return categorical(values.map((v, i) => [v, probs[i]!] as const).filter(([, p]) => p > 0));
  };
  const terminal = spec.terminal;
  return model<number, string>(
    state('s', states, { initial: dist(states, spec.initial) }),
    action<string, number>('a', actions, { prior: (s: number) => dist(actions, spec.prior[s]!) }),
    transition((s: number, a: string) => dist(states, spec.dynamics[s]![actions.indexOf(a)]!)),
    optimality((s: number, a: string, t: number) => rationalReward(spec.potential[t]![s]![actions.indexOf(a)]!)),
    ...(terminal === undefined ? [] : [optimality.terminal((s: number) => rationalReward(terminal[s]!))]),
    horizon(spec.T),
  );
}
