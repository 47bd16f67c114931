/**
 * The backward recursion of control as inference, in reward units
 * (log β_t = Q_t / α):
 *
 *   posterior backup:       B(s,a) = α log Σ_{s'} p(s'|s,a) exp(V_{t+1}(s') / α)
 *   fixed-dynamics backup:  B(s,a) = Σ_{s'} p(s'|s,a) V_{t+1}(s')
 *   Q_t(s,a) = r_t(s,a) + γ B(s,a)              (Q_{T−1} = r without a terminal factor)
 *   V_t(s)   = α log Σ_a p(a|s) exp(Q_t(s,a) / α)
 *
 * α = 0 is the limit: the posterior backup becomes max_{s'} V_{t+1}(s') over
 * successors, and V_t(s) = max over actions with p(a|s) > 0.
 *
 * This file is the general log-space path, each row shifted by its own max so
 * that any V (including −Infinity) is exact. The common case — posterior
 * backup, γ = 1, α > 0, stationary reward — runs the scaled linear-space pass
 * of scaled.ts instead, which falls back to `qRow`/`softMax` here wherever a
 * sum underflows.
 */
import type { FactorGraph } from '../../types/factor-graph.js';
import type { FixedStep, NearSum } from './fixed/codegen.js';
import { expNonPositive } from './exp.js';

export type BackupKind = 'posterior' | 'fixed-dynamics';

/** Below this a shifted sum may have lost precision to underflow; the row is redone with its own shift. */
const UNDERFLOW = 1e-280;

/**
 * Large α. When every shifted exponent x = (v − m)/α lies in [−NEAR, 0],
 * Σ p e^x is 1 − O(NEAR) and α·log(Σ p e^x) would lose α·ε to rounding (the
 * whole soft value at α ≥ 1e16). There the sum is formed as
 *
 *   α log Σ_k p_k e^{x_k} = α log1p(Σ_k p_k expm1(x_k) + δ),   δ = Σ_k p_k − 1
 *
 * which keeps full relative precision for any α up to 1e300. δ is a row's
 * departure from 1 (validated to ±1e-9, never renormalised), kept so that
 * the policy still sums to 1; a δ within rounding of the row's own sum
 * (|δ| ≤ n·ε: 0.1 + 0.2 + 0.7 is 1.0000000000000002) is representation
 * error, not mass, and is taken as 0 (`massDefect`). Outside that band
 * α < |Δv|/NEAR and the plain form loses at most ~|Δv|·ε/NEAR.
 */
export const NEAR = 1e-3;

/** δ = Σp − 1 of a row of n probabilities summing to `total`, or 0 when it is within rounding. */
export function massDefect(total: number, n: number): number {
  const delta = total - 1;
  return Math.abs(delta) <= n * Number.EPSILON ? 0 : delta;
}

/** Scratch buffers reused across steps: no allocation inside the recursion. */
export interface Workspace {
  /** E_{t+1} = exp((V_{t+1} − M)/α) of the scaled pass, length nS. */
  readonly shifted: Float64Array;
  /** Q_t(s, ·) of one state, length nA. */
  readonly q: Float64Array;
  /** prior(a|s)·exp((r(s,a) − c_s)/α) for the fast path (stationary reward), nS × nA. */
  readonly weight: Float64Array;
  /** c_s = max_a r(s,a) over allowed actions, length nS. */
  readonly shift: Float64Array;
  /** A Q table, nS × nA. */
  readonly table: Float64Array;
}

export function workspace(graph: FactorGraph<unknown, unknown>): Workspace {
  return {
    shifted: new Float64Array(graph.nS),
    q: new Float64Array(graph.nA),
    weight: new Float64Array(graph.nS * graph.nA),
    shift: new Float64Array(graph.nS),
    table: new Float64Array(graph.nS * graph.nA),
  };
}

