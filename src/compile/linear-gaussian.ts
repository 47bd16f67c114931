/**
 * `compileLinearGaussian(model)`: a model with a continuous action, read as
 * matrices for the exact soft-LQR kernel. It must be linear-Gaussian: one
 * `state.simulated` variable whose initial value is a point or a
 * `multivariateNormal`, a `linearGaussian` transition, `quadratic` rewards,
 * a finite horizon (any γ ≤ 1) or a discounted infinite one (γ < 1, which
 * model() enforces) with stationary dynamics. Anything else is refused here,
 * with what to change.
 *
 * The compiled graph carries its kernel (`kernel`, the soft-LQR kernel of
 * engines/exact/gaussian), and the `linearGaussian` part carries this
 * compiler: the chain starts from what the user imports, so `exact()` and
 * `infer()` reach the kernel without importing it and a tabular page does not
 * bundle it (the one mechanism of engines/exact/kernel.ts).
 */
import { fail, show } from '../errors.js';
import { checkMatrix, checkVector } from '../dsl/matrix-checks.js';
import { isMultivariateNormal } from '../dsl/continuous-action.js';
import { gaussianKernel } from '../engines/exact/gaussian/kernel.js';
import { notLinearGaussian } from './continuous-refusal.js';
import type { LinearGaussianGraph, LinearGaussianStep, LinearObservationSpec, QuadraticReward, TimeMatrix, TimeVector } from '../types/gaussian.js';
import type { ContinuousActionPart, Model, ObservationPart, OptimalityPart, Part, TerminalPart } from '../types/model.js';

/**
 * The dimensions of the model being compiled, for messages (n from A, d from the action);
 * set at the start of each (synchronous) compileLinearGaussian call.
 */
let dimensions = '';

