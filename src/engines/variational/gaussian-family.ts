/**
 * `gaussianPolicy({ features, covariance, timeIndexed, bias })`: the Gaussian
 * policy family for a continuous action u ∈ ℝ^d,
 *
 *   z = W_t φ(x) + b_t + L_t ε,   ε ~ N(0, I),   Σ_t = L_t L_tᵀ
 *   u = z                                        (unbounded)
 *   u = low + (high − low) ⊙ (tanh z + 1)/2      (bounds: the tanh-squashed Gaussian)
 *
 * L_t is diagonal (`covariance: 'diagonal'`, the default) or lower-triangular
 * (`'cholesky'`), its diagonal stored as log L_ii so that it stays positive.
 * log q(u | x) = log N(z; μ, Σ) − Σ_i log |∂u_i/∂z_i| (the change of variables),
 * with ∂u_i/∂z_i = (high_i − low_i)/2 · (1 − tanh² z_i).
 *
 * Parameters per time slot (T slots when timeIndexed, the default, else 1):
 * W (d × m, row-major), b (d, when bias), then the d log-diagonal entries,
 * then (cholesky) the d(d−1)/2 strictly lower entries of L by rows.
 */
import { checkOptions, fail, show, thrownText } from '../../errors.js';
import type { ActionBounds } from '../../types/continuous.js';
import type { BoundFamily, FamilyContext, PolicyFamily } from './families.js';

/** Options of `gaussianPolicy(...)`. */
export interface GaussianPolicyOptions<S = unknown> {
  /**
   * φ(x), the features the mean is linear in. Default: the state itself as a
   * vector (a number, an array / Float64Array of numbers, or a record's numeric
   * fields in key order) — the features under
   * which the soft-LQR policy is in the family, and the only ones through which
   * the reparameterised gradient differentiates the state.
   */
  readonly features?: (x: S) => ArrayLike<number>;
  /** 'diagonal' (default): independent components; 'cholesky': a full covariance L Lᵀ. */
  readonly covariance?: 'diagonal' | 'cholesky';
  /** One set of parameters per decision t (default true: the finite-horizon optimum depends on t). */
  readonly timeIndexed?: boolean;
  /** A bias b_t in the mean (default true). */
  readonly bias?: boolean;
  /** The initial standard deviation of every component of z (default 1). */
  readonly initialScale?: number;
}

/** A Gaussian family bound to a model: the parameter layout and the draws of z and u. */
export interface BoundGaussianFamily<S> {
  readonly size: number;
  /** d, m (features), slots (T or 1), the parameters per slot. */
  readonly d: number;
  readonly m: number;
  readonly slots: number;
  readonly perSlot: number;
  readonly bias: boolean;
  readonly cholesky: boolean;
  /** True when φ is the default (the state itself; the reparameterised gradient needs a vector state). */
  readonly identity: boolean;
  readonly bounds: ActionBounds | undefined;
  init(params: Float64Array): void;
  /** φ(x) into `out` (length m), checked. */
  features(x: S, out: Float64Array): void;
  /** The offset of slot t's parameters. */
  offset(t: number): number;
  /** μ = W φ + b into `out` (length d). */
  mean(params: Float64Array, t: number, phi: Float64Array, out: Float64Array): void;
  /** z = μ + L ε into `z`. */
  perturb(params: Float64Array, t: number, mu: Float64Array, eps: Float64Array, z: Float64Array): void;
  /** u = squash(z) (or z) into `u`; returns Σ_i log |∂u_i/∂z_i| (0 when unbounded). */
  squash(z: Float64Array, u: Float64Array): number;
  /** Σ_i log L_ii of slot t. */
  logDetL(params: Float64Array, t: number): number;
  /** L_t as rows (d × d). */
  choleskyRows(params: Float64Array, t: number): number[][];
}

/** A Gaussian policy family; `variational()` binds it to a model with a continuous action. */
export interface GaussianPolicyFamily<S = unknown> extends PolicyFamily<S, unknown> {
  readonly kind: 'gaussian-policy';
  bindContinuous(context: { readonly dimension: number; readonly horizon: number; readonly example: S; readonly bounds: ActionBounds | undefined }): BoundGaussianFamily<S>;
}

/** Is `family` made by `gaussianPolicy(...)`? */
export function isGaussianFamily(family: unknown): family is GaussianPolicyFamily {
  return typeof family === 'object' && family !== null && (family as { kind?: unknown }).kind === 'gaussian-policy';
}

const PART = 'gaussianPolicy()';

/**
 * The state itself as features: a number, an array / Float64Array of numbers, or a record's
 * numeric fields in key order; undefined for anything else.
 */
