/**
 * The merged rows of the scaled pass (scaled.ts),
 *
 *   M(s, s') = Σ_a W(s,a) p(s'|s,a),
 *
 * stored by pattern: state s's row is pattern p = id[s], a CSR row over
 * patterns, M(s, s + offset[k]) = weight[k] for k = start[p] … start[p+1] − 1,
 * and scale_s = scale[p]. In translation-invariant dynamics (every gridworld)
 * most states have the same relative successors s' − s, merged weights and
 * scale, so the distinct rows are few (`shared`): a state keeps a 4-byte id
 * into a table that stays in cache instead of streaming 12 bytes per merged
 * entry (≈ 50 per state) every step — at 1600² the backward pass is bound by
 * memory traffic, not by its multiply-adds. Otherwise every state is its own
 * pattern (the merged rows of before, with relative successors).
 *
 * Each row is folded as it always was (the products w·p added in the same
 * order, successors in order of first appearance). When the widest row has
 * W ≤ 5 entries (a grid cell and its four neighbours; wider rows take the
 * loop, which keeps the page small) and padding at most doubles the rows,
 * every pattern is padded to W (offset 0, weight 0; start[p] = p·W,
 * `width` = W) for the written-out
 * sums of `accumulatePatterned`; a pad adds 0·E = +0, so every sum is bit for
 * bit the unpadded one. `shared` gives undefined when the distinct rows are
 * more than S/8.
 */
import type { FactorGraph } from '../../types/factor-graph.js';

export interface Patterns {
  /** Pattern of each state. */
  readonly id: Int32Array;
  /** Pattern p's entries are start[p] … start[p+1] − 1. */
  readonly start: Int32Array;
  /** Relative successors s' − s. */
  readonly offset: Int32Array;
  /** Merged weights M(s, s'). */
  readonly weight: Float64Array;
  /** scale_s = exp((c_s − C)/α) of the pattern's states. */
  readonly scale: Float64Array;
  /** W when every pattern is padded to W entries, else 0. */
  readonly width: number;
}

/** The widest rows that are padded (`accumulatePatterned` writes out each width up to it). */
const MAX_WIDTH = 5;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
/** Mixes one double's bits into a hash. */
const mix = (h: number, x: number): number => {
  bits[0] = x;
  return Math.imul(Math.imul(h ^ words[0]!, 0x85ebca6b) ^ words[1]!, 0xc2b2ae35);
};

export function patternsOf(graph: FactorGraph<unknown, unknown>, weight: Float64Array, scale: Float64Array, shared: boolean): Patterns | undefined {
  const { nS, nA } = graph;
  const { rowStart, next, prob } = graph.dynamics;
  const limit = shared ? nS >> 3 : nS;
  if (limit < 1) return undefined;
  // Merged rows never have more entries than the dynamics (untouched pages cost nothing when shared).
  const offset = new Int32Array(prob.length);
  const merged = new Float64Array(prob.length);
  const start = new Int32Array(limit + 2);
  const rowScale = new Float64Array(limit + 1);
  let size = 1;
  while (shared && size < 2 * limit) size *= 2;
  const table = new Int32Array(size); // open addressing: pattern + 1, 0 = empty
  const id = new Int32Array(nS);
  let count = 0;
  let width = 0;
  let entries = 0;
  for (let s = 0; s < nS; s++) {
    // Fold state s's rows into pattern slot `count`, which begins at `at`.
    const at = start[count]!;
    let end = at;
    for (let row = s * nA; row < (s + 1) * nA; row++) {
      const w = weight[row]!;
      if (w === 0) continue;
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
        const d = next[k]! - s;
        let j = at;
        while (j < end && offset[j] !== d) j++;
        if (j < end) merged[j] = merged[j]! + w * prob[k]!;
        else {
          offset[end] = d;
          merged[end++] = w * prob[k]!;
        }
      }
    }
    const length = end - at;
    entries += length;
    let found = -1;
    let slot = 0;
    if (shared) {
      let h = mix(length, scale[s]!);
      for (let j = at; j < end; j++) h = mix(h ^ offset[j]!, merged[j]!);
      // Linear probing. Bit for bit: weights and scales are products and exps of finite numbers (never −0 or NaN), so === is identity.
      for (slot = (h ^ (h >>> 15)) & (size - 1); table[slot] !== 0; slot = (slot + 1) & (size - 1)) {
        const p = table[slot]! - 1;
        let same = start[p + 1]! - start[p]! === length && rowScale[p] === scale[s];
        for (let j = 0; same && j < length; j++) same = offset[start[p]! + j] === offset[at + j] && merged[start[p]! + j] === merged[at + j];
        if (same) {
          found = p;
          break;
        }
      }
    }
    if (found < 0) {
      if (count === limit) return undefined;
      table[slot] = count + 1;
      rowScale[count] = scale[s]!;
      found = count++;
      start[count] = end;
      if (length > width) width = length;
    }
    id[s] = found;
  }
  if (width < 1 || width > MAX_WIDTH || nS * width > 2 * entries) {
    return { id, start: start.subarray(0, count + 1), offset: offset.subarray(0, start[count]), weight: merged.subarray(0, start[count]), scale: rowScale.subarray(0, count), width: 0 };
  }
  // Padded to W: pads point at s itself (offset 0) with weight 0.
  const out = { id, start: new Int32Array(count + 1), offset: new Int32Array(count * width), weight: new Float64Array(count * width), scale: rowScale.slice(0, count), width };
  for (let p = 0; p < count; p++) {
    out.offset.set(offset.subarray(start[p], start[p + 1]), p * width);
    out.weight.set(merged.subarray(start[p], start[p + 1]), p * width);
    out.start[p + 1] = (p + 1) * width;
  }
  return out;
}
