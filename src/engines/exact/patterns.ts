/**
 * The merged rows M(s, ·) of the scaled pass (scaled.ts) stored by pattern:
 * in translation-invariant dynamics (every gridworld) most states have the
 * same relative successors s' − s and the same merged weights, so a state
 * keeps only a pattern id into a small table of distinct rows
 *
 *   M(s, s + offset[id_s·W + k]) = weight[id_s·W + k],   k = 0 … W − 1,
 *
 * 2 bytes per state instead of 12 per merged entry (≈ 50 per state): the
 * backward pass at 1600² is bound by memory traffic, not by its multiply-adds.
 * Each row is folded exactly as `foldWeights` folds it (the same products
 * w·p added in the same order, successors in order of first appearance) and
 * padded exactly as `padded` pads it (offset 0, weight 0, to the widest row
 * W), so every sum over a pattern row is bit for bit the sum over the padded
 * merged row. Undefined — and the caller keeps the CSR layout — when a row
 * is wider than MAX_WIDTH, padding would more than double the rows, or the
 * distinct rows are not few (more than S/8, or more than 2^16 for the ids).
 */
import type { FactorGraph } from '../../types/factor-graph.js';

export interface Patterns {
  /** Pattern of each state. */
  readonly id: Uint16Array;
  /** Relative successors s' − s, W per pattern (pads: 0). */
  readonly offset: Int32Array;
  /** Merged weights M(s, s'), W per pattern (pads: 0). */
  readonly weight: Float64Array;
  /** scale_s = exp((c_s − C)/α) of the pattern's states (part of the pattern, so the pass reads no per-state scale). */
  readonly scale: Float64Array;
  readonly width: number;
  readonly count: number;
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** A hash of one folded row (its length, offsets and the bits of its weights). */
function hashRow(length: number, offset: Int32Array, weight: Float64Array, scale: number): number {
  bits[0] = scale;
  let h = Math.imul(length ^ words[0]!, 0x27d4eb2f) ^ words[1]!;
  for (let k = 0; k < length; k++) {
    bits[0] = weight[k]!;
    h = Math.imul(h ^ offset[k]!, 0x9e3779b1);
    h = Math.imul(h ^ words[0]!, 0x85ebca6b);
    h = Math.imul(h ^ words[1]!, 0xc2b2ae35);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

export function patternsOf(graph: FactorGraph<unknown, unknown>, weight: Float64Array, scale: Float64Array, maxWidth: number): Patterns | undefined {
  const { nS, nA } = graph;
  const { rowStart, next, prob } = graph.dynamics;
  const limit = Math.min(1 << 16, nS >> 3);
  if (limit < 1) return undefined;
  // Distinct rows found so far (unpadded, maxWidth slots each) and an open-addressing table of their ids + 1.
  const rowOffset = new Int32Array(limit * maxWidth);
  const rowWeight = new Float64Array(limit * maxWidth);
  const rowLength = new Uint8Array(limit);
  const rowScale = new Float64Array(limit);
  let size = 1;
  while (size < 2 * limit) size *= 2;
  const table = new Int32Array(size);
  const id = new Uint16Array(nS);
  const offset = new Int32Array(maxWidth);
  const merged = new Float64Array(maxWidth);
  let count = 0;
  let width = 0;
  let entries = 0;
  for (let s = 0; s < nS; s++) {
    // foldWeights for one state: M(s,s') += W(s,a) p(s'|s,a), successors in order of first appearance.
    let length = 0;
    for (let row = s * nA; row < (s + 1) * nA; row++) {
      const w = weight[row]!;
      if (w === 0) continue;
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
        const d = next[k]! - s;
        let at = 0;
        while (at < length && offset[at] !== d) at++;
        if (at < length) merged[at] = merged[at]! + w * prob[k]!;
        else {
          if (length === maxWidth) return undefined;
          offset[length] = d;
          merged[length++] = w * prob[k]!;
        }
      }
    }
    entries += length;
    const sc = scale[s]!;
    let slot = hashRow(length, offset, merged, sc) & (size - 1);
    for (;;) {
      const found = table[slot]! - 1;
      if (found < 0) {
        if (count === limit) return undefined;
        table[slot] = count + 1;
        rowLength[count] = length;
        rowScale[count] = sc;
        rowOffset.set(offset.subarray(0, length), count * maxWidth);
        rowWeight.set(merged.subarray(0, length), count * maxWidth);
        if (length > width) width = length;
        id[s] = count++;
        break;
      }
      if (rowScale[found] === sc && sameRow(found * maxWidth, rowLength[found]!, rowOffset, rowWeight, length, offset, merged)) {
        id[s] = found;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
  }
  // The padding rule of `padded`: a pad is one more multiply-add per state and step.
  if (width < 1 || nS * width > 2 * entries) return undefined;
  const out = { id, offset: new Int32Array(count * width), weight: new Float64Array(count * width), scale: rowScale.slice(0, count), width, count };
  for (let p = 0; p < count; p++) {
    for (let k = 0; k < rowLength[p]!; k++) {
      out.offset[p * width + k] = rowOffset[p * maxWidth + k]!;
      out.weight[p * width + k] = rowWeight[p * maxWidth + k]!;
    }
  }
  return out;
}

function sameRow(at: number, length: number, rowOffset: Int32Array, rowWeight: Float64Array, n: number, offset: Int32Array, weight: Float64Array): boolean {
  if (length !== n) return false;
  // Bit for bit: weights and scales are products and exps of finite numbers (never −0 or NaN), so === is identity here.
  for (let k = 0; k < n; k++) if (rowOffset[at + k] !== offset[k] || rowWeight[at + k] !== weight[k]) return false;
  return true;
}
