/**
 * Where q may put mass and where it can go, on a tabulated model.
 *
 * allowed_t(s, a) = p(a|s) > 0  ∧  r_t(s, a) > −∞  ∧  every successor s' is alive at t + 1
 * alive_t(s)      = some action is allowed at (t, s);   alive_T(s) = r_T(s) > −∞ (or true without r_T)
 *
 * by one boolean backward pass: an action outside this set has Q^q = −∞ under the true dynamics
 * whatever q does later, so q must give it zero mass (this is the support of the fixed-dynamics
 * optimum). The states q can reach at each t — whatever θ, since q has full support on the allowed
 * actions — follow by a forward pass from the support of p(s_0).
 */
import type { FactorGraph } from '../../types/factor-graph.js';

export interface Support {
  /** allowed[(t·nS + s)·nA + a] = 1 when q_t may put mass on a at s. */
  readonly allowed: Uint8Array;
  /** alive[t·nS + s] = 1 when s has an allowed action at t (t = T: r_T(s) > −∞). */
  readonly alive: Uint8Array;
  /** The states q can reach at t: list[start[t] … start[t+1] − 1], increasing. */
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/** The mask and the reachable states of a finite-horizon tabulated model. */
export function supportOf(graph: FactorGraph<unknown, unknown>): Support {
  const { nS, nA } = graph;
  const T = graph.horizon;
  const { rowStart, next } = graph.dynamics;
  const terminal = graph.terminal;
  const allowed = new Uint8Array(T * nS * nA);
  const alive = new Uint8Array((T + 1) * nS);
  const hasNext = (t: number) => t < T - 1 || terminal !== undefined;
  for (let s = 0; s < nS; s++) alive[T * nS + s] = terminal === undefined || terminal[s]! > -Infinity ? 1 : 0;
  for (let t = T - 1; t >= 0; t--) {
    const reward = graph.rewardAt(t);
    const nextAlive = (t + 1) * nS;
    const follow = hasNext(t);
    for (let s = 0; s < nS; s++) {
      let any = 0;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        let ok = graph.prior[row]! > 0 && reward[row]! > -Infinity;
        if (ok && follow) for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) if (alive[nextAlive + next[k]!] === 0) ok = false;
        allowed[(t * nS + s) * nA + a] = ok ? 1 : 0;
        if (ok) any = 1;
      }
      alive[t * nS + s] = any;
    }
  }
  // Forward reachability through allowed actions.
  const start = new Int32Array(T + 1);
  const list: number[] = [];
  let current = new Uint8Array(nS);
  let following = new Uint8Array(nS);
  for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0 && alive[s] === 1) current[s] = 1;
  for (let t = 0; t < T; t++) {
    start[t] = list.length;
    following.fill(0);
    for (let s = 0; s < nS; s++) {
      if (current[s] === 0) continue;
      list.push(s);
      if (t === T - 1) continue;
      for (let a = 0; a < nA; a++) {
        if (allowed[(t * nS + s) * nA + a] === 0) continue;
        for (let k = rowStart[s * nA + a]!; k < rowStart[s * nA + a + 1]!; k++) following[next[k]!] = 1;
      }
    }
    [current, following] = [following, current];
  }
  start[T] = list.length;
  return { allowed, alive, start, list: Int32Array.from(list) };
}
