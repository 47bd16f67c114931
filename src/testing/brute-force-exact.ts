/**
 * Brute force in exact rational arithmetic (mathjs fractions), for models
 * whose every number is rational: probabilities, and potentials
 * exp(r/α) — e.g. rewards written r = log(n/d) at α = 1, or r = −Infinity
 * (potential 0).
 *
 *   Z = Σ_τ p(s_0) Π_t p(a_t|s_t) φ_t(s_t,a_t) Π p(s_{t+1}|s_t,a_t) [· φ_T(s_T)],   φ = exp(r/α)
 *
 * Every trajectory is enumerated and its weight is an exact fraction, so Z,
 * β_t(s,a), the policy and the marginals carry no rounding at all; floats from
 * an engine can then be held to the last few ulps.
 *
 * The model's numbers arrive as doubles; each is turned back into the
 * rational it was written as by continued fractions, and refused (with an
 * error naming it) when no fraction with denominator ≤ `maxDenominator` lies
 * within `rtol` of it. A generic real is ~1/d² away from the nearest such
 * fraction, far more than rtol = 1e-12, so an irrational input is caught, not
 * silently rounded.
 *
 * Like `bruteForce`, this file reads `model.parts` (through `tabulate`) and
 * imports nothing from src/compile, src/engines or src/posterior.
 */
import type { Fraction } from 'mathjs';
import { mathjs } from './optional.js';
import type { Model } from '../types/model.js';
import { tabulate } from './brute-force.js';
import { keyOf } from '../dist/value-key.js';

/** Options of `bruteForceExact` and `toFraction`. */
export interface RationalOptions {
  /** Largest denominator a recovered fraction may have (default 10 000). */
  readonly maxDenominator?: number;
  /** Relative distance within which a double counts as that fraction (default 1e-12). */
  readonly rtol?: number;
}

// mathjs is an optional peer, loaded on the first call (src/testing/optional.ts).
const fraction = (n: number | bigint, d: number | bigint): Fraction => (typeof n === 'bigint' || typeof d === 'bigint' ? mathjs().fraction(BigInt(n), BigInt(d)) : mathjs().fraction(n, d));
const zero = (): Fraction => fraction(0, 1);
const one = (): Fraction => fraction(1, 1);
const plus = (x: Fraction, y: Fraction): Fraction => mathjs().add(x, y);
const times = (x: Fraction, y: Fraction): Fraction => mathjs().multiply(x, y) as Fraction;
const over = (x: Fraction, y: Fraction): Fraction => mathjs().divide(x, y) as Fraction;
const sum = (xs: readonly Fraction[]): Fraction => xs.reduce(plus, zero());

/**
 * The fraction n/d (d ≤ maxDenominator) that a non-negative double stands for, by continued
 * fractions: the first convergent h/k with |h/k − x| ≤ rtol·x. Undefined when there is none.
 * @example toFraction(Math.exp(Math.log(3 / 7))) // 3/7
 */
export function toFraction(x: number, options: RationalOptions = {}): Fraction | undefined {
  const maxDenominator = options.maxDenominator ?? 10_000;
  const rtol = options.rtol ?? 1e-12;
  if (!Number.isFinite(x) || x < 0) return undefined;
  if (x === 0) return zero();
  // Convergents h_n/k_n = (a_n h_{n−1} + h_{n−2}) / (a_n k_{n−1} + k_{n−2}).
  let h1 = 1;
  let h2 = 0;
  let k1 = 0;
  let k2 = 1;
  let y = x;
  for (let n = 0; n < 64; n++) {
    const a = Math.floor(y);
    const h = a * h1 + h2;
    const k = a * k1 + k2;
    if (k > maxDenominator || !Number.isSafeInteger(h)) return undefined;
    if (Math.abs(h / k - x) <= rtol * x) return fraction(h, k);
    const rest = y - a;
    if (rest <= 0) return undefined;
    y = 1 / rest;
    [h2, h1, k2, k1] = [h1, h, k1, k];
  }
  return undefined;
}

/**
 * log of a non-negative fraction as a double (−Infinity for 0), to a few ulps however large n and d are.
 * @example logFraction(fraction(25, 64)) // Math.log(25 / 64)
 */
export function logFraction(x: Fraction): number {
  if (x.s < 0n) return NaN;
  if (x.n === 0n) return -Infinity;
  return logBigInt(x.n) - logBigInt(x.d);
}

function logBigInt(n: bigint): number {
  const asNumber = Number(n);
  if (Number.isFinite(asNumber)) return Math.log(asNumber);
  const digits = n.toString();
  return Math.log(Number(digits.slice(0, 17))) + (digits.length - 17) * Math.LN10;
}

