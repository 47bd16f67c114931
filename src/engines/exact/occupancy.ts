/**
 * A reusable solver for one compiled graph whose reward table changes from
 * call to call (inverse RL evaluates hundreds of rewards on the same
 * dynamics): a backward pass, log-probabilities of given steps, and a fused
 * forward pass that accumulates occupancies Σ_t m_t(s) (and, when asked,
 * D(s,a) = Σ_t m_t(s) π_t(a|s)) from arbitrary signed injected sources.
 * Nothing is allocated per call.
 *
 * Posterior backup (exact p(τ|O); finite horizon, γ = 1, α > 0), in linear
 * space with one shift per step. With c_s = max_a r(s,a),
 * W(s,a) = p(a|s) exp((r(s,a) − c_s)/α), E_{t+1}(s') = exp((V_{t+1}(s') − M_{t+1})/α)
 * and the merged rows M(s,s') = Σ_a W(s,a) p(s'|s,a) (fewer entries than the
 * dynamics: a slippery gridworld's 12 entries per state reach ≤ 5 cells):
 *
 *   total_t(s)  = Σ_{s'} M(s,s') E_{t+1}(s')                 (total_{T−1}(s) = Σ_a W(s,a))
 *   V_t(s)      = c_s + M_{t+1} + α log total_t(s)
 *   S_t(s,a)    = Σ_{s'} p(s'|s,a) E_{t+1}(s')               (on demand only)
 *   π_t(a|s)    = W(s,a) S_t(s,a) / total_t(s)
 *   K_t(s'|s,a) = p(s'|s,a) E_{t+1}(s') / S_t(s,a)          (the tilted dynamics)
 *
 * Since π_t(a|s) K_t(s'|s,a) = W(s,a) p(s'|s,a) E_{t+1}(s') / total_t(s), the
 * forward message is m_{t+1} = E_{t+1} ⊙ Mᵀ(m_t ⊘ total_t): one multiply-add
 * per merged entry and no policy table at all. A state whose total underflows
 * (every successor far below the step's maximum) is redone exactly in log
 * space from V_{t+1}, as in the engine's own passes.
 *
 * Fixed-dynamics backup (the maximum causal entropy policy): Q_t = r + E[V_{t+1}],
 * V_t = α log Σ_a p(a|s) exp(Q_t/α), π_t = p(a|s) exp((Q_t − V_t)/α) kept for
 * every t, and the forward pass pushes mass through p(s'|s,a) itself.
 *
 * These are the recursions of backup.ts/scaled.ts/policy.ts (this file only
 * adds; the engine's files are untouched); test/irl.test.ts checks
 * values, policies, log-probabilities and occupancies against `exact()` posteriors.
 */
import { fail } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { BackupKind } from './backup.js';

/** Below this a shifted sum may have lost precision to underflow; the state is redone exactly. */
const UNDERFLOW = 1e-280;
/** Bytes of per-step tables beyond which the solver refuses before allocating. */
const MAX_BYTES = 2 ** 31;

/** Adds the sources of step t into the forward message m_t (length nS), before m_t is pushed on. */
export type Inject = (t: number, m: Float64Array) => void;

/**
 * Backward and forward passes over one graph, for many reward tables: call
 * `solve(reward)`, then read log-probabilities or run `forward`.
 */
export class OccupancySolver {
  readonly nS: number;
  readonly nA: number;
  readonly T: number;
  readonly alpha: number;
  readonly backup: BackupKind;
  /** log p(O) (posterior backup) or the ELBO E_{p(s_0)}[V_0]/α (fixed dynamics) of the last `solve`. */
  logEvidence = -Infinity;
  /** p(s_0 | O) (posterior) or p(s_0) (fixed dynamics) of the last solve. */
  readonly initialPosterior: Float64Array;

