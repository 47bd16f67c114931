/**
 * The merged rows M(s, ·) of the scaled pass (scaled.ts), padded to one width
 * W and stored by pattern:
 *
 *   M(s, s + offset[id_s·W + k]) = weight[id_s·W + k],   k = 0 … W − 1,
 *
 * with scale_s = scale[id_s]. In translation-invariant dynamics (every
 * gridworld) most states have the same relative successors s' − s, merged
 * weights and scale, so the distinct rows are few (`shared`): a state keeps a
 * 4-byte id into a table that stays in cache, instead of 12 bytes per merged
 * entry (≈ 50 per state) streamed every step — the backward pass at 1600² is
 * bound by memory traffic, not by its multiply-adds. Otherwise each state is
 * its own pattern (the padded rows of before, with relative successors).
 *
 * Each row is folded exactly as `foldWeights` folds it (the same products
 * w·p added in the same order, successors in order of first appearance) and
 * padded with offset 0, weight 0, so every sum over a pattern row is bit for
 * bit the sum over the merged row. Undefined when a row is wider than
 * MAX_WIDTH or padding would more than double the rows (the caller keeps the
 * CSR rows), and, when `shared`, when the distinct rows are more than S/8.
 */
import type { FactorGraph } from '../../types/factor-graph.js';

export interface Patterns {
  /** Pattern of each state. */
  readonly id: Int32Array;
  /** Relative successors s' − s, W per pattern (pads: 0). */
  readonly offset: Int32Array;
  /** Merged weights M(s, s'), W per pattern (pads: 0). */
  readonly weight: Float64Array;
  /** scale_s = exp((c_s − C)/α) of the pattern's states. */
  readonly scale: Float64Array;
  readonly width: number;
  readonly count: number;
}

/** The widest merged row that is padded (`accumulatePatterned` has a case for each width up to it). */
const MAX_WIDTH = 8;

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
  // Distinct rows so far (unpadded, MAX_WIDTH slots each; one more slot to fold the next row into)
  // and, when shared, an open-addressing table of their ids + 1.
  const rowOffset = new Int32Array((limit + 1) * MAX_WIDTH);
  const rowWeight = new Float64Array((limit + 1) * MAX_WIDTH);
  const rowLength = new Uint8Array(limit + 1);
  const rowScale = new Float64Array(limit + 1);
  let size = 1;
  while (shared && size < 2 * limit) size *= 2;
  const table = new Int32Array(size);
  const id = new Int32Array(nS);
  let count = 0;
  let width = 0;
  let entries = 0;
  for (let s = 0; s < nS; s++) {
    // foldWeights for one state, into the next free slot: M(s,s') += W(s,a) p(s'|s,a), successors in order of first appearance.
    const at = count * MAX_WIDTH;
    let length = 0;
    for (let row = s * nA; row < (s + 1) * nA; row++) {
      const w = weight[row]!;
      if (w === 0) continue;
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
        const d = next[k]! - s;
        let j = 0;
        while (j < length && rowOffset[at + j] !== d) j++;
        if (j < length) rowWeight[at + j] = rowWeight[at + j]! + w * prob[k]!;
        else {
          if (length === MAX_WIDTH) return undefined;
          rowOffset[at + length] = d;
          rowWeight[at + length++] = w * prob[k]!;
        }
      }
    }
    entries += length;
    rowLength[count] = length;
    rowScale[count] = scale[s]!;
    let found = -1;
    let slot = 0;
    if (shared) {
      let h = mix(length, scale[s]!);
      for (let j = 0; j < length; j++) h = mix(h ^ rowOffset[at + j]!, rowWeight[at + j]!);
      // Linear probing; bit for bit: weights and scales are products and exps of finite numbers (never −0 or NaN), so === is identity here.
      for (slot = (h ^ (h >>> 15)) & (size - 1); table[slot] !== 0; slot = (slot + 1) & (size - 1)) {
        const p = table[slot]! - 1;
        let same = rowLength[p] === length && rowScale[p] === scale[s];
        for (let j = 0; same && j < length; j++) same = rowOffset[p * MAX_WIDTH + j] === rowOffset[at + j] && rowWeight[p * MAX_WIDTH + j] === rowWeight[at + j];
        if (same) {
          found = p;
          break;
        }
      }
    }
    if (found < 0) {
      if (count === limit) return undefined;
      if (shared) table[slot] = count + 1;
      found = count++;
      if (length > width) width = length;
    } else {
      // A row already in the table: clear the slot it was folded into (pads must read 0).
      rowOffset.fill(0, at, at + MAX_WIDTH);
      rowWeight.fill(0, at, at + MAX_WIDTH);
    }
    id[s] = found;
  }
  // The padding rule: a pad is one more multiply-add per state and step.
  if (width < 1 || nS * width > 2 * entries) return undefined;
  const out = { id, offset: new Int32Array(count * width), weight: new Float64Array(count * width), scale: rowScale.slice(0, count), width, count };
  for (let p = 0; p < count; p++) {
    out.offset.set(rowOffset.subarray(p * MAX_WIDTH, p * MAX_WIDTH + width), p * width);
    out.weight.set(rowWeight.subarray(p * MAX_WIDTH, p * MAX_WIDTH + width), p * width);
  }
  return out;
}
