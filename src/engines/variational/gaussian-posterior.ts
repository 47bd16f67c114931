/**
 * The posterior of a Gaussian-policy fit: q itself. Its policy at any state
 * (the Gaussian of z before squashing, and the bounds that squash it), the
 * mean's gains, draws of actions and trajectories by simulation, and the
 * ELBO estimate (a lower bound on log p(O), with its standard error) as the
 * evidence. Tables and marginals do not exist for a continuous action.
 */
import { gaussian, rng, type Rng } from '../../dist/rng.js';
import { fail, show } from '../../errors.js';
import type { ActionBounds, ContinuousSimulatorGraph } from '../../types/continuous.js';
import type { Evidence, Exactness } from '../../types/posterior.js';
import { unsupported } from '../../posterior/unsupported.js';
import type { BoundGaussianFamily } from './gaussian-family.js';
import type { VariationalFit } from './posterior.js';
import type { LearningFit } from '../learning/posterior.js';

/** q_t(· | x): z ~ N(mean, covariance), u = z, or u = low + (high − low)(tanh z + 1)/2 when bounded. */
export interface GaussianPolicy {
  readonly mean: Float64Array;
  readonly covariance: number[][];
  readonly bounds: ActionBounds | undefined;
}

/** One simulated trajectory of q: states x_0 … x_T (x_T only with a terminal reward), actions u_t, rewards r_t. */
export interface ContinuousTrajectory<S> {
  readonly states: S[];
  readonly actions: Float64Array[];
  readonly rewards: number[];
}

/**
 * What `infer(model, variational({ family: gaussianPolicy() }))` (fit: a `VariationalFit`), or
 * softActorCritic() / virel() (fit: a `LearningFit`), returns on a model with a continuous action.
 */
export interface GaussianPolicyPosterior<S = unknown, F = VariationalFit | LearningFit> {
  readonly kind: 'gaussian-policy';
  /** 'variational', 'softActorCritic' or 'virel'. */
  readonly engine: string;
  readonly graph: ContinuousSimulatorGraph<S>;
  readonly horizon: number;
  /** The ELBO estimate at the fitted θ: a lower bound on log p(O) (w.r.t. the action prior's measure). */
  readonly logEvidence: number;
  readonly evidence: Evidence;
  /** α · logEvidence. */
  readonly value: number;
  readonly exactness: Exactness;
  readonly fit: F;
  /** q_t(· | x) as the Gaussian of z = W_t φ(x) + b_t + L_t ε. */
  policy(t: number, x: S): GaussianPolicy;
  /** The mean's parameters: z̄ = W_t φ(x) + b_t (for the soft-LQR policy, W_t = −K_t and b_t = −k_t). */
  gains(t: number): { readonly W: number[][]; readonly b: number[] };
  /** One draw u ~ q_t(· | x). */
  act(t: number, x: S, random: Rng): Float64Array;
  /** n trajectories of q under the model's dynamics, reproducible from the seed. */
  sample(n: number, options: { readonly seed: number | string }): ContinuousTrajectory<S>[];
  /** Always undefined: the fit is not an iterative solve to a tolerance. */
  readonly convergence: undefined;
  /**
   * The queries of a tabular posterior — tables, marginals, the mode, log-densities — throw
   * `unsupported-query` (a continuous action has no tables; the dynamics of a simulator no density).
   */
  policyTable(t: number): never;
  Q(t: number): never;
  V(t: number): never;
  stateMarginal(t: number): never;
  stateActionMarginal(t: number): never;
  actionMarginal(t: number): never;
  mostProbable(): never;
  logProb(trajectory: unknown): never;
}

/** Is `post` a Gaussian-policy posterior? */
export function isGaussianPolicyPosterior(post: unknown): post is GaussianPolicyPosterior {
  return typeof post === 'object' && post !== null && (post as { kind?: unknown }).kind === 'gaussian-policy';
}

/**
 * The posterior of `infer(model, variational({ family: gaussianPolicy() }))`, typed; throws for any other.
 * @example const { W, b } = gaussianPolicyOf(infer(lqr, variational({ family: gaussianPolicy() }))).gains(0);
 */
export function gaussianPolicyOf<S = unknown, F = VariationalFit | LearningFit>(post: unknown): GaussianPolicyPosterior<S, F> {
  if (!isGaussianPolicyPosterior(post)) {
    fail({ code: 'option-invalid', part: 'gaussianPolicyOf()', message: `gaussianPolicyOf(): the posterior ${typeof post === 'object' && post !== null ? `of ${show((post as { engine?: unknown }).engine)}` : show(post)} is not a Gaussian-policy fit; expected infer(model, variational({ family: gaussianPolicy() })), softActorCritic() or virel() on a model with action.continuous(...)` });
  }
  return post as GaussianPolicyPosterior<S, F>;
}