  private readonly graph: FactorGraph<unknown, unknown>;
  private reward: Float64Array;
  /**
   * V_t(s), (T + 1) × nS (row T is 0). The posterior backup fills a row lazily
   * from total_t (one log per state) the first time it is read; `ready[t]` says it is.
   */
  private readonly V: Float64Array;
  private readonly ready: Uint8Array;
  // Fixed dynamics: π_t(a|s), T × nS × nA.
  private readonly pi: Float64Array;
  // Posterior backup:
  /** total_t(s), T × nS (0 where the state was redone exactly; see `exactRow`). */
  private readonly total: Float64Array;
  /** 1 where total_t(s) underflowed and V_t(s), π_t(·|s) are computed in log space; 2 where only V_t(s) was taken early. */
  private readonly exactRow: Uint8Array;
  /** E_t(s), (T + 1) × nS. */
  private readonly E: Float64Array;
  private readonly M: Float64Array;
  private readonly weight: Float64Array;
  /** log p(a|s), fixed. */
  private readonly logPrior: Float64Array;
  private readonly shift: Float64Array;
  private readonly scale: Float64Array;
  /** Merged rows of M(s, s'): state s holds entries stateStart[s] … stateStart[s+1]−1. */
  private readonly stateStart: Int32Array;
  private readonly successor: Int32Array;
  /** The merged entry of each CSR entry of the dynamics. */
  private readonly slot: Int32Array;
  private readonly merged: Float64Array;
  /** Per-step views of `total`, `E` and `exactRow`, made once (no allocation per pass). */
  private readonly totalRows: Float64Array[];
  private readonly ERows: Float64Array[];
  private readonly flagRows: Uint8Array[];

