/**
 * Soft actor-critic and VIREL with a Gaussian actor, for a continuous action
 * (bounded or not), on any simulated model with a finite horizon. The actor
 * is a `gaussianPolicy()` (tanh-squashed into the box of a bounded action),
 * the critics `quadraticCritic()`s, linear in features of (x, u). Per update,
 * on minibatches from the replay buffer:
 *
 *   SAC critic   y = r + γ [min_i Q̄_i(x', u') − α log π(u'|x')],  u' ~ π(·|x')   (each twin on its own batch)
 *   VIREL critic y = r + γ Q̄(x', u'),  u' ~ π(·|x');   β(ω) = c · mean δ²  (the batch's squared TD error)
 *   critic       ω ← ω + η · mean[δ ∇_ω Q(x, u)],  δ = y − Q(x, u);   targets ω̄ ← (1 − τ) ω̄ + τ ω
 *   actor        θ ← θ + η_π · mean ∇_θ [Q(x, u_θ) − T log π_θ(u_θ|x)],  u_θ = squash(W φ(x) + b + L ε)
 *
 * with T = α (SAC; 'tuned': log α ← log α − η_α (Ĥ − H̄)) or β (VIREL's
 * E-step), Q the smaller twin at (x, u_θ). The actor's gradient is
 * reparameterised through the critic: with g = ∂Q/∂u ⊙ ∂u/∂z − 2T tanh z
 * (the second term only when squashed: −T ∂/∂z of −Σ log ∂u_i/∂z_i),
 * ∂/∂W = g φᵀ, ∂/∂b = g, ∂/∂L_ij = g_i ε_j, ∂/∂log L_ii = L_ii g_i ε_i + T
 * (the entropy's own derivative).
 *
 * The learned policy's posterior is a `GaussianPolicyPosterior` whose fit is
 * a `LearningFit` (`learningFit(post)` reads its curves).
 */