/**
 * A fraction as a double: correctly rounded when numerator and denominator are below 2^53, else within a few ulps.
 * @example fractionToNumber(fraction(2, 5)) // 0.4
 */
export function fractionToNumber(x: Fraction): number {
  const sign = x.s < 0n ? -1 : 1;
  if (x.n <= BigInt(Number.MAX_SAFE_INTEGER) && x.d <= BigInt(Number.MAX_SAFE_INTEGER)) return (sign * Number(x.n)) / Number(x.d);
  const log = logFraction(fraction(x.n, x.d));
  return log === -Infinity ? 0 : sign * Math.exp(log);
}

/** What `bruteForceExact` answers, every number an exact fraction. Arrays follow `states` / `actions`. */
export interface ExactBruteForce<S, A> {
  readonly states: readonly S[];
  readonly actions: readonly A[];
  readonly horizon: number;
  readonly hasTerminal: boolean;
  /** p(O) = Σ_τ p(τ) Π φ, summed over every enumerated trajectory. */
  readonly Z: Fraction;
  /** log Z as a double (−Infinity when Z = 0). */
  readonly logZ: number;
  /** How many trajectories with positive prior probability were enumerated. */
  readonly trajectoryCount: number;
  /** Index of a state value (by content), −1 if absent. */
  stateIndex(s: S): number;
  /** β_t(s, a) = p(O_{t:T} | s_t = s, a_t = a) = exp(Q_t(s,a)/α). */
  beta(t: number, s: S, a: A): Fraction;
  /** Σ_a p(a|s) β_t(s, a) = exp(V_t(s)/α); at t = T (terminal factor) φ_T(s). */
  future(t: number, s: S): Fraction;
  /** p(a_t | s_t = s, O_{t:T}) = p(a|s) β_t(s,a) / Σ_b p(b|s) β_t(s,b); undefined where that sum is 0. */
  policy(t: number, s: S): Fraction[] | undefined;
  /** p(s_t | O) from the enumerated trajectories; all 0 when Z = 0. */
  stateMarginal(t: number): Fraction[];
  /** p(s_t, a_t | O), flattened s·nA + a; all 0 when Z = 0. */
  stateActionMarginal(t: number): Fraction[];
}

/**
 * Enumerate every trajectory of a tiny model in exact rational arithmetic.
 * Throws when a probability or a potential exp(r/α) is not a fraction with a small denominator.
 * @example
 * const exactAnswer = bruteForceExact(m);   // rewards r = Math.log(n / d), α = 1
 * exactAnswer.Z.equals(fraction(25, 64));    // true
 * fractionToNumber(exactAnswer.policy(0, s)![0]!);
 */
