/**
 * LQG: soft LQR with linear-Gaussian observations y = C x + v, v ~ N(0, V),
 * solved by the separation principle under the fixed-dynamics backup.
 *
 * The agent's belief is Gaussian, N(m_t, Σ_t), kept by the Kalman filter
 * (Σ_t does not depend on the data, so it is computed once):
 *
 *   predict  m⁻ = A m + B u + c,            Σ⁻ = A Σ Aᵀ + W
 *   update   S = C Σ⁻ Cᵀ + V,  G = Σ⁻ Cᵀ S⁻¹,  m = m⁻ + G (y − C m⁻),  Σ = Σ⁻ − G C Σ⁻
 *
 * (the update at t = 0 only with `initial: true`). In belief space the model
 * is again soft LQR, in the mean: m_{t+1} = A m_t + B u_t + c + w̃ with
 * w̃ ~ N(0, W̃_t), W̃_t = Σ⁻_{t+1} − Σ_{t+1} (what the next observation
 * reveals), and reward E_{x ~ N(m, Σ_t)} r(x, u) = r(m, u) − ½ tr(Q Σ_t) (u is
 * a function of the belief). Under the fixed-dynamics backup P_t and p_t do
 * not depend on the noise, so the policy is the fully observed one applied
 * to the filtered mean — π_t(u | y_{0:t}) = N(−K_t m_t − k_t, α S_t⁻¹) with the
 * same K_t, k_t, S_t — and the value of the belief is
 *
 *   V^b_t(m) = −½ mᵀP_t m + p_tᵀ m + v^b_t,
 *   v^b_t = v_t[W̃] − ½ Σ_{s=t}^{T−1} γ^{s−t} tr(Q Σ_s) − ½ γ^{T−t} tr(Q_T Σ_T),
 *
 * v_t[W̃] the constant of the recursion with the noise W̃ (the terminal term
 * only with a terminal reward). The posterior backup has no such separation
 * (its optimism conditions the observations too), so it is refused.
 */
import { fail, show } from '../../../errors.js';
import type { Evidence, Exactness } from '../../../types/posterior.js';
import type { LinearGaussianGraph, Vector } from '../../../types/gaussian.js';
import { backwardPass } from './backup.js';
import { addVec, axpby, cholesky, cholSolve, dot, mat, mul, mulVec, quadForm, symmetrize, trace, transpose, type Mat } from './linalg.js';
import type { GaussianMoments, QuadraticFunction } from './posterior.js';

/** What the agent has done and seen before decision t: t actions and t observations (t + 1 with `initial: true`). */
export interface LqgHistory {
  readonly actions: readonly (Vector | number)[];
  readonly observations: readonly (Vector | number)[];
}

/** The posterior `infer(model, exact({ backup: 'fixed-dynamics' }))` returns for a model with `linearObservation(...)` (typed by `lqgPosterior(post)`). */
export interface LqgPosterior {
  readonly kind: 'lqg';
  readonly engine: 'exact';
  readonly backup: 'fixed-dynamics';
  readonly graph: LinearGaussianGraph;
  readonly horizon: number;
  /** E[V^b_0(m_0)] over the first belief: the soft value of acting on what is observed. */
  readonly value: number;
  /** value / α: the fixed-dynamics ELBO in belief space. */
  readonly logEvidence: number;
  readonly evidence: Evidence;
  readonly exactness: Exactness;
  /** The Kalman belief N(m_t, Σ_t) after a history of t actions (t = 0 … T). */
  filter(history: LqgHistory): GaussianMoments;
  /** π_t(u | history) = N(−K_t m_t − k_t, α S_t⁻¹), t = actions.length < T. */
  policy(history: LqgHistory): GaussianMoments;
  /** The gain K_t (d × n) and offset k_t: those of the fully observed model (separation). */
  gains(t: number): { readonly K: number[][]; readonly k: number[] };
  /** V^b_t as a function of the belief mean m (the belief covariance at t is fixed), t = 0 … T. */
  V(t: number): QuadraticFunction;
}

const rows = (m: Mat): number[][] => Array.from({ length: m.r }, (_, i) => Array.from(m.d.subarray(i * m.c, (i + 1) * m.c)));

