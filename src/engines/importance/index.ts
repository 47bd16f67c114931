/**
 * `importance({ particles, proposal, resample, essThreshold, seed, steps })`:
 * importance sampling and sequential Monte Carlo of trajectories. It needs
 * only a simulator, so it runs on models whose transitions sample
 * (`sampler(...)`) or whose states are continuous (`state.simulated`), and on
 * tabulated models through their tables.
 *
 *   w(τ) = p(τ) Π_t exp(γ^t r_t/α) exp(γ^T r_T/α) / q(τ)        (the target over the proposal)
 *   Ẑ = Π_{stages} (1/N) Σ_i w_i                                 (unbiased: E[Ẑ] = p(O))
 *
 * Estimates are self-normalised over the weighted trajectories (src/posterior/weighted.ts).
 */
import { simulatorGraph } from '../../simulate/model-simulator.js';
import { rng } from '../../dist/rng.js';
import { checkOptions, fail, show } from '../../errors.js';
import { weightedPosterior, type WeightedPosterior } from '../../posterior/weighted.js';
import { simulatorOf } from '../../simulate/index.js';
import { checkRewardScale } from '../reward-scale.js';
import { checkMemory, SLOT_BYTES } from '../../compile/memory.js';
import type { Capability, Engine } from '../../types/engine.js';
import type { Evidence, Exactness } from '../../types/posterior.js';
import type { CompiledModel } from '../../types/simulator.js';
import { evidenceStandardError, normalisedWeights, type StandardErrorMethod } from './estimates.js';
import { runParticles, type ParticleSystem } from './particles.js';
import { bindProposal, priorRows, type Proposal } from './proposals.js';
import type { ResampleScheme } from './smc.js';

export type { Proposal, ProposalFunction } from './proposals.js';
export type { ResampleScheme } from './smc.js';
export type { StandardErrorMethod } from './estimates.js';

/** Options of `importance(...)`. */
export interface ImportanceOptions<S = unknown, A = unknown> {
  /** N, the number of particles (trajectories). Default 1000. */
  readonly particles?: number;
  /**
   * q(τ): 'prior' (the action prior and the dynamics; default), a Posterior whose policy
   * proposes actions (an exact posterior also tilts s_0 and the dynamics, so q = p(τ|O)),
   * or a function (t, s) => distribution over actions.
   */
  readonly proposal?: Proposal<S, A>;
  /** 'systematic' (default), 'multinomial', or 'none' for plain importance sampling. */
  readonly resample?: ResampleScheme;
  /** Resample after a step when ESS < essThreshold · N; in (0, 1], default 0.5 (1: at every step). */
  readonly essThreshold?: number;
  /** Seed of the one random stream of the run. Default 0. */
  readonly seed?: number | string;
  /** Decisions to simulate: required for a discounted infinite horizon, at most T otherwise (default T). */
  readonly steps?: number;
}

/** The checked options as the engine keeps them. */
export interface ImportanceSettings {
  readonly particles: number;
  readonly proposal: Proposal;
  readonly resample: ResampleScheme;
  readonly essThreshold: number;
  readonly seed: number | string;
  readonly steps: number | undefined;
}

/** The posterior `importance(...)` returns: the common interface plus the weighted particles. */
export type ImportancePosterior<S, A> = WeightedPosterior<S, A>;

declare module '../../types/engine.js' {
  /** `infer(model, importance())` is an `ImportancePosterior<S, A>`. */
  interface PosteriorTypes<S, A, R extends EngineInput> {
    readonly importance: ImportancePosterior<S, A>;
  }
}

const KNOWN: readonly (keyof ImportanceOptions)[] = ['particles', 'proposal', 'resample', 'essThreshold', 'seed', 'steps'];
const PART = 'importance()';

/**
 * The importance-sampling / SMC engine.
 * @example infer(pointMass, importance({ particles: 2000, resample: 'systematic', seed: 1 }))
 */
