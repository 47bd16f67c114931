/**
 * The CAIB file: a compiled model's CSR dynamics, rewards, prior and the TS
 * engine's V_0, for the C reference (bench/exact/c/backward.c reads it).
 *
 *   char magic[4] = "CAIB"; int32 version = 1; int32 nS, nA, T, nnz;
 *   int32 rowStart[nS·nA + 1]; int32 next[nnz]; double prob[nnz];
 *   double reward[nS·nA]; double prior[nS·nA]; double v0[nS]
 *
 * Packed, in the machine's byte order (written and read on the same machine).
 */
import { writeFileSync } from 'node:fs';
import type { FactorGraph } from '../../src/index.js';

export function writeCaib(path: string, graph: FactorGraph<unknown, unknown>, v0: Float64Array): void {
  if (graph.rewardTimeVarying || graph.terminal || graph.alpha !== 1 || graph.gamma !== 1 || !Number.isFinite(graph.horizon)) {
    throw new Error('writeCaib: the C reference handles a finite horizon, α = 1, γ = 1, a stationary reward and no terminal factor');
  }
  const { nS, nA, horizon: T } = graph;
  const { rowStart, next, prob, nnz } = graph.dynamics;
  const header = Buffer.alloc(24);
  header.write('CAIB', 0, 'latin1');
  const ints = new Int32Array([1, nS, nA, T, nnz]);
  Buffer.from(ints.buffer).copy(header, 4);
  const bytes = (a: Int32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(
    path,
    Buffer.concat([header, bytes(rowStart), bytes(next.subarray(0, nnz)), bytes(prob.subarray(0, nnz)), bytes(graph.reward), bytes(graph.prior), bytes(v0)]),
  );
}
