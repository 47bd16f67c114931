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
 *
 * K_{t+1} = 1/max_s scale_s·total_{t+1}(s) is the max the backward pass stored
 * (ValueRows.top), and a step visits only the states with mass (a list kept
 * from step to step, ascending so every sum adds the same terms in the same
 * order as a sweep over S) and the band their rows reach: from one start the
 * mass of a gridworld covers a small corner of S for most steps.
 */
import type { FactorGraph } from '../../types/factor-graph.js';
import { TransitionKernel } from '../../posterior/kernel.js';
import type { Patterns } from './patterns.js';
// UNDERFLOW: below it a total may have lost precision; the state's mass goes through the exact π and K.
import { scaledLayout, UNDERFLOW, type ScaledLayout, type ValueRows } from './scaled.js';

/**
 * m_{t+1} (unnormalised, up to rounding a distribution when m_t is) into `out` from m_t; `out` arrives filled with zeros
 * (fresh, never read before). Returns the states that may have mass in `out`, ascending (a superset of its nonzeros, valid until
 * `out` is changed other than by scaling), or undefined: any state may.
 */
export type ForwardStep = (t: number, m: Float64Array, out: Float64Array) => Int32Array | undefined;

/**
 * @param policyRow the exact π_t(·|s), for the states whose total underflowed
 */
export function mergedForward(
  graph: FactorGraph<unknown, unknown>,
  rows: ValueRows,
  policyRow: (t: number, s: number, out: Float64Array) => boolean,
): ForwardStep {
  const { nS, nA, alpha } = graph;
  // The merged rows are the graph's, kept from the backward pass (scaledLayout); the scratch is made on the first step, so a run whose marginals are never asked for pays no 24 bytes per state.
  let layout: ScaledLayout | undefined;
  let E!: Float64Array;
  let totalScratch!: Float64Array;
  let skipped!: Int32Array;
  // list[0 … listed) ⊇ the states where `last` (the message made by the previous step) is not 0, ascending: a step
  // visits only those and the band of states their rows reach, s + [lowest, highest] (a gridworld's mass, from one
  // start, covers a small corner of S for most steps).
  let list!: Int32Array;
  let listed = 0;
  let last: Float64Array | undefined;
  let lowest = 0;
  let highest = 0;
  const pi = new Float64Array(nA);
  let kernel: TransitionKernel | undefined;
  return (t, m, out) => {
    if (!layout) {
      layout = scaledLayout(graph);
      for (const o of layout.patterns.offset) {
        if (o < lowest) lowest = o;
        if (o > highest) highest = o;
      }
      E = new Float64Array(nS);
      totalScratch = new Float64Array(nS);
      skipped = new Int32Array(nS);
      list = new Int32Array(nS);
    }
    const { scale, patterns } = layout;
    if (m !== last) {
      listed = 0;
      for (let s = 0; s < nS; s++) if (m[s] !== 0) list[listed++] = s;
    }
    const next = rows.stored(t + 1);
    // E_{t+1} = Ẽ·K as the backward pass formed it: Ẽ = scale ⊙ total_{t+1} and K = 1/max Ẽ (the max it stored
    // in rows.top), applied where Ẽ is read (the same doubles); or, from a row read as V, exp((V_{t+1} − M_{t+1})/α).
    const values = rows.holdsValues(t + 1);
    const held = rows.holdsValues(t);
    const top = rows.top[t + 1]!;
    let K = values || top === 0 ? 1 : 1 / top;
    let totals = rows.stored(t);
    const dense = values || held;
    if (dense) {
      const shift = rows.shiftAt(t); // M_{t+1}
      for (let s = 0; s < nS; s++) E[s] = values ? (next[s] === -Infinity ? 0 : Math.exp((next[s]! - shift) / alpha)) : scale[s]! * next[s]! * K;
      K = 1;
      if (held) {
        // Row t was read as V: its totals are formed again from this E (one multiply-add per merged
        // entry), not recovered by exp from V, which at |V|/α ~ 1e5 would lose 1e-11 against π and K.
        gather(nS, patterns, E, totalScratch);
        totals = totalScratch;
      }
    }
    const count = scatter(list, listed, m, totals, patterns, out, skipped);
    // out(s') ·= E_{t+1}(s') over the band the scatter can reach; the states with mass are listed for the next step
    // (a state no mass reaches stays +0: 0·E is +0, E is finite and ≥ 0).
    let found = 0;
    if (listed > 0) {
      const end = Math.min(nS - 1, list[listed - 1]! + highest);
      for (let s = Math.max(0, list[0]! + lowest); s <= end; s++) {
        if (out[s] === 0) continue;
        out[s] = out[s]! * ((dense ? E[s]! : scale[s]! * next[s]!) * K);
        list[found++] = s;
      }
    }
    listed = found;
    last = out;
    if (count === 0) return list.subarray(0, listed);
    // Rare: states whose total underflowed push m_t(s) π_t(a|s) K_t(·|s,a) exactly, row by row (anywhere: no list).
    last = undefined;
    kernel ??= new TransitionKernel(graph.dynamics, alpha);
    const row1 = rows.row(t + 1);
    const { rowStart, next: succ } = graph.dynamics;
    for (let i = 0; i < count; i++) {
      const s = skipped[i]!;
      if (!policyRow(t, s, pi)) continue;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const mass = m[s]! * pi[a]!;
        if (mass === 0) continue;
        const n = kernel.row(row, row1);
        const start = rowStart[row]!;
        for (let k = 0; k < n; k++) out[succ[start + k]!] += mass * kernel.values[k]!;
      }
    }
    return undefined;
  };
}

/**
 * acc(s') += (m(s)/total(s)) M(s,s') over the listed states s (ascending, as a sweep over S that skips m(s) = 0)
 * with mass whose total is above UNDERFLOW, M(s,·) read from s's pattern (patterns.ts; a pad adds +0 to acc(s));
 * the others are listed in `skipped` (their count returned).
 * A small function of typed arrays only, so the JIT compiles it once with exact types.
 */
function scatter(list: Int32Array, listed: number, m: Float64Array, totals: Float64Array, P: Patterns, acc: Float64Array, skipped: Int32Array): number {
  const { id, start, offset, weight, width } = P;
  let count = 0;
  for (let i = 0; i < listed; i++) {
    const s = list[i]!;
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
  return count;
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