/**
 * E[V'] over one CSR row, as c + Σ p (V' − c) with c the first successor's
 * value: when the successors' values are equal (or close) and large, Σ p·V'
 * alone would be off by ε·|V'|, and that error reaches the policy amplified
 * by 1/α. −Infinity if any reachable successor is infeasible (q keeps the dynamics).
 */
function expectedValue(successor: Int32Array, prob: Float64Array, start: number, end: number, next: Float64Array): number {
  const c = next[successor[start]!]!;
  if (c === -Infinity) return -Infinity;
  let deviation = 0;
  for (let k = start; k < end; k++) deviation += prob[k]! * (next[successor[k]!]! - c);
  return c + deviation;
}

/**
 * B(s, a) for one row with its own shift: exact for any V, used on demand
 * (Q tables) and as the fallback of the fast path.
 */
export function backupRow(
  graph: FactorGraph<unknown, unknown>,
  kind: BackupKind,
  next: Float64Array,
  row: number,
): number {
  const { rowStart, next: successor, prob } = graph.dynamics;
  const start = rowStart[row]!;
  const end = rowStart[row + 1]!;
  if (kind === 'fixed-dynamics') return expectedValue(successor, prob, start, end, next);
  let m = -Infinity;
  for (let k = start; k < end; k++) if (next[successor[k]!]! > m) m = next[successor[k]!]!;
  if (m === -Infinity || graph.alpha === 0) return m;
  const alpha = graph.alpha;
  let low = Infinity;
  for (let k = start; k < end; k++) if (next[successor[k]!]! < low) low = next[successor[k]!]!;
  if (m - low <= NEAR * alpha) {
    let y = 0;
    let total = 0;
    for (let k = start; k < end; k++) {
      y += prob[k]! * Math.expm1((next[successor[k]!]! - m) / alpha);
      total += prob[k]!;
    }
    return m + alpha * Math.log1p(y + massDefect(total, end - start));
  }
  let sum = 0;
  for (let k = start; k < end; k++) sum += prob[k]! * Math.exp((next[successor[k]!]! - m) / alpha);
  return m + alpha * Math.log(sum);
}

/** Q_t(s, ·) into `out` (length nA). `next` is V_{t+1}, or undefined at the last step without a terminal factor. */
export function qRow(
  graph: FactorGraph<unknown, unknown>,
  kind: BackupKind,
  reward: Float64Array,
  next: Float64Array | undefined,
  s: number,
  out: Float64Array,
): void {
  const nA = graph.nA;
  const gamma = graph.gamma;
  for (let a = 0; a < nA; a++) {
    const r = reward[s * nA + a]!;
    if (next === undefined || r === -Infinity) {
      out[a] = r;
      continue;
    }
    const b = backupRow(graph, kind, next, s * nA + a);
    // γ·B with γ = 0 must not turn a −Infinity backup into NaN: an infeasible future still forbids the action.
    out[a] = b === -Infinity ? -Infinity : r + gamma * b;
  }
}

/** V(s) = α log Σ_a p(a|s) exp(Q(s,a)/α) (max over allowed actions when α = 0). */
export function softMax(graph: FactorGraph<unknown, unknown>, q: Float64Array, s: number): number {
  const nA = graph.nA;
  const prior = graph.prior;
  const alpha = graph.alpha;
  let m = -Infinity;
  for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0 && q[a]! > m) m = q[a]!;
  if (m === -Infinity || alpha === 0) return m;
  if (nearRow(prior, q, s * nA, 0, nA, m, alpha)) return m + alpha * Math.log1p(expm1Sum(prior, q, s * nA, 0, nA, m, alpha));
  let sum = 0;
  for (let a = 0; a < nA; a++) {
    const p = prior[s * nA + a]!;
    if (p > 0) sum += p * Math.exp((q[a]! - m) / alpha);
  }
  return m + alpha * Math.log(sum);
}

