/**
 * `inferBatch(models, exact(...))`: K models that share their dynamics (and
 * action prior, horizon and γ) but not their rewards or temperatures, solved
 * in ONE backward pass over K reward tables. Each sweep reads a CSR row once
 * and updates K accumulators, so the dynamics are traversed once per step
 * instead of K times:
 *
 *   B_k(s,a) = Σ_{s'} p(s'|s,a) X_k(s'),   X_k = exp((V^k_{t+1} − m_k)/α_k)   (posterior)
 *                                           X_k = V^k_{t+1} − c_k                (every other backup)
 *   Q^k_t(s,a) = r^k_t(s,a) + γ B_k(s,a)   (B_k mapped back: m_k + α_k log B_k, or c_k + B_k)
 *   V^k_t(s)   = the backup's own reduction over actions (soft max, hard max or Σ π Q)
 *
 * The results are those of `infer(model_k, engine)` (to rounding: ~1e-15
 * relative); each is returned as that engine's ordinary posterior. Models that
 * share nothing, infinite horizons and other engines are solved one by one.
 * This is the internal entry that goal inference (src/inverse) calls; it is
 * `infer` for many models at once, not a different engine.
 */
import { compileModel } from '../../../simulate/compile-model.js';
import type { Engine, EngineInput } from '../../../types/engine.js';
import type { FactorGraph } from '../../../types/factor-graph.js';
import type { Model } from '../../../types/model.js';
import type { Posterior } from '../../../types/posterior.js';
import { infer } from '../../engine.js';
import { backupRow, type BackupKind } from '../backup.js';
import { ValueRows } from '../scaled.js';
import { runExact, type ExactOptions } from '../index.js';
import { runAgent } from '../agents/index.js';
import { agentPolicyInto, agentStateValue, checkValueTable, type AgentBackup } from '../agents/values.js';

/** Below this a shifted sum may have lost precision; the row is redone exactly (as in backup.ts). */
const UNDERFLOW = 1e-280;

/** Whether two graphs share everything but rewards, terminal rewards, α and the initial distribution. */
export function sameDynamics(a: FactorGraph<unknown, unknown>, b: FactorGraph<unknown, unknown>): boolean {
  if (a === b) return true;
  if (a.nS !== b.nS || a.nA !== b.nA || a.horizon !== b.horizon || a.gamma !== b.gamma || (a.terminal === undefined) !== (b.terminal === undefined)) return false;
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    if (x === y) return true;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return same(a.dynamics.rowStart, b.dynamics.rowStart) && same(a.dynamics.next, b.dynamics.next) && same(a.dynamics.prob, b.dynamics.prob) && same(a.prior, b.prior);
}

/**
 * The posteriors of several models under one engine, in order. Exact engines on finite
 * horizons batch every group of models with shared dynamics into one backward pass.
 * @example const [left, right] = inferBatch([toLeft, toRight], exact({ backup: 'boltzmann' }));
 */
export function inferBatch<S, A>(sources: readonly (Model<S, A> | FactorGraph<S, A>)[], engine: Engine<unknown, EngineInput>): Posterior<S, A, EngineInput>[] {
  const graphs = sources.map((source) => (source.kind === 'model' ? compileModel(source) : source));
  const out: (Posterior<S, A, EngineInput> | undefined)[] = new Array(graphs.length).fill(undefined);
  const options = engine.options as Required<ExactOptions>;
  const batchable = engine.name === 'exact' && engine.reads === 'tables';
  const pending = graphs.map((_, i) => i);
  while (pending.length > 0) {
    const first = pending.shift()!;
    const g = graphs[first]!;
    if (!batchable || g.kind !== 'factor-graph' || !Number.isFinite(g.horizon)) {
      out[first] = infer(g, engine);
      continue;
    }
    const group = [first];
    for (let j = pending.length - 1; j >= 0; j--) {
      const h = graphs[pending[j]!]!;
      if (h.kind === 'factor-graph' && sameDynamics(g as FactorGraph<unknown, unknown>, h as FactorGraph<unknown, unknown>)) group.push(...pending.splice(j, 1));
    }
    group.sort((x, y) => x - y);
    if (group.length === 1) {
      out[first] = infer(g, engine);
      continue;
    }
    const members = group.map((i) => graphs[i] as FactorGraph<S, A>);
    const values = batchedBackwardPass(members as FactorGraph<unknown, unknown>[], options.backup);
    const iteration = { tolerance: options.tolerance, maxIterations: options.maxIterations };
    group.forEach((i, k) => {
      const graph = members[k]!;
      const backup = options.backup;
      out[i] =
        backup === 'boltzmann' || backup === 'expected-utility'
          ? runAgent(graph, backup, iteration, {}, { kind: 'finite', values: values[k]! })
          : runExact(graph, backup, iteration, {}, { kind: 'finite', rows: valueRows(graph as FactorGraph<unknown, unknown>, values[k]!) });
    });
  }
  return out as Posterior<S, A, EngineInput>[];
}

