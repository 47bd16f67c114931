/**
 * The Gaussian posterior of a linear-Gaussian model: the same questions as
 * the tabular posterior (policy, values, evidence, marginals, samples,
 * log-probabilities, the mode, evaluation of a policy), answered in the form
 * a Gaussian state takes — means, covariances and quadratics.
 *
 * Under the posterior backup p(τ | O) is itself a linear-Gaussian chain:
 * p(x_{t+1} | x_t, u_t, O) ∝ N(x'; m, W) exp(V_{t+1}(x')/α) is
 * N((I − GP)m + Gp, αG) with G = L(αI + LᵀPL)⁻¹Lᵀ, W = LLᵀ (and p(x_0 | O)
 * likewise from p(x_0)); under fixed-dynamics the transitions are the model's.
 */
import { fail, show } from '../../../errors.js';
import { gaussian as standardNormal, rng } from '../../../dist/rng.js';
import type { Convergence, Evidence, Exactness } from '../../../types/posterior.js';
import type { LinearGaussianGraph, Matrix, Vector } from '../../../types/gaussian.js';
import { isGaussianPosterior } from './posterior-guard.js';
import { nextValue, qOf, STATIONARY_MAX_ITERATIONS, STATIONARY_TOLERANCE, tilt, type BackwardPass, type GaussianBackup, type QuadraticQ, type QuadraticValue } from './backup.js';
import { addVec, axpby, cholesky, choleskyPsd, cholSolveVec, dot, identity, logDetChol, mat, mul, mulVec, quadForm, symmetrize, tmul, transpose, type Mat } from './linalg.js';

/** A Gaussian N(mean, covariance). */
export interface GaussianMoments {
  readonly mean: Float64Array;
  readonly covariance: number[][];
}

/** V(x) = −½ xᵀPx + pᵀx + c, with `at(x)` to evaluate it. */
export interface QuadraticFunction {
  readonly P: number[][];
  readonly p: number[];
  readonly c: number;
  at(x: Vector | number): number;
}

/** Q(x, u) = −½ xᵀQxx x − xᵀQxu u − ½ uᵀQuu u + qxᵀx + quᵀu + c. */
export interface QuadraticActionValue {
  readonly Qxx: number[][];
  /** n × d. */
  readonly Qxu: number[][];
  readonly Quu: number[][];
  readonly qx: number[];
  readonly qu: number[];
  readonly c: number;
  at(x: Vector | number, u: Vector | number): number;
}

/** A trajectory of vectors: T states (T + 1 with a terminal reward) and T actions. */
export interface GaussianTrajectory {
  readonly states: readonly Float64Array[];
  readonly actions: readonly Float64Array[];
}

/** A linear-Gaussian policy u_t = −K_t x − k_t + ε, ε ~ N(0, Σ_t); each field may be a function of t. */
export interface LinearGaussianPolicy {
  readonly K: Matrix | ((t: number) => Matrix);
  readonly k?: Vector | ((t: number) => Vector);
  /** Σ_t; zero (a deterministic policy) when left out. */
  readonly covariance?: Matrix | ((t: number) => Matrix);
}

/** V^π of a policy: V^π_t as quadratics, and its average over p(x_0). */
export interface GaussianEvaluation {
  V(t: number): QuadraticFunction;
  /** E_{p(x_0)} V^π_0(x_0). */
  readonly value: number;
}

