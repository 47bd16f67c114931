/**
 * The fast finite-horizon backward pass (posterior backup, γ = 1, α > 0,
 * stationary reward): the linear-space recursion with one scale per step,
 * so that no exp or log runs per state or per entry.
 *
 * With c_s = max_a r(s,a), W(s,a) = p(a|s) exp((r(s,a) − c_s)/α) and
 * E_{t+1}(s') = exp((V_{t+1}(s') − M_{t+1})/α) for a per-step shift M_{t+1}:
 *
 *   total_t(s) = Σ_a W(s,a) Σ_k p(s'_k|s,a) E_{t+1}(s'_k)            (one multiply-add per entry)
 *   V_t(s)     = c_s + M_{t+1} + α log total_t(s)                    (log taken lazily, on read)
 *   E_t(s)     = exp((c_s − C)/α) · total_t(s) · K_t,  K_t = 1 / max_s(…)   (C = max_s c_s)
 *   M_t        = M_{t+1} + C − α log K_t                             (one log per step)
 *
 * Both factors of `total` are ≤ 1, so nothing overflows. A total below
 * UNDERFLOW may have lost precision (every successor far below the
 * others): that state is recomputed exactly in log space, and its V kept
 * aside. So the shortcut never changes a result beyond rounding.
 */
import type { FactorGraph } from '../../types/factor-graph.js';
import { prepareWeightsInto, qRow, softMax } from './backup.js';
import { patternsOf, type Patterns } from './patterns.js';

/** Below this a total may have lost precision to underflow; recompute that state exactly. */
export const UNDERFLOW = 1e-280;

/**
 * V_t for t = 0 … T, stored per row either as V itself or, straight out of
 * the fast pass, as `total_t(s)` with the row's shift; a row is turned into V
 * (S logs) the first time it is read.
 */
export class ValueRows {
  readonly nS: number;
  private readonly data: Float64Array;
  private readonly shift: Float64Array;
  private readonly converted: Uint8Array;
  /** c_s of the fast pass (V = c_s + shift_t + α log total); undefined when every row holds V. */
  private readonly offset: Float64Array | undefined;
  private readonly alpha: number;
  /** Of a row of totals: max_s scale_s·total_t(s), whose inverse K_t scales E_t (read by the forward messages). */
  readonly top: Float64Array;

  constructor(nS: number, steps: number, alpha: number, offset?: Float64Array) {
    this.nS = nS;
    this.data = new Float64Array(nS * steps);
    this.shift = new Float64Array(steps);
    this.converted = new Uint8Array(steps);
    this.top = new Float64Array(steps);
    this.offset = offset;
    this.alpha = alpha;
  }

  /** Row t for writing V directly (general path). */
  writableValues(t: number): Float64Array {
    this.converted[t] = 1;
    return this.data.subarray(t * this.nS, (t + 1) * this.nS);
  }

  /** Row t for writing totals with their shift (fast path). */
  writableTotals(t: number, shift: number): Float64Array {
    this.shift[t] = shift;
    this.converted[t] = 0;
    return this.data.subarray(t * this.nS, (t + 1) * this.nS);
  }

  /** V_t as a view (converted in place on first read). */
  row(t: number): Float64Array {
    const view = this.data.subarray(t * this.nS, (t + 1) * this.nS);
    if (!this.converted[t]) this.values(t, view);
    this.converted[t] = 1;
    return view;
  }

  /** V_t = c_s + shift_t + α log total_t(s) from row t's totals into `out` (which may be the row itself). */
  private values(t: number, out: Float64Array): Float64Array {
    const { nS, alpha } = this;
    const view = this.data.subarray(t * nS, (t + 1) * nS);
    const offset = this.offset!;
    const shift = this.shift[t]!;
    for (let s = 0; s < nS; s++) {
      const total = view[s]!;
      out[s] = offset[s] === -Infinity || total === 0 ? -Infinity : offset[s]! + shift + alpha * Math.log(total);
    }
    return out;
  }

  /** Whether row t holds V (true) or the fast pass's totals (false). */
  holdsValues(t: number): boolean {
    return this.converted[t] === 1;
  }