export function importance<S = unknown, A = unknown>(options: ImportanceOptions<S, A> = {}): Engine<ImportanceSettings, 'simulator', 'importance'> {
  checkOptions(PART, options, KNOWN);
  const particles = options.particles ?? 1000;
  if (!Number.isInteger(particles) || particles < 1) invalid(`particles must be a positive integer, got ${show(particles)}`);
  const resample = options.resample ?? 'systematic';
  if (resample !== 'none' && resample !== 'systematic' && resample !== 'multinomial') invalid(`resample must be 'none', 'systematic' or 'multinomial', got ${show(resample)}`);
  if (resample === 'none' && options.essThreshold !== undefined) invalid(`essThreshold applies only with resampling, but resample is 'none'; drop essThreshold or choose resample: 'systematic'`);
  const essThreshold = options.essThreshold ?? 0.5;
  if (typeof essThreshold !== 'number' || !(essThreshold > 0 && essThreshold <= 1)) invalid(`essThreshold must be in (0, 1], got ${show(essThreshold)}`);
  const seed = options.seed ?? 0;
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') invalid(`seed must be a finite number or a string, got ${show(seed)}`);
  const steps = options.steps;
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) invalid(`steps must be a positive integer, got ${show(steps)}`);
  const proposal = (options.proposal ?? 'prior') as Proposal;
  if (proposal !== 'prior' && typeof proposal !== 'function' && (typeof proposal !== 'object' || proposal === null || typeof (proposal as { policy?: unknown }).policy !== 'function')) {
    invalid(`proposal must be 'prior', a Posterior (e.g. infer(model, exact())) or a function (t, s) => distribution over actions, got ${show(proposal)}`);
  }
  const settings: ImportanceSettings = Object.freeze({ particles, proposal, resample, essThreshold, seed, steps });
  const capabilities: Capability[] = ['marginals', 'evidence', 'sampling'];
  return Object.freeze({
    name: 'importance',
    capabilities,
    options: settings,
    reads: 'simulator' as const,
    simulate: simulatorGraph,
    run: <S2, A2>(graph: CompiledModel<S2, A2>) => runImportance(graph, settings),
  });
}

function invalid(message: string): never {
  return fail({ code: 'option-invalid', part: PART, message: `${PART}: ${message}` });
}

function runImportance<S, A>(graph: CompiledModel<S, A>, settings: ImportanceSettings): ImportancePosterior<S, A> {
  const sim = simulatorOf(graph);
  if (!(sim.alpha > 0)) {
    fail({ code: 'temperature-invalid', part: PART, message: `${PART}: temperature(0) is the hard-max limit, where p(O = 1 | s, a) = exp(r/α) is not a probability to weight trajectories by; use temperature(α) with α > 0, or exact() on a tabulable model` });
  }
  checkRewardScale(graph as CompiledModel, PART);
  const horizon = sim.horizon;
  let decisions: number;
  if (!Number.isFinite(horizon)) {
    if (settings.steps === undefined) {
      fail({ code: 'option-invalid', part: PART, message: `${PART}: the model has a discounted infinite horizon, which no finite trajectory covers; pass { steps: H } to weight the first H decisions by exp(γ^t r_t/α) (the tail beyond H is dropped)` });
    }
    decisions = settings.steps;
  } else {
    if (settings.steps !== undefined && settings.steps > horizon) invalid(`steps = ${settings.steps} exceeds the horizon T = ${horizon}; expected 1 … ${horizon}`);
    decisions = settings.steps ?? horizon;
  }
  const terminal = sim.hasTerminal && decisions === horizon;
  // The genealogy: per step a state and an action column, parents where resampled, and the traced copy.
  const perSlot = (sim.indexed ? 4 : SLOT_BYTES) * 2 + 4 + 4;
  checkMemory(PART, settings.particles * (decisions + 1) * perSlot, `${settings.particles} particles × ${decisions} decisions`, 'use fewer particles or fewer decisions (the steps option)');
  const compiled = graph as CompiledModel;
  const proposal = bindProposal(settings.proposal, compiled, sim, decisions, terminal);
  const system = runParticles(sim, proposal, priorRows(compiled, sim), {
    particles: settings.particles,
    decisions,
    terminal,
    resample: settings.resample,
    essThreshold: settings.essThreshold,
    random: rng(settings.seed, PART),
    tables: compiled.kind === 'factor-graph' ? compiled : undefined,
  });
  const weights = normalisedWeights(system.logWeights);
  const se = evidenceStandardError(weights, system.eves, system.resamplings, system.stageEss);
  const lineages = survivingLineages(weights, system.eves);
  return weightedPosterior<S, A>({
    engine: 'importance',
    graph,
    exactness: exactness(settings, proposal.description, proposal.supportNote, system, sim.gamma, decisions, horizon, lineages),
    evidence: evidence(system, se.standardError, se.method, settings, lineages),
    alpha: sim.alpha,
    decisions,
    terminal,
    states: system.states,
    actions: system.actions,
    logWeights: system.logWeights,
    weights,
    ess: system.ess,
    resampled: system.resampled,
    lineages,
    lineagesAt: system.lineagesAt,
    indexed: sim.indexed,
    stateDomain: sim.states,
    value: (x) => sim.value(x),
    index: (x) => sim.index(x),
  });
}