export function bruteForceExact<S, A>(m: Model<S, A>, options: RationalOptions = {}): ExactBruteForce<S, A> {
  const { states, actions, tables } = tabulate(m);
  const { nS, nA, T, alpha } = tables;
  const rational = (x: number, what: string): Fraction => {
    const f = toFraction(x, options);
    if (f === undefined) {
      throw new Error(`bruteForceExact: ${what} = ${x} is not a fraction with denominator ≤ ${options.maxDenominator ?? 10_000} (within rtol ${options.rtol ?? 1e-12}); exact arithmetic needs rational probabilities and potentials exp(r/α)`);
    }
    return f;
  };
  const potential = (r: number, what: string): Fraction => (r === -Infinity ? zero() : rational(Math.exp(r / alpha), `exp(${what}/α)`));
  const p0 = tables.initial.map((p, s) => rational(p, `p(s_0 = ${s})`));
  const prior = tables.prior.map((row, s) => row.map((p, a) => rational(p, `p(a = ${a} | s = ${s})`)));
  const dynamics = tables.dynamics.map((row, s) => row.map((succ, a) => succ.map(({ next, p }) => ({ next, p: rational(p, `p(s' = ${next} | s = ${s}, a = ${a})`) }))));
  const phi = tables.reward.map((slice, t) => slice.map((row, s) => row.map((r, a) => potential(r, `r_${t}(s = ${s}, a = ${a})`))));
  const phiT = tables.terminal?.map((r, s) => potential(r, `r_T(s = ${s})`));
  const hasTerminal = phiT !== undefined;
  const lastState = hasTerminal ? T : T - 1;

  // Enumerate trajectories (s_0, a_0, …) with their exact weights p(τ) Π φ.
  const trajectories: { s: number[]; a: number[]; w: Fraction }[] = [];
  const walk = (t: number, s: number[], a: number[], w: Fraction): void => {
    const here = s[t]!;
    for (let ai = 0; ai < nA; ai++) {
      const pa = prior[here]![ai]!;
      if (pa.equals(zero())) continue;
      const wa = times(times(w, pa), phi[t]![here]![ai]!);
      if (t === T - 1 && !hasTerminal) {
        trajectories.push({ s, a: [...a, ai], w: wa });
        continue;
      }
      for (const { next, p } of dynamics[here]![ai]!) {
        const ws = times(wa, p);
        if (t === T - 1) trajectories.push({ s: [...s, next], a: [...a, ai], w: times(ws, phiT![next]!) });
        else walk(t + 1, [...s, next], [...a, ai], ws);
      }
    }
  };
  for (let s0 = 0; s0 < nS; s0++) if (!p0[s0]!.equals(zero())) walk(0, [s0], [], p0[s0]!);
  const Z = sum(trajectories.map((tr) => tr.w));

  // β_t(s,a) = φ_t(s,a) Σ_{s'} p(s'|s,a) Σ_{a'} p(a'|s') β_{t+1}(s',a') — exact, so the recursion equals the enumeration;
  // the two are checked against each other below.
  const beta: Fraction[][][] = new Array<Fraction[][]>(T);
  const futureIndex = (t: number, s: number): Fraction => (t === T ? phiT![s]! : sum(prior[s]!.map((p, a) => times(p, beta[t]![s]![a]!))));
  for (let t = T - 1; t >= 0; t--) {
    beta[t] = [];
    for (let s = 0; s < nS; s++) {
      beta[t]![s] = [];
      for (let a = 0; a < nA; a++) {
        const tail = t === T - 1 && !hasTerminal ? one() : sum(dynamics[s]![a]!.map(({ next, p }) => times(p, futureIndex(t + 1, next))));
        beta[t]![s]![a] = times(phi[t]![s]![a]!, tail);
      }
    }
  }
  const fromRecursion = sum(p0.map((p, s) => times(p, futureIndex(0, s))));
  if (!fromRecursion.equals(Z)) throw new Error(`bruteForceExact: internal check failed: Σ_τ weights = ${Z.toFraction()} but Σ p(s_0) β = ${fromRecursion.toFraction()}`);

  const index = new Map(states.map((v, i) => [keyOf(v), i] as const));
  const actionIndex = new Map(actions.map((v, i) => [keyOf(v), i] as const));
  const sIndex = (s: S): number => {
    const i = index.get(keyOf(s));
    if (i === undefined) throw new Error(`bruteForceExact: ${JSON.stringify(s)} is not a state of the model`);
    return i;
  };
  const checkT = (t: number, last: number, where: string): void => {
    if (!Number.isInteger(t) || t < 0 || t > last) throw new Error(`bruteForceExact.${where}: t = ${t} outside 0 … ${last}`);
  };
  const marginal = (cell: (tr: { s: number[]; a: number[] }) => number, size: number): Fraction[] => {
    const out = Array.from({ length: size }, () => zero());
    if (Z.equals(zero())) return out;
    for (const tr of trajectories) out[cell(tr)] = plus(out[cell(tr)]!, tr.w);
    return out.map((x) => over(x, Z));
  };

  return Object.freeze({
    states,
    actions,
    horizon: T,
    hasTerminal,
    Z,
    logZ: logFraction(Z),
    trajectoryCount: trajectories.length,
    stateIndex: (s: S) => index.get(keyOf(s)) ?? -1,
    beta(t: number, s: S, a: A): Fraction {
      checkT(t, T - 1, 'beta');
      const k = actionIndex.get(keyOf(a));
      if (k === undefined) throw new Error(`bruteForceExact.beta: ${JSON.stringify(a)} is not an action of the model`);
      return beta[t]![sIndex(s)]![k]!;
    },
    future(t: number, s: S): Fraction {
      checkT(t, hasTerminal ? T : T - 1, 'future');
      return futureIndex(t, sIndex(s));
    },
    policy(t: number, s: S): Fraction[] | undefined {
      checkT(t, T - 1, 'policy');
      const i = sIndex(s);
      const v = futureIndex(t, i);
      if (v.equals(zero())) return undefined;
      return prior[i]!.map((p, a) => over(times(p, beta[t]![i]![a]!), v));
    },
    stateMarginal(t: number): Fraction[] {
      checkT(t, lastState, 'stateMarginal');
      return marginal((tr) => tr.s[t]!, nS);
    },
    stateActionMarginal(t: number): Fraction[] {
      checkT(t, T - 1, 'stateActionMarginal');
      return marginal((tr) => tr.s[t]! * nA + tr.a[t]!, nS * nA);
    },
  });
}