import { gaussian, rng, type Rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import { checkMemory } from '../../compile/memory.js';
import { compileContinuous } from '../../simulate/continuous-simulator.js';
import type { Engine, RunContext } from '../../types/engine.js';
import type { ContinuousSimulatorGraph } from '../../types/continuous.js';
import { accumulateGaussian, gaussianPolicy, isGaussianFamily, type BoundGaussianFamily } from '../variational/gaussian-family.js';
import { GaussianElbo } from '../variational/gaussian-gradient.js';
import { gaussianPolicyPosterior, type GaussianPolicyPosterior } from '../variational/gaussian-posterior.js';
import { makeOptimizer, type Optimizer } from '../variational/optimizers.js';
import { isActionCritic, quadraticCritic, type BoundActionCritic } from './action-critic.js';
import type { LearningSettings } from './options.js';
import type { LearningCurves, LearningFit } from './posterior.js';

/** What distinguishes the two algorithms here. */
export interface GaussianActorCriticSettings extends LearningSettings {
  readonly algorithm: 'softActorCritic' | 'virel';
  /** The raw `actor` and `critic` options (undefined: gaussianPolicy(), quadraticCritic()). */
  readonly actor: unknown;
  readonly critic: unknown;
  readonly actorLearningRate: number;
  readonly targetSmoothing: number;
  /** SAC: 'fixed' or 'tuned'. */
  readonly temperature: 'fixed' | 'tuned';
  /** SAC tuned: H̄ (default −d, the usual choice for a continuous action). */
  readonly targetEntropy: number | undefined;
  readonly temperatureLearningRate: number;
  /** VIREL: c in β = c · MSBE. */
  readonly betaScale: number;
}

/**
 * The engine value with a Gaussian actor for a continuous action: `engine` as it is for finite
 * actions, plus the 'continuous-action' capability and a run that takes a ContinuousSimulatorGraph.
 */
export function withGaussianActor<E extends Engine<LearningSettings, 'simulator', 'learned'>>(engine: E, settings: GaussianActorCriticSettings): E {
  return Object.freeze({
    ...engine,
    capabilities: [...engine.capabilities, 'continuous-action' as const],
    compileContinuous,
    run: (graph: unknown, context: RunContext) =>
      (graph as { kind?: unknown }).kind === 'continuous-simulator' ? runGaussianActorCritic(graph as ContinuousSimulatorGraph, settings, context) : engine.run(graph as never, context),
  }) as E;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** A critic's parameters with their target copy and optimiser. */
class Critic<S> {
  readonly params: Float64Array;
  readonly target: Float64Array;
  readonly grad: Float64Array;
  private readonly optimizer: Optimizer;
  constructor(readonly bound: BoundActionCritic<S>, settings: GaussianActorCriticSettings, private readonly tau: number) {
    this.params = new Float64Array(bound.size);
    this.target = new Float64Array(bound.size);
    this.grad = new Float64Array(bound.size);
    this.optimizer = makeOptimizer(settings.optimizer, bound.size, settings.learningRate);
  }
  step(): void {
    this.optimizer.step(this.params, this.grad);
    this.grad.fill(0);
    for (let i = 0; i < this.params.length; i++) this.target[i] = (1 - this.tau) * this.target[i]! + this.tau * this.params[i]!;
  }
}

export function runGaussianActorCritic<S>(graph: ContinuousSimulatorGraph<S>, settings: GaussianActorCriticSettings, context: RunContext): GaussianPolicyPosterior<S, LearningFit> {
  const engine = settings.algorithm;
  const part = `${engine}()`;
  const sac = engine === 'softActorCritic';
  const sim = graph.simulator;
  const T = graph.horizon;
  const d = sim.dimension;
  const actorFamily = settings.actor ?? gaussianPolicy();
  const criticFamily = settings.critic ?? quadraticCritic();
  if (!isGaussianFamily(actorFamily)) fail({ code: 'option-invalid', part, message: `${part}: action.continuous('${sim.actionName}') is a continuous action, and the actor ${String((actorFamily as { name?: unknown }).name)} is over a finite action; use actor: gaussianPolicy()` });
  if (!isActionCritic(criticFamily)) fail({ code: 'option-invalid', part, message: `${part}: action.continuous('${sim.actionName}') is a continuous action, and the critic ${String((criticFamily as { name?: unknown }).name)} is over a finite action; use critic: quadraticCritic()` });
  if (!Number.isFinite(T)) fail({ code: 'horizon-invalid', part, message: `${part}: with a continuous action the model needs horizon(T) (a discount may go with it); the discounted infinite horizon is not built for Gaussian actors yet` });
  if (!(graph.alpha > 0)) fail({ code: 'temperature-invalid', part, message: `${part}: temperature(0) is the hard-max limit, where the soft value and the ELBO are undefined; use temperature(α) with α > 0` });
  // VIREL's temperature is the critic's error, and the entropy of an unbounded Gaussian has no maximum:
  // a poor critic widens π, which worsens the critic — the E-step diverges (it does on soft LQR). A box bounds the entropy.
  if (!sac && sim.bounds === undefined) fail({ code: 'option-invalid', part, message: `${part}: action.continuous('${sim.actionName}') is unbounded; VIREL's temperature β = c·MSBE grows with the critic's error and an unbounded Gaussian's entropy has no maximum, so its E-step diverges. Give the action bounds: { low, high }, or use softActorCritic()` });
  if (sim.prior.kind === 'gaussian') fail({ code: 'option-invalid', part, message: `${part}: action.continuous('${sim.actionName}') has a Gaussian prior, which the Gaussian actor-critic does not take yet; use the Lebesgue prior (no prior), or variational({ family: gaussianPolicy() })` });
  if (settings.episodeLength !== undefined) fail({ code: 'option-invalid', part, message: `${part}: episodeLength applies to a discounted infinite horizon; this model has horizon(${T}) — drop episodeLength` });
  if (settings.steps < settings.warmup) fail({ code: 'option-invalid', part, message: `${part}: steps (${settings.steps}) is less than warmup (${settings.warmup}), so no update would run; raise steps or lower warmup (or batchSize, its default)` });
  const capacity = Math.min(settings.bufferSize, settings.steps);
  if (capacity < settings.warmup) fail({ code: 'option-invalid', part, message: `${part}: bufferSize (${settings.bufferSize}) is less than warmup (${settings.warmup}); raise bufferSize or lower warmup` });
  const random = rng(settings.seed, part);
  const example = sim.initial(rng(settings.seed, part));
  const actor = actorFamily.bindContinuous({ dimension: d, horizon: T, example, bounds: sim.bounds }) as BoundGaussianFamily<S>;
  const boundCritic = () => criticFamily.bindAction({ dimension: d, horizon: T, example }) as BoundActionCritic<S>;
  const m = actor.m;
  const mc = boundCritic().m;
  checkMemory(part, capacity * (8 * (2 * d + 6) + 16), `a replay buffer of ${capacity} transitions`, 'use a smaller bufferSize');
  const critics = (sac ? [0, 1] : [0]).map(() => new Critic<S>(boundCritic(), settings, settings.targetSmoothing));
  const theta = new Float64Array(actor.size);
  actor.init(theta);
  const actorGrad = new Float64Array(actor.size);
  const actorOptimizer = makeOptimizer(settings.optimizer, actor.size, settings.actorLearningRate);
  let logAlpha = Math.log(graph.alpha);
  const targetEntropy = settings.targetEntropy ?? -d;
  let beta = Infinity;

  // The replay buffer (a ring): x, t, u, r (+ the terminal tail), x', whether to bootstrap.
  const bx: S[] = new Array<S>(capacity);
  const bnext: S[] = new Array<S>(capacity);
  const bt = new Int32Array(capacity);
  const bu = new Float64Array(capacity * d);
  const br = new Float64Array(capacity);
  const bboot = new Uint8Array(capacity);
  let head = 0;
  let size = 0;

  // Scratch.
  const phi = new Float64Array(m);
  const phiC = new Float64Array(mc);
  const mu = new Float64Array(d);
  const eps = new Float64Array(d);
  const z = new Float64Array(d);
  const u = new Float64Array(d);
  const dq = new Float64Array(d);
  const g = new Float64Array(d);
  /** u ~ π_t(·|x) into `u` (with ε, z), returning log π(u|x). */
  const draw = (x: S, t: number, rand: Rng): number => {
    actor.features(x, phi);
    actor.mean(theta, t, phi, mu);
    let q = 0;
    for (let i = 0; i < d; i++) {
      eps[i] = gaussian(rand);
      q += eps[i]! ** 2;
    }
    actor.perturb(theta, t, mu, eps, z);
    const logJ = actor.squash(z, u);
    return -0.5 * q - actor.logDetL(theta, t) - d * HALF_LOG_2PI - logJ;
  };
  const qOf = (c: Critic<S>, params: Float64Array, x: S, t: number, action: ArrayLike<number>) => {
    c.bound.features(x, phiC);
    return c.bound.value(params, t, phiC, action);
  };

  const batch = new Int32Array(settings.batchSize);
  const sampleBatch = () => {
    for (let i = 0; i < batch.length; i++) batch[i] = Math.floor(random.next() * size);
  };
  let tdSquares = 0;
  let tdCount = 0;
  let entropySum = 0;
  let entropyCount = 0;
  const gamma = graph.gamma;
  const update = () => {
    const temperature = sac ? Math.exp(logAlpha) : beta;
    const scale = 1 / batch.length;
    let squares = 0;
    for (const c of critics) {
      sampleBatch();
      for (let i = 0; i < batch.length; i++) {
        const k = batch[i]!;
        const t = bt[k]!;
        let y = br[k]!;
        if (bboot[k] === 1) {
          const x1 = bnext[k]!;
          const logPi = draw(x1, t + 1, random);
          let q = Infinity;
          for (const other of critics) q = Math.min(q, qOf(other, other.target, x1, t + 1, u));
          y += gamma * (sac ? q - Math.exp(logAlpha) * logPi : q);
        }
        const ua = bu.subarray(k * d, (k + 1) * d);
        const delta = y - qOf(c, c.params, bx[k]!, t, ua);
        c.bound.accumulate(t, phiC, ua, delta * scale, c.grad);
        squares += delta * delta;
      }
    }
    const msbe = squares / (batch.length * critics.length);
    tdSquares += msbe;
    tdCount++;
    for (const c of critics) c.step();
    if (!sac) beta = settings.betaScale * msbe;
    if (!Number.isFinite(temperature)) return;
    // The actor on a batch of states, against the smaller current critic at its own reparameterised draw.
    sampleBatch();
    let entropy = 0;
    for (let i = 0; i < batch.length; i++) {
      const k = batch[i]!;
      const t = bt[k]!;
      const x = bx[k]!;
      entropy -= draw(x, t, random);
      let best = critics[0]!;
      let low = Infinity;
      for (const c of critics) {
        const q = qOf(c, c.params, x, t, u);
        if (q < low) [low, best] = [q, c];
      }
      best.bound.features(x, phiC);
      best.bound.actionGradient(best.params, t, phiC, u, dq);
      for (let a = 0; a < d; a++) {
        if (actor.bounds === undefined) g[a] = dq[a]!;
        else {
          const th = Math.tanh(z[a]!);
          g[a] = dq[a]! * ((actor.bounds.high[a]! - actor.bounds.low[a]!) / 2) * (1 - th * th) - 2 * temperature * th;
        }
      }
      accumulateGaussian(actor, theta, t, g, eps, phi, scale, temperature, actorGrad);
    }
    actorOptimizer.step(theta, actorGrad);
    actorGrad.fill(0);
    if (sac && settings.temperature === 'tuned') logAlpha -= settings.temperatureLearningRate * (entropy * scale - targetEntropy);
  };

  const curves = { environmentSteps: [] as number[], return: [] as number[], entropy: [] as number[], criticError: [] as number[], beta: [] as number[], temperature: [] as number[] };
  let x = sim.initial(random);
  let t = 0;
  let episodeReturn = 0;
  let discount = 1;
  let updates = 0;
  let episodes = 0;
  const every = Math.max(1, Math.floor(settings.steps / 100));
  for (let step = 0; step < settings.steps; step++) {
    const logPi = draw(x, t, random);
    entropySum -= logPi;
    entropyCount++;
    const action = Float64Array.from(u);
    const r = sim.reward(x, action, t);
    if (!Number.isFinite(r)) fail({ code: 'infeasible', part, t, message: `${part}: r(s=${show(x)}, u=${show(Array.from(action))}, t=${t}) is ${r}; a Gaussian actor needs finite rewards — use a large finite penalty instead of −Infinity` });
    const last = t === T - 1;
    let next = x;
    let tail = 0;
    if (!last || sim.hasTerminal) next = sim.step(x, action, random);
    if (last && sim.hasTerminal) tail = gamma * sim.terminal(next);
    bx[head] = x;
    bnext[head] = next;
    bt[head] = t;
    bu.set(action, head * d);
    br[head] = r + tail;
    bboot[head] = last ? 0 : 1;
    head = (head + 1) % capacity;
    size = Math.min(size + 1, capacity);
    episodeReturn += discount * (r + tail);
    discount *= gamma;
    if (size >= settings.warmup) {
      update();
      updates++;
    }
    if (last) {
      episodes++;
      curves.environmentSteps.push(step + 1);
      curves.return.push(episodeReturn);
      curves.entropy.push(entropySum / entropyCount);
      curves.criticError.push(tdCount > 0 ? tdSquares / tdCount : NaN);
      if (!sac) curves.beta.push(Number.isFinite(beta) ? beta : NaN);
      if (sac && settings.temperature === 'tuned') curves.temperature.push(Math.exp(logAlpha));
      settings.onProgress?.({ step: step + 1, steps: settings.steps, episode: episodes, return: episodeReturn });
      if (!Number.isFinite(episodeReturn) || theta.some((v) => !Number.isFinite(v))) {
        fail({ code: 'not-converged', part, message: `${part}: the actor's parameters or the return are not finite after ${episodes} episodes: the learning diverged — lower learningRate (now ${settings.learningRate}) or actorLearningRate (now ${settings.actorLearningRate})` });
      }
      x = sim.initial(random);
      t = 0;
      episodeReturn = 0;
      discount = 1;
      tdSquares = tdCount = entropySum = entropyCount = 0;
    } else {
      x = next;
      t++;
    }
    if (context.progress !== undefined && ((step + 1) % every === 0 || step + 1 === settings.steps)) context.progress((step + 1) / settings.steps, `${engine}: step ${step + 1} of ${settings.steps}, ${episodes} episodes`);
  }
  const built: LearningCurves = Object.freeze({
    environmentSteps: Float64Array.from(curves.environmentSteps),
    return: Float64Array.from(curves.return),
    entropy: Float64Array.from(curves.entropy),
    criticError: Float64Array.from(curves.criticError),
    beta: sac ? undefined : Float64Array.from(curves.beta),
    temperature: sac && settings.temperature === 'tuned' ? Float64Array.from(curves.temperature) : undefined,
  });
  // The learned policy's ELBO at the model's α, by simulation (as for a variational fit).
  const estimate = new GaussianElbo<S>(sim, actor, graph.linear, Math.min(settings.evaluationSamples, 1000), rng(settings.seed, part), part).estimate(theta, settings.evaluationSamples, { elbo: NaN, standardError: NaN });
  const fit: LearningFit = {
    engine,
    critic: criticFamily.name,
    actor: actorFamily.name,
    environmentSteps: settings.steps,
    episodes,
    updates,
    curves: built,
    temperature: sac ? Math.exp(logAlpha) : graph.alpha,
    beta: sac ? undefined : beta,
    criticParameters: critics[0]!.params.slice(),
    actorParameters: theta.slice(),
    criticTable: undefined,
    visits: undefined,
    elbo: estimate.elbo,
    logZ: undefined,
    gap: undefined,
  };
  const policy = sac
    ? `the Gaussian actor (${actorFamily.name}) of soft actor-critic with twin ${criticFamily.name} critics: the fixed-dynamics optimum at the model's α when the families can hold it, up to sampling and optimisation error`
    : `the Gaussian actor (${actorFamily.name}) of VIREL's E-step against a ${criticFamily.name} critic, temperature β = ${settings.betaScale}·MSBE: it approaches the greedy (α → 0) optimum as the critic's residual falls`;
  return gaussianPolicyPosterior(graph, actor, theta, fit, { ...estimate, samples: settings.evaluationSamples }, engine, policy);
}