export function buildLqgPosterior(graph: LinearGaussianGraph, backup: 'posterior' | 'fixed-dynamics'): LqgPosterior {
  if (backup !== 'fixed-dynamics') {
    fail({
      code: 'unsupported-query',
      part: 'exact()',
      message: "exact(): a model with linearObservation(...) is solved under backup: 'fixed-dynamics' only (the separation principle: a Kalman filter and the soft-LQR policy on its mean); the posterior backup's optimism would condition the observations as well. Give exact({ backup: 'fixed-dynamics' })",
    });
  }
  const { n, d, horizon: T, alpha, gamma } = graph;
  const obs = graph.observation!;
  const C = mat(obs.p, n, obs.C);
  const V = mat(obs.p, obs.p, obs.V);
  const Ct = transpose(C);

  /** The Kalman gain and posterior covariance of an update from the prior covariance Σ⁻. */
  const update = (prior: Mat): { gain: Mat; covariance: Mat } => {
    const S = symmetrize(axpby(1, mul(C, mul(prior, Ct)), 1, V));
    // G = Σ⁻Cᵀ S⁻¹ = (S⁻¹ C Σ⁻)ᵀ (S, Σ⁻ symmetric)
    const gain = transpose(cholSolve(cholesky(S)!, mul(C, prior)));
    return { gain, covariance: symmetrize(axpby(1, prior, -1, mul(gain, mul(C, prior)))) };
  };
  // Σ_t (t = 0 … T), the gains G_t (G_0 only with an initial observation), and W̃_t = Σ⁻_{t+1} − Σ_{t+1}.
  const S0 = mat(n, n, graph.initial.covariance);
  const first = obs.initial ? update(S0) : undefined;
  const covariances: Mat[] = [first?.covariance ?? S0];
  const gains: (Mat | undefined)[] = [first?.gain];
  const revealed: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const A = mat(n, n, graph.steps[t]!.A);
    const prior = symmetrize(axpby(1, mul(A, mul(covariances[t]!, transpose(A))), 1, mat(n, n, graph.steps[t]!.W)));
    const { gain, covariance } = update(prior);
    covariances.push(covariance);
    gains.push(gain);
    revealed.push(symmetrize(axpby(1, prior, -1, covariance)).d);
  }

  // The belief MDP: the same model with noise W̃_t, solved by the fully observed kernel.
  const beliefGraph: LinearGaussianGraph = { ...graph, steps: graph.steps.map((s, t) => ({ ...s, W: revealed[t]! })) };
  const pass = backwardPass(beliefGraph, 'fixed-dynamics');
  // v^b_t: add −½ γ^{s−t} tr(Q Σ_s) for s = t … T−1 and −½ γ^{T−t} tr(Q_T Σ_T).
  const Q = mat(n, n, graph.effectiveReward.Q);
  const shift = new Float64Array(T + 1);
  shift[T] = graph.terminal ? -0.5 * trace(mul(mat(n, n, graph.terminal.Q), covariances[T]!)) : 0;
  for (let t = T - 1; t >= 0; t--) shift[t] = -0.5 * trace(mul(Q, covariances[t]!)) + gamma * shift[t + 1]!;
  const valueAt = (t: number) => {
    const V0 = t === T ? pass.VT : pass.step(t).V;
    return { P: V0.P, p: V0.p, v: V0.v + shift[t]! };
  };
  // value: m_0 ~ N(m̄_0, S0 − Σ_0) before the first observation is seen (a point without one)
  const V0 = valueAt(0);
  const spread = axpby(1, S0, -1, covariances[0]!);
  const value = -0.5 * quadForm(V0.P, graph.initial.mean) + dot(V0.p, graph.initial.mean) + V0.v - 0.5 * trace(mul(V0.P, spread));

  const vector = (v: unknown, length: number, what: string, name: string): Float64Array => {
    const values = typeof v === 'number' ? [v] : Array.isArray(v) || v instanceof Float64Array ? Array.from(v as ArrayLike<unknown>) : undefined;
    if (values === undefined || values.length !== length || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail({ code: 'gaussian-invalid', part: what, message: `${what}: ${name} is ${show(v)}; expected a vector of ${length} finite numbers` });
    }
    return Float64Array.from(values as number[]);
  };
  const checkT = (t: number, last: number, what: string) => {
    if (!Number.isInteger(t) || t < 0 || t > last) {
      fail({ code: 'time-out-of-range', part: what, t, message: `${what}: t = ${show(t)} is outside 0 … ${last}; expected an integer time of the model (horizon ${T})` });
    }
  };
  /** The filtered mean after a history (validated): predict with each action, update with each observation. */
  const filterMean = (history: LqgHistory, last: number, what: string): { t: number; mean: Float64Array } => {
    const ok = typeof history === 'object' && history !== null && Array.isArray(history.actions) && Array.isArray(history.observations);
    const t = ok ? history.actions.length : -1;
    if (!ok || t > last || history.observations.length !== t + (obs.initial ? 1 : 0)) {
      fail({
        code: 'trajectory-invalid',
        part: what,
        message: `${what}: expected { actions, observations } with t ≤ ${last} actions and ${obs.initial ? 't + 1 observations (y_0 … y_t: the first is seen before the first decision)' : 't observations (y_1 … y_t)'}, got ${show(history)}`,
      });
    }
    const ys = history.observations.map((y, i) => vector(y, obs.p, what, `observations[${i}]`));
    let mean: Float64Array = Float64Array.from(graph.initial.mean);
    const correct = (m: Float64Array, gain: Mat, y: Float64Array) => addVec(m, mulVec(gain, addVec(y, mulVec(C, m), -1)));
    if (obs.initial) mean = correct(mean, gains[0]!, ys[0]!);
    for (let s = 0; s < t; s++) {
      const step = graph.steps[s]!;
      const u = vector(history.actions[s], d, what, `actions[${s}]`);
      const predicted = addVec(addVec(mulVec(mat(n, n, step.A), mean), mulVec(mat(n, d, step.B), u)), step.c);
      mean = correct(predicted, gains[s + 1]!, ys[s + (obs.initial ? 1 : 0)]!);
    }
    return { t, mean };
  };

  const posterior: LqgPosterior = {
    kind: 'lqg',
    engine: 'exact',
    backup: 'fixed-dynamics',
    graph,
    horizon: T,
    value,
    logEvidence: alpha > 0 ? value / alpha : value > 0 ? Infinity : value < 0 ? -Infinity : 0,
    evidence: { kind: 'lower-bound', logValue: alpha > 0 ? value / alpha : value > 0 ? Infinity : value < 0 ? -Infinity : 0, description: 'ELBO of the fixed-dynamics posterior in belief space (Kalman filter + soft LQR on its mean), E[V^b_0(m_0)]/α.' },
    exactness: {
      posterior: false,
      policy: 'the fixed-dynamics optimum over belief-dependent policies: N(−K m − k, α S⁻¹) on the Kalman mean m (separation principle)',
      evidence: 'lower-bound',
      notes: ['Closed form (Kalman filter and soft Riccati recursion): exact up to floating-point rounding.', 'LQG: the policy sees y = Cx + v, not x; its gains are those of the fully observed model, its value is lower by the cost of the belief covariance.'],
    },
    filter(history) {
      const { t, mean } = filterMean(history, T, 'filter()');
      return { mean, covariance: rows(covariances[t]!) };
    },
    policy(history) {
      const { t, mean } = filterMean(history, T - 1, 'policy()');
      const step = pass.step(t);
      return { mean: mulVec(step.K, mean).map((v, i) => -v - step.k[i]!), covariance: rows(step.covariance) };
    },
    gains(t) {
      checkT(t, T - 1, 'gains()');
      return { K: rows(pass.step(t).K), k: Array.from(pass.step(t).k) };
    },
    V(t) {
      checkT(t, T, 'V()');
      const Vt = valueAt(t);
      return { P: rows(Vt.P), p: Array.from(Vt.p), c: Vt.v, at: (x) => { const xv = vector(x, n, 'V()', 'm'); return -0.5 * quadForm(Vt.P, xv) + dot(Vt.p, xv) + Vt.v; } };
    },
  };
  return Object.freeze(posterior);
}
