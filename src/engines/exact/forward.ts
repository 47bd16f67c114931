/**
 * The forward messages of the scaled case (posterior backup, γ = 1, α > 0,
 * stationary reward) over the merged rows M(s,s') = Σ_a W(s,a) p(s'|s,a) of
 * the backward pass (scaled.ts), with no policy table and no per-row kernel:
 *
 *   π_t(a|s) K_t(s'|s,a) = W(s,a) p(s'|s,a) E_{t+1}(s') / total_t(s)
 *   m_{t+1}(s') = E_{t+1}(s') · Σ_s (m_t(s) / total_t(s)) M(s,s')
 *
 * where total_t(s) = Σ_{s'} M(s,s') E_{t+1}(s') is exactly the total the
 * backward pass stored (V_t = c_s + M_{t+1} + α log total_t) and E_{t+1} is
 * rebuilt from the stored total_{t+1} the way the backward pass built it
 * (scale_s · total · K), so a step is one multiply-add per merged entry and
 * a few multiplies per state: no exp, no log. A row already turned into V
 * (read by V(t), or redone exactly after an underflow) gives its totals and
 * E back by one exp per state and its totals by one more pass over M. A state whose total underflowed
 * (total ≤ UNDERFLOW) pushes its mass row by row with the exact π and K.
 */
import type { FactorGraph } from '../../types/factor-graph.js';
import { TransitionKernel } from '../../posterior/kernel.js';
import type { Patterns } from './patterns.js';
import { scaledLayout, type ScaledLayout, type ValueRows } from './scaled.js';

/** Below this a total may have lost precision; the state's mass goes through the exact π and K. */
const UNDERFLOW = 1e-280;

/** m_{t+1} (unnormalised, up to rounding a distribution when m_t is) into `out` from m_t; `out` arrives filled with zeros (a new array). */
export type ForwardStep = (t: number, m: Float64Array, out: Float64Array) => void;

/**
 * @param policyRow the exact π_t(·|s), for the states whose total underflowed
 */
export function mergedForward(
  graph: FactorGraph<unknown, unknown>,
  rows: ValueRows,
  policyRow: (t: number, s: number, out: Float64Array) => boolean,
): ForwardStep {
  const { nS, nA, alpha } = graph;
  // The merged rows are the graph's, kept from the backward pass (scaledLayout); the scratch is made on the first step, so a run whose marginals are never asked for pays no 20 bytes per state.
  let layout: ScaledLayout | undefined;
  let E: Float64Array | undefined;
  let totalScratch: Float64Array | undefined;
  let skipped: Int32Array | undefined;
  const pi = new Float64Array(nA);
  const top = new Float64Array(1);
  let kernel: TransitionKernel | undefined;
  return (t, m, out) => {
    layout ??= scaledLayout(graph);
    const { scale, patterns } = layout;
    E ??= new Float64Array(nS);
    totalScratch ??= new Float64Array(nS);
    skipped ??= new Int32Array(nS);
    const shift = rows.shiftAt(t); // M_{t+1}: E_{t+1} = exp((V_{t+1} − M_{t+1})/α)
    // E_{t+1} = E·K: as the backward pass, the factor K is applied where E is read (the same doubles).
    // In the common case (rows t and t + 1 hold totals) E·(1/K) = scale·total_{t+1} and its max are formed in the scatter's loop.
    let K = 1;
    const fuse = !rows.holdsValues(t + 1) && !rows.holdsValues(t);
    if (rows.holdsValues(t + 1)) expFromValues(rows.stored(t + 1), shift, alpha, E);
    else if (!fuse) K = rescaled(rows.stored(t + 1), scale, E);
    let totals = rows.stored(t);
    if (rows.holdsValues(t)) {
      for (let s = 0; s < nS; s++) E[s] = E[s]! * K;
      K = 1;
      // Row t was read as V: its totals are formed again from this E (one multiply-add per merged
      // entry), not recovered by exp from V, which at |V|/α ~ 1e5 would lose 1e-11 against π and K.
      gather(nS, patterns, E, totalScratch);
      totals = totalScratch;
    }
    const count = scatter(nS, m, totals, patterns, out, skipped, fuse, rows.stored(t + 1), scale, E, top);
    if (fuse) K = top[0] === 0 ? 1 : 1 / top[0]!;
    // A state no mass reaches stays +0 (0·E is +0: E is finite and ≥ 0).
    for (let s = 0; s < nS; s++) if (out[s] !== 0) out[s] = out[s]! * (E[s]! * K);
    if (count === 0) return;
    // Rare: states whose total underflowed push m_t(s) π_t(a|s) K_t(·|s,a) exactly, row by row.
    kernel ??= new TransitionKernel(graph.dynamics, alpha);
    const next = rows.row(t + 1);
    const { rowStart, next: succ } = graph.dynamics;
    for (let i = 0; i < count; i++) {
      const s = skipped[i]!;
      if (!policyRow(t, s, pi)) continue;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const mass = m[s]! * pi[a]!;
        if (mass === 0) continue;
        const n = kernel.row(row, next);
        const start = rowStart[row]!;
        for (let k = 0; k < n; k++) out[succ[start + k]!] += mass * kernel.values[k]!;
      }
    }
  };
}