/** Row-major data of a checked r × c matrix. */
function flat(part: string, field: string, m: unknown, r: number, c: number, symmetric = false): Float64Array {
  const rows = checkMatrix(part, field, m, { symmetric });
  if (rows.length !== r || rows[0]!.length !== c) {
    fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} is ${rows.length} × ${rows[0]!.length}; expected ${r} × ${c}${dimensions}` });
  }
  return Float64Array.from(rows.flat());
}

function vec(part: string, field: string, v: unknown, n: number): Float64Array {
  const out = checkVector(part, field, v);
  if (out.length !== n) fail({ code: 'gaussian-invalid', part, message: `${part}: ${field} has length ${out.length}; expected ${n}${dimensions}` });
  return out;
}

/** The value of a possibly time-varying field at t; a thrown error keeps its cause. */
function at<V>(field: TimeMatrix | TimeVector | undefined, t: number): V | undefined {
  return (typeof field === 'function' ? (field as (t: number) => unknown)(t) : field) as V | undefined;
}

export function compileLinearGaussian(m: Model<unknown, unknown>): LinearGaussianGraph {
  dimensions = '';
  const parts: readonly Part[] = m.parts;
  const act = parts.find((p): p is ContinuousActionPart => p.kind === 'continuous-action')!;
  const states = parts.filter((p) => p.kind === 'state' || p.kind === 'simulated-state');
  if (states.length !== 1 || states[0]!.kind !== 'simulated-state') {
    notLinearGaussian(`the state is ${states.map((s) => `${s.kind === 'state' ? 'state' : 'state.simulated'}('${s.name}')`).join(' and ')}; a continuous action with tabulated or factored states is not solved`);
  }
  const statePart = states[0];
  const observed = parts.find((p): p is ObservationPart => p.kind === 'observation');
  if (observed !== undefined && observed.linearGaussian === undefined) notLinearGaussian('the model has an observation(...) part with tabulated observations; a continuous state is observed through linearObservation({ C, V })');
  const transition = parts.find((p) => p.kind === 'transition');
  if (transition?.kind !== 'transition' || transition.linearGaussian === undefined) notLinearGaussian('the transition is a function, not linearGaussian({ A, B, c, W })');
  const rewards = parts.filter((p): p is OptimalityPart => p.kind === 'optimality');
  if (rewards.some((r) => r.quadratic === undefined)) notLinearGaussian('an optimality(...) reward is a function, not quadratic({ Q, R, … })');
  const terminals = parts.filter((p): p is TerminalPart => p.kind === 'terminal');
  if (terminals.some((r) => r.quadratic === undefined)) notLinearGaussian('an optimality.terminal(...) reward is a function, not quadratic.terminal({ Q, q, c })');
  const T = parts.find((p) => p.kind === 'horizon')?.steps ?? Infinity;
  // model() has already refused an infinite horizon without discount(γ < 1).
  const gamma = parts.find((p) => p.kind === 'discount')?.gamma ?? 1;
  const spec = transition.linearGaussian;
  const timeVarying = (['A', 'B', 'c', 'W'] as const).filter((k) => typeof spec[k] === 'function');
  if (!Number.isFinite(T) && timeVarying.length > 0) {
    notLinearGaussian(`the horizon is infinite but linearGaussian's ${timeVarying.join(', ')} ${timeVarying.length === 1 ? 'is a function' : 'are functions'} of t (the stationary Riccati fixed point needs stationary dynamics)`);
  }
  if (observed !== undefined && !Number.isFinite(T)) notLinearGaussian('the model has linearObservation(...) and an infinite horizon (LQG is solved over a finite horizon(T))');
  const alpha = parts.find((p) => p.kind === 'temperature')?.alpha ?? 1;

  const d = act.dimension;
  const a0 = checkMatrix('linearGaussian', 'A', at(spec.A, 0));
  const n = a0.length;
  dimensions = ` (state dimension ${n} from A, action dimension ${d})`;
  const steps: LinearGaussianStep[] = [];
  // An infinite horizon keeps one (stationary) step.
  const built = Number.isFinite(T) ? T : 1;
  for (let t = 0; t < built; t++) {
    const where = typeof spec.A === 'function' || typeof spec.B === 'function' || typeof spec.c === 'function' || typeof spec.W === 'function' ? `linearGaussian (t = ${t})` : 'linearGaussian';
    const c = at(spec.c, t);
    const W = at(spec.W, t);
    steps.push({
      A: flat(where, 'A', at(spec.A, t), n, n),
      B: flat(where, 'B', at(spec.B, t), n, d),
      c: c === undefined ? new Float64Array(n) : vec(where, 'c', c, n),
      W: W === undefined ? new Float64Array(n * n) : flat(where, 'W', W, n, n, true),
    });
    // Stationary dynamics: one step's data serves every t.
    if (where === 'linearGaussian') {
      for (let s = 1; s < built; s++) steps.push(steps[0]!);
      break;
    }
  }

  const reward: { Q: Float64Array; R: Float64Array; N: Float64Array; q: Float64Array; r: Float64Array; c: number } = {
    Q: new Float64Array(n * n), R: new Float64Array(d * d), N: new Float64Array(n * d), q: new Float64Array(n), r: new Float64Array(d), c: 0,
  };
  for (const part of rewards) {
    const s = part.quadratic!;
    const add = (into: Float64Array, from: Float64Array | undefined) => from?.forEach((v, i) => (into[i]! += v));
    add(reward.Q, s.Q === undefined ? undefined : flat('quadratic', 'Q', s.Q, n, n, true));
    add(reward.R, s.R === undefined ? undefined : flat('quadratic', 'R', s.R, d, d, true));
    add(reward.N, s.N === undefined ? undefined : flat('quadratic', 'N', s.N, n, d));
    add(reward.q, s.q === undefined ? undefined : vec('quadratic', 'q', s.q, n));
    add(reward.r, s.r === undefined ? undefined : vec('quadratic', 'r', s.r, d));
    reward.c += s.c ?? 0;
  }
  let terminal: LinearGaussianGraph['terminal'];
  if (terminals.length > 0) {
    const Q = new Float64Array(n * n);
    const q = new Float64Array(n);
    let c = 0;
    for (const part of terminals) {
      const s = part.quadratic!;
      if (s.Q !== undefined) flat('quadratic.terminal', 'Q', s.Q, n, n, true).forEach((v, i) => (Q[i]! += v));
      if (s.q !== undefined) vec('quadratic.terminal', 'q', s.q, n).forEach((v, i) => (q[i]! += v));
      c += s.c ?? 0;
    }
    terminal = { Q, q, c };
  }

  const graph: LinearGaussianGraph = Object.freeze({
    kind: 'linear-gaussian' as const,
    n,
    d,
    stateName: statePart!.name,
    actionName: act.name,
    horizon: T,
    alpha,
    gamma,
    steps,
    reward,
    effectiveReward: withPrior(reward, act, alpha, d),
    terminal,
    prior: act.prior,
    initial: initialOf(statePart!.kind === 'simulated-state' ? statePart!.initial : undefined, statePart!.name, n),
    observation: observed?.linearGaussian === undefined ? undefined : observationOf(observed.linearGaussian, n),
    kernel: gaussianKernel,
  });
  return graph;
}

