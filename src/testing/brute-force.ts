/**
 * A tiny, independent reference for finite-horizon models: enumerate every
 * trajectory with positive prior probability by calling the model's own
 * functions, weight it by exp(Σ r / α), and read every answer off the list.
 *
 *   p(τ) exp(Σ_t r_t/α) = p(s_0) Π_t p(a_t|s_t) exp(r(s_t,a_t,t)/α) Π p(s_{t+1}|s_t,a_t) [· exp(r_T(s_T)/α)]
 *   log Z = log Σ_τ p(τ) exp(Σ r/α),      p(τ | O) = p(τ) exp(Σ r/α) / Z
 *
 * The posterior policy p(a_t | s_t, O_{t:T}) is computed by enumerating the
 * futures from (t, s_t, a_t) — no dynamic programming, no shared messages —
 * so that it is defined even at states the posterior never visits.
 *
 * Reference code must not share code with what it checks (docs/reliability.md, promise 19):
 * this file reads `model.parts` directly and imports nothing from
 * src/compile, src/engines or src/posterior. It is exponential in the
 * horizon on purpose; keep models tiny (|S| ≤ 4, |A| ≤ 3, T ≤ 5).
 */
import { isDistribution, type Distribution } from '../dist/categorical.js';
import { keyOf } from '../dist/value-key.js';
import type { ActionPart, Model, OptimalityPart, StatePart, TerminalPart, TransitionPart } from '../types/model.js';
import type { PosteriorTables } from './tables.js';

/** The model's functions evaluated on every state and action (plain arrays, this file's own indexing). */
export interface BruteForceTables {
  readonly nS: number;
  readonly nA: number;
  /** Number of decisions T. */
  readonly T: number;
  readonly alpha: number;
  /** p(s_0), length nS. */
  readonly initial: readonly number[];
  /** p(a | s): prior[s][a]. */
  readonly prior: readonly (readonly number[])[];
  /** p(s' | s, a): dynamics[s][a] lists the successors with positive probability. */
  readonly dynamics: readonly (readonly (readonly { readonly next: number; readonly p: number }[])[])[];
  /** Σ over optimality parts of r(s, a, t): reward[t][s][a]. */
  readonly reward: readonly (readonly (readonly number[])[])[];
  /** Σ over terminal parts of r_T(s), or undefined without a terminal part. */
  readonly terminal: readonly number[] | undefined;
}

/** One trajectory with positive prior probability. */
export interface BruteTrajectory<S, A> {
  /** T states, or T + 1 with a terminal part. */
  readonly states: readonly S[];
  readonly actions: readonly A[];
  /** Indices into `BruteForce.states` / `BruteForce.actions`. */
  readonly stateIndices: readonly number[];
  readonly actionIndices: readonly number[];
  /** log p(τ): initial, action prior and dynamics. */
  readonly logPrior: number;
  /** Σ_t r_t / α (with the terminal reward); −Infinity when a hard constraint is met. */
  readonly logOptimality: number;
  /** logPrior + logOptimality. */
  readonly logWeight: number;
  /** log p(τ | O) = logWeight − log Z (−Infinity when infeasible or when Z = 0). */
  readonly logPosterior: number;
  /** p(τ | O); 0 when Z = 0. */
  readonly posterior: number;
}

/**
 * Everything the enumeration answers. Arrays are indexed like `states` and `actions`.
 * It is also a `PosteriorTables` (V, Q, policyTable, marginals, logEvidence = log Z),
 * so `expectPosteriorsClose(post, bruteForce(m), tol)` compares an engine with it.
 */
