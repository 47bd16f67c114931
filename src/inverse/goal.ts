/**
 * `inferGoal(hypotheses, steps)`: Bayesian inverse planning (Baker, Saxe &
 * Tenenbaum 2009) — a posterior over hypotheses h (goals, reward weights,
 * temperatures, agent backups, believed dynamics) from an observed prefix of
 * behaviour s_0, a_0, s_1, … where actions may be missing:
 *
 *   p(h | steps_{0..t}) ∝ p(h) Π_{k ≤ t} ℓ_h(k)
 *   ℓ_h(k) = [π^h_k(a_k | s_k)]                               (when a_k is observed)
 *          × p(s_k | s_{k−1}, a_{k−1})                          (k ≥ 1, a_{k−1} observed)
 *            or Σ_a π^h_{k−1}(a | s_{k−1}) p(s_k | s_{k−1}, a)   (k ≥ 1, a_{k−1} missing)
 *
 * π^h is the policy of hypothesis h's posterior (whatever its engine and
 * backup) and p(s' | s, a) the TRUE dynamics (the world's) — never the exact
 * posterior's tilted kernel p(s'|s,a,O), which would let a hypothesis "explain"
 * a lucky slip. The start state s_0 is taken as given (not evidence about h).
 * Hypotheses that share dynamics go through `inferBatch`: one backward pass
 * over K reward tables.
 */
import { categorical, type Categorical } from '../dist/categorical.js';
import { CaiError, checkOptions, fail, show } from '../errors.js';
import { exact } from '../engines/exact/index.js';
import { inferBatch, sameDynamics } from '../engines/exact/batch/index.js';
import { compileModel } from '../simulate/compile-model.js';
import type { Engine, EngineInput } from '../types/engine.js';
import type { FactorGraph, SparseDynamics } from '../types/factor-graph.js';
import type { Model } from '../types/model.js';
import type { Posterior } from '../types/posterior.js';

/** One hypothesis about the agent: a model of it (its reward, α, dynamics it believes in) and a prior weight. */
export interface Hypothesis<S, A> {
  readonly name: string;
  readonly model: Model<S, A>;
  /** Unnormalised prior weight, ≥ 0 and finite (default 1). */
  readonly prior?: number;
  /** The engine that turns the model into a policy (default: `options.engine`, else `exact()`). */
  readonly engine?: Engine<unknown, EngineInput>;
}

/** One observed step: the state, and the action taken there if it was seen. */
export interface ObservedStep<S, A> {
  readonly state: S;
  readonly action?: A;
}

/** Options of `inferGoal`. */
export interface InferGoalOptions<S, A> {
  /** The engine for hypotheses that name none (default `exact()`; e.g. `exact({ backup: 'boltzmann' })`). */
  readonly engine?: Engine<unknown, EngineInput>;
  /** The model whose dynamics generated the steps (default: the hypotheses' own, which must then agree). */
  readonly world?: Model<S, A>;
  /** The time index of steps[0] in the hypotheses' horizon (default 0). */
  readonly start?: number;
}

/** What `inferGoal` returns. */
export interface GoalPosterior<S, A> {
  readonly names: readonly string[];
  /** The normalised prior p(h). */
  readonly prior: Float64Array;
  /** p(h | steps_{0..t}) for t = 0 … steps.length − 1 (everything observed in steps 0 … t). */
  posterior(t: number): Float64Array;
  /** log p(steps | h) for the whole prefix, one per hypothesis (−Infinity where h cannot produce it). */
  readonly logLikelihood: Float64Array;
  /** log p(steps) = log Σ_h p(h) p(steps | h). */
  readonly logMarginal: number;
  /** p(a_L | everything before it) at the last step L: the observer's prediction of the action there. */
  readonly nextAction: Categorical<A>;
  /** p(s_{L+1} | steps): the next state, under the true dynamics (a_L as observed, or predicted). */
  readonly nextState: Categorical<S>;
  /** Each hypothesis's posterior, in order (its policy is the likelihood's π^h). */
  readonly posteriors: readonly Posterior<S, A, EngineInput>[];
}

const PART = 'inferGoal()';