/**
 * acc(s') += (m(s)/total(s)) M(s,s') over the states with mass whose total is
 * above UNDERFLOW, M(s,·) read from s's pattern (patterns.ts; a pad adds +0
 * to acc(s)); the others are listed in `skipped` (their count returned).
 * With `fuse`, also forms E = scale ⊙ total_{t+1} and leaves its max in top[0].
 * A small function of typed arrays only, so the JIT compiles it once with exact types.
 */
function scatter(nS: number, m: Float64Array, totals: Float64Array, P: Patterns, acc: Float64Array, skipped: Int32Array, fuse: boolean, next: Float64Array, scale: Float64Array, E: Float64Array, top: Float64Array): number {
  const { id, start, offset, weight, width } = P;
  let count = 0;
  let max = 0;
  for (let s = 0; s < nS; s++) {
    if (fuse) {
      // `rescaled`'s loop, fused: E(s) = scale_s · total_{t+1}(s) and its max.
      const e = scale[s]! * next[s]!;
      E[s] = e;
      if (e > max) max = e;
    }
    const ms = m[s]!;
    if (ms === 0) continue;
    const total = totals[s]!;
    if (!(total > UNDERFLOW)) {
      skipped[count++] = s;
      continue;
    }
    const w = ms / total;
    const p = id[s]!;
    if (width === 0) for (let k = start[p]!; k < start[p + 1]!; k++) acc[s + offset[k]!] += w * weight[k]!;
    else {
      // Padded rows written out (V8 runs straight-line code faster than a short loop), last entry first: a row's
      // targets are distinct but for pads, which add +0 to acc(s), so the order within a row changes no bit.
      const b = p * width;
      if (width > 4) acc[s + offset[b + 4]!] += w * weight[b + 4]!;
      if (width > 3) acc[s + offset[b + 3]!] += w * weight[b + 3]!;
      if (width > 2) acc[s + offset[b + 2]!] += w * weight[b + 2]!;
      if (width > 1) acc[s + offset[b + 1]!] += w * weight[b + 1]!;
      acc[s + offset[b]!] += w * weight[b]!;
    }
  }
  top[0] = max;
  return count;
}

/** out = scale ⊙ total, and K = 1/max (1 if all are 0): the backward pass's `rescale`, E = out·K, operation for operation. */
function rescaled(totals: Float64Array, scale: Float64Array, out: Float64Array): number {
  let max = 0;
  for (let s = 0; s < out.length; s++) {
    const e = scale[s]! * totals[s]!;
    out[s] = e;
    if (e > max) max = e;
  }
  return max === 0 ? 1 : 1 / max;
}

/** E(s) = exp((V(s) − shift)/α) from a row that holds V. */
function expFromValues(v: Float64Array, shift: number, alpha: number, out: Float64Array): void {
  for (let s = 0; s < out.length; s++) out[s] = v[s] === -Infinity ? 0 : Math.exp((v[s]! - shift) / alpha);
}

/** total(s) = Σ_{s'} M(s,s') E(s') over the pattern rows (the backward pass's `accumulate`). */
function gather(nS: number, P: Patterns, E: Float64Array, out: Float64Array): void {
  const { id, start, offset, weight } = P;
  for (let s = 0; s < nS; s++) {
    const p = id[s]!;
    let total = 0;
    for (let k = start[p]!; k < start[p + 1]!; k++) total += weight[k]! * E[s + offset[k]!]!;
    out[s] = total;
  }
}