/** The posterior `infer(model, exact())` returns for a linear-Gaussian model (typed by `gaussianPosterior(post)`). */
export interface GaussianPosterior {
  readonly kind: 'linear-gaussian';
  readonly engine: 'exact';
  readonly backup: GaussianBackup;
  readonly graph: LinearGaussianGraph;
  /** T, or Infinity for the discounted infinite horizon (then every query is stationary in t). */
  readonly horizon: number;
  /** The fixed-point iteration of an infinite horizon (relative change of P and p); undefined for a finite one. */
  readonly convergence: Convergence | undefined;
  /** log p(O) (posterior backup, w.r.t. the action prior's measure) or the fixed-dynamics ELBO. */
  readonly logEvidence: number;
  readonly evidence: Evidence;
  /** α · logEvidence: α log E exp(V_0/α) (posterior) or E V_0 (fixed dynamics) over p(x_0). */
  readonly value: number;
  readonly exactness: Exactness;
  /** π_t(u | x) = N(−K_t x − k_t, α S_t⁻¹). */
  policy(t: number, x: Vector | number): GaussianMoments;
  /** The gain K_t (d × n) and offset k_t of the policy mean −K_t x − k_t. */
  gains(t: number): { readonly K: number[][]; readonly k: number[] };
  /** V_t for t = 0 … T (V_T is the terminal reward, or 0). */
  V(t: number): QuadraticFunction;
  Q(t: number): QuadraticActionValue;
  /** p(x_t | O) for t = 0 … T: the forward pass of the posterior chain. */
  stateMarginal(t: number): GaussianMoments;
  /** p(u_t | O) for t = 0 … T−1. */
  actionMarginal(t: number): GaussianMoments;
  /** Trajectories drawn from p(τ | O), with their log-densities; `steps` (decisions) is required for an infinite horizon. */
  sample(count: number, options: { readonly seed: number | string; readonly steps?: number }): (GaussianTrajectory & { readonly logProb: number })[];
  /** log p(τ | O) as a density; −Infinity off the support of a degenerate factor. An infinite horizon takes k states and k actions, any k ≥ 1. */
  logProb(trajectory: GaussianTrajectory): number;
  /** The mode of p(τ | O), which for a Gaussian is its mean path; `steps` is required for an infinite horizon. */
  mostProbable(options?: { readonly steps?: number }): GaussianTrajectory;
  /** V^π of a linear-Gaussian policy under the model's dynamics; `soft` adds −α log(π/p) per decision. */
  evaluate(policy: LinearGaussianPolicy | GaussianPosterior, options?: { readonly soft?: boolean }): GaussianEvaluation;
}


const rows = (m: Mat): number[][] => Array.from({ length: m.r }, (_, i) => Array.from(m.d.subarray(i * m.c, (i + 1) * m.c)));

/** One transition of the posterior chain: x' ~ N(Ã x + B̃ u + c̃, W̃). */
interface ChainStep {
  readonly A: Mat;
  readonly B: Mat;
  readonly c: Float64Array;
  readonly W: Mat;
}

