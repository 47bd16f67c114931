/**
 * The merged rows M(s, s') = Σ_a W(s,a) p(s'|s,a) of the posterior backup and
 * the three loops over them. Merging the actions of a state leaves fewer
 * entries than the dynamics (a slippery gridworld's 12 entries per state
 * reach ≤ 5 cells), so each backward and forward step does one multiply-add
 * per merged entry.
 *
 * The loops are small functions of typed arrays and numbers only, so the JIT
 * compiles each once with exact types; keep them that way.
 */
import type { FactorGraph } from '../../../types/factor-graph.js';

/** Merged rows of M(s, s'): state s holds entries stateStart[s] … stateStart[s+1]−1 of `successor`. */
export interface MergedLayout {
  readonly stateStart: Int32Array;
  readonly successor: Int32Array;
  /** The merged entry of each CSR entry k of the dynamics: M gets W(s,a) p(s'|s,a) at slot[k]. */
  readonly slot: Int32Array;
}

/** The layout of M(s, s'): the distinct successors of each state, in first-seen order. */
export function mergedLayout(graph: FactorGraph<unknown, unknown>): MergedLayout {
  const { nS, nA } = graph;
  const { rowStart, next } = graph.dynamics;
  const stateStart = new Int32Array(nS + 1);
  const successor = new Int32Array(next.length);
  const slot = new Int32Array(next.length);
  // where s' sits in the current state's merged row; an entry below stateStart[s] is a stale earlier state's.
  const where = new Int32Array(nS).fill(-1);
  let size = 0;
  for (let s = 0; s < nS; s++) {
    stateStart[s] = size;
    for (let row = s * nA; row < (s + 1) * nA; row++) {
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
        const j = next[k]!;
        if (where[j]! < stateStart[s]!) {
          where[j] = size;
          successor[size++] = j;
        }
        slot[k] = where[j]!;
      }
    }
  }
  stateStart[nS] = size;
  return { stateStart, successor: successor.slice(0, size), slot };
}

/** The empty layout of the fixed-dynamics backup, which never merges. */
export const NO_LAYOUT: MergedLayout = { stateStart: new Int32Array(0), successor: new Int32Array(0), slot: new Int32Array(0) };

/** totals(s) = Σ_a W(s,a): the last decision, which has no successor (E_T = 1). */
export function rowSums(nS: number, nA: number, weight: Float64Array, totals: Float64Array): void {
  for (let s = 0; s < nS; s++) {
    let sum = 0;
    for (let a = 0, row = s * nA; a < nA; a++, row++) sum += weight[row]!;
    totals[s] = sum;
  }
}

/** Backward: totals(s) = Σ_{s'} M(s,s') E_{t+1}(s') over the merged rows. */
export function gather(nS: number, stateStart: Int32Array, successor: Int32Array, merged: Float64Array, E: Float64Array, totals: Float64Array): void {
  for (let s = 0; s < nS; s++) {
    let sum = 0;
    const end = stateStart[s + 1]!;
    for (let j = stateStart[s]!; j < end; j++) sum += merged[j]! * E[successor[j]!]!;
    totals[s] = sum;
  }
}

/**
 * Forward: acc(s') += Σ_s (m(s)/total(s)) M(s,s') over the ordinary states
 * (flag 1 = redone exactly in log space; those push their mass in `pushExact`).
 */
export function scatter(nS: number, m: Float64Array, totals: Float64Array, flags: Uint8Array, stateStart: Int32Array, successor: Int32Array, merged: Float64Array, acc: Float64Array): void {
  for (let s = 0; s < nS; s++) {
    const ms = m[s]!;
    if (ms === 0 || flags[s] === 1) continue;
    const w = ms / totals[s]!;
    const end = stateStart[s + 1]!;
    for (let j = stateStart[s]!; j < end; j++) acc[successor[j]!] = acc[successor[j]!]! + w * merged[j]!;
  }
}