function valueRows(graph: FactorGraph<unknown, unknown>, values: Float64Array): ValueRows {
  const rows = new ValueRows(graph.nS, graph.horizon + 1, graph.alpha);
  for (let t = 0; t <= graph.horizon; t++) rows.writableValues(t).set(values.subarray(t * graph.nS, (t + 1) * graph.nS));
  return rows;
}

/**
 * V^k_t for t = 0 … T of every member, each (T + 1) × nS row-major. The members share
 * dynamics, prior, horizon and γ (see `sameDynamics`); rewards and α may differ.
 */
export function batchedBackwardPass(members: readonly FactorGraph<unknown, unknown>[], backup: BackupKind | AgentBackup): Float64Array[] {
  const K = members.length;
  const g = members[0]!;
  const { nS, nA, gamma, horizon: T, prior } = g;
  checkValueTable(nS * K, T);
  const { rowStart, next: successor, prob } = g.dynamics;
  const rows = nS * nA;
  const values = members.map((m) => {
    const v = new Float64Array(nS * (T + 1));
    if (m.terminal) v.set(m.terminal, T * nS);
    return v;
  });
  const alphas = Float64Array.from(members, (m) => m.alpha);
  const posterior = backup === 'posterior';
  const X = new Float64Array(nS * K); // interleaved X_k(s') at s'·K + k
  const shift = new Float64Array(K); // m_k or c_k
  const acc = new Float64Array(K);
  const Q = new Float64Array(rows * K); // interleaved Q^k(s,a) at row·K + k
  const q = new Float64Array(nA);
  const pi = new Float64Array(nA);
  const rewards: Float64Array[] = new Array(K);
  if (backup === 'boltzmann' || (backup !== 'posterior' && alphas.every((a) => a === 0))) {
    hardMaxPass(members, values);
    return values;
  }
  for (let t = T - 1; t >= 0; t--) {
    const last = t === T - 1 && !g.terminal;
    const nextOf = (k: number) => values[k]!.subarray((t + 1) * nS, (t + 2) * nS);
    if (!last) {
      for (let k = 0; k < K; k++) {
        const v = nextOf(k);
        const a = alphas[k]!;
        if (posterior) {
          let m = -Infinity;
          for (let s = 0; s < nS; s++) if (v[s]! > m) m = v[s]!;
          shift[k] = m;
          for (let s = 0; s < nS; s++) X[s * K + k] = m === -Infinity || a === 0 ? 0 : Math.exp((v[s]! - m) / a);
        } else for (let s = 0; s < nS; s++) X[s * K + k] = v[s]!;
      }
    }
    for (let k = 0; k < K; k++) rewards[k] = members[k]!.rewardAt(t);
    if (last) {
      for (let k = 0; k < K; k++) for (let row = 0; row < rows; row++) Q[row * K + k] = rewards[k]![row]!;
    } else if (!posterior) {
      // B = c + Σ_{e > first} p_e (V'(s'_e) − c), c = V' of the row's first successor (as backup.ts's expectedValue).
      for (let row = 0; row < rows; row++) {
        const start = rowStart[row]!;
        const end = rowStart[row + 1]!;
        const base = row * K;
        const first = successor[start]! * K;
        for (let k = 0; k < K; k++) Q[base + k] = X[first + k]!;
        for (let e = start + 1; e < end; e++) {
          const p = prob[e]!;
          const at = successor[e]! * K;
          for (let k = 0; k < K; k++) Q[base + k] += p * (X[at + k]! - X[first + k]!);
        }
      }
      // Q = r + γ B, with −∞ kept (an infeasible future or a forbidden action), never NaN.
      for (let k = 0; k < K; k++) {
        const r = rewards[k]!;
        for (let row = 0, at = k; row < rows; row++, at += K) {
          const b = X[successor[rowStart[row]!]! * K + k] === -Infinity ? -Infinity : Q[at]!;
          Q[at] = r[row] === -Infinity || b === -Infinity ? -Infinity : r[row]! + gamma * b;
        }
      }
    } else {
      for (let row = 0; row < rows; row++) {
        const start = rowStart[row]!;
        const end = rowStart[row + 1]!;
        acc.fill(0);
        for (let e = start; e < end; e++) {
          const p = prob[e]!;
          const base = successor[e]! * K;
          for (let k = 0; k < K; k++) acc[k] += p * X[base + k]!;
        }
        for (let k = 0; k < K; k++) {
          const r = rewards[k]![row]!;
          const a = alphas[k]!;
          const b = a > 0 && acc[k]! > UNDERFLOW ? shift[k]! + a * Math.log(acc[k]!) : backupRow(members[k]!, 'posterior', nextOf(k), row);
          Q[row * K + k] = r === -Infinity || b === -Infinity ? -Infinity : r + gamma * b;
        }
      }
    }
    // V^k_t(s): each backup's reduction over actions.
    for (let k = 0; k < K; k++) {
      const a = alphas[k]!;
      const out = values[k]!.subarray(t * nS, (t + 1) * nS);
      if (a === 0) {
        // U = max over allowed actions (every backup's V at α = 0): read straight from the interleaved table.
        for (let s = 0, row = 0; s < nS; s++) {
          let m = -Infinity;
          for (let j = 0; j < nA; j++, row++) {
            const v = Q[row * K + k]!;
            if (prior[row]! > 0 && v > m) m = v;
          }
          out[s] = m;
        }
        continue;
      }
      for (let s = 0; s < nS; s++) {
        for (let j = 0; j < nA; j++) q[j] = Q[(s * nA + j) * K + k]!;
        if (backup === 'expected-utility') {
          const m = agentPolicyInto(prior, a, nA, s, q, 0, pi, 0);
          out[s] = agentStateValue(backup, a, nA, q, pi, 0, m);
          continue;
        }
        // α log Σ_a p(a|s) exp(Q/α) (max over allowed actions at α = 0), as stateValues in backup.ts.
        let m = -Infinity;
        for (let j = 0; j < nA; j++) if (prior[s * nA + j]! > 0 && q[j]! > m) m = q[j]!;
        if (m === -Infinity || a === 0) {
          out[s] = m;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < nA; j++) if (prior[s * nA + j]! > 0) sum += prior[s * nA + j]! * Math.exp((q[j]! - m) / a);
        out[s] = m + a * Math.log(sum);
      }
    }
  }
  return values;
}