export function buildGaussianPosterior(graph: LinearGaussianGraph, backup: GaussianBackup, pass: BackwardPass): GaussianPosterior {
  const { n, d, alpha, horizon: T } = graph;
  const finite = Number.isFinite(T);
  const hasTerminal = graph.terminal !== undefined;
  const VT = pass.VT;
  const Vof = (t: number) => (t === T ? VT : pass.step(t).V);
  /** The dynamics (and per-step factors) of decision t: one stationary step for an infinite horizon. */
  const at = (t: number) => (finite ? t : 0);

  /** p(x' | m, O) with x' = m + w: the tilt by V_{t+1} under the posterior backup (identity for fixed-dynamics or W = 0). */
  const tiltOf = (V: QuadraticValue, cov: Mat, where: string): { Fm: Mat; g: Float64Array; cov: Mat } => {
    if (backup === 'fixed-dynamics' || cov.d.every((v) => v === 0)) return { Fm: identity(n), g: new Float64Array(n), cov };
    const { G } = tilt(V, cov, alpha, where);
    // mean (I − GP) m + G p, covariance α G
    return { Fm: axpby(1, identity(n), -1, mul(G, V.P)), g: mulVec(G, V.p), cov: axpby(alpha, G, 0, G) };
  };
  // value: α log E_{p(x_0)} exp(V_0/α) (posterior) or E_{p(x_0)} V_0 (fixed dynamics)
  const start = nextValue(Vof(0), mat(n, n, graph.initial.covariance), alpha, backup, 0);
  const value = -0.5 * quadForm(start.P, graph.initial.mean) + dot(start.p, graph.initial.mean) + start.v;
  const logEvidence = alpha > 0 ? value / alpha : value > 0 ? Infinity : value < 0 ? -Infinity : 0;

  const checkT = (t: number, last: number, what: string) => {
    if (!Number.isInteger(t) || t < 0 || t > last) {
      fail({ code: 'time-out-of-range', part: what, t, message: finite ? `${what}: t = ${show(t)} is outside 0 … ${last}; expected an integer time of the model (horizon ${T})` : `${what}: t = ${show(t)} is not a time; expected an integer t ≥ 0 (the horizon is infinite and the solution stationary)` });
    }
  };
  const vector = (v: unknown, length: number, what: string, name: string): Float64Array => {
    const values = typeof v === 'number' ? [v] : Array.isArray(v) || v instanceof Float64Array ? Array.from(v as ArrayLike<unknown>) : undefined;
    if (values === undefined || values.length !== length || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail({ code: 'gaussian-invalid', part: what, message: `${what}: ${name} is ${show(v)}; expected a vector of ${length} finite numbers` });
    }
    return Float64Array.from(values as number[]);
  };
  const policyMean = (t: number, x: Float64Array) => {
    const step = pass.step(t);
    return mulVec(step.K, x).map((v, i) => -v - step.k[i]!);
  };

  const quadraticFunction = (V: QuadraticValue, what: string): QuadraticFunction => ({
    P: rows(V.P),
    p: Array.from(V.p),
    c: V.v,
    at: (x) => {
      const xv = vector(x, n, what, 'x');
      return -0.5 * quadForm(V.P, xv) + dot(V.p, xv) + V.v;
    },
  });

  /** States in a trajectory of `decisions` decisions: one more than the decisions only after the last one of a model with a terminal reward. */
  const statesOf = (decisions: number) => (finite && hasTerminal ? decisions + 1 : decisions);
  /** The decisions of sample()/mostProbable(): T, or `steps` (required) for an infinite horizon. */
  const decisionsOf = (steps: unknown, what: string): number => {
    if (finite && (steps === undefined || steps === T)) return T;
    if (!finite && typeof steps === 'number' && Number.isInteger(steps) && steps >= 1) return steps;
    return fail({
      code: 'option-invalid',
      part: what,
      message: finite
        ? `${what}: steps is ${show(steps)}; expected ${T} (the horizon) or no steps`
        : `${what}: steps is ${show(steps)}; expected a positive integer number of decisions (the horizon is infinite)`,
    });
  };
  const logProb = (trajectory: GaussianTrajectory): number => {
    const what = 'logProb()';
    const ok = typeof trajectory === 'object' && trajectory !== null && Array.isArray(trajectory.states) && Array.isArray(trajectory.actions);
    const decisions = ok ? (finite ? T : trajectory.actions.length) : 0;
    if (!ok || decisions < 1 || trajectory.states.length !== statesOf(decisions) || trajectory.actions.length !== decisions) {
      fail({
        code: 'trajectory-invalid',
        part: what,
        message: finite
          ? `${what}: expected { states, actions } with ${statesOf(T)} states and ${T} actions (vectors), got ${show(trajectory)}`
          : `${what}: expected { states, actions } with k states and k actions (vectors), k ≥ 1, got ${show(trajectory)}`,
      });
    }
    const length = statesOf(decisions);
    const xs = trajectory.states.map((x, t) => vector(x, n, what, `states[${t}]`));
    const us = trajectory.actions.map((u, t) => vector(u, d, what, `actions[${t}]`));
    const { chain, factors, initialMean } = forward();
    let lp = factors.x0(xs[0]!, initialMean);
    for (let t = 0; t < decisions && lp > -Infinity; t++) {
      lp += factors.u[at(t)]!(us[t]!, policyMean(t, xs[t]!));
      if (t + 1 < length) {
        const c = chain[at(t)]!;
        lp += factors.w[at(t)]!(xs[t + 1]!, addVec(addVec(mulVec(c.A, xs[t]!), mulVec(c.B, us[t]!)), c.c));
      }
    }
    return lp;
  };

  const draw = (cov: Mat) => {
    const L = choleskyPsd(cov)!;
    return (mean: Float64Array, random: ReturnType<typeof rng>) => {
      const z = new Float64Array(cov.r);
      for (let i = 0; i < z.length; i++) z[i] = standardNormal(random);
      return mulVec(L, z).map((v, i) => v + mean[i]!);
    };
  };
  /**
   * The forward objects — the posterior chain, the marginals, the log-density
   * factors and samplers — built on the first query that needs them, so that
   * infer() pays for the backward pass alone.
   */
  let built: ReturnType<typeof buildForward> | undefined;
  const forward = () => (built ??= buildForward());
  function buildForward() {
    const chain: ChainStep[] = [];
    const chainSteps = finite ? T : 1;
    for (let t = 0; t < chainSteps; t++) {
      const s = graph.steps[t]!;
      const { Fm, g, cov } = tiltOf(Vof(t + 1), mat(n, n, s.W), `the noise W at t = ${t}`);
      chain.push({ A: mul(Fm, mat(n, n, s.A)), B: mul(Fm, mat(n, d, s.B)), c: mulVec(Fm, s.c).map((x, i) => x + g[i]!), W: symmetrize(cov) });
    }
    const x0 = tiltOf(Vof(0), mat(n, n, graph.initial.covariance), 'the initial covariance');
    const initialMean = mulVec(x0.Fm, graph.initial.mean).map((x, i) => x + x0.g[i]!);
    const initialCov = symmetrize(x0.cov);

    // p(x_t | O), extended on demand (an infinite horizon has no last t)
    const marginals: { mean: Float64Array; cov: Mat }[] = [{ mean: initialMean, cov: initialCov }];
    const marginal = (t: number) => {
      for (let s = marginals.length - 1; s < t; s++) {
        // x' = (Ã − B̃K) x + c̃ − B̃k + B̃ε + w̃
        const { mean, cov } = marginals[s]!;
        const c = chain[at(s)]!;
        const step = pass.step(s);
        const F = axpby(1, c.A, -1, mul(c.B, step.K));
        const m = addVec(addVec(mulVec(F, mean), c.c), mulVec(c.B, step.k), -1);
        const C = symmetrize(axpby(1, axpby(1, mul(F, mul(cov, transpose(F))), 1, mul(c.B, mul(step.covariance, transpose(c.B)))), 1, c.W));
        marginals.push({ mean: m, cov: C });
      }
      return marginals[t]!;
    };
    const policySteps = Array.from({ length: chainSteps }, (_, t) => pass.step(t));
    const factors = { x0: gaussianLogPdf(initialCov), u: policySteps.map((s) => gaussianLogPdf(s.covariance)), w: chain.map((c) => gaussianLogPdf(c.W)) };
    return { chain, initialMean, marginal, factors, drawX0: draw(initialCov), drawU: policySteps.map((s) => draw(s.covariance)), drawW: chain.map((c) => draw(c.W)) };
  }

  const posterior: GaussianPosterior = {
    kind: 'linear-gaussian',
    engine: 'exact',
    backup,
    graph,
    horizon: T,
    convergence: pass.convergence,
    logEvidence,
    evidence: evidenceOf(backup, logEvidence, graph),
    value,
    exactness: exactnessOf(backup, graph),
    policy(t, x) {
      checkT(t, T - 1, 'policy()');
      return { mean: policyMean(t, vector(x, n, 'policy()', 'x')), covariance: rows(pass.step(t).covariance) };
    },
    gains(t) {
      checkT(t, T - 1, 'gains()');
      return { K: rows(pass.step(t).K), k: Array.from(pass.step(t).k) };
    },
    V(t) {
      checkT(t, T, 'V()');
      return quadraticFunction(Vof(t), 'V()');
    },
    Q(t) {
      checkT(t, T - 1, 'Q()');
      const Q = qOf(graph.effectiveReward, graph.steps[at(t)]!, Vof(t + 1), alpha, graph.gamma, backup, t, n, d);
      return quadraticActionValue(Q, (x, u) => [vector(x, n, 'Q()', 'x'), vector(u, d, 'Q()', 'u')]);
    },
    stateMarginal(t) {
      checkT(t, T, 'stateMarginal()');
      const { mean, cov } = forward().marginal(t);
      return { mean: Float64Array.from(mean), covariance: rows(cov) };
    },
    actionMarginal(t) {
      checkT(t, T - 1, 'actionMarginal()');
      const { mean, cov } = forward().marginal(t);
      const { K, covariance } = pass.step(t);
      return { mean: policyMean(t, mean), covariance: rows(symmetrize(axpby(1, mul(K, mul(cov, transpose(K))), 1, covariance))) };
    },
    sample(count, options) {
      if (!Number.isInteger(count) || count < 1) {
        fail({ code: 'sample-invalid', part: 'sample()', message: `sample(): count must be a positive integer, got ${show(count)}` });
      }
      const decisions = decisionsOf(options?.steps, 'sample()');
      const length = statesOf(decisions);
      const random = rng(options?.seed, 'sample()');
      const { chain, initialMean, drawX0, drawU, drawW } = forward();
      const out: (GaussianTrajectory & { logProb: number })[] = [];
      for (let i = 0; i < count; i++) {
        const states = [drawX0(initialMean, random)];
        const actions: Float64Array[] = [];
        for (let t = 0; t < decisions; t++) {
          const x = states[t]!;
          const u = drawU[at(t)]!(policyMean(t, x), random);
          actions.push(u);
          if (t + 1 < length) {
            const c = chain[at(t)]!;
            states.push(drawW[at(t)]!(addVec(addVec(mulVec(c.A, x), mulVec(c.B, u)), c.c), random));
          }
        }
        const trajectory = { states, actions };
        out.push({ ...trajectory, logProb: logProb(trajectory) });
      }
      return out;
    },
    logProb,
    mostProbable(options = {}) {
      const decisions = decisionsOf(options.steps, 'mostProbable()');
      const length = statesOf(decisions);
      const { chain, initialMean } = forward();
      const states: Float64Array[] = [Float64Array.from(initialMean)];
      const actions: Float64Array[] = [];
      for (let t = 0; t < decisions; t++) {
        const u = policyMean(t, states[t]!);
        actions.push(u);
        if (t + 1 < length) {
          const c = chain[at(t)]!;
          states.push(addVec(addVec(mulVec(c.A, states[t]!), mulVec(c.B, u)), c.c));
        }
      }
      return { states, actions };
    },
    evaluate(policy, options = {}) {
      return evaluatePolicy(graph, isGaussianPosterior(policy) ? { K: (t) => policy.gains(t).K, k: (t) => policy.gains(t).k, covariance: (t) => policy.policy(t, new Float64Array(n)).covariance } : policy, options.soft === true);
    },
  };
  return Object.freeze(posterior);
}

