/**
 * The posterior a learning engine returns: its learned policy π, as q is for
 * the variational engine, with the learning curves attached (`learningFit`).
 *
 * - Tabulated model: `tabularPosterior` over π with the dynamics untilted, so
 *   marginals, samples, the mode and log π(τ) are exact under π. Q(t) and V(t)
 *   are π's own soft values on the model's tables (`evaluate(…, { soft: true })`),
 *   and the evidence is π's exact ELBO, a lower bound on log p(O), with the gap
 *   log p(O) − ELBO to exact sum-product. The critic's own estimates are in
 *   `learningFit(post).criticTable(t)`.
 * - Simulated model: the policy at any state, samples by simulation, and a Monte
 *   Carlo estimate of π's ELBO (truncated where γ^H < 1e-6 on an infinite horizon).
 */
import { rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import { evaluate } from '../../posterior/evaluate.js';
import { simulatedPosterior } from '../../posterior/simulated.js';
import { tabularPosterior } from '../../posterior/tabular.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Evidence, EvidenceKind, Exactness, Posterior } from '../../types/posterior.js';
import type { CompiledModel, Simulator, SimulatorGraph } from '../../types/simulator.js';
import { exact } from '../exact/index.js';
import type { Learner } from './learner.js';
import { drawAction, softmaxInto } from './softmax.js';

/** One point per completed episode. */
export interface LearningCurves {
  /**
   * Environment steps taken by the end of each episode (the x axis). One point per episode up to
   * 16 384 points; beyond that every other point is dropped and every 2nd, 4th, … episode kept, so the
   * curves stay bounded however long the run (read the x axis, not the index, as the episode's place).
   */
  readonly environmentSteps: Float64Array;
  /** Σ_t γ^t r_t (+ γ^T r_T) of each episode, in reward units, under the behaviour policy. */
  readonly return: Float64Array;
  /** Mean entropy H(π(·|s_t)) in nats of the behaviour policy along each episode. */
  readonly entropy: Float64Array;
  /** Mean squared TD error of the critic updates during each episode (NaN where none ran; NaN throughout for pseudo-likelihood EM, which has no critic). */
  readonly criticError: Float64Array;
  /** VIREL: β(ω) at the end of each episode. */
  readonly beta: Float64Array | undefined;
  /** Soft actor-critic: the temperature at the end of each episode. */
  readonly temperature: Float64Array | undefined;
}

/** How a learning run went. */
export interface LearningFit {
  readonly engine: string;
  /** The critic's and the actor's family names (undefined where the engine has none). */
  readonly critic: string | undefined;
  readonly actor: string | undefined;
  /** Environment steps used (decisions simulated). */
  readonly environmentSteps: number;
  readonly episodes: number;
  /** Gradient updates (or EM iterations) made. */
  readonly updates: number;
  readonly curves: LearningCurves;
  /** α at the end: the model's, or soft actor-critic's tuned value. */
  readonly temperature: number;
  /** VIREL's β(ω) at the end. */
  readonly beta: number | undefined;
  /** The learned parameters (copies). */
  readonly criticParameters: Float64Array | undefined;
  readonly actorParameters: Float64Array | undefined;
  /** The critic's Q_t(s, a) in reward units (nS × nA) on a finite state domain; undefined without a critic or a domain. */
  readonly criticTable: ((t: number) => Float64Array) | undefined;
  /**
   * Decisions the learner took in each state (length nS, over every step of every episode) on a
   * finite state domain; undefined otherwise. A state with 0 visits was never trained on: pictures
   * mark it unknown rather than drawing the value π happens to have there.
   */
  readonly visits: Float64Array | undefined;
  /** The learned policy's ELBO: exact on tables, else the Monte Carlo estimate. */
  readonly elbo: number;
  /** log p(O) by exact sum-product and log p(O) − ELBO, on a tabulated model. */
  readonly logZ: number | undefined;
  readonly gap: number | undefined;
}

/** A learning engine's posterior: the common interface plus the run (`learningFit(post)` reads it). */
export type LearnedPosterior<S = unknown, A = unknown> = Posterior<S, A, 'simulator'> & { readonly fit: LearningFit };

/** What the driver hands over besides the learner. */
export interface RunSummary {
  readonly engine: string;
  readonly environmentSteps: number;
  readonly episodes: number;
  readonly updates: number;
  readonly curves: LearningCurves;
  readonly evaluationSamples: number;
  readonly episodeLength: number;
  /** True on the discounted infinite horizon (one stationary slice). */
  readonly stationary: boolean;
  readonly seed: number | string;
  /** Decisions taken in each state (finite domain), or undefined. */
  readonly visits: Float64Array | undefined;
}

export function learnedPosterior<S, A>(graph: CompiledModel<S, A>, sim: Simulator<unknown, S, unknown>, learner: Learner<S>, run: RunSummary): LearnedPosterior<S, A> {
  const base = {
    engine: run.engine,
    critic: learner.criticName,
    actor: learner.actorName,
    environmentSteps: run.environmentSteps,
    episodes: run.episodes,
    updates: run.updates,
    curves: run.curves,
    temperature: learner.temperature,
    beta: learner.beta,
    criticParameters: learner.critic?.params.slice(),
    actorParameters: learner.actorParameters?.slice(),
    criticTable: criticTable(sim, learner),
    visits: run.visits,
  };
  if (graph.kind === 'factor-graph') return tabular(graph, learner, run, base);
  return simulated(graph, sim, learner, run, base);
}

type FitBase = Omit<LearningFit, 'elbo' | 'logZ' | 'gap'>;

/** The critic's table at t, when the state domain is finite (a copy per call). */
function criticTable<S>(sim: Simulator<unknown, S, unknown>, learner: Learner<S>): ((t: number) => Float64Array) | undefined {
  const critic = learner.critic;
  const states = sim.states;
  if (critic === undefined || states === undefined) return undefined;
  const finite = Number.isFinite(sim.horizon);
  const nA = sim.nA;
  const params = critic.params.slice();
  return (t) => {
    const out = new Float64Array(states.size * nA);
    const row = new Float64Array(nA);
    for (let s = 0; s < states.size; s++) {
      critic.bound.logits(params, states.values[s]!, finite ? t : 0, row, s);
      out.set(row, s * nA);
    }
    return out;
  };
}

function exactness(run: RunSummary, learner: Learner<unknown>, evidence: EvidenceKind, notes: string[]): Exactness {
  return {
    posterior: false,
    policy: learner.policyDescription,
    evidence,
    notes: [
      `Learned from ${run.environmentSteps} environment steps (${run.episodes} episodes) with seed ${show(run.seed)}; learningFit(post) holds the curves.`,
      ...(run.stationary ? [`The discounted infinite horizon is stationary: every family is read at t = 0 whatever its timeIndexed option, and episodes of ${run.episodeLength} decisions restart from p(s_0).`] : []),
      ...notes,
    ],
  };
}

function withFit<S, A>(post: Posterior<S, A, 'simulator'>, fit: LearningFit): LearnedPosterior<S, A> {
  Object.defineProperty(post, 'fit', { value: Object.freeze(fit), enumerable: true, writable: false });
  return post as LearnedPosterior<S, A>;
}

/** π on every slice as tables, with log π in log space; rows of states with no allowed action stay 0 (−∞). */
function policyTables<S>(graph: FactorGraph<S, unknown>, learner: Learner<S>, slices: number): { probs: Float64Array[]; logs: Float64Array[] } {
  const { nS, nA } = graph;
  const prior = new Float64Array(nA);
  const logits = new Float64Array(nA);
  const row = new Float64Array(nA);
  const probs: Float64Array[] = [];
  const logs: Float64Array[] = [];
  for (let t = 0; t < slices; t++) {
    const reward = graph.rewardAt(t);
    const p = new Float64Array(nS * nA);
    const l = new Float64Array(nS * nA).fill(-Infinity);
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) prior[a] = reward[s * nA + a] === -Infinity ? 0 : graph.prior[s * nA + a]!;
      learner.logits(graph.states.values[s]!, t, s, logits);
      const L = softmaxInto(prior, logits, 1, row);
      if (L === -Infinity) continue;
      for (let a = 0; a < nA; a++) {
        if (row[a]! <= 0) continue;
        p[s * nA + a] = row[a]!;
        l[s * nA + a] = Math.log(prior[a]!) + logits[a]! - L;
      }
    }
    probs.push(p);
    logs.push(l);
  }
  return { probs, logs };
}

