/**
 * Cells worth marking on a grid picture, read off the compiled tables (so
 * they need no help from the user):
 *
 *   absorbing(s) ⇔ ∀a: p(s′ = s | s, a) = 1                 (no action leaves s)
 *   cliff(s)     ⇔ ∀a, t: r_t(s, a) = −∞                     (a hard constraint on every action)
 *   goal(s)      ⇔ absorbing(s) ∧ max_a r(s, a) = max_{s′,a} r(s′, a) > min of the finite rewards
 *
 * A goal is an absorbing state that pays the model's best reward; an
 * absorbing state that does not (a trap) is marked as absorbing.
 */
import type { FactorGraph } from '../types/factor-graph.js';

/** What a marked cell is. */
export type CellKind = 'goal' | 'absorbing' | 'cliff';

/** One entry per state: its kind, or undefined for an ordinary cell. */
export function cellKinds(graph: FactorGraph<unknown, unknown>): (CellKind | undefined)[] {
  const { nS, nA, dynamics: d, reward } = graph;
  const slices = reward.length / (nS * nA);
  let best = -Infinity;
  let worst = Infinity;
  for (const r of reward) {
    if (r > best) best = r;
    if (r < worst && r > -Infinity) worst = r;
  }
  const kinds: (CellKind | undefined)[] = new Array(nS).fill(undefined);
  for (let s = 0; s < nS; s++) {
    let cliff = true;
    let top = -Infinity;
    for (let t = 0; t < slices; t++) {
      for (let a = 0; a < nA; a++) {
        const r = reward[(t * nS + s) * nA + a]!;
        if (r !== -Infinity) cliff = false;
        if (r > top) top = r;
      }
    }
    if (cliff) {
      kinds[s] = 'cliff';
      continue;
    }
    let absorbing = true;
    for (let a = 0; a < nA && absorbing; a++) {
      const row = s * nA + a;
      const start = d.rowStart[row]!;
      absorbing = d.rowStart[row + 1]! - start === 1 && d.next[start] === s;
    }
    if (absorbing) kinds[s] = top === best && best > worst ? 'goal' : 'absorbing';
  }
  return kinds;
}