  /** Row t as stored, without converting: V when `holdsValues(t)`, else total_t. */
  stored(t: number): Float64Array {
    return this.data.subarray(t * this.nS, (t + 1) * this.nS);
  }

  /** The shift of row t's totals: M_{t+1} of the fast pass (V_t = c_s + shift + α log total_t). */
  shiftAt(t: number): number {
    return this.shift[t]!;
  }

  /**
   * V_t as a new array, for callers that may change it. A row still holding
   * totals is turned into V in the copy only, in one pass, and keeps its
   * totals (which the forward pass reads, forward.ts).
   */
  copy(t: number): Float64Array {
    return this.converted[t] ? this.data.slice(t * this.nS, (t + 1) * this.nS) : this.values(t, new Float64Array(this.nS));
  }

  /** Every row as V (forces the lazy logs; for tests and benchmarks). */
  materialise(): void {
    for (let t = 0; t < this.converted.length; t++) this.row(t);
  }
}

/**
 * Everything of the scaled recursion that depends on the graph alone: W(s,a)
 * and c_s (`prepareWeightsInto`), C = max_s c_s and scale_s = exp((c_s − C)/α),
 * and the merged rows M(s,s') by pattern (patterns.ts). Read by the backward
 * pass and by the forward messages (forward.ts).
 */
export interface ScaledLayout {
  readonly weight: Float64Array;
  /** c_s (the offset of `ValueRows`). */
  readonly shift: Float64Array;
  readonly C: number;
  readonly scale: Float64Array;
  readonly patterns: Patterns;
}

/**
 * One layout per compiled graph, made on its first scaled run and kept while
 * the graph lives (O(S·A + nnz), at most the size of the dynamics again), so
 * that repeated runs and the forward messages do not fold the weights again.
 * Keyed by the graph object: a compiled graph's arrays are never changed in
 * place (a new reward or temperature is a new graph).
 */
const layouts = new WeakMap<FactorGraph<unknown, unknown>, ScaledLayout>();

export function scaledLayout(graph: FactorGraph<unknown, unknown>): ScaledLayout {
  let layout = layouts.get(graph);
  if (layout === undefined) layouts.set(graph, (layout = buildLayout(graph, true)));
  return layout;
}

/** The layout of `scaledLayout`, not cached; `shared: false` keeps one pattern per state (for the equality tests). */
export function buildLayout(graph: FactorGraph<unknown, unknown>, shared: boolean): ScaledLayout {
  const weight = new Float64Array(graph.nS * graph.nA);
  const shift = new Float64Array(graph.nS);
  prepareWeightsInto(graph, weight, shift);
  const { C, scale } = scales(shift, graph.alpha);
  // Few distinct rows (a gridworld's): a 4-byte id per state and a table that stays in cache; else one row per state.
  const patterns = (shared ? patternsOf(graph, weight, scale, true) : undefined) ?? patternsOf(graph, weight, scale, false)!;
  return { weight, shift, C, scale, patterns };
}

/**
 * Fill `rows` with V_T … V_0 by the scaled recursion. `rows` must have been
 * made with `offset = layout.shift` (c_s).
 */