function tabular<S, A>(graph: FactorGraph<S, A>, learner: Learner<S>, run: RunSummary, base: FitBase): LearnedPosterior<S, A> {
  const { nS, nA, alpha } = graph;
  const finite = Number.isFinite(graph.horizon);
  const slot = (t: number) => (finite ? t : 0);
  const { probs, logs } = policyTables(graph as FactorGraph<S, unknown>, learner, finite ? graph.horizon : 1);
  // ELBO(π) = E_{p(s_0)}[V^π_0]/α with the soft V^π of π under the true dynamics.
  const evaluation = evaluate(graph, { table: (t) => probs[slot(t)]! }, { soft: true });
  const elbo = evaluation.value / alpha;
  const logZ = exact().run(graph, {}).logEvidence;
  const gap = logZ - elbo;
  const fit: LearningFit = { ...base, elbo, logZ, gap };
  const discounted = graph.gamma < 1 ? ' With γ < 1 both are discounted soft values, not log-probabilities.' : '';
  const evidence: Evidence = {
    kind: 'lower-bound',
    logValue: elbo,
    description: `ELBO of the policy learned by ${run.engine}() from ${run.environmentSteps} environment steps, evaluated exactly on the model's tables; ≤ log p(O), with log p(O) − ELBO = ${gap.toExponential(3)} (log p(O) = ${logZ.toPrecision(10)} by exact sum-product).${discounted}`,
  };
  const notes = [
    graph.gamma < 1
      ? `log p(O) − ELBO = ${gap.toExponential(3)}: with γ < 1 both are discounted soft values, so the gap measures how far π is from the optimum but is not a KL divergence.`
      : `log p(O) − ELBO = ${gap.toExponential(3)}: the KL divergence from the learned π(τ) to the exact p(τ | O).`,
    "Marginals, samples, the mode and logProb are exact under the learned policy (the true dynamics, untilted). Q(t) and V(t) are the policy's own soft values on the model's tables (evaluate(model, post, { soft: true })), not the critic's estimates, which learningFit(post).criticTable(t) holds.",
  ];
  const post = tabularPosterior<S, A>({
    engine: run.engine,
    graph,
    exactness: exactness(run, learner as Learner<unknown>, 'lower-bound', notes),
    evidence,
    value: evaluation.value,
    convergence: evaluation.convergence,
    initial: graph.initial.slice(),
    logInitial: graph.initial.map(Math.log),
    policyRow: (t, s, out) => copyRow(probs[slot(t)]!, s, nA, out),
    logPolicyRow: (t, s, out) => copyRow(logs[slot(t)]!, s, nA, out) && out.some((v) => v > -Infinity),
    policyTableInto: (t, out) => out.set(probs[slot(t)]!),
    Q: (t) => evaluation.Q(t),
    V: (t) => (finite && t === graph.horizon ? (graph.terminal ?? new Float64Array(nS)).slice() : evaluation.V(t)),
    tilt: () => undefined,
    infeasible: elbo === -Infinity ? `the learned policy's ELBO is −Infinity: it puts mass on a path that meets a −Infinity reward` : undefined,
    policyNeedsEvidence: false,
  });
  return withFit(post as unknown as Posterior<S, A, 'simulator'>, fit);
}