/**
 * The hard-max pass (the Boltzmann agent, and every backup at α = 0 except the
 * posterior's optimistic one): U_t(s) = max_{a: p(a|s) > 0} [r_t(s,a) + γ E_{s'} U_{t+1}(s')],
 * state by state with all K members in the innermost loop, reading and writing
 * the interleaved U_{t+1}, U_t (s·K + k) sequentially.
 */
function hardMaxPass(members: readonly FactorGraph<unknown, unknown>[], values: Float64Array[]): void {
  const K = members.length;
  // Below INTERLEAVE members the K-long inner loops cost more than the shared CSR reads save
  // (measured on the 21×21 maze: K = 2 interleaved took ~1.7× the CPU of K separate passes).
  if (K < INTERLEAVE) {
    hardMaxPassByMember(members, values);
    return;
  }
  const g = members[0]!;
  const { nS, nA, gamma, horizon: T, prior } = g;
  const { rowStart, next: successor, prob } = g.dynamics;
  let X = new Float64Array(nS * K); // U_{t+1}, interleaved
  let Y = new Float64Array(nS * K); // U_t, interleaved
  if (g.terminal) for (let k = 0; k < K; k++) for (let s = 0; s < nS; s++) X[s * K + k] = members[k]!.terminal![s]!;
  const b = new Float64Array(K);
  const m = new Float64Array(K);
  const rewards: Float64Array[] = new Array(K);
  for (let t = T - 1; t >= 0; t--) {
    const last = t === T - 1 && !g.terminal;
    for (let k = 0; k < K; k++) rewards[k] = members[k]!.rewardAt(t);
    for (let s = 0; s < nS; s++) {
      m.fill(-Infinity);
      for (let j = 0, row = s * nA; j < nA; j++, row++) {
        if (!(prior[row]! > 0)) continue;
        if (last) {
          for (let k = 0; k < K; k++) {
            const q = rewards[k]![row]!;
            if (q > m[k]!) m[k] = q;
          }
          continue;
        }
        // E[U'] = c + Σ_{e > first} p_e (U'(s'_e) − c), c = U' at the first successor (as backup.ts's expectedValue).
        const start = rowStart[row]!;
        const end = rowStart[row + 1]!;
        const first = successor[start]! * K;
        for (let k = 0; k < K; k++) b[k] = X[first + k]!;
        for (let e = start + 1; e < end; e++) {
          const p = prob[e]!;
          const at = successor[e]! * K;
          for (let k = 0; k < K; k++) b[k] += p * (X[at + k]! - X[first + k]!);
        }
        for (let k = 0; k < K; k++) {
          const r = rewards[k]![row]!;
          const c = X[first + k]!;
          const q = r === -Infinity || c === -Infinity || b[k] === -Infinity ? -Infinity : r + gamma * b[k]!;
          if (q > m[k]!) m[k] = q;
        }
      }
      for (let k = 0; k < K; k++) {
        Y[s * K + k] = m[k]!;
        values[k]![t * nS + s] = m[k]!;
      }
    }
    [X, Y] = [Y, X];
  }
}