export function scaledBackwardPass(graph: FactorGraph<unknown, unknown>, rows: ValueRows, layout: ScaledLayout, progress?: (fraction: number, message: string) => void): void {
  const { nS, nA, alpha, horizon: T } = graph;
  const { weight, shift: c, C, scale, patterns: P } = layout;
  let E: Float64Array = new Float64Array(nS);
  let nextE: Float64Array = new Float64Array(nS);
  let M: number;
  let t: number;
  // By pattern, E_{t+1} is kept as scale·total and its factor K_{t+1} applied as it is read
  // (E·K formed in the accumulate loop is the same double as the E the normalising pass would store).
  let K = 1;
  if (graph.terminal) {
    // V_T = r_T: E_T = exp((r_T − max r_T)/α), M_T = max r_T.
    const v = rows.writableValues(T);
    v.set(graph.terminal);
    M = -Infinity;
    for (let s = 0; s < nS; s++) if (v[s]! > M) M = v[s]!;
    for (let s = 0; s < nS; s++) E[s] = M === -Infinity ? 0 : Math.exp((v[s]! - M) / alpha);
    t = T - 1;
  } else {
    // V_{T−1}(s) = c_s + α log Σ_a W(s,a): the last decision has no successor.
    // E_{T−1} = scale·total kept with its factor K = 1/max, as every later row (the normaliser stored in rows.top).
    const totals = rows.writableTotals(T - 1, 0);
    let max = 0;
    for (let s = 0; s < nS; s++) {
      let sum = 0;
      for (let a = 0; a < nA; a++) sum += weight[s * nA + a]!;
      totals[s] = sum;
      const e = scale[s]! * sum;
      E[s] = e;
      if (e > max) max = e;
    }
    rows.top[T - 1] = max;
    M = max === 0 ? -Infinity : 0 + C + alpha * Math.log(max);
    K = 1 / max;
    t = T - 2;
  }
  const every = Math.max(1, Math.floor(T / 100));
  for (; t >= 0; t--) {
    if (M === -Infinity) {
      // Nothing is feasible from t + 1 on, so nothing is at t or before.
      for (let u = t; u >= 0; u--) rows.writableValues(u).fill(-Infinity);
      return;
    }
    const totals = rows.writableTotals(t, M);
    // The normalising pass's products scale_s·total_t(s) are formed in the same loop, and not normalised (two passes less over S).
    const max = (P.width > 0 ? accumulatePatterned : accumulate)(nS, P.width, c, P.id, P.start, P.offset, P.weight, P.scale, E, K, totals, nextE);
    rows.top[t] = max;
    let nextM: number;
    if (max < 0) {
      // Rare: some state's total underflowed. Recompute those exactly, then take this
      // step's E from the exact V_t (S logs and exps, this step only).
      recomputeUnderflowed(graph, rows, c, t, totals);
      const v = rows.row(t); // already converted, with the exact values in place
      nextM = -Infinity;
      for (let s = 0; s < nS; s++) if (v[s]! > nextM) nextM = v[s]!;
      for (let s = 0; s < nS; s++) nextE[s] = nextM === -Infinity ? 0 : Math.exp((v[s]! - nextM) / alpha);
      K = 1;
    } else {
      // The normalising pass without its second loop: K_t = 1/max is applied when E_t is read.
      nextM = max === 0 ? -Infinity : M + C + alpha * Math.log(max);
      K = 1 / max;
    }
    [E, nextE] = [nextE, E];
    M = nextM;
    if (progress && (T - t) % every === 0) progress((T - t) / T, `backward pass t=${t}`);
  }
}

/** C = max_s c_s and scale_s = exp((c_s − C)/α). */
function scales(c: Float64Array, alpha: number): { C: number; scale: Float64Array } {
  let C = -Infinity;
  for (let s = 0; s < c.length; s++) if (c[s]! > C) C = c[s]!;
  const scale = new Float64Array(c.length);
  for (let s = 0; s < c.length; s++) scale[s] = c[s] === -Infinity ? 0 : Math.exp((c[s]! - C) / alpha);
  return { C, scale };
}

/**
 * total_t(s) = Σ_a W(s,a) Σ_k p_k E_{t+1}(s'_k) = Σ_{s'} M(s,s') E_{t+1}(s'),
 * one loop of multiply-adds per state over its pattern's row of M
 * (patterns.ts), E_{t+1}(s') read as (scale·total)(s')·K. Also forms
 * e = scale_s·total_t(s) into `scaled` and returns max_s e — the normalising
 * pass's first loop, operation for operation — or −1 if some feasible total fell
 * below UNDERFLOW. A small function of typed arrays only, so the JIT
 * compiles it once with exact types.
 */