/**
 * How many of the N particles drawn at t = 0 still have a descendant with weight > 0 at the end.
 * Resampling can only lower it; when it is small, every estimate — the standard error included —
 * rests on those few lineages, and what resampling pruned is invisible to them.
 */
function survivingLineages(weights: Float64Array, eves: Int32Array): number {
  const seen = new Uint8Array(weights.length);
  let count = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! > 0 && seen[eves[i]!] === 0) {
      seen[eves[i]!] = 1;
      count++;
    }
  }
  return count;
}

/** The lineage count in words, with a warning when fewer than 10 % survive. */
function lineageNote(lineages: number, n: number): string {
  const share = `${lineages} of the ${n} particles drawn at t = 0 have descendants with weight > 0 at the end`;
  return lineages < 0.1 * n
    ? `${share}: the estimates and their standard error rest on those few lineages, and what resampling pruned cannot show in them, so the standard error may be optimistic — compare with resample: 'none' or more particles`
    : share;
}

function exactness(settings: ImportanceSettings, proposal: string, supportNote: string | undefined, system: ParticleSystem, gamma: number, decisions: number, horizon: number, lineages: number): Exactness {
  const notes: string[] = [`Proposal: ${proposal}.`];
  if (supportNote !== undefined) notes.push(supportNote);
  const n = settings.particles;
  let minEss = Infinity;
  for (const e of system.ess) minEss = Math.min(minEss, e);
  notes.push(
    settings.resample === 'none'
      ? `Plain importance sampling with ${n} particles; final ESS ${system.ess[system.ess.length - 1]!.toFixed(1)}.`
      : `SMC with ${n} particles, ${settings.resample} resampling when ESS < ${settings.essThreshold}·N (${system.resamplings} times); smallest ESS ${minEss.toFixed(1)}. Early steps rest on fewer distinct ancestors after resampling (path degeneracy).`,
  );
  notes.push(`${lineageNote(lineages, n)}.`);
  if (gamma < 1) notes.push(`Discount γ = ${gamma}: trajectories are weighted by exp(γ^t r_t/α), the discounted return in the exponent; this differs from exact()'s discounted soft backup, which is no distribution over trajectories.`);
  if (decisions < horizon && Number.isFinite(horizon)) notes.push(`Only the first ${decisions} of ${horizon} decisions are simulated (steps option); the evidence is p(O_{0:${decisions - 1}}).`);
  if (!Number.isFinite(horizon)) notes.push(`Infinite horizon truncated at ${decisions} decisions (steps option).`);
  return {
    posterior: false,
    policy: 'self-normalised importance-sampling estimate of p(a_t | s_t, O) at the states the particles visit',
    evidence: 'estimate',
    notes,
  };
}

function evidence(system: ParticleSystem, standardError: number, method: StandardErrorMethod, settings: ImportanceSettings, lineages: number): Evidence {
  const how =
    method === 'single-lineage'
      ? `SE reported as Infinity: the final weight rests on fewer than two effective lineages (${settings.resample === 'none' ? 'ESS < 2' : 'Σ_e Ω_e² > 1/2 over the t = 0 ancestors'}), where the variance of Ẑ cannot be estimated from the particles — the usual estimators are capped at 1 nat there whatever the true spread; use more particles, a better proposal, or compare independent runs (seeds)`
      : method === 'delta-method'
      ? 'delta-method SE from the weights, √((N/ESS − 1)/(N − 1))'
      : method === 'lee-whiteley'
        ? 'SE by the Lee–Whiteley genealogy estimator of Var(Ẑ), then the delta method'
        : 'SE as the sum of per-stage delta-method variances (the genealogy estimate was ≤ 0; a floor, not an estimate)';
  const estimator = settings.resample === 'none' ? 'log of the mean importance weight' : `log Π over ${system.resamplings + 1} stages of the mean weight`;
  return {
    kind: 'estimate',
    logValue: system.logEvidence,
    standardError,
    description: `log p(O) estimated by ${settings.particles} particles: the ${estimator}, whose exponential is an unbiased estimate of p(O); ${how}; ${lineageNote(lineages, settings.particles)}.`,
  };
}
