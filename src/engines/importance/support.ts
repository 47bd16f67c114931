/**
 * Does the proposal cover the target? Importance sampling is unbiased only if
 * q(a|s) > 0 wherever the target p(a|s) exp(r/α)·(feasible future) > 0. A
 * proposal that gives 0 to such an action never draws the trajectories
 * through it, and Ẑ is silently too low (issue 13: log Ẑ = −3.15 ± 0.01 for a
 * true −1.79). On tables the target's support is exact, from a backward pass
 * of booleans over the horizon simulated:
 *
 *   F_D(s)      = r_T(s) > −∞   (with the terminal factor; else true)
 *   F_t(s, a)   = p(a|s) > 0 ∧ r_t(s,a) > −∞ ∧ ∃ s' : p(s'|s,a) > 0 ∧ F_{t+1}(s')
 *   F_t(s)      = ∃ a : F_t(s, a)
 *
 * and a proposal row q_t(·|s) with q_t(a|s) = 0 where F_t(s, a) is refused.
 * (t + 1)·S bytes; the pass costs one sweep of the CSR per step.
 */
import { fail, show } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';

/** Bytes above which the boolean table is not built; the support is then checked per step without it. */
export const MAX_SUPPORT_BYTES = 2 ** 28;

export class SupportCheck {
  private readonly feasible: Uint8Array;
  private readonly graph: FactorGraph;
  private readonly decisions: number;

  constructor(graph: FactorGraph, decisions: number, terminal: boolean) {
    const { nS, nA, prior, dynamics } = graph;
    this.graph = graph;
    this.decisions = decisions;
    this.feasible = new Uint8Array((decisions + 1) * nS);
    const last = this.feasible.subarray(decisions * nS);
    for (let s = 0; s < nS; s++) last[s] = !terminal || graph.terminal === undefined || graph.terminal[s]! > -Infinity ? 1 : 0;
    for (let t = decisions - 1; t >= 0; t--) {
      const reward = graph.rewardAt(t);
      const here = this.feasible.subarray(t * nS, (t + 1) * nS);
      const next = this.feasible.subarray((t + 1) * nS, (t + 2) * nS);
      for (let s = 0; s < nS; s++) {
        for (let a = 0; a < nA && here[s] === 0; a++) {
          const row = s * nA + a;
          if (!(prior[row]! > 0) || reward[row] === -Infinity) continue;
          for (let k = dynamics.rowStart[row]!; k < dynamics.rowStart[row + 1]!; k++) {
            if (dynamics.prob[k]! > 0 && next[dynamics.next[k]!] === 1) {
              here[s] = 1;
              break;
            }
          }
        }
      }
    }
  }

  /** Whether the target gives a_t = a at s positive probability (F_t(s, a)). */
  private allows(t: number, s: number, a: number): boolean {
    const { nS, nA, prior, dynamics } = this.graph;
    const row = s * nA + a;
    if (!(prior[row]! > 0) || this.graph.rewardAt(t)[row] === -Infinity) return false;
    const next = this.feasible.subarray((t + 1) * nS, (t + 2) * nS);
    for (let k = dynamics.rowStart[row]!; k < dynamics.rowStart[row + 1]!; k++) if (dynamics.prob[k]! > 0 && next[dynamics.next[k]!] === 1) return true;
    return false;
  }

  /** Refuse q_t(·|s) = table[offset … offset + nA) if it gives 0 to an action the target allows. */
  row(t: number, s: number, table: Float64Array, offset: number, source: string): void {
    if (t >= this.decisions || this.feasible[t * this.graph.nS + s] === 0) return;
    for (let a = 0; a < this.graph.nA; a++) {
      if (table[offset + a]! > 0 || !this.allows(t, s, a)) continue;
      const sv = this.graph.states.values[s];
      const av = this.graph.actions.values[a];
      fail({
        code: 'proposal-support',
        part: 'importance()',
        t,
        state: sv,
        action: av,
        message: `importance(): the proposal (${source}) gives probability 0 to a=${show(av)} at s=${show(sv)}, t=${t}, where the prior gives ${this.graph.prior[s * this.graph.nA + a]} and a feasible trajectory continues; expected q(a|s) > 0 wherever the target p(τ|O) is, or the trajectories through it are never drawn and Ẑ is biased low. Give that action some probability (mix the proposal with the prior), or use proposal: 'prior'`,
      });
    }
  }
}
