/**
 * The loop every learning engine shares: act with the learner's behaviour
 * policy, write each transition to the replay buffer, let the learner learn,
 * record one point of the learning curves per episode, report progress, and
 * finally turn the learned policy into a `Posterior` (posterior.ts).
 */
import { simulatorGraph } from '../../simulate/model-simulator.js';
import { rng } from '../../dist/rng.js';
import { fail } from '../../errors.js';
import { simulatorOf } from '../../simulate/index.js';
import { checkRewardScale } from '../reward-scale.js';
import { checkMemory } from '../../compile/memory.js';
import type { Capability, Engine, RunContext } from '../../types/engine.js';
import type { CompiledModel } from '../../types/simulator.js';
import type { PolicyFamily } from '../variational/families.js';
import { DivergenceGuard } from './divergence.js';
import { Environment } from './environment.js';
import type { Learner, LearnerSetup } from './learner.js';
import type { LearningSettings } from './options.js';
import { learnedPosterior, type LearnedPosterior, type LearningCurves } from './posterior.js';
import { ReplayBuffer } from './replay.js';
import { drawAction, entropyOf } from './softmax.js';

/**
 * Growable columns of the learning curves, one point per episode up to MAX_CURVE_POINTS; past that
 * every other point is dropped and only every `stride`-th episode is kept
 * (stride doubling each time), so a run of 10^9 one-step episodes holds at
 * most MAX_CURVE_POINTS points (~1 MB) instead of ~100 GB.
 */
export const MAX_CURVE_POINTS = 2 ** 14;

class CurveBuilder {
  environmentSteps: number[] = [];
  return: number[] = [];
  entropy: number[] = [];
  criticError: number[] = [];
  beta: number[] = [];
  temperature: number[] = [];
  /** Episodes finished (every one, kept or not). */
  episodes = 0;
  /** Every stride-th episode is kept. */
  stride = 1;

  /** Count an episode; true when its point is to be recorded. */
  next(): boolean {
    this.episodes++;
    return this.episodes % this.stride === 0;
  }

  /** After recording: at the cap, keep every other point and double the stride. */
  thin(): void {
    if (this.return.length < MAX_CURVE_POINTS) return;
    const odd = <T>(xs: T[]) => xs.filter((_, i) => i % 2 === 1);
    this.environmentSteps = odd(this.environmentSteps);
    this.return = odd(this.return);
    this.entropy = odd(this.entropy);
    this.criticError = odd(this.criticError);
    this.beta = odd(this.beta);
    this.temperature = odd(this.temperature);
    this.stride *= 2;
  }

  build(): LearningCurves {
    return Object.freeze({
      environmentSteps: Float64Array.from(this.environmentSteps),
      return: Float64Array.from(this.return),
      entropy: Float64Array.from(this.entropy),
      criticError: Float64Array.from(this.criticError),
      beta: this.beta.length > 0 ? Float64Array.from(this.beta) : undefined,
      temperature: this.temperature.length > 0 ? Float64Array.from(this.temperature) : undefined,
    });
  }
}

/**
 * What every learning engine can answer: not the exact policy (theirs is learned), but marginals, evidence
 * (an ELBO), samples and the mode under it, on finite or discounted horizons. Soft Q-learning and soft
 * actor-critic add 'fixed-dynamics': their target is that backup's optimum (VIREL's is the hard one, EM's the optimistic one).
 */
const LEARNING_CAPABILITIES: readonly Capability[] = ['marginals', 'evidence', 'sampling', 'mode', 'infinite-horizon'];

/** An engine value (name, capabilities, checked settings, `run`) whose run is `learn` with the engine's learner. */
export function learningEngine<Settings extends LearningSettings>(
  name: string,
  settings: Settings,
  makeLearner: <S>(setup: LearnerSetup<S>, settings: Settings) => Learner<S>,
  targetsFixedDynamics: boolean,
): Engine<Settings, 'simulator', 'learned'> {
  return Object.freeze({
    name,
    capabilities: targetsFixedDynamics ? [...LEARNING_CAPABILITIES, 'fixed-dynamics' as const] : LEARNING_CAPABILITIES,
    options: settings,
    reads: 'simulator' as const,
    simulate: simulatorGraph,
    run: <S, A>(graph: CompiledModel<S, A>, context: RunContext): LearnedPosterior<S, A> => learn<S, A>(graph, settings, context, name, (setup) => makeLearner(setup, settings)),
  });
}