/** Copy row s of an nS × nA table into `out`; false when the row is all zero (no allowed action). */
function copyRow(table: Float64Array, s: number, nA: number, out: Float64Array): boolean {
  let any = false;
  for (let a = 0; a < nA; a++) {
    out[a] = table[s * nA + a]!;
    if (out[a] !== 0 && out[a] !== -Infinity) any = true;
  }
  return any;
}

function simulated<S, A>(graph: SimulatorGraph<S, A>, sim: Simulator<unknown, S, unknown>, learner: Learner<S>, run: RunSummary, base: FitBase): LearnedPosterior<S, A> {
  const { mean, standardError, horizon } = estimateElbo(sim, learner, run);
  const fit: LearningFit = { ...base, elbo: mean, logZ: undefined, gap: undefined };
  const truncated = Number.isFinite(sim.horizon) ? '' : ` Each trajectory is cut after ${horizon} decisions, where γ^H < 1e-6.`;
  const post = simulatedPosterior<S, A>({
    engine: run.engine,
    graph,
    sim,
    logits: (s, t, index, out) => learner.logits(s, t, index, out),
    exactness: exactness(run, learner as Learner<unknown>, 'estimate', [
      'The model is simulated: the policy comes from the learned actor at any state and samples by simulation; tables, marginals, the mode and logProb are not available.',
    ]),
    evidence: {
      kind: 'estimate',
      logValue: mean,
      standardError,
      description: `A Monte Carlo estimate, from ${run.evaluationSamples} trajectories of the policy learned by ${run.engine}(), of its ELBO, itself a lower bound on log p(O); being noisy, the estimate can exceed log p(O) by chance (about ${standardError.toPrecision(3)}, its standard error).${truncated}`,
    },
  });
  return withFit(post, fit);
}