/**
 * Q_t for every (s, a) into `out` (nS × nA) from V_{t+1} (`next`; undefined
 * at the last decision without a terminal factor): the whole table in one
 * pass over the CSR arrays. For the posterior backup (α > 0) one global shift
 * m = max V_{t+1} lets exp run once per state, E = exp((V_{t+1} − m)/α),
 * so a row costs one multiply-add per entry and one log; a row whose sum
 * underflows (every successor far below m) is redone exactly by `backupRow`.
 */
export function qTable(
  graph: FactorGraph<unknown, unknown>,
  kind: BackupKind,
  reward: Float64Array,
  next: Float64Array | undefined,
  out: Float64Array,
  ws: Workspace,
): void {
  const rows = graph.nS * graph.nA;
  if (next === undefined) {
    out.set(reward.subarray(0, rows));
    return;
  }
  const { alpha, gamma } = graph;
  const { rowStart, next: successor, prob } = graph.dynamics;
  const shiftedSum = kind === 'posterior' && alpha > 0;
  let m = -Infinity;
  // near: every V_{t+1} within NEAR·α of the max, so E holds expm1 and a row is m + α log1p(Σ p E).
  let near = false;
  if (shiftedSum) {
    let low = Infinity;
    for (let s = 0; s < graph.nS; s++) {
      if (next[s]! > m) m = next[s]!;
      if (next[s]! < low) low = next[s]!;
    }
    near = m > -Infinity && m - low <= NEAR * alpha;
    const E = ws.shifted;
    for (let s = 0; s < graph.nS; s++) E[s] = m === -Infinity ? 0 : near ? Math.expm1((next[s]! - m) / alpha) : Math.exp((next[s]! - m) / alpha);
  }
  const E = ws.shifted;
  const fixed = kind === 'fixed-dynamics';
  for (let row = 0; row < rows; row++) {
    const r = reward[row]!;
    if (r === -Infinity) {
      out[row] = -Infinity;
      continue;
    }
    const start = rowStart[row]!;
    const end = rowStart[row + 1]!;
    let b: number;
    if (shiftedSum) {
      let sum = 0;
      for (let k = start; k < end; k++) sum += prob[k]! * E[successor[k]!]!;
      if (near) {
        let total = 0;
        for (let k = start; k < end; k++) total += prob[k]!;
        b = m + alpha * Math.log1p(sum + massDefect(total, end - start));
      } else b = sum > UNDERFLOW ? m + alpha * Math.log(sum) : backupRow(graph, kind, next, row);
    } else if (fixed) b = expectedValue(successor, prob, start, end, next);
    else b = backupRow(graph, kind, next, row);
    // γ·B with γ = 0 must not turn a −Infinity backup into NaN: an infeasible future still forbids the action.
    out[row] = b === -Infinity ? -Infinity : r + gamma * b;
  }
}

/** V(s) = α log Σ_a p(a|s) exp(Q(s,a)/α) for every state, from a Q table (max over allowed actions at α = 0). */
export function stateValues(graph: FactorGraph<unknown, unknown>, q: Float64Array, out: Float64Array): void {
  const { nS, nA, prior, alpha } = graph;
  for (let s = 0; s < nS; s++) {
    const base = s * nA;
    let m = -Infinity;
    for (let a = 0; a < nA; a++) if (prior[base + a]! > 0 && q[base + a]! > m) m = q[base + a]!;
    if (m === -Infinity || alpha === 0) {
      out[s] = m;
      continue;
    }
    if (nearRow(prior, q, base, base, nA, m, alpha)) {
      out[s] = m + alpha * Math.log1p(expm1Sum(prior, q, base, base, nA, m, alpha));
      continue;
    }
    let sum = 0;
    for (let a = 0; a < nA; a++) {
      const p = prior[base + a]!;
      if (p > 0) sum += p * Math.exp((q[base + a]! - m) / alpha);
    }
    out[s] = m + alpha * Math.log(sum);
  }
}

/**
 * One backward step: V_t from V_{t+1} (`next`, undefined at the last step
 * without a terminal factor) into `out`.
 */