function quadraticActionValue(Q: QuadraticQ, check: (x: unknown, u: unknown) => [Float64Array, Float64Array]): QuadraticActionValue {
  const Qxu = transpose(Q.Qux);
  return {
    Qxx: rows(Q.Qxx),
    Qxu: rows(Qxu),
    Quu: rows(Q.S),
    qx: Array.from(Q.qx),
    qu: Array.from(Q.qu),
    c: Q.q0,
    at: (x, u) => {
      const [xv, uv] = check(x, u);
      return -0.5 * quadForm(Q.Qxx, xv) - dot(xv, mulVec(Qxu, uv)) - 0.5 * quadForm(Q.S, uv) + dot(Q.qx, xv) + dot(Q.qu, uv) + Q.q0;
    },
  };
}

/**
 * log N(x; m, C) for a fixed covariance C: a density when C is positive definite;
 * a point mass (0 at the mean, −∞ elsewhere) when C = 0; refused when C is singular but not 0.
 */
function gaussianLogPdf(C: Mat): (x: Float64Array, m: Float64Array) => number {
  if (C.d.every((v) => v === 0)) {
    return (x, m) => (x.every((v, i) => Math.abs(v - m[i]!) <= 1e-9 * Math.max(1, Math.abs(m[i]!))) ? 0 : -Infinity);
  }
  const L = cholesky(C);
  if (L === undefined) {
    return () =>
      fail({ code: 'unsupported-query', part: 'logProb()', message: 'logProb(): a factor of p(τ | O) has a singular (but not zero) covariance, so the trajectory has no density; expected a noise covariance W that is 0 or positive definite' });
  }
  const constant = -0.5 * (C.r * Math.log(2 * Math.PI) + logDetChol(L));
  return (x, m) => {
    const r = x.map((v, i) => v - m[i]!);
    return constant - 0.5 * dot(r, cholSolveVec(L, r));
  };
}