/** Mean and standard error of Σ_t γ^t (r_t/α − log(π/p)) (+ γ^T r_T/α) over fresh trajectories of π. */
function estimateElbo<S>(sim: Simulator<unknown, S, unknown>, learner: Learner<S>, run: RunSummary): { mean: number; standardError: number; horizon: number } {
  const random = rng(run.seed, `${run.engine}()`);
  // A separate stream from the learning run's: derived from the seed, so the estimate is reproducible.
  for (let i = 0; i < 17; i++) random.next();
  const finite = Number.isFinite(sim.horizon);
  const H = finite ? sim.horizon : Math.max(1, Math.ceil(Math.log(1e-6) / Math.log(sim.gamma)));
  const nA = sim.nA;
  const prior = new Float64Array(nA);
  const logits = new Float64Array(nA);
  const pi = new Float64Array(nA);
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < run.evaluationSamples; i++) {
    let x = sim.initial(random);
    let total = 0;
    let discount = 1;
    for (let t = 0; t < H; t++) {
      const slot = finite ? t : 0;
      sim.prior(x, prior);
      for (let a = 0; a < nA; a++) if (prior[a]! > 0 && sim.reward(x, a, slot) === -Infinity) prior[a] = 0;
      learner.logits(sim.value(x), slot, sim.index(x), logits);
      const L = softmaxInto(prior, logits, 1, pi);
      if (L === -Infinity) {
        fail({ code: 'infeasible', part: `${run.engine}()`, state: sim.value(x), t, message: `${run.engine}(): evaluating the learned policy reached s=${show(sim.value(x))} at t=${t}, where every action has r = −Infinity or prior 0; its ELBO is −Infinity` });
      }
      const a = drawAction(random.next(), pi);
      total += discount * (sim.reward(x, a, slot) / sim.alpha - (logits[a]! - L));
      discount *= sim.gamma;
      if (t < H - 1 || (finite && sim.hasTerminal)) x = sim.step(x, a, random);
    }
    if (finite && sim.hasTerminal) total += (discount * sim.terminal(x)) / sim.alpha;
    n++;
    const delta = total - mean;
    mean += delta / n;
    m2 += delta * (total - mean);
  }
  return { mean, standardError: Math.sqrt(m2 / (n - 1) / n), horizon: H };
}