export interface BruteForce<S, A> extends PosteriorTables<S, A> {
  readonly states: readonly S[];
  readonly actions: readonly A[];
  readonly horizon: number;
  readonly alpha: number;
  readonly hasTerminal: boolean;
  readonly tables: BruteForceTables;
  /** log p(O) = log Σ_τ p(τ) exp(Σ r/α); −Infinity when every trajectory is infeasible. */
  readonly logZ: number;
  /** The same as `logZ`. */
  readonly logEvidence: number;
  readonly evidenceKind: 'exact';
  /** α·logFuture(t, s) for every state: V_t(s) in reward units. */
  V(t: number): number[];
  /** α·logBeta(t, s, a), nS × nA: Q_t(s, a) in reward units. */
  Q(t: number): number[];
  /** `policy(t, s)` for every state, nS × nA; rows of states with V_t(s) = −∞ are 0 (defined even when Z = 0). */
  policyTable(t: number): number[];
  /** p(a_t | O), length nA. */
  actionMarginal(t: number): number[];
  readonly trajectories: readonly BruteTrajectory<S, A>[];
  /** Index of a state value in `states` (by content), −1 if absent. */
  stateIndex(s: S): number;
  actionIndex(a: A): number;
  /** log β_t(s, a) = log Σ_futures exp(r_t(s,a)/α) Π … : the soft Q_t(s, a) / α. */
  logBeta(t: number, s: S, a: A): number;
  /** log Σ_a p(a|s) β_t(s, a) = V_t(s) / α; at t = T (terminal part) r_T(s)/α. */
  logFuture(t: number, s: S): number;
  /** p(a_t | s_t = s, O_{t:T}) from the enumerated futures, or undefined when V_t(s) = −∞. */
  policy(t: number, s: S): number[] | undefined;
  /** p(a_t | s_t = s, O) as a conditional of p(τ | O), or undefined when p(s_t = s | O) = 0. */
  trajectoryPolicy(t: number, s: S): number[] | undefined;
  /** p(s_t | O), t = 0 … T−1 (T with a terminal part); all zeros when Z = 0. */
  stateMarginal(t: number): number[];
  /** p(s_t, a_t | O), flattened s·nA + a. */
  stateActionMarginal(t: number): number[];
  /** max_τ log p(τ | O) (−Infinity when Z = 0). */
  readonly maxLogPosterior: number;
  /** The trajectories whose log p(τ|O) is within `tolerance` of the max. */
  argmax(tolerance?: number): BruteTrajectory<S, A>[];
  /** log p(τ | O) of a trajectory given by values; −Infinity when it has zero prior probability. */
  logProb(states: readonly S[], actions: readonly A[]): number;
}

/** A running log Σ exp, exact for −Infinity terms. */
class LogSum {
  private max = -Infinity;
  private sum = 0;
  add(x: number): void {
    if (x === -Infinity) return;
    if (Number.isNaN(x) || x === Infinity) throw new Error(`brute force: bad log term ${x}`);
    if (x <= this.max) this.sum += Math.exp(x - this.max);
    else {
      this.sum = this.sum * Math.exp(this.max - x) + 1;
      this.max = x;
    }
  }
  get value(): number {
    return this.max === -Infinity ? -Infinity : this.max + Math.log(this.sum);
  }
}

function fail(message: string): never {
  throw new Error(`bruteForce: ${message}`);
}

/** Entries (index, p) of a distribution over an indexed list of values; zero entries dropped, repeats merged. */
function entries(dist: unknown, index: Map<string, number>, what: string): { next: number; p: number }[] {
  if (!isDistribution(dist)) fail(`${what} is not a distribution`);
  const d = dist as Distribution<unknown>;
  const merged = new Map<number, number>();
  for (let k = 0; k < d.support.length; k++) {
    const p = d.probs[k]!;
    if (!(p >= 0) || !Number.isFinite(p)) fail(`${what} has probability ${p}`);
    if (p === 0) continue;
    const i = index.get(keyOf(d.support[k]));
    if (i === undefined) fail(`${what} gives mass to a value outside its domain`);
    merged.set(i, (merged.get(i) ?? 0) + p);
  }
  return [...merged.entries()].map(([next, p]) => ({ next, p }));
}