function refuse(message: string, extra: { state?: unknown; action?: unknown; t?: number } = {}): never {
  return fail({ code: 'goal-invalid', part: PART, message: `${PART}: ${message}`, ...extra });
}

/**
 * The posterior over hypotheses after each observed step, with predictions.
 * @example
 * const goal = inferGoal([{ name: 'A', model: toA }, { name: 'B', model: toB }], [{ state: start, action: 'E' }, { state: next }]);
 * goal.posterior(1); // Float64Array [p(A | …), p(B | …)]
 */
export function inferGoal<S, A>(hypotheses: readonly Hypothesis<S, A>[], steps: readonly ObservedStep<S, A>[], options: InferGoalOptions<S, A> = {}): GoalPosterior<S, A> {
  if (!Array.isArray(hypotheses) || hypotheses.length === 0) refuse(`no hypotheses were given; expected an array of at least one { name, model, prior? }`);
  if (!Array.isArray(steps) || steps.length === 0) refuse(`no steps were given; expected at least one { state, action? }`);
  checkOptions(PART, options, ['engine', 'world', 'start']);
  hypotheses.forEach((h, i) => {
    const ok = typeof h === 'object' && h !== null && typeof h.model === 'object' && h.model !== null && (h.model as { kind?: unknown }).kind === 'model';
    if (!ok) refuse(`hypothesis ${i} is ${show(h)}; expected { name, model, prior? } with model built by model(...)`);
  });
  const names = hypotheses.map((h) => h.name);
  names.forEach((name, i) => {
    if (typeof name !== 'string' || name.length === 0) refuse(`hypothesis ${i} has name ${show(name)}; expected a non-empty string`);
    const j = names.indexOf(name);
    if (j !== i) refuse(`the name '${name}' is given to hypotheses ${j} and ${i}; expected distinct names`);
  });
  const H = hypotheses.length;
  const prior = new Float64Array(H);
  hypotheses.forEach((h, i) => {
    const p = h.prior ?? 1;
    if (typeof p !== 'number' || !(p >= 0) || !Number.isFinite(p)) refuse(`hypothesis '${h.name}' has prior ${show(p)}; expected a finite number ≥ 0`);
    prior[i] = p;
  });
  const total = prior.reduce((a, b) => a + b, 0);
  if (!(total > 0)) refuse(`every prior weight is 0; expected at least one positive weight`);
  for (let i = 0; i < H; i++) prior[i] = prior[i]! / total;
  const start = options.start ?? 0;
  if (!Number.isInteger(start) || start < 0) refuse(`start is ${show(start)}; expected a non-negative integer (the time of steps[0])`);

  // One inferBatch call per engine: hypotheses with shared dynamics are solved in one pass.
  const fallback = options.engine ?? exact();
  const engines = hypotheses.map((h) => h.engine ?? fallback);
  const posteriors: Posterior<S, A, EngineInput>[] = new Array(H);
  for (const engine of new Set(engines)) {
    const members = hypotheses.flatMap((_h, i) => (engines[i] === engine ? [i] : []));
    inferBatch<S, A>(members.map((i) => hypotheses[i]!.model), engine).forEach((post, k) => (posteriors[members[k]!] = post));
  }
  const graphs = posteriors.map((p, i) => tablesOf(p, names[i]!));
  const g0 = graphs[0]!;
  graphs.forEach((g, i) => {
    const same = g.nS === g0.nS && g.nA === g0.nA && g.states.values.every((v, j) => g0.states.indexOf(v) === j) && g.actions.values.every((v, j) => g0.actions.indexOf(v) === j);
    if (!same) refuse(`hypothesis '${names[i]}' has ${g.nS} states × ${g.nA} actions, '${names[0]}' has ${g0.nS} × ${g0.nA} (or orders them differently); expected hypotheses that share the state and action domains`);
  });
  const world = worldDynamics(options.world, graphs, names);

  // Steps as indices, checked against the shared domains and the horizon.
  const n = steps.length;
  const sIdx = new Int32Array(n);
  const aIdx = new Int32Array(n).fill(-1);
  steps.forEach((step, k) => {
    if (typeof step !== 'object' || step === null) refuse(`step ${k} is ${show(step)}; expected { state, action? }`, { t: k });
    sIdx[k] = g0.states.indexOf(step.state);
    if (sIdx[k]! < 0) refuse(`step ${k}: state ${show(step.state)} is not a state of the hypotheses' models`, { state: step.state, t: k });
    if (step.action !== undefined) {
      aIdx[k] = g0.actions.indexOf(step.action);
      if (aIdx[k]! < 0) refuse(`step ${k}: action ${show(step.action)} is not an action of the hypotheses' models`, { action: step.action, t: k });
    }
  });
  const horizons = graphs.map((g) => g.horizon);
  const T = Math.min(...horizons);
  if (start + n > T) refuse(`${n} steps from t = ${start} reach past the horizon T = ${T} (every step is a decision); expected at most ${T - start} steps`, { t: T });

  // Policy rows π^h_t(·|s), read through each posterior; a state where h's policy is undefined gives 0.
  const nA = g0.nA;
  const policyAt = (h: number, k: number): Float64Array => {
    const post = posteriors[h]!;
    const t = Number.isFinite(post.horizon) ? start + k : 0;
    const row = new Float64Array(nA);
    try {
      const dist = post.policy(t, g0.states.values[sIdx[k]!]!);
      dist.support.forEach((a, j) => (row[g0.actions.indexOf(a)] = dist.probs[j]!));
    } catch (error) {
      if (!(error instanceof CaiError) || (error.code !== 'state-infeasible' && error.code !== 'infeasible')) throw error;
    }
    return row;
  };
  const rows: Float64Array[][] = Array.from({ length: H }, (_, h) => Array.from({ length: n }, (_, k) => policyAt(h, k)));
  const successor = (k: number, a: number, to: number) => transitionProb(world, sIdx[k]! * nA + a, to);

  // Cumulative log-likelihoods after each step, and the last action's own factor (for the prediction).
  const cumulative: Float64Array[] = [];
  const running = new Float64Array(H);
  const beforeLast = new Float64Array(H); // log p(steps | h) without the last step's own action factor
  for (let k = 0; k < n; k++) {
    for (let h = 0; h < H; h++) {
      let log = 0;
      if (k >= 1) {
        const prev = aIdx[k - 1]!;
        let p = 0;
        if (prev >= 0) p = successor(k - 1, prev, sIdx[k]!);
        else for (let a = 0; a < nA; a++) p += rows[h]![k - 1]![a]! * successor(k - 1, a, sIdx[k]!);
        log += Math.log(p);
      }
      if (k === n - 1) beforeLast[h] = running[h]! + log;
      if (aIdx[k]! >= 0) log += Math.log(rows[h]![k]![aIdx[k]!]!);
      running[h] = running[h]! + log;
    }
    if (k >= 1 && aIdx[k - 1]! >= 0 && successor(k - 1, aIdx[k - 1]!, sIdx[k]!) === 0) {
      refuse(`step ${k - 1}: s=${show(steps[k - 1]!.state)} → s′=${show(steps[k]!.state)} under a=${show(steps[k - 1]!.action)} has probability 0 under the true dynamics; check the steps or options.world`, { t: k - 1 });
    }
    if (running.every((v, h) => v === -Infinity || prior[h] === 0)) {
      refuse(`no hypothesis with prior mass gives steps 0 … ${k} positive probability (the last of them: ${show(steps[k])}); expected at least one hypothesis whose policy and the true dynamics can produce them`, { t: k });
    }
    cumulative.push(normalise(prior, running));
  }
  const logLikelihood = running.slice();
  const logMarginal = logSumExpWeighted(prior, logLikelihood);

  // Predictions at the last step L.
  const L = n - 1;
  const before = aIdx[L]! >= 0 ? normalise(prior, beforeLast) : cumulative[L]!;
  const action = new Float64Array(nA);
  for (let h = 0; h < H; h++) for (let a = 0; a < nA; a++) action[a] = action[a]! + before[h]! * rows[h]![L]![a]!;
  const state = new Float64Array(g0.nS);
  const after = cumulative[L]!;
  for (let h = 0; h < H; h++) {
    for (let a = 0; a < nA; a++) {
      const pa = aIdx[L]! >= 0 ? (a === aIdx[L] ? 1 : 0) : rows[h]![L]![a]!;
      const w = after[h]! * pa;
      if (w === 0) continue;
      const row = sIdx[L]! * nA + a;
      for (let e = world.rowStart[row]!; e < world.rowStart[row + 1]!; e++) state[world.next[e]!] = state[world.next[e]!]! + w * world.prob[e]!;
    }
  }

  return Object.freeze({
    names: Object.freeze([...names]),
    prior,
    posterior: (t: number) => {
      if (!Number.isInteger(t) || t < 0 || t >= n) fail({ code: 'time-out-of-range', part: 'posterior', t, message: `posterior: t = ${show(t)} is outside the observed steps; expected 0 … ${n - 1}` });
      return cumulative[t]!.slice();
    },
    logLikelihood,
    logMarginal,
    nextAction: categorical(g0.actions.values.map((a, j) => [a, action[j]!] as const)),
    nextState: categorical(g0.states.values.flatMap((s, j) => (state[j]! > 0 ? [[s, state[j]!] as const] : []))),
    posteriors: Object.freeze(posteriors),
  });
}

