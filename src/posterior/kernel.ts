/**
 * The step-t transition kernel of a tabular posterior, one CSR row at a time:
 * the dynamics themselves, or tilted by V_{t+1} for the exact posterior,
 *
 *   K_t(s' | s, a) = p(s'|s,a) exp(V_{t+1}(s')/α) / Σ_{s''} p(s''|s,a) exp(V_{t+1}(s'')/α),
 *
 * in linear space (sampling, marginals) or log space (mode, log-probabilities).
 */
import type { SparseDynamics } from '../types/factor-graph.js';

/** Relative tolerance under which two values count as tied in the α = 0 limit. */
export const TIE_TOLERANCE = 1e-10;

export class TransitionKernel {
  /** K(· | s, a) of the last `row` call, entry k for the row's k-th successor. */
  readonly values: Float64Array;
  /** log K(· | s, a) of the last `logRow` call. */
  readonly logValues: Float64Array;
  private readonly dynamics: SparseDynamics;
  private readonly alpha: number;

  constructor(dynamics: SparseDynamics, alpha: number) {
    this.dynamics = dynamics;
    this.alpha = alpha;
    let widest = 0;
    const rs = dynamics.rowStart;
    for (let r = 0; r + 1 < rs.length; r++) widest = Math.max(widest, rs[r + 1]! - rs[r]!);
    this.values = new Float64Array(widest);
    this.logValues = new Float64Array(widest);
  }

  /**
   * K_t(· | s, a) for one CSR row into `values` (normalised); returns its length.
   * Tilted: w_k = p_k exp((V_{t+1}(s'_k) − max)/α), or at α = 0 the successors attaining the max.
   */
  row(row: number, tilt: Float64Array | undefined): number {
    const { rowStart, next, prob } = this.dynamics;
    const start = rowStart[row]!;
    const count = rowStart[row + 1]! - start;
    if (tilt === undefined) {
      for (let k = 0; k < count; k++) this.values[k] = prob[start + k]!;
      return count;
    }
    let m = -Infinity;
    for (let k = 0; k < count; k++) if (tilt[next[start + k]!]! > m) m = tilt[next[start + k]!]!;
    const alpha = this.alpha;
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const v = tilt[next[start + k]!]!;
      let w: number;
      if (m === -Infinity) w = 0;
      else if (alpha > 0) w = prob[start + k]! * Math.exp((v - m) / alpha);
      else w = v >= m - TIE_TOLERANCE * Math.max(1, Math.abs(m)) ? prob[start + k]! : 0;
      this.values[k] = w;
      sum += w;
    }
    for (let k = 0; k < count; k++) this.values[k] = sum > 0 ? this.values[k]! / sum : 0;
    return count;
  }

  /**
   * log K_t(· | s, a) for one CSR row into `this.logValues`, in log space:
   * log w_k = log p_k + (V_{t+1}(s'_k) − max)/α, minus their log-sum-exp.
   */
  logRow(row: number, tilt: Float64Array | undefined): number {
    const { rowStart, next, prob } = this.dynamics;
    const start = rowStart[row]!;
    const count = rowStart[row + 1]! - start;
    const out = this.logValues;
    if (tilt === undefined) {
      for (let k = 0; k < count; k++) out[k] = Math.log(prob[start + k]!);
      return count;
    }
    if (this.alpha === 0) {
      this.row(row, tilt);
      for (let k = 0; k < count; k++) out[k] = Math.log(this.values[k]!);
      return count;
    }
    let m = -Infinity;
    for (let k = 0; k < count; k++) if (tilt[next[start + k]!]! > m) m = tilt[next[start + k]!]!;
    if (m === -Infinity) return out.fill(-Infinity, 0, count), count;
    let lse = -Infinity;
    for (let k = 0; k < count; k++) {
      out[k] = Math.log(prob[start + k]!) + (tilt[next[start + k]!]! - m) / this.alpha;
      if (out[k]! > lse) lse = out[k]!;
    }
    let sum = 0;
    for (let k = 0; k < count; k++) sum += Math.exp(out[k]! - lse);
    const norm = lse + Math.log(sum);
    for (let k = 0; k < count; k++) out[k] = out[k]! - norm;
    return count;
  }
}
