/**
 * The tables an `OccupancySolver` keeps between calls, allocated once per
 * graph so that no pass allocates, and the two lazy reads every pass shares:
 * a row of V_t (posterior backup) and S_t(s,a). The passes are free functions
 * of this state in the sibling files; `OccupancySolver` (solver.ts) extends it
 * with the public methods, so there is one object shape and no indirection.
 *
 * The fields are public for those sibling files only; nothing outside this
 * folder reads them (index.ts exports the solver, not this class).
 */
import { fail } from '../../../errors.js';
import type { FactorGraph } from '../../../types/factor-graph.js';
import type { BackupKind } from '../backup.js';
import { mergedLayout, NO_LAYOUT } from './merged-rows.js';

/** Below this a shifted sum may have lost precision to underflow; the state is redone exactly in log space. */
export const UNDERFLOW = 1e-280;
/** Bytes of per-step tables beyond which the solver refuses before allocating. */
const MAX_BYTES = 2 ** 31;

/** Adds the sources of step t into the forward message m_t (length nS), before m_t is pushed on. */
export type Inject = (t: number, m: Float64Array) => void;

export class OccupancyState {
  readonly nS: number;
  readonly nA: number;
  readonly T: number;
  readonly alpha: number;
  readonly backup: BackupKind;
  /** log p(O) (posterior backup) or the ELBO E_{p(s_0)}[V_0]/α (fixed dynamics) of the last `solve`. */
  logEvidence = -Infinity;
  /** p(s_0 | O) (posterior) or p(s_0) (fixed dynamics) of the last solve. */
  readonly initialPosterior: Float64Array;

  /** @internal */ readonly graph: FactorGraph<unknown, unknown>;
  /** @internal r(s,a), nS × nA, of the last solve (the caller's array, not copied). */
  reward: Float64Array;
  /**
   * @internal V_t(s), (T + 1) × nS (row T is 0). The posterior backup fills a row lazily
   * from total_t (one log per state) the first time it is read; `ready[t]` says it is.
   */
  readonly V: Float64Array;
  /** @internal */ readonly ready: Uint8Array;
  /** @internal Fixed dynamics only: π_t(a|s), T × nS × nA. */
  readonly pi: Float64Array;
  // ---- posterior backup only (length 0 for fixed dynamics)
  /** @internal total_t(s) = Σ_{s'} M(s,s') E_{t+1}(s'), T × nS (not meaningful where exactRow = 1). */
  readonly total: Float64Array;
  /**
   * @internal Per (t, s): 0 ordinary; 1 total_t(s) underflowed, so V_t(s) and π_t(·|s) are
   * computed in log space (log-space.ts) and its mass pushed by `pushExact`; 2 only
   * scale_s underflowed, so V_t(s) was taken early from total_t(s) and E_t(s) from V_t(s).
   */
  readonly exactRow: Uint8Array;
  /** @internal E_t(s) = exp((V_t(s) − M_t)/α), (T + 1) × nS. */
  readonly E: Float64Array;
  /** @internal M_t = max_s V_t(s), the shift of step t (M_T = 0). */
  readonly M: Float64Array;
  /** @internal W(s,a) = p(a|s) exp((r(s,a) − c_s)/α), nS × nA. */
  readonly weight: Float64Array;
  /** @internal log p(a|s), fixed. */
  readonly logPrior: Float64Array;
  /** @internal c_s = max_{a: p(a|s) > 0} r(s,a). */
  readonly shift: Float64Array;
  /** @internal scale_s = exp((c_s − C)/α), C = max_s c_s. */
  readonly scale: Float64Array;
  /** @internal Merged rows of M(s, s'): state s holds entries stateStart[s] … stateStart[s+1]−1. */
  readonly stateStart: Int32Array;
  /** @internal */ readonly successor: Int32Array;
  /** @internal The merged entry of each CSR entry of the dynamics. */
  readonly slot: Int32Array;
  /** @internal M(s, s') per merged entry. */
  readonly merged: Float64Array;
  /** @internal Per-step views of `total`, `E` and `exactRow`, made once (no allocation per pass). */
  readonly totalRows: Float64Array[];
  /** @internal */ readonly ERows: Float64Array[];
  /** @internal */ readonly flagRows: Uint8Array[];

  /** @internal Q_t(s,·) scratch of the log-space fallback. */
  readonly q: Float64Array;
  /** @internal The two forward messages m_t and m_{t+1}, swapped each step. */
  readonly message: Float64Array;
  /** @internal */ readonly nextMessage: Float64Array;