export function accumulate(
  nS: number,
  _width: number,
  c: Float64Array,
  id: Int32Array,
  start: Int32Array,
  o: Int32Array,
  w: Float64Array,
  scale: Float64Array,
  E: Float64Array,
  K: number,
  totals: Float64Array,
  scaled: Float64Array,
): number {
  let fallback = false;
  let max = 0;
  for (let s = 0; s < nS; s++) {
    const p = id[s]!;
    let total = 0;
    for (let k = start[p]!; k < start[p + 1]!; k++) total += w[k]! * (E[s + o[k]!]! * K);
    totals[s] = total;
    if (total < UNDERFLOW && c[s] !== -Infinity) fallback = true;
    const e = scale[p]! * total;
    scaled[s] = e;
    if (e > max) max = e;
  }
  return fallback ? -1 : max;
}

/**
 * `accumulate` over the merged rows padded to one width W ≤ 5 (patterns.ts):
 * state s's row is pattern id[s], its successors s + offset. The sum is
 * written out term by term (V8 runs a row of known length about 1.7× faster
 * than a loop over it), left to right as `accumulate` adds (0 + x is x), and
 * a pad adds 0·E = +0, so each total is bit for bit `accumulate`'s on the
 * unpadded rows. E_{t+1} arrives as scale·total_{t+1} and its factor K, and
 * E·K formed here is the very double the normalising pass's second loop (E·K) would store.
 * It also forms e = scale_s·total_t(s) into `scaled` and returns max_s e —
 * the normalising pass's first loop (E = scale·total, its max), operation for operation — or −1 if some feasible
 * total fell below UNDERFLOW.
 */
export function accumulatePatterned(
  nS: number,
  width: number,
  c: Float64Array,
  id: Int32Array,
  _start: Int32Array,
  o: Int32Array,
  w: Float64Array,
  scale: Float64Array,
  E: Float64Array,
  K: number,
  totals: Float64Array,
  scaled: Float64Array,
): number {
  let fallback = false;
  let max = 0;
  for (let s = 0; s < nS; s++) {
    const p = id[s]!;
    const b = p * width;
    let total: number;
    switch (width) {
      case 1:
        total = w[b]! * (E[s + o[b]!]! * K);
        break;
      case 2:
        total = w[b]! * (E[s + o[b]!]! * K) + w[b + 1]! * (E[s + o[b + 1]!]! * K);
        break;
      case 3:
        total = w[b]! * (E[s + o[b]!]! * K) + w[b + 1]! * (E[s + o[b + 1]!]! * K) + w[b + 2]! * (E[s + o[b + 2]!]! * K);
        break;
      case 4:
        total = w[b]! * (E[s + o[b]!]! * K) + w[b + 1]! * (E[s + o[b + 1]!]! * K) + w[b + 2]! * (E[s + o[b + 2]!]! * K) + w[b + 3]! * (E[s + o[b + 3]!]! * K);
        break;
      default:
        total = w[b]! * (E[s + o[b]!]! * K) + w[b + 1]! * (E[s + o[b + 1]!]! * K) + w[b + 2]! * (E[s + o[b + 2]!]! * K) + w[b + 3]! * (E[s + o[b + 3]!]! * K) + w[b + 4]! * (E[s + o[b + 4]!]! * K);
    }
    totals[s] = total;
    if (total < UNDERFLOW && c[s] !== -Infinity) fallback = true;
    const e = scale[p]! * total;
    scaled[s] = e;
    if (e > max) max = e;
  }
  return fallback ? -1 : max;
}


/**
 * States whose total fell below UNDERFLOW: V_t(s) in log space from the exact
 * V_{t+1} (materialised once for this step), written into row t once it has
 * been converted to V.
 */
function recomputeUnderflowed(graph: FactorGraph<unknown, unknown>, rows: ValueRows, c: Float64Array, t: number, totals: Float64Array): void {
  const next = rows.row(t + 1);
  const q = new Float64Array(graph.nA);
  const fixes: [number, number][] = [];
  for (let s = 0; s < graph.nS; s++) {
    if (totals[s]! >= UNDERFLOW || c[s] === -Infinity) continue;
    qRow(graph, 'posterior', graph.reward, next, s, q);
    fixes.push([s, softMax(graph, q, s)]);
  }
  const row = rows.row(t);
  for (const [s, v] of fixes) row[s] = v;
}
