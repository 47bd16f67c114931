/**
 * `OccupancySolver`: the public face of the folder. `solve` and `forward`
 * dispatch once per call to the passes of the chosen backup; the
 * log-probabilities of single steps, which the likelihood calls once per
 * demonstrated step, are methods here, so they cost what they did in one file.
 * The tables live in `OccupancyState`, which this class extends: one object
 * shape for every pass.
 *
 * Each log-probability reads the scaled tables first and falls back to log
 * space (log-space.ts) only where a linear-space quantity might have
 * underflowed. For the posterior backup, with S_t(s,a) = `inner(t, row)`:
 *
 *   π_t(a|s)    = W(s,a) S_t(s,a) / total_t(s)
 *   K_t(s'|s,a) = p(s'|s,a) E_{t+1}(s') / S_t(s,a)          (the tilted dynamics)
 *
 * For the fixed-dynamics backup π_t is stored and K_t = p(s'|s,a).
 */
import type { FactorGraph } from '../../../types/factor-graph.js';
import type { BackupKind } from '../backup.js';
import { forwardFixed, solveFixed } from './fixed-dynamics.js';
import { exactLogKernel, exactQ } from './log-space.js';
import { solvePosterior } from './posterior-backward.js';
import { forwardPosterior } from './posterior-forward.js';
import { OccupancyState, UNDERFLOW, type Inject } from './state.js';

/**
 * Backward and forward passes over one graph, for many reward tables: call
 * `solve(reward)`, then read log-probabilities or run `forward`. Nothing is
 * allocated per call.
 */
export class OccupancySolver extends OccupancyState {
  /** Backward pass for the reward table r(s,a) (nS × nA, finite or −Infinity; kept, not copied); returns `logEvidence`. */
  solve(reward: Float64Array): number {
    this.reward = reward;
    if (this.backup === 'posterior') solvePosterior(this);
    else solveFixed(this);
    return this.logEvidence;
  }

  /**
   * Occupancies from sources: m_0 = sources(0), m_{t+1} = sources(t+1) + Σ_{s,a} m_t(s) π_t(a|s) K_t(·|s,a).
   * Writes Σ_t m_t(s) into `states` (length nS) and, when `pairs` is given, D(s,a) = Σ_t m_t(s) π_t(a|s)
   * into it (nS × nA). Sources may be negative; the pass is linear in them.
   */
  forward(inject: Inject, states: Float64Array, pairs?: Float64Array): void {
    if (this.backup === 'posterior') forwardPosterior(this, inject, states, pairs);
    else forwardFixed(this, inject, states, pairs);
  }

  /** V_t(s) of the last solve (reward units). */
  value(t: number, s: number): number {
    this.values(t);
    return this.V[t * this.nS + s]!;
  }

  /** π_t(a|s) of the last solve. */
  policy(t: number, s: number, a: number): number {
    const p = this.logPolicy(t, s, a);
    return p === -Infinity ? 0 : Math.exp(p);
  }

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
    // Fallback: log π = log p(a|s) + (Q_t(s,a) − V_t(s))/α with both in log space.
    if (this.backup === 'posterior') this.values(t);
    const v = this.V[t * nS + s]!;
    if (v === -Infinity) return -Infinity;
    const Q = exactQ(this, t, s, a);
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
    return exactLogKernel(this, t, row, k);
  }

  /**
   * log π_t(a|s) + log K_t(s'|s,a) for one demonstrated step (row = s·nA + a, k its CSR entry).
   * For the posterior backup S_t(s,a) cancels: log W(s,a) − log total_t(s) + log p(s'|s,a) + log E_{t+1}(s'),
   * with no sum over the row (logPolicy + logKernel would each compute S_t).
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

  /** log of the start's probability: log p(s_0 | O) = log p(s_0) + V_0(s)/α − log p(O) (posterior) or log p(s_0) (fixed dynamics). */
  logInitial(s: number): number {
    const p0 = this.graph.initial[s]!;
    if (p0 === 0) return -Infinity;
    if (this.backup === 'fixed-dynamics') return Math.log(p0);
    this.values(0);
    return Math.log(p0) + this.V[s]! / this.alpha - this.logEvidence;
  }

  /**
   * m −= weight · K_t(·|s,a) (row = s·nA + a): a negative source at step t + 1 (the likelihood uses it
   * to stop the mass of a demonstration that ends early, after its last step (s,a)). Posterior:
   * K_t = p E_{t+1} / S_t, one division per row; exact per entry where S_t underflowed.
   */
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
    for (let k = start; k < end; k++) m[next[k]!] = m[next[k]!]! - weight * Math.exp(exactLogKernel(this, t, row, k));
  }
}

/** A solver for `graph` under `backup`; see `OccupancySolver`. */
export function occupancySolver(graph: FactorGraph<unknown, unknown>, backup: BackupKind): OccupancySolver {
  return new OccupancySolver(graph, backup);
}