export function stateVector(x: unknown): ArrayLike<number> | undefined {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x) || x instanceof Float64Array) return x as ArrayLike<number>;
  if (typeof x === 'object' && x !== null) {
    const values = Object.values(x as Record<string, unknown>).filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? values : undefined;
  }
  return undefined;
}

/** A state for messages: a Float64Array shown as the array of its numbers. */
const shown = (x: unknown) => show(x instanceof Float64Array ? Array.from(x) : x);

/**
 * φ(x) of a continuous-action family or critic (`part` names it in messages): the user's
 * `features` (a throw is reported with the state) or, left out, the state itself as a vector;
 * `featuresInto` copies it into `out` after checking its length m and that every entry is finite.
 */
export function stateFeatures<S>(part: string, user: ((s: S) => ArrayLike<number>) | undefined) {
  const featureOf = (x: S): ArrayLike<number> => {
    if (user === undefined) {
      return stateVector(x) ?? fail({ code: 'option-invalid', part, message: `${part}: the state ${shown(x)} is not a number, a vector or a record of numbers, so it cannot be its own features; give features: (s) => [ … numbers … ]` });
    }
    try {
      return user(x);
    } catch (error) {
      return fail({ code: 'function-threw', part, message: `${part}: features(s=${shown(x)}) threw: ${thrownText(error)}` }, error);
    }
  };
  const featuresInto = (x: S, m: number, out: Float64Array): void => {
    const phi = featureOf(x);
    if (phi === null || typeof phi !== 'object' || phi.length !== m) {
      fail({ code: 'option-invalid', part, message: `${part}: features(s=${shown(x)}) has length ${show((phi as { length?: unknown } | null)?.length)}; expected ${m}, the length at the first state` });
    }
    for (let k = 0; k < m; k++) {
      const v = phi[k]!;
      if (typeof v !== 'number' || !Number.isFinite(v)) fail({ code: 'option-invalid', part, message: `${part}: features(s=${shown(x)}) has ${show(v)} at index ${k}; expected finite numbers` });
      out[k] = v;
    }
  };
  return { featureOf, featuresInto };
}

/**
 * The Gaussian (tanh-squashed when the action is bounded) policy family, linear in features.
 * @example infer(pendulum, variational({ family: gaussianPolicy({ features: (s) => [Math.cos(s.th), Math.sin(s.th), s.w] }) }))
 */
