/**
 * Curves over iterations: the ELBO of a variational fit, the log-likelihood
 * of an inverse-RL fit, or anything indexed by step. Several series share the
 * axes (e.g. the ELBO against the exact log p(O) as a flat reference line).
 */
import type { TopLevelSpec } from 'vega-lite';
import { fail, show } from '../../errors.js';
import { BASE_CONFIG, renderVegaLite } from './render.js';
import { requireSeries } from '../picture-input.js';

/** One named curve; point i is at x = i (or `x[i]` when given). */
export interface Series {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly x?: ArrayLike<number>;
}

/** Options of `curvesSvg`. */
export interface CurvesSvgOptions {
  readonly title?: string;
  /** Axis titles (default 'step' and 'value'). */
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** Plot size in pixels (default 420 × 220). */
  readonly width?: number;
  readonly height?: number;
}

const PART = 'curvesSvg';

/**
 * @example
 * const svg = await curvesSvg([{ name: 'ELBO', values: elboTrace }, { name: 'log p(O)', values: [logZ, logZ], x: [0, steps] }], { xTitle: 'step' });
 */
export async function curvesSvg(series: readonly Series[], options: CurvesSvgOptions = {}): Promise<string> {
  requireSeries(series);
  if (series.length === 0) fail({ code: 'option-invalid', part: PART, message: `${PART}: no series given; pass at least one { name, values }` });
  const data: { series: string; x: number; y: number }[] = [];
  for (const s of series) {
    if (s.x !== undefined && s.x.length !== s.values.length) {
      fail({ code: 'option-invalid', part: PART, message: `${PART}: series '${s.name}' has ${s.values.length} values but ${s.x.length} x positions` });
    }
    for (let i = 0; i < s.values.length; i++) {
      const y = s.values[i]!;
      // A non-finite point cannot be drawn; leaving it out silently would hide a failed step, so refuse it.
      if (!Number.isFinite(y)) fail({ code: 'option-invalid', part: PART, message: `${PART}: series '${s.name}' has ${show(y)} at index ${i}; every point must be finite` });
      data.push({ series: s.name, x: s.x?.[i] ?? i, y });
    }
  }
  const spec: TopLevelSpec = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    config: BASE_CONFIG,
    width: options.width ?? 420,
    height: options.height ?? 220,
    data: { values: data },
    mark: { type: 'line', point: data.length <= 60, strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle ?? 'step', axis: { grid: true } },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'value', scale: { zero: false }, axis: { grid: true } },
      color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name), legend: series.length > 1 ? {} : null },
    },
  };
  return renderVegaLite(spec);
}