export function gaussianPolicyPosterior<S, F extends VariationalFit | LearningFit>(
  graph: ContinuousSimulatorGraph<S>,
  family: BoundGaussianFamily<S>,
  params: Float64Array,
  fit: F,
  estimate: { readonly elbo: number; readonly standardError: number; readonly samples: number },
  engine = 'variational',
  policy = '',
): GaussianPolicyPosterior<S, F> {
  const sim = graph.simulator;
  const T = graph.horizon;
  const { d, m } = family;
  const checkT = (query: string, t: number) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= T) {
      fail({ code: 'time-out-of-range', part: `${query}()`, t: typeof t === 'number' ? t : undefined, message: `${query}(): t = ${show(t)} is outside 0 … ${T - 1}; expected an integer decision time` });
    }
  };
  const meanAt = (t: number, x: S) => {
    const phi = new Float64Array(m);
    family.features(x, phi);
    const mu = new Float64Array(d);
    family.mean(params, t, phi, mu);
    return mu;
  };
  const act = (t: number, x: S, random: Rng) => {
    const mu = meanAt(t, x);
    const eps = Float64Array.from({ length: d }, () => gaussian(random));
    const z = new Float64Array(d);
    family.perturb(params, t, mu, eps, z);
    const u = new Float64Array(d);
    family.squash(z, u);
    return u;
  };
  const evidence: Evidence = {
    kind: 'lower-bound',
    logValue: estimate.elbo,
    standardError: estimate.standardError,
    description: `the ELBO of the fitted Gaussian policy, a Monte Carlo estimate from ${estimate.samples} trajectories (a lower bound on log p(O) up to its standard error ${estimate.standardError.toPrecision(3)})`,
  };
  const refuse = (query: string): never =>
    unsupported(engine, query, 'the action is continuous, so the policy is a Gaussian with no tables, and a simulated model has no marginals or densities', 'post.policy(t, x), post.sample(n, { seed }) or post.logEvidence');
  return Object.freeze({
    kind: 'gaussian-policy' as const,
    engine,
    convergence: undefined,
    policyTable: () => refuse('policyTable(t)'),
    Q: () => refuse('Q(t)'),
    V: () => refuse('V(t)'),
    stateMarginal: () => refuse('stateMarginal(t)'),
    stateActionMarginal: () => refuse('stateActionMarginal(t)'),
    actionMarginal: () => refuse('actionMarginal(t)'),
    mostProbable: () => refuse('mostProbable()'),
    logProb: () => refuse('logProb(τ)'),
    graph,
    horizon: T,
    logEvidence: estimate.elbo,
    evidence,
    value: graph.alpha * estimate.elbo,
    exactness: {
      posterior: false,
      policy: policy !== '' ? policy : `the best ${(fit as VariationalFit).family} under the fixed-dynamics ELBO (stochastic ascent, ${(fit as VariationalFit).gradient} gradient)`,
      evidence: 'lower-bound' as const,
      notes: ['the policy is fitted by stochastic gradient ascent: it approaches the family\'s optimum, and equals the soft-LQR policy of exact({ backup: "fixed-dynamics" }) only on a linear-Gaussian model and only up to the optimiser\'s noise', 'the evidence is an estimate of a lower bound, with its standard error'],
    },
    fit,
    policy(t: number, x: S): GaussianPolicy {
      checkT('policy', t);
      const L = family.choleskyRows(params, t);
      const covariance = L.map((row) => L.map((other) => row.reduce((s, v, k) => s + v * other[k]!, 0)));  // Σ = L Lᵀ
      return { mean: meanAt(t, x), covariance, bounds: family.bounds };
    },
    gains(t: number) {
      checkT('gains', t);
      const o = family.offset(t);
      const W = Array.from({ length: d }, (_, i) => Array.from(params.subarray(o + i * m, o + (i + 1) * m)));
      const b = Array.from({ length: d }, (_, i) => (family.bias ? params[o + d * m + i]! : 0));
      return { W, b };
    },
    act(t: number, x: S, random: Rng) {
      checkT('act', t);
      return act(t, x, random);
    },
    sample(n: number, options: { readonly seed: number | string }) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail({ code: 'option-invalid', part: 'sample()', message: `sample(): n must be a positive integer, got ${show(n)}` });
      const random = rng(options?.seed, 'sample()');
      const out: ContinuousTrajectory<S>[] = [];
      for (let i = 0; i < n; i++) {
        let x = sim.initial(random);
        const states: S[] = [x];
        const actions: Float64Array[] = [];
        const rewards: number[] = [];
        for (let t = 0; t < T; t++) {
          const u = act(t, x, random);
          actions.push(u);
          rewards.push(sim.reward(x, u, t));
          if (t < T - 1 || sim.hasTerminal) {
            x = sim.step(x, u, random);
            states.push(x);
          }
        }
        out.push({ states, actions, rewards });
      }
      return out;
    },
  });
}