  constructor(graph: FactorGraph<unknown, unknown>, backup: BackupKind) {
    const { nS, nA, horizon: T, alpha } = graph;
    if (!Number.isFinite(T) || graph.gamma !== 1 || !(alpha > 0) || graph.terminal !== undefined || graph.rewardTimeVarying) {
      fail({
        code: 'option-invalid',
        part: 'occupancySolver',
        message: 'occupancySolver: needs a finite horizon, γ = 1, α > 0, a stationary reward and no terminal factor',
      });
    }
    const bytes = 8 * (backup === 'posterior' ? 3 * (T + 1) * nS : T * nS * nA + (T + 1) * nS);
    if (bytes > MAX_BYTES) {
      fail({
        code: 'too-large',
        part: 'irl',
        message: `irl: the per-step tables for ${nS} states × ${nA} actions × ${T} steps need ${(bytes / 1e9).toFixed(1)} GB, above the ${(MAX_BYTES / 1e9).toFixed(1)} GB limit; shorten the horizon or coarsen the state`,
      });
    }
    const posterior = backup === 'posterior';
    this.graph = graph;
    this.nS = nS;
    this.nA = nA;
    this.T = T;
    this.alpha = alpha;
    this.backup = backup;
    this.reward = new Float64Array(nS * nA);
    this.V = new Float64Array((T + 1) * nS);
    this.ready = new Uint8Array(T + 1);
    this.pi = new Float64Array(posterior ? 0 : T * nS * nA);
    this.total = new Float64Array(posterior ? T * nS : 0);
    this.exactRow = new Uint8Array(posterior ? T * nS : 0);
    this.E = new Float64Array(posterior ? (T + 1) * nS : 0);
    this.M = new Float64Array(T + 1);
    this.weight = new Float64Array(nS * nA);
    this.logPrior = graph.prior.map(Math.log);
    this.shift = new Float64Array(nS);
    this.scale = new Float64Array(nS);
    this.q = new Float64Array(nA);
    this.initialPosterior = new Float64Array(nS);
    this.message = new Float64Array(nS);
    this.nextMessage = new Float64Array(nS);
    const layout = posterior ? mergedLayout(graph) : NO_LAYOUT;
    this.stateStart = layout.stateStart;
    this.successor = layout.successor;
    this.slot = layout.slot;
    this.merged = new Float64Array(layout.successor.length);
    this.totalRows = posterior ? Array.from({ length: T }, (_, t) => this.total.subarray(t * nS, (t + 1) * nS)) : [];
    this.ERows = posterior ? Array.from({ length: T + 1 }, (_, t) => this.E.subarray(t * nS, (t + 1) * nS)) : [];
    this.flagRows = posterior ? Array.from({ length: T }, (_, t) => this.exactRow.subarray(t * nS, (t + 1) * nS)) : [];
  }

  /**
   * @internal Make row t of V readable (posterior backup): V_t(s) = c_s + M_{t+1} + α log total_t(s)
   * where the backward pass did not set it already (exactRow ≠ 0). Lazy: the scaled passes need
   * only total_t and E_t, so V_t (a log per state) is paid only for rows something reads
   * (the start, the log-space fallback, a log-probability that underflowed).
   */
  values(t: number): void {
    if (this.ready[t] === 1) return;
    const { nS, alpha, V, total, exactRow, shift: c } = this;
    const base = t * nS;
    const shift = this.M[t + 1]!;
    for (let s = 0; s < nS; s++) {
      if (exactRow[base + s] !== 0) continue;
      V[base + s] = c[s] === -Infinity ? -Infinity : c[s]! + shift + alpha * Math.log(total[base + s]!);
    }
    this.ready[t] = 1;
  }

  /**
   * @internal S_t(s,a) = Σ_{s'} p(s'|s,a) E_{t+1}(s') for row = s·nA + a (posterior backup; 1 at the
   * last decision). Not stored: the merged rows skip it, and only pairs and single steps need it.
   */
  inner(t: number, row: number): number {
    if (t === this.T - 1) return 1;
    const { rowStart, next, prob } = this.graph.dynamics;
    const at = (t + 1) * this.nS;
    let S = 0;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) S += prob[k]! * this.E[at + next[k]!]!;
    return S;
  }
}

/** Start of either forward pass: m_0 = 0 before the first injection, and zero accumulators. */
export function resetForward(o: OccupancyState, states: Float64Array, pairs: Float64Array | undefined): void {
  o.message.fill(0);
  states.fill(0);
  pairs?.fill(0);
}
