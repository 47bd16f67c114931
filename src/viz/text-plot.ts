/**
 * A small text line plot, for ELBO traces and learning curves in a terminal:
 *
 *   textPlot(fit.elbo, { width: 40, height: 8, title: 'ELBO' })
 *
 * x is the index of each value (its step), spread over `width` columns; each
 * column shows the value at its step, joined vertically to the previous
 * column so the curve reads as a line. Non-finite values leave a gap.
 * Prints nothing itself; returns the lines joined by '\n'.
 */
import { argumentError, fail, show } from '../errors.js';

/** One named curve of a plot. */
export interface PlotSeries {
  readonly label: string;
  readonly values: ArrayLike<number>;
}

/** Options of `textPlot`. */
export interface TextPlotOptions {
  /** Columns of the plot area (default 60, at least 2). */
  readonly width?: number;
  /** Rows of the plot area (default 10, at least 2). */
  readonly height?: number;
  /** A line above the plot. */
  readonly title?: string;
  /** Range of the y axis (default: the finite values' range). */
  readonly yMin?: number;
  readonly yMax?: number;
  /** Digits after the point in the y labels (default: enough to tell the bottom from the top). */
  readonly digits?: number;
}

/** Marks of the series, in order. */
const MARKS = ['*', 'o', '+', 'x', '#'];

/**
 * A text line plot of one curve or several (each with its own mark and a legend line).
 * @example console.log(textPlot(variationalFit(post).elbo, { width: 50, height: 8, title: 'ELBO per step' }))
 */
export function textPlot(series: ArrayLike<number> | readonly PlotSeries[], options: TextPlotOptions = {}): string {
  if (typeof series !== 'object' || series === null || typeof (series as ArrayLike<unknown>).length !== 'number') argumentError('textPlot', 'numbers, or an array of { name, values } series', series);
  const part = 'textPlot()';
  const width = options.width ?? 60;
  const height = options.height ?? 10;
  if (!Number.isInteger(width) || width < 2) fail({ code: 'option-invalid', part, message: `${part}: width must be an integer ≥ 2, got ${show(width)}` });
  if (!Number.isInteger(height) || height < 2) fail({ code: 'option-invalid', part, message: `${part}: height must be an integer ≥ 2, got ${show(height)}` });
  const curves: readonly PlotSeries[] = isSeriesList(series) ? series : [{ label: '', values: series }];
  if (curves.length === 0 || curves.every((c) => c.values.length === 0)) fail({ code: 'option-invalid', part, message: `${part}: nothing to plot (no values)` });
  if (curves.length > MARKS.length) fail({ code: 'option-invalid', part, message: `${part}: at most ${MARKS.length} series, got ${curves.length}` });

  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves) {
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  lo = options.yMin ?? lo;
  hi = options.yMax ?? hi;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) fail({ code: 'option-invalid', part, message: `${part}: no finite value to plot` });
  if (!(hi >= lo)) fail({ code: 'option-invalid', part, message: `${part}: yMax ${hi} is below yMin ${lo}` });
  if (hi === lo) {
    hi += 0.5;
    lo -= 0.5;
  }
  const rowOf = (v: number) => Math.round(((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo)) * (height - 1));
  const canvas = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const longest = Math.max(...curves.map((c) => c.values.length));
  curves.forEach((c, k) => {
    const mark = MARKS[k]!;
    const n = c.values.length;
    let previous = -1;
    for (let col = 0; col < width; col++) {
      // The step shown in this column, on the longest curve's scale.
      const i = longest === 1 ? 0 : Math.round((col * (longest - 1)) / (width - 1));
      if (i >= n || !Number.isFinite(c.values[i]!)) {
        previous = -1;
        continue;
      }
      const row = rowOf(c.values[i]!);
      const from = previous < 0 ? row : Math.min(previous, row);
      const to = previous < 0 ? row : Math.max(previous, row);
      for (let r = from; r <= to; r++) canvas[r]![col] = mark;
      previous = row;
    }
  });

  const digits = options.digits ?? labelDigits(lo, hi, height);
  const labels = canvas.map((_, r) => (r === 0 ? hi : r === height - 1 ? lo : r === Math.floor((height - 1) / 2) ? hi - ((hi - lo) * r) / (height - 1) : undefined));
  const texts = labels.map((v) => (v === undefined ? '' : v.toFixed(digits)));
  const pad = Math.max(...texts.map((t) => t.length));
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(options.title);
  canvas.forEach((row, r) => lines.push(`${texts[r]!.padStart(pad)} ${texts[r] ? '┤' : '│'}${row.join('').trimEnd()}`));
  lines.push(`${' '.repeat(pad)} └${'─'.repeat(width)}`);
  const first = '0';
  const last = String(longest - 1);
  lines.push(`${' '.repeat(pad + 2)}${first}${last.padStart(width - first.length)}`);
  if (curves.length > 1 || curves[0]!.label !== '') lines.push(curves.map((c, k) => `${MARKS[k]} ${c.label}`).join('   '));
  return lines.join('\n');
}

function isSeriesList(x: ArrayLike<number> | readonly PlotSeries[]): x is readonly PlotSeries[] {
  return Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

/** Digits that make the label step (range / rows) visible: at least one significant digit of it. */
function labelDigits(lo: number, hi: number, height: number): number {
  const step = (hi - lo) / Math.max(1, height - 1);
  return Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(step))));
}