export function gaussianPolicy<S = unknown>(options: GaussianPolicyOptions<S> = {}): GaussianPolicyFamily<S> {
  checkOptions(PART, options, ['features', 'covariance', 'timeIndexed', 'bias', 'initialScale']);
  const covariance = options.covariance ?? 'diagonal';
  if (covariance !== 'diagonal' && covariance !== 'cholesky') fail({ code: 'option-invalid', part: PART, message: `${PART}: covariance must be 'diagonal' or 'cholesky', got ${show(covariance)}` });
  const timeIndexed = options.timeIndexed ?? true;
  const bias = options.bias ?? true;
  for (const [key, v] of [['timeIndexed', timeIndexed], ['bias', bias]] as const) {
    if (typeof v !== 'boolean') fail({ code: 'option-invalid', part: PART, message: `${PART}: ${key} must be true or false, got ${show(v)}` });
  }
  const scale = options.initialScale ?? 1;
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) fail({ code: 'option-invalid', part: PART, message: `${PART}: initialScale must be a positive finite number, got ${show(scale)}` });
  const userFeatures = options.features;
  if (userFeatures !== undefined && typeof userFeatures !== 'function') fail({ code: 'option-invalid', part: PART, message: `${PART}: features must be a function of the state returning numbers, got ${show(userFeatures)}` });
  const name = `gaussianPolicy({ covariance: '${covariance}', timeIndexed: ${timeIndexed}${userFeatures !== undefined ? ', features' : ''} })`;

  const { featureOf, featuresInto } = stateFeatures<S>(PART, userFeatures);

  const bindContinuous: GaussianPolicyFamily<S>['bindContinuous'] = ({ dimension: d, horizon, example, bounds }) => {
    const m = featureOf(example).length;
    const slots = timeIndexed ? horizon : 1;
    const lower = covariance === 'cholesky' ? (d * (d - 1)) / 2 : 0;
    const perSlot = d * m + (bias ? d : 0) + d + lower;
    const diagAt = d * m + (bias ? d : 0);
    const offset = (t: number) => (timeIndexed ? t : 0) * perSlot;
    // L[i][j] (j < i) of slot base `o`: the strictly lower entries by rows.
    const lowerAt = (o: number, i: number, j: number) => o + diagAt + d + (i * (i - 1)) / 2 + j;
    const half = bounds === undefined ? undefined : bounds.high.map((h, i) => (h - bounds.low[i]!) / 2);
    return {
      size: slots * perSlot,
      d,
      m,
      slots,
      perSlot,
      bias,
      cholesky: covariance === 'cholesky',
      identity: userFeatures === undefined,
      bounds,
      init(params) {
        params.fill(0);
        for (let s = 0; s < slots; s++) for (let i = 0; i < d; i++) params[s * perSlot + diagAt + i] = Math.log(scale);
      },
      features: (x, out) => featuresInto(x, m, out),
      offset,
      mean(params, t, phi, out) {
        const o = offset(t);
        for (let i = 0; i < d; i++) {
          let s = bias ? params[o + d * m + i]! : 0;
          for (let k = 0; k < m; k++) s += params[o + i * m + k]! * phi[k]!;
          out[i] = s;
        }
      },
      perturb(params, t, mu, eps, z) {
        const o = offset(t);
        for (let i = 0; i < d; i++) {
          let s = mu[i]! + Math.exp(params[o + diagAt + i]!) * eps[i]!;
          if (lower > 0) for (let j = 0; j < i; j++) s += params[lowerAt(o, i, j)]! * eps[j]!;
          z[i] = s;
        }
      },
      squash(z, u) {
        if (half === undefined) {
          u.set(z);
          return 0;
        }
        let logJ = 0;
        for (let i = 0; i < d; i++) {
          const th = Math.tanh(z[i]!);
          u[i] = bounds!.low[i]! + half[i]! * (th + 1);
          // log(1 − tanh² z) = 2 (log 2 − |z| − log(1 + e^{−2|z|})), stable for large |z|.
          const a = Math.abs(z[i]!);
          logJ += Math.log(half[i]!) + 2 * (Math.LN2 - a - Math.log1p(Math.exp(-2 * a)));
        }
        return logJ;
      },
      logDetL(params, t) {
        const o = offset(t);
        let s = 0;
        for (let i = 0; i < d; i++) s += params[o + diagAt + i]!;
        return s;
      },
      choleskyRows(params, t) {
        const o = offset(t);
        return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j === i ? Math.exp(params[o + diagAt + i]!) : j < i && lower > 0 ? params[lowerAt(o, i, j)]! : 0)));
      },
    };
  };
  return Object.freeze({
    kind: 'gaussian-policy' as const,
    name,
    bindContinuous,
    // A finite action has no Gaussian policy: the tabular engine binds families with `bind`.
    bind: (_context: FamilyContext<S, unknown>): BoundFamily<S> =>
      fail({ code: 'option-invalid', part: 'variational()', message: `variational(): family ${name} is a Gaussian policy for a continuous action, but the model's action is finite; use tabularSoftmax() or linearSoftmax(features), or give the model action.continuous(name, d)` }),
  });
}

/**
 * The chain rule from z to θ shared by every Gaussian-policy gradient: with g = ∂J/∂z at
 * z = W_t φ + b_t + L_t ε, grad[slot t] += weight · (∂/∂W = g φᵀ, ∂/∂b = g, ∂/∂L_ij = g_i ε_j (j < i),
 * ∂/∂log L_ii = L_ii g_i ε_i + diag), where `diag` is the direct derivative of J in log L_ii
 * (−1 for log q itself, +1 for the entropy −log q, +α for SAC's −α log π).
 */
export function accumulateGaussian<S>(family: BoundGaussianFamily<S>, params: Float64Array, t: number, g: ArrayLike<number>, eps: ArrayLike<number>, phi: ArrayLike<number>, weight: number, diag: number, grad: Float64Array): void {
  const { d, m } = family;
  const o = family.offset(t);
  for (let i = 0; i < d; i++) {
    const gi = weight * g[i]!;
    for (let k = 0; k < m; k++) grad[o + i * m + k]! += gi * phi[k]!;
    if (family.bias) grad[o + d * m + i]! += gi;
  }
  const diagAt = o + d * m + (family.bias ? d : 0);
  for (let i = 0; i < d; i++) grad[diagAt + i]! += weight * (Math.exp(params[diagAt + i]!) * g[i]! * eps[i]! + diag);
  if (family.cholesky) {
    for (let i = 1; i < d; i++) for (let j = 0; j < i; j++) grad[diagAt + d + (i * (i - 1)) / 2 + j]! += weight * g[i]! * eps[j]!;
  }
}