/** Members from which the hard-max pass interleaves them (below it, member by member inside each step). */
const INTERLEAVE = 4;

/** The hard-max pass with each member's U_{t+1} contiguous: one sweep over t, members one after another within a step. */
function hardMaxPassByMember(members: readonly FactorGraph<unknown, unknown>[], values: Float64Array[]): void {
  const g = members[0]!;
  const { nS, nA, gamma, horizon: T, prior } = g;
  const { rowStart, next: successor, prob } = g.dynamics;
  for (let t = T - 1; t >= 0; t--) {
    const last = t === T - 1 && !g.terminal;
    for (let k = 0; k < members.length; k++) {
      const r = members[k]!.rewardAt(t);
      const v = values[k]!;
      const next = (t + 1) * nS;
      for (let s = 0; s < nS; s++) {
        let m = -Infinity;
        for (let j = 0, row = s * nA; j < nA; j++, row++) {
          if (!(prior[row]! > 0)) continue;
          let q = r[row]!;
          if (!last && q !== -Infinity) {
            const start = rowStart[row]!;
            const c = v[next + successor[start]!]!;
            if (c === -Infinity) q = -Infinity;
            else {
              let b = c;
              for (let e = start + 1; e < rowStart[row + 1]!; e++) b += prob[e]! * (v[next + successor[e]!]! - c);
              q = b === -Infinity ? -Infinity : q + gamma * b;
            }
          }
          if (q > m) m = q;
        }
        v[t * nS + s] = m;
      }
    }
  }
}