function indexOfValues(values: readonly unknown[]): Map<string, number> {
  const map = new Map<string, number>();
  values.forEach((v, i) => map.set(keyOf(v), i));
  return map;
}

/** Options of `tabulate`. */
export interface TabulateOptions {
  /** Accept α = 0 (the hard-max limit): the tables are still defined, only sums over trajectories are not. */
  readonly allowZeroTemperature?: boolean;
}

/**
 * The model's functions on every state and action, as plain arrays (single or factored state),
 * read from `model.parts` directly — no compiler involved.
 * @example const { states, actions, tables } = tabulate(m); tables.reward[t][s][a]
 */
export function tabulate<S, A>(m: Model<S, A>, options: TabulateOptions = {}): { states: S[]; actions: A[]; tables: BruteForceTables } {
  const stateParts = m.parts.filter((p): p is StatePart => p.kind === 'state');
  const actionPart = m.parts.find((p): p is ActionPart => p.kind === 'action');
  const transitionParts = m.parts.filter((p): p is TransitionPart => p.kind === 'transition');
  const rewardParts = m.parts.filter((p): p is OptimalityPart => p.kind === 'optimality');
  const terminalParts = m.parts.filter((p): p is TerminalPart => p.kind === 'terminal');
  const horizonPart = m.parts.find((p) => p.kind === 'horizon');
  const temperaturePart = m.parts.find((p) => p.kind === 'temperature');
  const discountPart = m.parts.find((p) => p.kind === 'discount');
  if (stateParts.length === 0 || actionPart === undefined) fail('the model needs a state and an action part');
  // It enumerates fully observed trajectories; a POMDP's agent sees only observations, so refuse rather than answer another problem.
  if (m.parts.some((p) => p.kind === 'observation')) fail('the model has an observation(...) part (a POMDP); this brute force enumerates fully observed trajectories and would answer for the fully observed problem');
  if (horizonPart === undefined || horizonPart.kind !== 'horizon') fail('only finite horizons are enumerable');
  if (discountPart !== undefined && discountPart.kind === 'discount' && discountPart.gamma !== 1) fail('discounting is not a probability model');
  const alpha = temperaturePart !== undefined && temperaturePart.kind === 'temperature' ? temperaturePart.alpha : 1;
  if (!(alpha > 0) && !(alpha === 0 && options.allowZeroTemperature === true)) fail('α must be > 0 (the α = 0 limit is not a sum)');
  const T = horizonPart.steps;

  // States: one variable, or the records of the cartesian product (order does not matter to users of this file).
  const factored = stateParts.length > 1;
  const perVariable = stateParts.map((part) => {
    const index = indexOfValues(part.domain);
    let initial: number[];
    if (part.initial === undefined) initial = part.domain.map(() => 1 / part.domain.length);
    else if (isDistribution(part.initial)) {
      initial = part.domain.map(() => 0);
      for (const e of entries(part.initial, index, `initial of '${part.name}'`)) initial[e.next] = e.p;
    } else {
      initial = part.domain.map(() => 0);
      const i = index.get(keyOf(part.initial));
      if (i === undefined) fail(`initial value of '${part.name}' is not in its domain`);
      initial[i] = 1;
    }
    return { part, index, initial };
  });
  let states: unknown[];
  let initial: number[];
  if (!factored) {
    states = [...stateParts[0]!.domain];
    initial = perVariable[0]!.initial;
  } else {
    states = [{}];
    initial = [1];
    for (const v of perVariable) {
      const nextStates: unknown[] = [];
      const nextInitial: number[] = [];
      states.forEach((record, i) => {
        v.part.domain.forEach((value, j) => {
          nextStates.push({ ...(record as Record<string, unknown>), [v.part.name]: value });
          nextInitial.push(initial[i]! * v.initial[j]!);
        });
      });
      states = nextStates;
      initial = nextInitial;
    }
  }
  const stateIndex = indexOfValues(states);
  const actions = [...actionPart.domain];
  const actionIndex = indexOfValues(actions);
  const nS = states.length;
  const nA = actions.length;

  const prior = states.map((s) => {
    if (actionPart.prior === undefined) return actions.map(() => 1 / nA);
    const dist = typeof actionPart.prior === 'function' ? (actionPart.prior as (s: unknown) => unknown)(s) : actionPart.prior;
    const row = actions.map(() => 0);
    for (const e of entries(dist, actionIndex, 'the action prior')) row[e.next] = e.p;
    return row;
  });

  const dynamics = states.map((s) =>
    actions.map((a) => {
      if (!factored) {
        if (transitionParts.length !== 1) fail('expected one transition part');
        return entries(transitionParts[0]!.next(s, a), stateIndex, 'a transition');
      }
      // Factored: p(s'|s,a) = Π_v p(s'_v | s, a), assembled as records and looked up by value.
      let partial: { record: Record<string, unknown>; p: number }[] = [{ record: {}, p: 1 }];
      for (const v of perVariable) {
        const part = transitionParts.find((t) => t.variable === v.part.name);
        if (part === undefined) fail(`no transition for '${v.part.name}'`);
        const list = entries(part.next(s, a), v.index, `the transition of '${v.part.name}'`);
        partial = partial.flatMap(({ record, p }) => list.map((e) => ({ record: { ...record, [v.part.name]: v.part.domain[e.next] }, p: p * e.p })));
      }
      return partial.map(({ record, p }) => ({ next: stateIndex.get(keyOf(record))!, p }));
    }),
  );

  // r_t(s, a) for every t; when no part reads t the one slice is shared by every step (T may be 10^5).
  const slice = (t: number): number[][] =>
    states.map((s) =>
      actions.map((a) => {
        let r = 0;
        for (const part of rewardParts) r += part.reward(s, a, t);
        if (Number.isNaN(r) || r === Infinity) fail(`reward ${r}`);
        return r;
      }),
    );
  const stationary = rewardParts.every((part) => !part.timeVarying);
  const shared = stationary ? slice(0) : undefined;
  const reward: number[][][] = [];
  for (let t = 0; t < T; t++) reward.push(shared ?? slice(t));
  const terminal =
    terminalParts.length === 0
      ? undefined
      : states.map((s) => {
          let r = 0;
          for (const part of terminalParts) r += part.reward(s);
          return r;
        });

  return { states: states as S[], actions: actions as A[], tables: { nS, nA, T, alpha, initial, prior, dynamics, reward, terminal } };
}

