/**
 * Pictures of a weighted particle posterior (importance sampling / SMC), for
 * models whose states need not be tabulated:
 *
 * - a fan chart of one state coordinate f(s_t) over time: the weighted
 *   quantiles q_k(t) = min { v : Σ_{i : f(s_t^i) ≤ v} W_i ≥ k } for k = 5, 25,
 *   50, 75, 95 %, drawn as two bands and the median;
 * - the effective sample size ESS_t = 1 / Σ_i w_{t,i}² (normalised weights
 *   after step t) and the surviving lineages over time (distinct ancestors at
 *   step t of the final particles with weight > 0).
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import type { WeightedParticles } from '../../posterior/weighted.js';
import { curvesSvg } from './curves.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireParticles } from '../picture-input.js';

/** Options of `particleFanSvg`. */
export interface ParticleFanSvgOptions<S> {
  /** The coordinate drawn: a function of the state, or a record key (default: the state itself if a number, else its first numeric field). */
  readonly coordinate?: string | ((s: S) => number);
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

/** The quantile levels of the fan. */
export const FAN_LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

const PART = 'particleFanSvg';
const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The weighted q-quantile: the smallest value whose cumulative weight reaches q (weights need not be normalised). */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  checkQuantileInput(values, weights, q);
  const order = Array.from({ length: values.length }, (_, i) => i).filter((i) => weights[i]! > 0).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const i of order) total += weights[i]!;
  let cum = 0;
  for (const i of order) {
    cum += weights[i]!;
    if (cum >= q * total * (1 - 1e-12)) return values[i]!;
  }
  return values[order[order.length - 1]!]!;
}

/** Two array-likes of one length, finite values, weights ≥ 0 with a positive sum, q in [0, 1]: else a CaiError (no NaN or undefined out). */
function checkQuantileInput(values: unknown, weights: unknown, q: unknown): void {
  const part = 'weightedQuantile';
  const arrayLike = (x: unknown): x is ArrayLike<unknown> => (Array.isArray(x) || ArrayBuffer.isView(x)) && !(x instanceof DataView);
  if (!arrayLike(values) || !arrayLike(weights) || values.length !== weights.length) {
    fail({ code: 'argument-invalid', part, message: `${part}: expected values and weights as two arrays of one length, got ${show(values)} and ${show(weights)}` });
  }
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const w = weights[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail({ code: 'argument-invalid', part, message: `${part}: values[${i}] is ${show(v)}; expected a finite number` });
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) fail({ code: 'argument-invalid', part, message: `${part}: weights[${i}] is ${show(w)}; expected a finite number ≥ 0` });
    total += w;
  }
  if (!(total > 0)) fail({ code: 'argument-invalid', part, message: `${part}: the weights sum to ${show(total)}; expected a positive sum (some value must carry weight)` });
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) fail({ code: 'argument-invalid', part, message: `${part}: q is ${show(q)}; expected a number in [0, 1]` });
}

/** Resolve the coordinate option to a function and its name. */
export function coordinateOf<S>(example: S, coordinate: ParticleFanSvgOptions<S>['coordinate']): { name: string; f: (s: S) => number } {
  if (typeof coordinate === 'function') return { name: 'f(s)', f: coordinate };
  if (typeof coordinate === 'string') {
    if (!isRecord(example) || !(coordinate in example)) fail({ code: 'option-invalid', part: PART, message: `${PART}: coordinate '${coordinate}' is not a field of the state ${show(example)}; pass a field name or a function s => number` });
    return { name: coordinate, f: (s) => (s as Record<string, unknown>)[coordinate] as number };
  }
  if (typeof example === 'number') return { name: 's', f: (s) => s as number };
  if (isRecord(example)) {
    const key = Object.keys(example).find((k) => typeof example[k] === 'number');
    if (key !== undefined) return { name: key, f: (s) => (s as Record<string, unknown>)[key] as number };
  }
  return fail({ code: 'option-invalid', part: PART, message: `${PART}: the state ${show(example)} has no numeric coordinate; pass { coordinate: s => number }` });
}

/**
 * @example
 * const svg = await particleFanSvg(particlesOf(post), { coordinate: 'position' });
 */
export async function particleFanSvg<S, A>(particles: WeightedParticles<S, A>, options: ParticleFanSvgOptions<S> = {}): Promise<string> {
  requireParticles('particleFanSvg', particles, 'weighted quantiles of a state coordinate over t');
  const first = particles.stateValues(0);
  const { name, f } = coordinateOf(first[0] as S, options.coordinate);
  const data: Record<string, number>[] = [];
  // Each particle's path is its own trajectory traced back through resampling, weighted by its final W_i.
  for (let t = 0; t < particles.stateSteps; t++) {
    const xs = particles.stateValues(t).map((s, i) => {
      if (!(particles.weights[i]! > 0)) return NaN;
      const v = f(s);
      if (!Number.isFinite(v)) fail({ code: 'option-invalid', part: PART, t, message: `${PART}: the coordinate of particle ${i} at t=${t} is ${show(v)}; expected a finite number` });
      return v;
    });
    const row: Record<string, number> = { t };
    for (const q of FAN_LEVELS) row[`q${Math.round(q * 100)}`] = weightedQuantile(xs, particles.weights, q);
    data.push(row);
  }
  const x = { field: 't', type: 'quantitative' as const, title: 't', axis: { tickMinStep: 1 } };
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    config: BASE_CONFIG,
    width: options.width ?? 420,
    height: options.height ?? 220,
    data: { values: data },
    layer: [
      { mark: { type: 'area', opacity: 0.25, color: '#4c78a8' }, encoding: { x, y: { field: 'q5', type: 'quantitative', title: name, scale: { zero: false } }, y2: { field: 'q95' } } },
      { mark: { type: 'area', opacity: 0.45, color: '#4c78a8' }, encoding: { x, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' } } },
      { mark: { type: 'line', color: '#1f3f68', strokeWidth: 2, point: data.length <= 60 }, encoding: { x, y: { field: 'q50', type: 'quantitative' }, tooltip: FAN_LEVELS.map((q) => ({ field: `q${Math.round(q * 100)}`, type: 'quantitative' as const, format: '.12~g' })) } },
    ],
  };
  return renderVegaLite(spec);
}

/**
 * ESS after each decision and surviving lineages at each state step, against the particle count N.
 * @example const svg = await particleDiagnosticsSvg(particlesOf(post));
 */
export function particleDiagnosticsSvg<S, A>(particles: WeightedParticles<S, A>, options: { readonly title?: string } = {}): Promise<string> {
  requireParticles('particleDiagnosticsSvg', particles, 'the ESS and surviving lineages per step');
  const steps = Math.max(particles.ess.length, particles.lineagesAt.length);
  return curvesSvg(
    [
      { name: 'ESS', values: particles.ess },
      { name: 'surviving lineages', values: particles.lineagesAt },
      { name: 'N', values: [particles.count, particles.count], x: [0, steps - 1] },
    ],
    { xTitle: 't', yTitle: 'particles', ...(options.title !== undefined ? { title: options.title } : {}) },
  );
}