  private readonly q: Float64Array;
  private readonly message: Float64Array;
  private readonly nextMessage: Float64Array;

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
    const layout = posterior ? mergedLayout(graph) : { stateStart: new Int32Array(0), successor: new Int32Array(0), slot: new Int32Array(0) };
    this.stateStart = layout.stateStart;
    this.successor = layout.successor;
    this.slot = layout.slot;
    this.merged = new Float64Array(layout.successor.length);
    this.totalRows = posterior ? Array.from({ length: T }, (_, t) => this.total.subarray(t * nS, (t + 1) * nS)) : [];
    this.ERows = posterior ? Array.from({ length: T + 1 }, (_, t) => this.E.subarray(t * nS, (t + 1) * nS)) : [];
    this.flagRows = posterior ? Array.from({ length: T }, (_, t) => this.exactRow.subarray(t * nS, (t + 1) * nS)) : [];
  }

  /** Backward pass for the reward table r(s,a) (nS × nA, finite or −Infinity); returns `logEvidence`. */
  solve(reward: Float64Array): number {
    this.reward = reward;
    if (this.backup === 'posterior') this.solvePosterior();
    else this.solveFixed();
    return this.logEvidence;
  }

  /** V_t(s) of the last solve (reward units). */
  value(t: number, s: number): number {
    this.values(t);
    return this.V[t * this.nS + s]!;
  }

  /** Make row t of V readable: V_t(s) = c_s + M_{t+1} + α log total_t(s) where it was not computed already. */
  private values(t: number): void {
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

  /** π_t(a|s) of the last solve. */
  policy(t: number, s: number, a: number): number {
    const p = this.logPolicy(t, s, a);
    return p === -Infinity ? 0 : Math.exp(p);
  }

  // ---------------------------------------------------------------- posterior backup

  private solvePosterior(): void {
    const { nS, nA, T, alpha, reward, weight, shift: c, scale, exactRow, V, E, M, merged } = this;
    const { stateStart, successor, slot } = this;
    const prior = this.graph.prior;
    const { rowStart, prob } = this.graph.dynamics;
    // W(s,a) = p(a|s) exp((r − c_s)/α), c_s = max over allowed actions; scale_s = exp((c_s − C)/α).
    let C = -Infinity;
    for (let s = 0; s < nS; s++) {
      let cs = -Infinity;
      for (let a = 0, row = s * nA; a < nA; a++, row++) if (prior[row]! > 0 && reward[row]! > cs) cs = reward[row]!;
      c[s] = cs;
      if (cs > C) C = cs;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const p = prior[row]!;
        weight[row] = cs === -Infinity || p === 0 ? 0 : p * Math.exp((reward[row]! - cs) / alpha);
      }
    }
    for (let s = 0; s < nS; s++) scale[s] = c[s] === -Infinity ? 0 : Math.exp((c[s]! - C) / alpha);
    // M(s, s') = Σ_a W(s,a) p(s'|s,a), merged per state.
    merged.fill(0);
    for (let row = 0; row < nS * nA; row++) {
      const w = weight[row]!;
      if (w === 0) continue;
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) merged[slot[k]!] = merged[slot[k]!]! + w * prob[k]!;
    }
    // Row T: V_T = 0, E_T = 1, M_T = 0 (no terminal factor).
    V.fill(0, T * nS, (T + 1) * nS);
    E.fill(1, T * nS, (T + 1) * nS);
    M[T] = 0;
    this.ready.fill(0);
    this.ready[T] = 1;
    for (let t = T - 1; t >= 0; t--) {
      const mNext = M[t + 1]!;
      const base = t * nS;
      let special = false; // some state of this step has its V in V already (exactRow ≠ 0)
      let maxScaled = 0; // max_s scale_s · total_t(s) over the ordinary states
      let maxV = -Infinity; // max V_t(s) over the special states
      const totals = this.totalRows[t]!;
      if (t === T - 1) rowSums(nS, nA, weight, totals);
      else gather(nS, stateStart, successor, merged, this.ERows[t + 1]!, totals);
      for (let s = 0; s < nS; s++) {
        const sum = totals[s]!;
        exactRow[base + s] = 0;
        if (sum > UNDERFLOW && scale[s]! > 1e-290) {
          // E_t(s) ∝ exp((V_t(s) − M_{t+1} − C)/α) = scale_s · total_t(s); normalised once M_t is known.
          const e = scale[s]! * sum;
          E[base + s] = e;
          if (e > maxScaled) maxScaled = e;
          continue;
        }
        if (c[s] === -Infinity) {
          E[base + s] = 0;
          continue;
        }
        // Either the total underflowed (V and π in log space from V_{t+1}) or scale_s did (c_s far
        // below C: the product would lose E_t(s)). V_t(s) is kept and E_t(s) taken from it below.
        let v: number;
        if (sum > UNDERFLOW) {
          v = c[s]! + mNext + alpha * Math.log(sum);
          exactRow[base + s] = 2;
        } else {
          this.values(t + 1);
          v = this.exactValue(t, s);
          exactRow[base + s] = 1;
        }
        V[base + s] = v;
        E[base + s] = NaN;
        special = true;
        if (v > maxV) maxV = v;
      }
      // M_t = max_s V_t(s); E_t(s) = exp((V_t(s) − M_t)/α) = scale_s · total_t(s) · exp((C + M_{t+1} − M_t)/α).
      const top = maxScaled > 0 ? C + mNext + alpha * Math.log(maxScaled) : -Infinity;
      const Mt = Math.max(top, maxV);
      M[t] = Mt;
      if (Mt === -Infinity) {
        E.fill(0, base, base + nS);
        continue;
      }
      const K = maxScaled > 0 ? Math.exp((top - Mt) / alpha) / maxScaled : 0;
      for (let s = 0; s < nS; s++) E[base + s] = E[base + s]! * K;
      if (special) for (let s = 0; s < nS; s++) if (exactRow[base + s] !== 0) E[base + s] = Math.exp((V[base + s]! - Mt) / alpha);
    }
    this.finishInitial();
  }

  /** log p(O) = log Σ_s p(s_0) exp(V_0(s)/α) and p(s_0 | O) ∝ p(s_0) exp(V_0(s)/α). */
  private finishInitial(): void {
    const { nS, alpha, V } = this;
    const p0 = this.graph.initial;
    const m0 = this.initialPosterior;
    this.values(0);
    let top = -Infinity;
    for (let s = 0; s < nS; s++) if (p0[s]! > 0 && V[s]! > top) top = V[s]!;
    if (top === -Infinity) {
      m0.fill(0);
      this.logEvidence = -Infinity;
      return;
    }
    let sum = 0;
    for (let s = 0; s < nS; s++) sum += m0[s] = p0[s]! > 0 ? p0[s]! * Math.exp((V[s]! - top) / alpha) : 0;
    for (let s = 0; s < nS; s++) m0[s] = m0[s]! / sum;
    this.logEvidence = top / alpha + Math.log(sum);
  }

  /** V_t(s) in log space from the exact V_{t+1}, Q_t(s,·) left in `this.q` (a state whose scaled total underflowed). */
  private exactValue(t: number, s: number): number {
    const { nA, alpha, q } = this;
    const prior = this.graph.prior;
    let m = -Infinity;
    for (let a = 0; a < nA; a++) {
      q[a] = this.exactQ(t, s, a);
      if (prior[s * nA + a]! > 0 && q[a]! > m) m = q[a]!;
    }
    if (m === -Infinity) return -Infinity;
    let sum = 0;
    for (let a = 0; a < nA; a++) {
      const p = prior[s * nA + a]!;
      if (p > 0) sum += p * Math.exp((q[a]! - m) / alpha);
    }
    return m + alpha * Math.log(sum);
  }

  /** Q_t(s,a) in log space from the exact V_{t+1} (either backup). */
  private exactQ(t: number, s: number, a: number): number {
    const { nS, nA, T, alpha, V } = this;
    const row = s * nA + a;
    const r = this.reward[row]!;
    if (t === T - 1 || r === -Infinity) return r;
    const { rowStart, next, prob } = this.graph.dynamics;
    if (this.backup === 'posterior') this.values(t + 1);
    const at = (t + 1) * nS;
    const start = rowStart[row]!;
    const end = rowStart[row + 1]!;
    if (this.backup === 'fixed-dynamics') {
      // E[V'] as c + Σ p (V' − c) (c the first successor's value): exact when successors' values are close.
      const c = V[at + next[start]!]!;
      if (c === -Infinity) return -Infinity;
      let deviation = 0;
      for (let k = start; k < end; k++) deviation += prob[k]! * (V[at + next[k]!]! - c);
      return r + c + deviation;
    }
    let m = -Infinity;
    for (let k = start; k < end; k++) if (V[at + next[k]!]! > m) m = V[at + next[k]!]!;
    if (m === -Infinity) return -Infinity;
    let sum = 0;
    for (let k = start; k < end; k++) sum += prob[k]! * Math.exp((V[at + next[k]!]! - m) / alpha);
    return r + m + alpha * Math.log(sum);
  }

  /** S_t(s,a) = Σ p(s'|s,a) E_{t+1}(s') (posterior backup; 1 at the last decision). */
  private inner(t: number, row: number): number {
    if (t === this.T - 1) return 1;
    const { rowStart, next, prob } = this.graph.dynamics;
    const at = (t + 1) * this.nS;
    let S = 0;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) S += prob[k]! * this.E[at + next[k]!]!;
    return S;
  }

  // ---------------------------------------------------------------- fixed-dynamics backup

  private solveFixed(): void {
    const { nS, nA, T, alpha, reward, pi, V, q } = this;
    const prior = this.graph.prior;
    const { rowStart, next, prob } = this.graph.dynamics;
    V.fill(0, T * nS, (T + 1) * nS);
    this.ready.fill(1); // every row is computed eagerly here
    for (let t = T - 1; t >= 0; t--) {
      const last = t === T - 1;
      const at = (t + 1) * nS;
      const base = t * nS;
      for (let s = 0; s < nS; s++) {
        // Q_t(s,a) = r(s,a) + E[V_{t+1}(s')], E as c + Σ p (V' − c) (see exactQ).
        let m = -Infinity;
        for (let a = 0, row = s * nA; a < nA; a++, row++) {
          const r = reward[row]!;
          let Q = r;
          if (!last && r !== -Infinity) {
            const start = rowStart[row]!;
            const end = rowStart[row + 1]!;
            const c = V[at + next[start]!]!;
            if (c === -Infinity) Q = -Infinity;
            else {
              let deviation = 0;
              for (let k = start; k < end; k++) deviation += prob[k]! * (V[at + next[k]!]! - c);
              Q = r + c + deviation;
            }
          }
          q[a] = Q;
          if (prior[row]! > 0 && Q > m) m = Q;
        }
        const first = (base + s) * nA;
        if (m === -Infinity) {
          V[base + s] = -Infinity;
          pi.fill(0, first, first + nA);
          continue;
        }
        let sum = 0;
        for (let a = 0, row = s * nA; a < nA; a++, row++) {
          const p = prior[row]!;
          sum += pi[first + a] = p === 0 ? 0 : p * Math.exp((q[a]! - m) / alpha);
        }
        const inv = 1 / sum;
        for (let a = 0; a < nA; a++) pi[first + a] = pi[first + a]! * inv;
        V[base + s] = m + alpha * Math.log(sum);
      }
    }
    // ELBO = Σ_s p(s_0) V_0(s) / α; q(s_0) = p(s_0).
    const p0 = this.graph.initial;
    let elbo = 0;
    for (let s = 0; s < nS; s++) if (p0[s]! > 0) elbo += (p0[s]! * V[s]!) / alpha;
    this.logEvidence = elbo;
    this.initialPosterior.set(p0);
  }

  // ---------------------------------------------------------------- log-probabilities

  /** log π_t(a|s), in log space wherever a linear-space quantity might have underflowed. */
  logPolicy(t: number, s: number, a: number): number {
    const { nS, nA, alpha } = this;
    const row = s * nA + a;
    const prior = this.graph.prior[row]!;
    if (prior === 0) return -Infinity;
    if (this.backup === 'fixed-dynamics') {
      const p = this.pi[(t * nS + s) * nA + a]!;
      if (p > 1e-250) return Math.log(p);
    } else if (this.exactRow[t * nS + s] !== 1 && this.shift[s] !== -Infinity) {
      // log π = log W(s,a) + log S_t(s,a) − log total_t(s)   (no V needed)
      const S = this.inner(t, row);
      if (S > UNDERFLOW) return this.logPrior[row]! + (this.reward[row]! - this.shift[s]!) / alpha + Math.log(S) - Math.log(this.total[t * nS + s]!);
    }
    if (this.backup === 'posterior') this.values(t);
    const v = this.V[t * nS + s]!;
    if (v === -Infinity) return -Infinity;
    const Q = this.exactQ(t, s, a);
    return Q === -Infinity ? -Infinity : Math.log(prior) + (Q - v) / alpha;
  }

  /**
   * log K_t(s'|s,a) for the CSR entry k of row s·nA + a: log p(s'|s,a) for the
   * fixed-dynamics backup; the tilted log p(s'|s,a) E_{t+1}(s') / S_t(s,a) otherwise.
   */
  logKernel(t: number, row: number, k: number): number {
    const { prob, next } = this.graph.dynamics;
    if (this.backup === 'fixed-dynamics') return Math.log(prob[k]!);
    const S = this.inner(t, row);
    const e = this.E[(t + 1) * this.nS + next[k]!]!;
    if (S > UNDERFLOW && e > 1e-250) return Math.log((prob[k]! * e) / S);
    return this.exactLogKernel(t, row, k);
  }

  private exactLogKernel(t: number, row: number, k: number): number {
    const { rowStart, next, prob } = this.graph.dynamics;
    const { nS, alpha, V } = this;
    this.values(t + 1);
    const at = (t + 1) * nS;
    let m = -Infinity;
    for (let j = rowStart[row]!; j < rowStart[row + 1]!; j++) if (V[at + next[j]!]! > m) m = V[at + next[j]!]!;
    if (m === -Infinity) return -Infinity;
    let sum = 0;
    for (let j = rowStart[row]!; j < rowStart[row + 1]!; j++) sum += prob[j]! * Math.exp((V[at + next[j]!]! - m) / alpha);
    return Math.log(prob[k]!) + (V[at + next[k]!]! - m) / alpha - Math.log(sum);
  }

  /**
   * log π_t(a|s) + log K_t(s'|s,a) for one demonstrated step (row = s·nA + a, k its CSR entry).
   * For the posterior backup S_t(s,a) cancels: log W(s,a) − log total_t(s) + log p(s'|s,a) + log E_{t+1}(s').
   */
  logStep(t: number, s: number, a: number, k: number): number {
    const row = s * this.nA + a;
    if (this.backup === 'posterior' && this.exactRow[t * this.nS + s] === 0) {
      const prior = this.graph.prior[row]!;
      const e = this.E[(t + 1) * this.nS + this.graph.dynamics.next[k]!]!;
      if (prior > 0 && e > 1e-250) {
        return this.logPrior[row]! + (this.reward[row]! - this.shift[s]!) / this.alpha - Math.log(this.total[t * this.nS + s]!) + Math.log(this.graph.dynamics.prob[k]! * e);
      }
    }
    return this.logPolicy(t, s, a) + this.logKernel(t, row, k);
  }

  /** log of the start's probability: log p(s_0 | O) (posterior) or log p(s_0) (fixed dynamics). */
  logInitial(s: number): number {
    const p0 = this.graph.initial[s]!;
    if (p0 === 0) return -Infinity;
    if (this.backup === 'fixed-dynamics') return Math.log(p0);
    this.values(0);
    return Math.log(p0) + this.V[s]! / this.alpha - this.logEvidence;
  }

  /** m −= weight · K_t(·|s,a) (row = s·nA + a): a negative source at step t + 1. */
  subtractKernel(t: number, row: number, weight: number, m: Float64Array): void {
    const { rowStart, next, prob } = this.graph.dynamics;
    const start = rowStart[row]!;
    const end = rowStart[row + 1]!;
    if (this.backup === 'fixed-dynamics') {
      for (let k = start; k < end; k++) m[next[k]!] = m[next[k]!]! - weight * prob[k]!;
      return;
    }
    const S = this.inner(t, row);
    const at = (t + 1) * this.nS;
    if (S > UNDERFLOW) {
      const c = weight / S;
      for (let k = start; k < end; k++) m[next[k]!] = m[next[k]!]! - c * prob[k]! * this.E[at + next[k]!]!;
      return;
    }
    for (let k = start; k < end; k++) m[next[k]!] = m[next[k]!]! - weight * Math.exp(this.exactLogKernel(t, row, k));
  }

  // ---------------------------------------------------------------- forward pass

  /**
   * Occupancies from sources: m_0 = sources(0), m_{t+1} = sources(t+1) + Σ_{s,a} m_t(s) π_t(a|s) K_t(·|s,a).
   * Writes Σ_t m_t(s) into `states` (length nS) and, when `pairs` is given, D(s,a) = Σ_t m_t(s) π_t(a|s)
   * into it (nS × nA). Sources may be negative; the pass is linear in them.
   */
  forward(inject: Inject, states: Float64Array, pairs?: Float64Array): void {
    if (this.backup === 'posterior') this.forwardPosterior(inject, states, pairs);
    else this.forwardFixed(inject, states, pairs);
  }

  private forwardFixed(inject: Inject, states: Float64Array, pairs: Float64Array | undefined): void {
    const { nS, nA, T, pi } = this;
    const { rowStart, next, prob } = this.graph.dynamics;
    let m = this.message;
    let acc = this.nextMessage;
    m.fill(0);
    states.fill(0);
    pairs?.fill(0);
    for (let t = 0; t < T; t++) {
      inject(t, m);
      const last = t === T - 1;
      acc.fill(0);
      const base = t * nS * nA;
      for (let s = 0; s < nS; s++) {
        const ms = m[s]!;
        if (ms === 0) continue;
        states[s] = states[s]! + ms;
        for (let a = 0, row = s * nA; a < nA; a++, row++) {
          const mu = ms * pi[base + row]!;
          if (mu === 0) continue;
          if (pairs !== undefined) pairs[row] = pairs[row]! + mu;
          if (last) continue;
          const end = rowStart[row + 1]!;
          for (let k = rowStart[row]!; k < end; k++) acc[next[k]!] = acc[next[k]!]! + mu * prob[k]!;
        }
      }
      [m, acc] = [acc, m];
    }
  }

  private forwardPosterior(inject: Inject, states: Float64Array, pairs: Float64Array | undefined): void {
    const { nS, nA, T, E, merged, stateStart, successor, weight } = this;
    let m = this.message;
    let acc = this.nextMessage;
    m.fill(0);
    states.fill(0);
    pairs?.fill(0);
    for (let t = 0; t < T; t++) {
      inject(t, m);
      const last = t === T - 1;
      acc.fill(0);
      const totals = this.totalRows[t]!;
      const flags = this.flagRows[t]!;
      for (let s = 0; s < nS; s++) states[s] = states[s]! + m[s]!;
      // Rare: a state whose total underflowed pushes its mass row by row with exact π and K (pushExact).
      const direct = flags.indexOf(1) >= 0;
      if (pairs !== undefined) {
        // π_t(a|s) = W(s,a) S_t(s,a) / total_t(s); the pairs need S_t, the messages do not.
        for (let s = 0; s < nS; s++) {
          if (m[s] === 0 || flags[s] === 1) continue;
          const w = m[s]! / totals[s]!;
          for (let a = 0, row = s * nA; a < nA; a++, row++) if (weight[row]! > 0) pairs[row] = pairs[row]! + w * weight[row]! * this.inner(t, row);
        }
      }
      if (last) break;
      scatter(nS, m, totals, flags, stateStart, successor, merged, acc);
      // m_{t+1} = E_{t+1} ⊙ Mᵀ(m_t ⊘ total_t)
      const at = (t + 1) * nS;
      for (let s = 0; s < nS; s++) acc[s] = acc[s]! * E[at + s]!;
      if (direct) this.pushExact(t, m, acc, pairs);
      [m, acc] = [acc, m];
    }
    if (T > 0 && pairs !== undefined) {
      // The last step's states that were redone exactly still owe their pairs.
      this.pushExact(T - 1, m, undefined, pairs);
    }
  }

  /** The mass of redone (underflowed) states at step t, pushed with exact π and K into `acc` and `pairs`. */
  private pushExact(t: number, m: Float64Array, acc: Float64Array | undefined, pairs: Float64Array | undefined): void {
    const { nS, nA } = this;
    for (let s = 0; s < nS; s++) {
      if (this.exactRow[t * nS + s] !== 1 || m[s] === 0) continue;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const lp = this.logPolicy(t, s, a);
        if (lp === -Infinity) continue;
        const mu = m[s]! * Math.exp(lp);
        if (pairs !== undefined) pairs[row] = pairs[row]! + mu;
        if (acc !== undefined && t < this.T - 1) this.subtractKernel(t, row, -mu, acc);
      }
    }
  }
}