/**
 * V^π_t(x) of u = −K_t x − k_t + ε, ε ~ N(0, Σ_t) under the model's dynamics:
 * Q^π_t = r + E_w V^π_{t+1}(Ax + Bu + c + w) (the fixed-dynamics Q with V^π), then with F = [I; −K],
 * f = [0; −k], H the Hessian and h the gradient of Q^π in z = (x, u):
 * P^π = FᵀHF, p^π = Fᵀ(h − Hf), v^π = h0 + hᵀf − ½ fᵀHf − ½ tr(H_uu Σ).
 * `soft` uses the prior-including reward and adds α H(π) = (α/2) log det(2πe Σ).
 */
function evaluatePolicy(graph: LinearGaussianGraph, policy: LinearGaussianPolicy, soft: boolean): GaussianEvaluation {
  const { n, d, alpha, horizon: T } = graph;
  const finite = Number.isFinite(T);
  const what = 'evaluate()';
  const at = <V>(f: V | ((t: number) => V), t: number): V => (typeof f === 'function' ? (f as (t: number) => V)(t) : f);
  const matrixAt = (m: unknown, r: number, c: number, name: string, t: number): Mat => {
    const ok = Array.isArray(m) && m.length === r && m.every((row) => (Array.isArray(row) || row instanceof Float64Array) && row.length === c && Array.from(row as ArrayLike<unknown>).every((x) => typeof x === 'number' && Number.isFinite(x)));
    if (!ok) fail({ code: 'gaussian-invalid', part: what, t, message: `${what}: the policy's ${name} at t = ${t} is ${show(m)}; expected a ${r} × ${c} matrix of finite numbers` });
    return mat(r, c, Float64Array.from((m as ArrayLike<number>[]).flatMap((row) => Array.from(row))));
  };
  /** V^π_t from V^π_{t+1}: one step of the policy's discounted (Lyapunov) recursion. */
  const evalStep = (V: QuadraticValue, t: number): QuadraticValue => {
    const step = graph.steps[finite ? t : 0]!;
    const K = matrixAt(at(policy.K, t), d, n, 'K', t);
    const kRaw = policy.k === undefined ? new Array<number>(d).fill(0) : at(policy.k, t);
    const k = matrixAt([Array.from(kRaw as ArrayLike<number>)], 1, d, 'k', t).d;
    const Sigma = policy.covariance === undefined ? mat(d, d) : matrixAt(at(policy.covariance, t), d, d, 'covariance', t);
    const Q = qOf(soft ? graph.effectiveReward : graph.reward, step, V, alpha, graph.gamma, 'fixed-dynamics', t, n, d);
    // u = −Kx − k + ε: substitute into the quadratic in (x, u)
    const KtS = tmul(K, Q.S);
    const P = symmetrize(axpby(1, axpby(1, Q.Qxx, -1, axpby(1, tmul(Q.Qux, K), 1, tmul(K, Q.Qux))), 1, mul(KtS, K)));
    // p = qx − Kᵀqu + Quxᵀk − KᵀSk, from Fᵀ(h − Hf) with f = [0; −k]
    const Sk = mulVec(Q.S, k);
    const Quxk = mulVec(transpose(Q.Qux), k);
    const Ktqu = mulVec(transpose(K), Q.qu);
    const KtSk = mulVec(transpose(K), Sk);
    const p = Q.qx.map((x, i) => x - Ktqu[i]! + Quxk[i]! - KtSk[i]!);
    let v = Q.q0 - dot(Q.qu, k) - 0.5 * dot(k, Sk) - 0.5 * traceProduct(Q.S, Sigma);
    if (soft && alpha > 0) {
      const L = cholesky(Sigma);
      if (L === undefined) {
        fail({ code: 'gaussian-invalid', part: what, t, message: `${what}: the policy's covariance at t = ${t} is not positive definite, so its entropy is −Infinity; expected a positive definite covariance with { soft: true }` });
      }
      v += 0.5 * alpha * (d * Math.log(2 * Math.PI * Math.E) + logDetChol(L));
    }
    return { P, p, v };
  };
  const values: QuadraticValue[] = finite ? new Array<QuadraticValue>(T + 1) : [];
  if (finite) {
    let V: QuadraticValue = graph.terminal
      ? { P: mat(n, n, Float64Array.from(graph.terminal.Q)), p: Float64Array.from(graph.terminal.q), v: graph.terminal.c }
      : { P: mat(n, n), p: new Float64Array(n), v: 0 };
    values[T] = V;
    for (let t = T - 1; t >= 0; t--) values[t] = V = evalStep(V, t);
  } else {
    values[0] = stationaryValue(evalStep, n, graph.gamma, what);
  }
  const start = nextValue(values[0]!, mat(n, n, graph.initial.covariance), alpha, 'fixed-dynamics', 0);
  const value = -0.5 * quadForm(start.P, graph.initial.mean) + dot(start.p, graph.initial.mean) + start.v;
  return {
    V(t) {
      if (!Number.isInteger(t) || t < 0 || t > T) fail({ code: 'time-out-of-range', part: what, t, message: `${what}: t = ${show(t)} is outside 0 … ${T}; expected an integer time of the model (horizon ${T})` });
      const Vt = values[finite ? t : 0]!;
      return { P: rows(Vt.P), p: Array.from(Vt.p), c: Vt.v, at: (x) => {
        const xv = typeof x === 'number' ? Float64Array.of(x) : Float64Array.from(x);
        return -0.5 * quadForm(Vt.P, xv) + dot(Vt.p, xv) + Vt.v;
      } };
    },
    value,
  };
}

