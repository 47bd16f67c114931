/**
 * Policies and Q tables from the stored values V_t (nothing of size S·A·T is
 * kept; each query recomputes from V_{t+1}):
 *
 *   π_t(a|s) = p(a|s) exp((Q_t(s,a) − V_t(s)) / α)       (α > 0)
 *   π_t(a|s) ∝ p(a|s) on argmax_a Q_t(s,a)               (α = 0, ties within TIE_TOLERANCE)
 *
 * A whole table in the scaled case (posterior backup, γ = 1, α > 0,
 * stationary reward) needs no exp per (s, a): with W(s,a) = p(a|s)
 * exp((r(s,a) − c_s)/α) and E = exp((V_{t+1} − m)/α),
 *
 *   π_t(a|s) = W(s,a) S(s,a) / Σ_b W(s,b) S(s,b),   S(s,a) = Σ_{s'} p(s'|s,a) E(s'),
 *
 * because exp(Q_t(s,a)/α) = exp((c_s + m)/α) W(s,a) S(s,a). A state whose
 * denominator underflows is redone exactly, row by row.
 */
import type { FactorGraph } from '../../types/factor-graph.js';
import { TIE_TOLERANCE } from '../../posterior/kernel.js';
import { prepareWeights, qRow, qTable, workspace, type BackupKind, type Workspace } from './backup.js';

/** Below this the scaled denominator may have lost precision; the state is redone exactly. */
const UNDERFLOW = 1e-280;

export interface Policies {
  /** π_t(·|s) into `out` (length nA); false where V_t(s) = −∞. */
  policyRow(t: number, s: number, out: Float64Array): boolean;
  /** log π_t(·|s) into `out`, in log space; false where V_t(s) = −∞. */
  logPolicyRow(t: number, s: number, out: Float64Array): boolean;
  /** π_t for every state into `out` (nS × nA); rows of infeasible states are 0. */
  policyTableInto(t: number, out: Float64Array): void;
  /** Q_t as a new nS × nA table. */
  Q(t: number): Float64Array;
}

/**
 * @param V            V_t for t = 0 … (T or 0 for the infinite horizon)
 * @param nextValues   V_{t+1}, or undefined at the last decision without a terminal factor
 * @param scaled       whether the scaled identity above applies
 */
export function policies(
  graph: FactorGraph<unknown, unknown>,
  backup: BackupKind,
  V: (t: number) => Float64Array,
  nextValues: (t: number) => Float64Array | undefined,
  scaled: boolean,
): Policies {
  const { nS, nA, alpha, prior } = graph;
  const stationary = !Number.isFinite(graph.horizon);
  const reward = (t: number) => graph.rewardAt(stationary ? 0 : t);
  const q = new Float64Array(nA);
  // Made on the first table query: a run that only reads V and log p(O) never pays for it.
  let scratch: Workspace | undefined;
  const tables = (): Workspace => {
    if (scratch === undefined) {
      scratch = workspace(graph);
      if (scaled) prepareWeights(graph, scratch);
    }
    return scratch;
  };

  const policyRow = (t: number, s: number, out: Float64Array): boolean => {
    const v = V(t)[s]!;
    if (v === -Infinity) return false;
    qRow(graph, backup, reward(t), nextValues(t), s, q);
    fromQ(q, 0, v, s, out, 0);
    return true;
  };

  /** π(·|s) from Q(s,·) = q[at…] and V(s) = v into out[to…]. */
  const fromQ = (qs: Float64Array, at: number, v: number, s: number, out: Float64Array, to: number) => {
    let sum = 0;
    if (alpha > 0) {
      // A prior of 0 stays 0 even where Q − V is large (0·exp(∞) would be NaN).
      for (let a = 0; a < nA; a++) {
        const p = prior[s * nA + a]!;
        sum += out[to + a] = p === 0 ? 0 : p * Math.exp((qs[at + a]! - v) / alpha);
      }
    } else {
      const floor = v - TIE_TOLERANCE * Math.max(1, Math.abs(v));
      for (let a = 0; a < nA; a++) sum += out[to + a] = qs[at + a]! >= floor ? prior[s * nA + a]! : 0;
    }
    for (let a = 0; a < nA; a++) out[to + a] = out[to + a]! / sum; // removes rounding only (α > 0)
  };

  const logPolicyRow = (t: number, s: number, out: Float64Array): boolean => {
    if (alpha === 0) {
      if (!policyRow(t, s, out)) return false;
      for (let a = 0; a < nA; a++) out[a] = Math.log(out[a]!);
      return true;
    }
    const v = V(t)[s]!;
    if (v === -Infinity) return false;
    qRow(graph, backup, reward(t), nextValues(t), s, q);
    for (let a = 0; a < nA; a++) {
      const p = prior[s * nA + a]!;
      out[a] = p === 0 || q[a] === -Infinity ? -Infinity : Math.log(p) + (q[a]! - v) / alpha;
    }
    return true;
  };

  const policyTableInto = (t: number, out: Float64Array): void => {
    const v = V(t);
    const ws = tables();
    if (!scaled) {
      qTable(graph, backup, reward(t), nextValues(t), ws.table, ws);
      for (let s = 0; s < nS; s++) {
        if (v[s] === -Infinity) out.fill(0, s * nA, (s + 1) * nA);
        else fromQ(ws.table, s * nA, v[s]!, s, out, s * nA);
      }
      return;
    }
    const next = nextValues(t);
    const E = ws.shifted;
    if (next !== undefined) {
      let m = -Infinity;
      for (let s = 0; s < nS; s++) if (next[s]! > m) m = next[s]!;
      for (let s = 0; s < nS; s++) E[s] = m === -Infinity ? 0 : Math.exp((next[s]! - m) / alpha);
    }
    const { rowStart, next: successor, prob } = graph.dynamics;
    const weight = ws.weight;
    for (let s = 0; s < nS; s++) {
      if (v[s] === -Infinity) {
        out.fill(0, s * nA, (s + 1) * nA);
        continue;
      }
      let total = 0;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        let inner = 1; // without a successor (last decision, no terminal factor) S(s,a) = 1
        if (next !== undefined) {
          inner = 0;
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) inner += prob[k]! * E[successor[k]!]!;
        }
        total += out[row] = weight[row]! * inner;
      }
      if (total > UNDERFLOW) for (let a = 0; a < nA; a++) out[s * nA + a] = out[s * nA + a]! / total;
      else {
        policyRow(t, s, q);
        out.set(q, s * nA);
      }
    }
  };

  const Q = (t: number): Float64Array => {
    const table = new Float64Array(nS * nA);
    qTable(graph, backup, reward(t), nextValues(t), table, tables());
    return table;
  };

  return { policyRow, logPolicyRow, policyTableInto, Q };
}