/** totals(s) = Σ_a W(s,a): the last decision, which has no successor. */
function rowSums(nS: number, nA: number, weight: Float64Array, totals: Float64Array): void {
  for (let s = 0; s < nS; s++) {
    let sum = 0;
    for (let a = 0, row = s * nA; a < nA; a++, row++) sum += weight[row]!;
    totals[s] = sum;
  }
}

/**
 * totals(s) = Σ_{s'} M(s,s') E_{t+1}(s') over the merged rows. Small functions of typed arrays
 * only (this and `scatter`), so the JIT compiles each once with exact types.
 */
function gather(nS: number, stateStart: Int32Array, successor: Int32Array, merged: Float64Array, E: Float64Array, totals: Float64Array): void {
  for (let s = 0; s < nS; s++) {
    let sum = 0;
    const end = stateStart[s + 1]!;
    for (let j = stateStart[s]!; j < end; j++) sum += merged[j]! * E[successor[j]!]!;
    totals[s] = sum;
  }
}

/** acc(s') += Σ_s (m(s)/total(s)) M(s,s') over ordinary states (flag 1 = redone exactly, pushed elsewhere). */
function scatter(nS: number, m: Float64Array, totals: Float64Array, flags: Uint8Array, stateStart: Int32Array, successor: Int32Array, merged: Float64Array, acc: Float64Array): void {
  for (let s = 0; s < nS; s++) {
    const ms = m[s]!;
    if (ms === 0 || flags[s] === 1) continue;
    const w = ms / totals[s]!;
    const end = stateStart[s + 1]!;
    for (let j = stateStart[s]!; j < end; j++) acc[successor[j]!] = acc[successor[j]!]! + w * merged[j]!;
  }
}

/** The merged-row layout of M(s, s') = Σ_a W(s,a) p(s'|s,a): successors per state and each CSR entry's slot. */
function mergedLayout(graph: FactorGraph<unknown, unknown>): { stateStart: Int32Array; successor: Int32Array; slot: Int32Array } {
  const { nS, nA } = graph;
  const { rowStart, next } = graph.dynamics;
  const stateStart = new Int32Array(nS + 1);
  const successor = new Int32Array(next.length);
  const slot = new Int32Array(next.length);
  const where = new Int32Array(nS).fill(-1); // where s' sits in the current state's merged row
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

/** A solver for `graph` under `backup`; see `OccupancySolver`. */
export function occupancySolver(graph: FactorGraph<unknown, unknown>, backup: BackupKind): OccupancySolver {
  return new OccupancySolver(graph, backup);
}