function tablesOf<S, A>(post: Posterior<S, A, EngineInput>, name: string): FactorGraph<S, A> {
  if (post.graph.kind !== 'factor-graph') refuse(`hypothesis '${name}' was solved by ${post.engine}() on a model without tables; expected a tabulated model (finite state and action domains)`);
  return post.graph;
}

/** The true dynamics: options.world's, or the hypotheses' own when they all agree. */
function worldDynamics<S, A>(world: Model<S, A> | undefined, graphs: readonly FactorGraph<S, A>[], names: readonly string[]): SparseDynamics {
  const g0 = graphs[0]!;
  if (world !== undefined) {
    const w = compileModel(world);
    if (w.kind !== 'factor-graph') refuse(`options.world has no tables; expected a tabulated model with the hypotheses' state and action domains`);
    const same = w.nS === g0.nS && w.nA === g0.nA && w.states.values.every((v, j) => g0.states.indexOf(v) === j) && w.actions.values.every((v, j) => g0.actions.indexOf(v) === j);
    if (!same) refuse(`options.world has ${w.nS} states × ${w.nA} actions, the hypotheses ${g0.nS} × ${g0.nA} (or orders them differently); expected the same state and action domains`);
    return w.dynamics;
  }
  const flat = (g: FactorGraph<S, A>) => ({ ...g, horizon: 1, gamma: 1, terminal: undefined, prior: g0.prior }) as FactorGraph<unknown, unknown>;
  graphs.forEach((g, i) => {
    if (!sameDynamics(flat(g0), flat(g))) refuse(`hypotheses '${names[0]}' and '${names[i]}' have different dynamics, so the true dynamics are ambiguous; expected options.world (the model whose dynamics generated the steps)`);
  });
  return g0.dynamics;
}

/** p(s' = to | row) from CSR. */
function transitionProb(d: SparseDynamics, row: number, to: number): number {
  for (let e = d.rowStart[row]!; e < d.rowStart[row + 1]!; e++) if (d.next[e] === to) return d.prob[e]!;
  return 0;
}

/** log Σ_h p(h) exp(ℓ_h), shifted by the largest term. */
function logSumExpWeighted(prior: Float64Array, log: Float64Array): number {
  let m = -Infinity;
  for (let h = 0; h < prior.length; h++) if (prior[h]! > 0 && log[h]! > m) m = log[h]!;
  if (m === -Infinity) return -Infinity;
  let sum = 0;
  for (let h = 0; h < prior.length; h++) if (prior[h]! > 0) sum += prior[h]! * Math.exp(log[h]! - m);
  return m + Math.log(sum);
}

/** p(h) exp(ℓ_h) / Σ, in a shifted form so that very negative ℓ do not underflow to 0/0. */
function normalise(prior: Float64Array, log: Float64Array): Float64Array {
  const z = logSumExpWeighted(prior, log);
  return prior.map((p, h) => (p === 0 || log[h] === -Infinity ? 0 : p * Math.exp(log[h]! - z)));
}