export function backwardStep(
  graph: FactorGraph<unknown, unknown>,
  kind: BackupKind,
  reward: Float64Array,
  next: Float64Array | undefined,
  out: Float64Array,
  ws: Workspace,
): void {
  if (kind === 'fixed-dynamics' && next !== undefined) {
    const step = fixedStepOf(graph);
    if (step !== undefined) step(reward, next, out);
    else genericFixedStep(graph, reward, next, out, ws.q);
    return;
  }
  qTable(graph, kind, reward, next, ws.table, ws);
  stateValues(graph, ws.table, out);
}

/** The generic fused step (`fixedDynamicsStep`) on a graph's arrays; `q` is a scratch row of length nA. */
export function genericFixedStep(graph: FactorGraph<unknown, unknown>, reward: Float64Array, next: Float64Array, out: Float64Array, q: Float64Array): void {
  const { nS, nA, alpha, gamma, prior } = graph;
  const { rowStart, next: successor, prob } = graph.dynamics;
  fixedDynamicsStep(nS, nA, alpha, gamma, prior, reward, rowStart, successor, prob, next, out, q);
}

/**
 * Transition entries × steps (the horizon, or 100 sweeps for an infinite one)
 * below which the generic step runs: a generated step is compiled afresh for
 * its graph (10–15 ms of JIT work measured on a first run), which the ~35 %
 * it saves per entry repays from about 4M entries × steps (~35 ms of work).
 */
const GENERATE_FROM = 2 ** 22;

/**
 * The generator of per-graph fixed-dynamics steps, installed by
 * fixed/install.ts — which the package's Node entry imports and a browser
 * bundle of the root does not (the generator's ~3 KB would push a tabular
 * page past its size cap); without it every graph runs the generic step.
 */
export const generators: { fixed?: (graph: FactorGraph<unknown, unknown>, nearWidth: number, nearSum: NearSum) => FixedStep | undefined } = {};

/**
 * The fixed-dynamics step generated for this graph (fixed/codegen.ts: the
 * same operations as `fixedDynamicsStep`, the same bits, with the graph's
 * sizes as literals), or undefined: a small graph, no generator installed,
 * or no `new Function` here.
 */
export function fixedStepOf(graph: FactorGraph<unknown, unknown>, force = false): FixedStep | undefined {
  const generate = generators.fixed;
  if (generate === undefined || (!force && graph.dynamics.nnz * Math.min(graph.horizon, 100) < GENERATE_FROM)) return undefined;
  return generate(graph, NEAR * graph.alpha, expm1Sum);
}

/**
 * The fixed-dynamics step fused into one loop per state, with no S·A table
 * written and read back: for each s,
 *
 *   Q(s,a) = r(s,a) + γ (c + Σ_k p_k (V_{t+1}(s'_k) − c))    (c = V_{t+1} of the row's first successor)
 *   V_t(s) = m + α log Σ_a p(a|s) exp((Q(s,a) − m)/α),  m = max_{a: p(a|s) > 0} Q(s,a)
 *
 * — the operations of `qTable` then `stateValues` in the same order, except
 * that e^x is exp.ts's inlined `expNonPositive` (within 2ε of Math.exp; a
 * call to Math.exp cost ~0.3 ns more per entry), so V_t is within ~1e-15
 * relative of theirs, and bit for bit where no exp runs: one multiply-add per
 * transition entry, one exp per allowed action but the maximising ones (whose
 * term is p·e^0 = p exactly) and one log per state. A −Infinity reward or successor, a
 * state with no allowed action, α = 0 and a near row (see NEAR) take the same
 * branches as there. Typed arrays and numbers only, so the JIT keeps it monomorphic.
 */