/**
 * Enumerate every trajectory of a small finite-horizon model.
 * @example const bf = bruteForce(m); bf.logZ; bf.policy(0, s); bf.stateMarginal(2);
 */
export function bruteForce<S, A>(m: Model<S, A>): BruteForce<S, A> {
  const { states, actions, tables } = tabulate(m);
  const { nS, nA, T, alpha, initial, prior, dynamics, reward, terminal } = tables;
  const stateKeys = indexOfValues(states);
  const actionKeys = indexOfValues(actions);
  const stateIndex = (s: S) => stateKeys.get(keyOf(s)) ?? -1;
  const actionIndex = (a: A) => actionKeys.get(keyOf(a)) ?? -1;
  const sIndex = (s: S, where: string) => {
    const i = stateIndex(s);
    if (i < 0) fail(`${where}: unknown state`);
    return i;
  };
  const checkT = (t: number, last: number, where: string) => {
    if (!Number.isInteger(t) || t < 0 || t > last) fail(`${where}: t = ${t} outside 0 … ${last}`);
  };
  const hasTerminal = terminal !== undefined;
  const lastState = hasTerminal ? T : T - 1;

  // Every trajectory with positive prior probability, depth first.
  interface Raw {
    s: number[];
    a: number[];
    logPrior: number;
    logOptimality: number;
  }
  const raw: Raw[] = [];
  const extend = (t: number, s: number[], a: number[], logPrior: number, logOptimality: number): void => {
    const here = s[t]!;
    for (let ai = 0; ai < nA; ai++) {
      const pa = prior[here]![ai]!;
      if (pa <= 0) continue;
      const lp = logPrior + Math.log(pa);
      const lo = logOptimality + reward[t]![here]![ai]! / alpha;
      if (t === T - 1 && !hasTerminal) {
        raw.push({ s: [...s], a: [...a, ai], logPrior: lp, logOptimality: lo });
        continue;
      }
      for (const { next, p } of dynamics[here]![ai]!) {
        if (t === T - 1) {
          raw.push({ s: [...s, next], a: [...a, ai], logPrior: lp + Math.log(p), logOptimality: lo + terminal![next]! / alpha });
        } else extend(t + 1, [...s, next], [...a, ai], lp + Math.log(p), lo);
      }
    }
  };
  for (let s0 = 0; s0 < nS; s0++) if (initial[s0]! > 0) extend(0, [s0], [], Math.log(initial[s0]!), 0);

  const total = new LogSum();
  for (const r of raw) total.add(r.logPrior + r.logOptimality);
  const logZ = total.value;
  const trajectories: BruteTrajectory<S, A>[] = raw.map((r) => {
    const logWeight = r.logPrior + r.logOptimality;
    const logPosterior = logZ === -Infinity || logWeight === -Infinity ? -Infinity : logWeight - logZ;
    return Object.freeze({
      states: r.s.map((i) => states[i]!),
      actions: r.a.map((i) => actions[i]!),
      stateIndices: r.s,
      actionIndices: r.a,
      logPrior: r.logPrior,
      logOptimality: r.logOptimality,
      logWeight,
      logPosterior,
      posterior: logPosterior === -Infinity ? 0 : Math.exp(logPosterior),
    });
  });
  const byKey = new Map<string, BruteTrajectory<S, A>>();
  for (const tr of trajectories) byKey.set(JSON.stringify([tr.stateIndices, tr.actionIndices]), tr);

  // Futures from (t, s, a), enumerated path by path (memoised per (t, s, a) only as a cache of the final answer).
  const betaCache = new Map<number, number>();
  const addFutures = (t: number, s: number, a: number, logw: number, acc: LogSum): void => {
    const w = logw + reward[t]![s]![a]! / alpha;
    if (w === -Infinity) return;
    if (t === T - 1 && !hasTerminal) return acc.add(w);
    for (const { next, p } of dynamics[s]![a]!) {
      if (t === T - 1) {
        acc.add(w + Math.log(p) + terminal![next]! / alpha);
        continue;
      }
      for (let a2 = 0; a2 < nA; a2++) {
        const pa = prior[next]![a2]!;
        if (pa > 0) addFutures(t + 1, next, a2, w + Math.log(p) + Math.log(pa), acc);
      }
    }
  };
  const logBetaIndex = (t: number, s: number, a: number): number => {
    const key = (t * nS + s) * nA + a;
    const cached = betaCache.get(key);
    if (cached !== undefined) return cached;
    const acc = new LogSum();
    addFutures(t, s, a, 0, acc);
    betaCache.set(key, acc.value);
    return acc.value;
  };
  const logFutureIndex = (t: number, s: number): number => {
    if (t === T) return terminal![s]! / alpha;
    const acc = new LogSum();
    for (let a = 0; a < nA; a++) if (prior[s]![a]! > 0) acc.add(Math.log(prior[s]![a]!) + logBetaIndex(t, s, a));
    return acc.value;
  };

  let maxLogPosterior = -Infinity;
  for (const tr of trajectories) if (tr.logPosterior > maxLogPosterior) maxLogPosterior = tr.logPosterior;

  const stateMarginalIndex = (t: number): number[] => {
    const out = states.map(() => 0);
    for (const tr of trajectories) out[tr.stateIndices[t]!] += tr.posterior;
    return out;
  };
  const stateActionMarginalIndex = (t: number): number[] => {
    const out = new Array<number>(nS * nA).fill(0);
    for (const tr of trajectories) out[tr.stateIndices[t]! * nA + tr.actionIndices[t]!] += tr.posterior;
    return out;
  };
  const policyIndex = (t: number, si: number): number[] | undefined => {
    const logs = actions.map((_, a) => (prior[si]![a]! > 0 ? Math.log(prior[si]![a]!) + logBetaIndex(t, si, a) : -Infinity));
    const acc = new LogSum();
    for (const l of logs) acc.add(l);
    const v = acc.value;
    if (v === -Infinity) return undefined;
    return logs.map((l) => (l === -Infinity ? 0 : Math.exp(l - v)));
  };

  return Object.freeze({
    states,
    actions,
    horizon: T,
    alpha,
    hasTerminal,
    tables,
    logZ,
    logEvidence: logZ,
    evidenceKind: 'exact' as const,
    trajectories,
    V(t: number): number[] {
      checkT(t, hasTerminal ? T : T - 1, 'V');
      return states.map((_, s) => alpha * logFutureIndex(t, s));
    },
    Q(t: number): number[] {
      checkT(t, T - 1, 'Q');
      const out = new Array<number>(nS * nA);
      for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) out[s * nA + a] = alpha * logBetaIndex(t, s, a);
      return out;
    },
    policyTable(t: number): number[] {
      checkT(t, T - 1, 'policyTable');
      const out = new Array<number>(nS * nA).fill(0);
      for (let s = 0; s < nS; s++) policyIndex(t, s)?.forEach((p, a) => (out[s * nA + a] = p));
      return out;
    },
    actionMarginal(t: number): number[] {
      checkT(t, T - 1, 'actionMarginal');
      const joint = stateActionMarginalIndex(t);
      const out = new Array<number>(nA).fill(0);
      for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) out[a] += joint[s * nA + a]!;
      return out;
    },
    stateIndex,
    actionIndex,
    logBeta(t: number, s: S, a: A): number {
      checkT(t, T - 1, 'logBeta');
      const ai = actionIndex(a);
      if (ai < 0) fail('logBeta: unknown action');
      return logBetaIndex(t, sIndex(s, 'logBeta'), ai);
    },
    logFuture(t: number, s: S): number {
      checkT(t, hasTerminal ? T : T - 1, 'logFuture');
      return logFutureIndex(t, sIndex(s, 'logFuture'));
    },
    policy(t: number, s: S): number[] | undefined {
      checkT(t, T - 1, 'policy');
      return policyIndex(t, sIndex(s, 'policy'));
    },
    trajectoryPolicy(t: number, s: S): number[] | undefined {
      checkT(t, T - 1, 'trajectoryPolicy');
      const si = sIndex(s, 'trajectoryPolicy');
      const mass = actions.map(() => 0);
      let sum = 0;
      for (const tr of trajectories) {
        if (tr.stateIndices[t] !== si || tr.posterior === 0) continue;
        mass[tr.actionIndices[t]!] += tr.posterior;
        sum += tr.posterior;
      }
      return sum > 0 ? mass.map((x) => x / sum) : undefined;
    },
    stateMarginal(t: number): number[] {
      checkT(t, lastState, 'stateMarginal');
      return stateMarginalIndex(t);
    },
    stateActionMarginal(t: number): number[] {
      checkT(t, T - 1, 'stateActionMarginal');
      return stateActionMarginalIndex(t);
    },
    maxLogPosterior,
    argmax(tolerance = 1e-10): BruteTrajectory<S, A>[] {
      if (maxLogPosterior === -Infinity) return [];
      return trajectories.filter((tr) => tr.logPosterior >= maxLogPosterior - tolerance);
    },
    logProb(stateValues: readonly S[], actionValues: readonly A[]): number {
      const key = JSON.stringify([stateValues.map(stateIndex), actionValues.map(actionIndex)]);
      return byKey.get(key)?.logPosterior ?? -Infinity;
    },
  });
}
