/**
 * Which states some policy can give a finite expected return — some action
 * avoids −Infinity for sure, under the true dynamics — independently of any
 * particular policy:
 *
 *   F_T(s)   = r_T(s) > −∞                     (true without a terminal factor)
 *   F_t(s)   = ∃ a : p(a|s) > 0 ∧ r_t(s,a) > −∞ ∧ (t = T − 1 without a terminal factor
 *                    ∨ ∀ s' with p(s'|s,a) > 0 : F_{t+1}(s'))
 *
 * and for the discounted infinite horizon the greatest fixed point of the
 * same map (iterated from all-true; it only removes states, so ≤ S sweeps).
 * An all-zero policy row at a state with F = 0 is V^π = −∞ for every policy
 * (an exact posterior's rows are zero only there, for either backup);
 * anywhere else it is a missing row (evaluate's `unvisited`).
 */
import type { FactorGraph } from '../types/factor-graph.js';

export class Feasibility {
  private readonly graph: FactorGraph<unknown, unknown>;
  private next: Uint8Array;
  private here: Uint8Array;
  private last: number;

  constructor(graph: FactorGraph<unknown, unknown>) {
    this.graph = graph;
    this.next = new Uint8Array(graph.nS);
    this.here = new Uint8Array(graph.nS);
    this.last = graph.horizon;
    if (Number.isFinite(graph.horizon)) for (let s = 0; s < graph.nS; s++) this.next[s] = graph.terminal === undefined || graph.terminal[s]! > -Infinity ? 1 : 0;
  }

  /** F_t, for t = T − 1, T − 2, … 0 in that order (a rolling pair of rows). */
  step(t: number): Uint8Array {
    if (t !== this.last - 1) throw new RangeError('Feasibility.step: steps must run backwards from T − 1');
    this.sweep(this.graph.rewardAt(t), t === this.graph.horizon - 1 && this.graph.terminal === undefined);
    this.last = t;
    [this.next, this.here] = [this.here, this.next];
    return this.next;
  }

  /** The stationary F of the infinite horizon. */
  stationary(): Uint8Array {
    this.next.fill(1);
    for (let changed = true; changed; ) {
      this.sweep(this.graph.reward, false);
      changed = false;
      for (let s = 0; s < this.graph.nS; s++) if (this.here[s] !== this.next[s]) changed = true;
      [this.next, this.here] = [this.here, this.next];
    }
    return this.next;
  }

  /** here = F from next (= F_{t+1}); `final`: no successor factor counts (the last decision without r_T). */
  private sweep(reward: Float64Array, final: boolean): void {
    const { nS, nA, prior, dynamics } = this.graph;
    const { rowStart, next: successor, prob } = dynamics;
    for (let s = 0; s < nS; s++) {
      let ok = 0;
      for (let a = 0; a < nA && ok === 0; a++) {
        const row = s * nA + a;
        if (!(prior[row]! > 0) || reward[row] === -Infinity) continue;
        ok = 1;
        if (!final) for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) if (prob[k]! > 0 && this.next[successor[k]!] === 0) ok = 0;
      }
      this.here[s] = ok;
    }
  }
}