/** Run a learning engine on a compiled model and return the posterior of its learned policy. */
export function learn<S, A>(
  graph: CompiledModel<S, A>,
  settings: LearningSettings,
  context: RunContext,
  engine: string,
  makeLearner: (setup: LearnerSetup<S>) => Learner<S>,
): LearnedPosterior<S, A> {
  const part = `${engine}()`;
  const finite = Number.isFinite(graph.horizon);
  if (!(graph.alpha > 0)) {
    fail({ code: 'temperature-invalid', part, message: `${part}: temperature(0) is the hard-max limit, where the soft value (α log Σ exp(Q/α)) and the ELBO are undefined; use temperature(α) with α > 0, or exact() for the hard max` });
  }
  checkRewardScale(graph as CompiledModel, part);
  if (finite && settings.episodeLength !== undefined) {
    fail({ code: 'option-invalid', part, message: `${part}: episodeLength applies to a discounted infinite horizon; this model has horizon(${graph.horizon}), so every episode is ${graph.horizon} decisions — drop episodeLength` });
  }
  if (settings.warmup !== Infinity && settings.steps < settings.warmup) {
    fail({ code: 'option-invalid', part, message: `${part}: steps (${settings.steps}) is less than warmup (${settings.warmup}), so no update would run and the policy would stay the prior; raise steps or lower warmup (or batchSize, its default)` });
  }
  if (settings.warmup !== Infinity && settings.bufferSize < settings.warmup) {
    fail({ code: 'option-invalid', part, message: `${part}: bufferSize (${settings.bufferSize}) is less than warmup (${settings.warmup}), so the buffer never holds enough transitions for an update; raise bufferSize or lower warmup (or batchSize, its default)` });
  }
  const sim = simulatorOf(graph) as unknown as LearnerSetup<S>['sim'];
  // Before the learner allocates: per time slot and (s, a) a critic, its target and twin, Adam moments
  // and the final policy table (~ 8 numbers), the replay buffer, and evaluate()'s S·(T + 1) values.
  const nStates = sim.states?.size ?? 1;
  const perSlot = Number.isFinite(graph.horizon) ? graph.horizon : 1;
  checkMemory(
    part,
    perSlot * nStates * sim.nA * 8 * 8 + Math.min(settings.bufferSize, settings.steps) * (16 * sim.nA + 64) + (Number.isFinite(graph.horizon) ? nStates * (graph.horizon + 1) * 8 : 0),
    `${perSlot > 1 ? `T = ${perSlot} time slots × ` : ''}${nStates} states × ${sim.nA} actions of critic and policy tables, and a replay buffer of ${Math.min(settings.bufferSize, settings.steps)}`,
    'shorten the horizon (or use discount(γ), whose policy is stationary), a smaller bufferSize, or a coarser state space',
  );
  const random = rng(settings.seed, part);
  // ⌈1/(1−γ)⌉, the effective horizon, less a hair so that 1/(1 − 0.9) = 10.000000000000002 gives 10, not 11.
  const episodeLength = finite ? graph.horizon : (settings.episodeLength ?? Math.max(10, Math.ceil(1 / (1 - graph.gamma) - 1e-9)));
  const env = new Environment<S>(sim, random, episodeLength, part);
  const slices = finite ? graph.horizon : 1;
  const example = sim.states !== undefined ? sim.states.values[0]! : env.value;
  const featureRows = new Map<unknown, unknown>();
  const setup: LearnerSetup<S> = {
    sim,
    random,
    nA: sim.nA,
    alpha: graph.alpha,
    gamma: graph.gamma,
    finite,
    slices,
    batchSize: settings.batchSize,
    episodeLength,
    steps: settings.steps,
    capacity: Math.min(settings.bufferSize, settings.steps),
    // One store of φ rows for the run: the critics and the actor share rows when they share φ.
    bind: (family: PolicyFamily) => (family as unknown as PolicyFamily<S, unknown>).bind({ states: sim.states, actions: sim.actions, horizon: slices, example, featureRows }),
  };
  const learner = makeLearner(setup);
  const buffer = new ReplayBuffer<S>(setup.capacity, sim.nA);
  const curves = new CurveBuilder();
  const pi = new Float64Array(sim.nA);
  const { steps, warmup } = settings;
  const every = Math.max(1, Math.floor(steps / 100));
  let updates = 0;
  let episodeReturn = 0;
  let discount = 1;
  let entropySum = 0;
  let decisions = 0;
  let updatesBefore = 0;
  const guard = new DivergenceGuard(part, settings.learningRate, episodeLength, sim.nA);
  // Decisions per state: which states the learner ever trained on (the report marks the others unknown).
  const visits = sim.states !== undefined ? new Float64Array(sim.states.size) : undefined;
  for (let step = 0; step < steps; step++) {
    if (visits !== undefined && env.index >= 0) visits[env.index]!++;
    learner.behaviour(env.value, env.slot(env.t), env.index, env.prior, pi);
    guard.policy(pi, step, env.value);
    const a = drawAction(random.next(), pi);
    entropySum += entropyOf(pi);
    decisions++;
    const k = buffer.head;
    const ended = env.act(a, buffer);
    // Σ_t γ^t r_t, with the terminal tail γ·r_T discounted by γ^{T−1}.
    episodeReturn += discount * (buffer.reward[k]! + buffer.tail[k]!);
    guard.reward(buffer.reward[k]!, buffer.tail[k]!);
    discount *= graph.gamma;
    if (buffer.size >= warmup) updates += learner.afterStep(buffer);
    if (ended) {
      if (learner.afterEpisode !== undefined) updates += learner.afterEpisode(buffer, decisions);
      const readout = learner.readout();
      guard.critic(readout.criticError, updates > updatesBefore && learner.critic !== undefined, learner.temperature, step + 1, curves.episodes + 1);
      updatesBefore = updates;
      if (curves.next()) {
        curves.environmentSteps.push(step + 1);
        curves.return.push(episodeReturn);
        curves.entropy.push(entropySum / decisions);
        curves.criticError.push(readout.criticError);
        if (readout.beta !== undefined) curves.beta.push(readout.beta);
        if (readout.temperature !== undefined) curves.temperature.push(readout.temperature);
        curves.thin();
      }
      settings.onProgress?.({ step: step + 1, steps, episode: curves.episodes, return: episodeReturn });
      episodeReturn = 0;
      discount = 1;
      entropySum = 0;
      decisions = 0;
    }
    if (context.progress !== undefined && ((step + 1) % every === 0 || step + 1 === steps)) {
      context.progress((step + 1) / steps, `${engine}: step ${step + 1} of ${steps}, ${curves.episodes} episodes`);
    }
  }
  return learnedPosterior<S, A>(graph, sim, learner, {
    engine,
    environmentSteps: env.steps,
    episodes: curves.episodes,
    updates,
    curves: curves.build(),
    evaluationSamples: settings.evaluationSamples,
    episodeLength,
    stationary: !finite,
    seed: settings.seed,
    visits,
  });
}
