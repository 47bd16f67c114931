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

/** Below this a prepared row's sum may have lost precision to underflow; it is redone with its own shift. */
const UNDERFLOW = 1e-280;

export class TransitionKernel {
  /** K(· | s, a) of the last `row` call, entry k for the row's k-th successor. */
  readonly values: Float64Array;
  /** log K(· | s, a) of the last `logRow` call. */
  readonly logValues: Float64Array;
  private readonly dynamics: SparseDynamics;
  private readonly alpha: number;

  /** exp((tilt − max)/α) of the prepared step, or undefined for the plain dynamics / α = 0. */
  private shifted: Float64Array | undefined;
  private prepared: Float64Array | undefined;

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

  /**
   * Bulk mode, for a pass over every row of one step: E = exp((V_{t+1} − max)/α)
   * once per state, so that a row costs multiply-adds only (`preparedRow`).
   */
  prepare(tilt: Float64Array | undefined): void {
    this.prepared = tilt;
    if (tilt === undefined || this.alpha === 0) return;
    if (this.shifted === undefined) this.shifted = new Float64Array(tilt.length);
    let m = -Infinity;
    for (let s = 0; s < tilt.length; s++) if (tilt[s]! > m) m = tilt[s]!;
    for (let s = 0; s < tilt.length; s++) this.shifted[s] = m === -Infinity ? 0 : Math.exp((tilt[s]! - m) / this.alpha);
  }

  /** K(· | s, a) of the prepared step into `values`; rows whose sum underflows are redone exactly by `row`. */
  preparedRow(row: number): number {
    const tilt = this.prepared;
    if (tilt === undefined || this.alpha === 0) return this.row(row, tilt);
    const { rowStart, next, prob } = this.dynamics;
    const E = this.shifted!;
    const start = rowStart[row]!;
    const count = rowStart[row + 1]! - start;
    let sum = 0;
    for (let k = 0; k < count; k++) sum += this.values[k] = prob[start + k]! * E[next[start + k]!]!;
    if (!(sum > UNDERFLOW)) return this.row(row, tilt);
    for (let k = 0; k < count; k++) this.values[k] = this.values[k]! / sum;
    return count;
  }
}