/**
 * The stationary V^π of a policy read at t = 0 (an infinite horizon): iterate
 * V ← step(V) from 0 until P and p stop moving (the tolerance of the
 * stationary Riccati solve), then v* = κ/(1 − γ) as there (v enters affinely with slope γ).
 */
function stationaryValue(step: (V: QuadraticValue, t: number) => QuadraticValue, n: number, gamma: number, what: string): QuadraticValue {
  let V: QuadraticValue = { P: mat(n, n), p: new Float64Array(n), v: 0 };
  for (let iteration = 1; iteration <= STATIONARY_MAX_ITERATIONS; iteration++) {
    const next = step({ P: V.P, p: V.p, v: 0 }, 0);
    let change = 0;
    let scale = 1;
    next.P.d.forEach((x, i) => ((change = Math.max(change, Math.abs(x - V.P.d[i]!))), (scale = Math.max(scale, Math.abs(x)))));
    next.p.forEach((x, i) => ((change = Math.max(change, Math.abs(x - V.p[i]!))), (scale = Math.max(scale, Math.abs(x)))));
    if (!(scale < 1e150)) {
      fail({ code: 'not-converged', part: what, message: `${what}: the policy's discounted value diverges (max |P| passed 1e+150 after ${iteration} iterations), so V^π = −Infinity: √γ (A − BK) is unstable under this policy; expected a stabilising gain K` });
    }
    if (change <= STATIONARY_TOLERANCE * scale) {
      const kappa = step({ P: next.P, p: next.p, v: 0 }, 0).v;
      return { P: next.P, p: next.p, v: kappa / (1 - gamma) };
    }
    V = next;
  }
  return fail({ code: 'not-converged', part: what, message: `${what}: the policy's discounted value did not converge in ${STATIONARY_MAX_ITERATIONS} iterations; expected a gain K that makes √γ (A − BK) stable with a margin` });
}