function fixedDynamicsStep(
  nS: number,
  nA: number,
  alpha: number,
  gamma: number,
  prior: Float64Array,
  reward: Float64Array,
  rowStart: Int32Array,
  successor: Int32Array,
  prob: Float64Array,
  next: Float64Array,
  out: Float64Array,
  q: Float64Array,
): void {
  for (let s = 0; s < nS; s++) {
    const base = s * nA;
    let m = -Infinity;
    for (let a = 0; a < nA; a++) {
      const row = base + a;
      const r = reward[row]!;
      let value = -Infinity;
      if (r !== -Infinity) {
        const start = rowStart[row]!;
        const end = rowStart[row + 1]!;
        const c = next[successor[start]!]!;
        if (c !== -Infinity) {
          let deviation = 0;
          for (let k = start; k < end; k++) deviation += prob[k]! * (next[successor[k]!]! - c);
          const b = c + deviation;
          // γ·B with γ = 0 must not turn a −Infinity backup into NaN.
          if (b !== -Infinity) value = r + gamma * b;
        }
      }
      q[a] = value;
      // A select, not a branch: which action maximises is unpredictable, and a mispredicted branch per state cost ~5 %.
      m = prior[row]! > 0 && value > m ? value : m;
    }
    if (m === -Infinity || alpha === 0) {
      out[s] = m;
      continue;
    }
    let sum = 0;
    let near = true;
    const floor = m - NEAR * alpha;
    for (let a = 0; a < nA; a++) {
      const p = prior[base + a]!;
      if (p > 0) {
        const x = q[a]!;
        if (!(x >= floor)) near = false;
        // A maximising action's term is p·e^0 = p exactly: one exp per state saved, the same bits
        // (for a tie too, as Math.exp(0) is 1; an overflowed Q = m = +Infinity gives p, where (x − m)/α would be NaN).
        sum += x === m ? p : p * expNonPositive((x - m) / alpha);
      }
    }
    out[s] = near ? m + alpha * Math.log1p(expm1Sum(prior, q, base, 0, nA, m, alpha)) : m + alpha * Math.log(sum);
  }
}

/**
 * W(s,a) = p(a|s) exp((r(s,a) − c_s)/α) and c_s = max_a r(s,a) over allowed
 * actions, for the scaled pass (stationary reward, α > 0).
 */
export function prepareWeights(graph: FactorGraph<unknown, unknown>, ws: Workspace): void {
  prepareWeightsInto(graph, ws.weight, ws.shift);
}

/** `prepareWeights` into given arrays: W (nS × nA) and c (nS). */
export function prepareWeightsInto(graph: FactorGraph<unknown, unknown>, weight: Float64Array, shift: Float64Array): void {
  const { nS, nA, alpha, prior, reward } = graph;
  for (let s = 0; s < nS; s++) {
    let c = -Infinity;
    for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0 && reward[s * nA + a]! > c) c = reward[s * nA + a]!;
    shift[s] = c;
    for (let a = 0; a < nA; a++) {
      const p = prior[s * nA + a]!;
      weight[s * nA + a] = c === -Infinity || p === 0 ? 0 : p * Math.exp((reward[s * nA + a]! - c) / alpha);
    }
  }
}

/** Whether every allowed Q(s,·) (q[qAt…], prior[pAt…]) lies within NEAR·α of the max m (see NEAR). */
function nearRow(prior: Float64Array, q: Float64Array, pAt: number, qAt: number, nA: number, m: number, alpha: number): boolean {
  const floor = m - NEAR * alpha;
  for (let a = 0; a < nA; a++) if (prior[pAt + a]! > 0 && !(q[qAt + a]! >= floor)) return false;
  return true;
}

/** Σ_a p(a|s) expm1((Q(s,a) − m)/α) + δ over allowed actions: the argument of log1p (see NEAR). */
export function expm1Sum(prior: Float64Array, q: Float64Array, pAt: number, qAt: number, nA: number, m: number, alpha: number): number {
  let y = 0;
  let total = 0;
  for (let a = 0; a < nA; a++) {
    const p = prior[pAt + a]!;
    if (p > 0) {
      y += p * Math.expm1((q[qAt + a]! - m) / alpha);
      total += p;
    }
  }
  return y + massDefect(total, nA);
}