/**
 * A Gaussian prior folds into the reward: Q/α + log N(u; μ, Σ) = (Q + α log N(u; μ, Σ))/α, so
 * R += αΣ⁻¹, r += αΣ⁻¹μ, c −= (α/2)(μᵀΣ⁻¹μ + log det(2πΣ)); the Lebesgue prior adds nothing.
 */
function withPrior(reward: QuadraticReward, act: ContinuousActionPart, alpha: number, d: number): QuadraticReward {
  if (act.prior.kind === 'lebesgue' || alpha === 0) return reward;
  const sigma = flat(`action.continuous('${act.name}')`, 'the prior covariance', act.prior.covariance, d, d, true);
  const inv = invertSpd(sigma, d);
  if (inv === undefined) {
    fail({ code: 'gaussian-invalid', part: `action.continuous('${act.name}')`, message: `action.continuous('${act.name}'): the prior covariance is singular; expected a positive definite covariance (a Gaussian prior with a density)` });
  }
  const { inverse, logDet } = inv;
  const mu = act.prior.mean;
  const R = reward.R.map((v, i) => v + alpha * inverse[i]!);
  const r = reward.r.map((v, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += inverse[i * d + j]! * mu[j]!;
    return v + alpha * s;
  });
  let quad = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) quad += mu[i]! * inverse[i * d + j]! * mu[j]!;
  const c = reward.c - 0.5 * alpha * (quad + d * Math.log(2 * Math.PI) + logDet);
  return { Q: reward.Q, R, N: reward.N, q: reward.q, r, c };
}

/** Σ⁻¹ and log det Σ by Gauss–Jordan with a Cholesky-style positivity check (small d). */
function invertSpd(m: Float64Array, d: number): { inverse: Float64Array; logDet: number } | undefined {
  const a = Float64Array.from(m);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  let logDet = 0;
  for (let k = 0; k < d; k++) {
    const pivot = a[k * d + k]!;
    if (!(pivot > 0)) return undefined;
    logDet += Math.log(pivot);
    for (let j = 0; j < d; j++) {
      a[k * d + j] = a[k * d + j]! / pivot;
      inv[k * d + j] = inv[k * d + j]! / pivot;
    }
    for (let i = 0; i < d; i++) {
      if (i === k) continue;
      const f = a[i * d + k]!;
      if (f === 0) continue;
      for (let j = 0; j < d; j++) {
        a[i * d + j] = a[i * d + j]! - f * a[k * d + j]!;
        inv[i * d + j] = inv[i * d + j]! - f * inv[k * d + j]!;
      }
    }
  }
  return { inverse: inv, logDet };
}

/** y = C x + v: C (p × n) against the state dimension; V was checked p × p and positive definite by linearObservation. */
function observationOf(spec: LinearObservationSpec, n: number): LinearGaussianGraph['observation'] {
  const C = checkMatrix('linearObservation', 'C', spec.C);
  const p = C.length;
  return { C: flat('linearObservation', 'C', spec.C, p, n), V: flat('linearObservation', 'V', spec.V, p, p, true), p, initial: spec.initial === true };
}

/** p(x_0): a point (a vector, or a number when n = 1) or a multivariateNormal. */
function initialOf(initial: unknown, name: string, n: number): { mean: Float64Array; covariance: Float64Array } {
  const part = `state.simulated('${name}')`;
  if (isMultivariateNormal(initial)) {
    return { mean: vec(part, 'the initial mean', initial.mean, n), covariance: flat(part, 'the initial covariance', initial.covariance, n, n, true) };
  }
  if (typeof initial === 'number' || Array.isArray(initial) || initial instanceof Float64Array) {
    return { mean: vec(part, 'the initial state', initial, n), covariance: new Float64Array(n * n) };
  }
  return notLinearGaussian(`${part} has initial ${show(initial)}; give a vector (a point) or multivariateNormal(mean, covariance)`);
}