function traceProduct(a: Mat, b: Mat): number {
  let s = 0;
  for (let i = 0; i < a.r; i++) for (let j = 0; j < a.c; j++) s += a.d[i * a.c + j]! * b.d[j * b.c + i]!;
  return s;
}

function exactnessOf(backup: GaussianBackup, graph: LinearGaussianGraph): Exactness {
  const notes: string[] = ['Closed form (soft Riccati recursion): exact up to floating-point rounding.'];
  if (graph.prior.kind === 'lebesgue') notes.push('Lebesgue action prior (improper): logEvidence is log ∫ exp(Σ_t r/α) du dτ over trajectories, a log-density integral rather than a probability.');
  if (backup === 'posterior' && graph.steps.some((s) => s.W.some((v) => v !== 0))) {
    notes.push('Stochastic dynamics: the posterior backup is optimistic (P̂ = P(I + WP/α)⁻¹ — it also conditions the noise on O); use backup: fixed-dynamics for the maximum-entropy RL policy.');
  }
  if (graph.alpha === 0) notes.push('α = 0: the LQR limit; the policy is the deterministic LQR gain (covariance 0).');
  if (!Number.isFinite(graph.horizon)) notes.push(`Infinite horizon: V is the discounted fixed point of the soft Riccati map, iterated until P and p change by at most post.convergence.tolerance relative (exact({ tolerance }), default ${STATIONARY_TOLERANCE}), with the constant solved exactly.`);
  if (graph.gamma < 1) notes.push(`Discount γ = ${graph.gamma}: Q_t = r + γ·backup(V_{t+1}), as in the tabular engine; logEvidence is then the discounted soft value over α, not a probability.`);
  return {
    posterior: backup === 'posterior',
    policy: backup === 'posterior' ? 'exact p(u_t | x_t, O_{t:T}) = N(−K x − k, α S⁻¹)' : 'the fixed-dynamics (maximum-entropy RL) optimum N(−K x − k, α S⁻¹), K the LQR gain',
    evidence: backup === 'posterior' ? 'exact' : 'lower-bound',
    notes,
  };
}

function evidenceOf(backup: GaussianBackup, logValue: number, graph: LinearGaussianGraph): Evidence {
  const improper = (graph.prior.kind === 'lebesgue' ? ' (under the Lebesgue action prior, a log-density integral)' : '') + (graph.gamma < 1 ? ' (with γ < 1 this is the discounted soft value, not a probability)' : '');
  return backup === 'posterior'
    ? { kind: 'exact', logValue, description: `log p(O) in closed form: α log E_{p(x_0)} exp(V_0/α), divided by α${improper}.` }
    : { kind: 'lower-bound', logValue, description: `ELBO of the fixed-dynamics posterior, E_{p(x_0)}[V_0]/α ≤ log p(O)${improper}.` };
}

