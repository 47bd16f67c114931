/**
 * `quadraticCritic({ features, timeIndexed })`: a critic for a continuous
 * action, linear in features of (x, u): with z = [φ(x); u] (length p = m + d),
 *
 *   Q_t(x, u) = ω_tᵀ ψ(z),   ψ(z) = (1, z_1 … z_p, z_i z_j for i ≤ j),
 *
 * all monomials of degree ≤ 2 in z. With φ(x) = x it holds every quadratic
 * Q(x, u) exactly — the soft Q-function of a linear-Gaussian model — and its
 * derivative in u, which the reparameterised actor loss needs, is
 * ∂Q/∂u_k = ω_{1+m+k} + Σ_{i ≤ j} ω_ij ∂(z_i z_j)/∂u_k.
 */
import { checkOptions, fail, show } from '../../errors.js';
import { stateFeatures } from '../variational/gaussian-family.js';

/** Options of `quadraticCritic(...)`. */
export interface QuadraticCriticOptions<S = unknown> {
  /** φ(x); default the state itself as a vector (a number, an array / Float64Array of numbers, or a record's numeric fields). */
  readonly features?: (x: S) => ArrayLike<number>;
  /** One critic per decision t on a finite horizon (default true). */
  readonly timeIndexed?: boolean;
}

/** A critic bound to a model: Q, its gradient in ω (ψ) and in u. */
export interface BoundActionCritic<S> {
  readonly size: number;
  readonly m: number;
  /** φ(x) into `out`. */
  features(x: S, out: Float64Array): void;
  /** Q_t(x, u) at features φ. */
  value(params: Float64Array, t: number, phi: Float64Array, u: ArrayLike<number>): number;
  /** grad[slot t] += weight · ψ(φ, u). */
  accumulate(t: number, phi: Float64Array, u: ArrayLike<number>, weight: number, grad: Float64Array): void;
  /** ∂Q_t/∂u into `out` (length d). */
  actionGradient(params: Float64Array, t: number, phi: Float64Array, u: ArrayLike<number>, out: Float64Array): void;
}

/** A critic family for a continuous action. */
export interface ActionCriticFamily<S = unknown> {
  readonly kind: 'action-critic';
  readonly name: string;
  /** Refuses: a finite-action learner binds critics with `bind`, and this one is for a continuous action. */
  bind(): never;
  bindAction(context: { readonly dimension: number; readonly horizon: number; readonly example: S }): BoundActionCritic<S>;
}

/** Is `family` made by `quadraticCritic(...)`? */
export function isActionCritic(family: unknown): family is ActionCriticFamily {
  return typeof family === 'object' && family !== null && (family as { kind?: unknown }).kind === 'action-critic';
}

const PART = 'quadraticCritic()';

/**
 * A critic quadratic in (φ(x), u), for soft actor-critic and VIREL with a continuous action.
 * @example softActorCritic({ critic: quadraticCritic({ features: (s) => [Math.cos(s.th), Math.sin(s.th), s.w] }) })
 */
export function quadraticCritic<S = unknown>(options: QuadraticCriticOptions<S> = {}): ActionCriticFamily<S> {
  checkOptions(PART, options, ['features', 'timeIndexed']);
  const timeIndexed = options.timeIndexed ?? true;
  if (typeof timeIndexed !== 'boolean') fail({ code: 'option-invalid', part: PART, message: `${PART}: timeIndexed must be true or false, got ${show(timeIndexed)}` });
  const user = options.features;
  if (user !== undefined && typeof user !== 'function') fail({ code: 'option-invalid', part: PART, message: `${PART}: features must be a function of the state returning numbers, got ${show(user)}` });
  const { featureOf, featuresInto } = stateFeatures<S>(PART, user);
  const name = `quadraticCritic({ timeIndexed: ${timeIndexed}${user !== undefined ? ', features' : ''} })`;
  return Object.freeze({
    kind: 'action-critic' as const,
    name,
    // A finite action has no (x, u) critic: the tabular learners bind their critics with `bind`.
    bind: (): never =>
      fail({ code: 'option-invalid', part: PART, message: `${PART}: ${name} is a critic for a continuous action, but the model's action is finite; use tabularCritic() or linearCritic(features), or give the model action.continuous(name, d)` }),
    bindAction({ dimension: d, horizon, example }: { readonly dimension: number; readonly horizon: number; readonly example: S }): BoundActionCritic<S> {
      const m = featureOf(example).length;
      const p = m + d;
      const perSlot = 1 + p + (p * (p + 1)) / 2;
      const slots = timeIndexed && Number.isFinite(horizon) ? horizon : 1;
      const offset = (t: number) => (slots > 1 ? t : 0) * perSlot;
      const z = new Float64Array(p);
      const load = (phi: Float64Array, u: ArrayLike<number>) => {
        z.set(phi);
        for (let k = 0; k < d; k++) z[m + k] = u[k]!;
      };
      return {
        size: slots * perSlot,
        m,
        features: (x, out) => featuresInto(x, m, out),
        value(params, t, phi, u) {
          load(phi, u);
          const o = offset(t);
          let q = params[o]!;
          let k = o + 1;
          for (let i = 0; i < p; i++) q += params[k++]! * z[i]!;
          for (let i = 0; i < p; i++) for (let j = i; j < p; j++) q += params[k++]! * z[i]! * z[j]!;
          return q;
        },
        accumulate(t, phi, u, weight, grad) {
          load(phi, u);
          const o = offset(t);
          grad[o]! += weight;
          let k = o + 1;
          for (let i = 0; i < p; i++) grad[k++]! += weight * z[i]!;
          for (let i = 0; i < p; i++) for (let j = i; j < p; j++) grad[k++]! += weight * z[i]! * z[j]!;
        },
        actionGradient(params, t, phi, u, out) {
          load(phi, u);
          const o = offset(t);
          for (let a = 0; a < d; a++) out[a] = params[o + 1 + m + a]!;
          let k = o + 1 + p;
          // ∂(z_i z_j)/∂z_c = δ_ic z_j + δ_jc z_i, kept for the action coordinates c = m + a.
          for (let i = 0; i < p; i++) {
            for (let j = i; j < p; j++) {
              const w = params[k++]!;
              if (i >= m) out[i - m]! += w * z[j]!;
              if (j >= m) out[j - m]! += w * z[i]!;
            }
          }
        },
      };
    },
  });
}
