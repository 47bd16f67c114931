/**
 * The exact ELBO of a policy q and its exact gradient, on a tabulated model.
 * All values are in units of α (the log-probability scale of p(O)):
 *
 *   q(τ) = p(s_0) Π_t q_t(a_t | s_t) p(s_{t+1} | s_t, a_t)             (the dynamics kept fixed)
 *   A_t(s,a) = r_t(s,a)/α + γ Σ_{s'} p(s'|s,a) V_{t+1}(s') − (ℓ_t(s,a) − m)   (V_T = r_T/α with a terminal factor)
 *   V_t(s)   = Σ_a q_t(a|s) A_t(s,a) + log Σ_b p(b|s) e^{ℓ_t(s,b) − m}     (= E_q[r/α + log p − log q + γ V'])
 *   ELBO     = Σ_s p(s_0 = s) V_0(s)  ≤ log p(O)
 *
 * since log p(a|s) − log q_t(a|s) = log Σ_b p_b e^{ℓ_b − m} − (ℓ_a − m), with m the largest
 * allowed logit at (t, s): the shift keeps huge logits from cancelling catastrophically
 * (ℓ = 1e300 would otherwise make V exactly 0). The gradient is
 * the policy-gradient form with V as baseline; with respect to the logits,
 *
 *   ∂ELBO/∂ℓ_t(s,a) = γ^t d_t(s) q_t(a|s) (A_t(s,a) − Σ_b q_t(b|s) A_t(s,b))
 *
 * with d_t the state marginal of q (a forward pass), and the family turns it
 * into ∂ELBO/∂θ (`BoundFamily.accumulate`). One evaluation is a forward pass
 * (logits, q, d) and a backward pass (V, the weights) over the CSR dynamics.
 *
 * Hard constraints. q may put mass only on the actions the engine allows:
 * p(a|s) > 0, r_t(s,a) > −∞, and every successor alive (has an allowed action
 * at t + 1, or r_T > −∞ after the last decision). Any other action has
 * Q^q = −∞ under the true dynamics whatever q does later, so a softmax with
 * full support would have ELBO = −∞ everywhere. Masking them gives the support
 * of the fixed-dynamics optimum (support.ts), and the ELBO is finite for every θ
 * unless p(s_0) itself starts in a dead state (then no q helps: an error).
 * The optimisation loop visits only the states q can reach, with their logits
 * and q packed in order; a `full` evaluation (for the posterior) covers all.
 */
import { fail, show } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { BoundFamily } from './families.js';
import { supportOf, type Support } from './support.js';

const EMPTY = new Float64Array(0);

export class ExactElbo<S> {
  readonly T: number;
  readonly nS: number;
  readonly nA: number;
  readonly alpha: number;
  readonly gamma: number;
  /** allowed[(t·nS + s)·nA + a] = 1 when q_t may put mass on a at s. */
  readonly allowed: Uint8Array;
  /** alive[t·nS + s] = 1 when s has an allowed action at t (t = T: r_T(s) > −∞). */
  readonly alive: Uint8Array;
  /**
   * ℓ_t(s, a) − m_t(s), q_t(a|s) (T × nS × nA) and log Σ_b p_b e^{ℓ_b − m} (T × nS) of the last
   * `full` evaluation (allocated by the first one; the posterior reads them).
   */
  logits: Float64Array = EMPTY;
  q: Float64Array = EMPTY;
  logNorm: Float64Array = EMPTY;
  /**
   * The same for the optimisation loop, packed by reachable state (slot reachStart[t] + i):
   * a fraction of the size, read in order, so the loop stays in cache.
   */
  private readonly packedLogits: Float64Array;
  private readonly packedQ: Float64Array;
  private readonly packedNorm: Float64Array;
  private readonly packedAllowed: Uint8Array;
  /** d_t(s): the state marginal under q (T × nS, or (T+1) × nS with a terminal factor). */
  readonly d: Float64Array;
  /** V_t(s) in α units, (T+1) × nS; rows of states q cannot reach are stale unless `full`. */
  readonly V: Float64Array;
  private readonly hasTerminal: boolean;
  private readonly states: readonly S[];
  private readonly invAlpha: number;
  private readonly row: Float64Array;
  private readonly advantage: Float64Array;
  private readonly weights: Float64Array;
  /**
   * The states q can reach at each t, whatever θ (q has full support on the allowed actions):
   * reachList[reachStart[t] … reachStart[t+1] − 1]. The optimisation loop visits only these.
   */
  private readonly reachStart: Int32Array;
  /** Where the last failed evaluation met a non-finite logit. */
  badState = -1;
  badTime = -1;
  private readonly reachList: Int32Array;

  constructor(
    readonly graph: FactorGraph<S, unknown>,
    readonly family: BoundFamily<S>,
    readonly support: Support = supportOf(graph as FactorGraph<unknown, unknown>),
  ) {
    const { nS, nA } = graph;
    this.T = graph.horizon;
    this.nS = nS;
    this.nA = nA;
    this.alpha = graph.alpha;
    this.gamma = graph.gamma;
    this.invAlpha = 1 / graph.alpha;
    this.hasTerminal = graph.terminal !== undefined;
    this.states = graph.states.values;
    this.row = new Float64Array(nA);
    const T = this.T;
    this.allowed = support.allowed;
    this.alive = support.alive;
    this.d = new Float64Array((T + 1) * nS);
    this.V = new Float64Array((T + 1) * nS);
    this.advantage = new Float64Array(nA);
    this.weights = new Float64Array(nA);
    this.reachStart = support.start;
    this.reachList = support.list;
    const slots = this.reachList.length;
    this.packedLogits = new Float64Array(slots * nA);
    this.packedQ = new Float64Array(slots * nA);
    this.packedNorm = new Float64Array(slots);
    this.packedAllowed = new Uint8Array(slots * nA);
    for (let t = 0; t < T; t++) {
      for (let j = this.reachStart[t]!; j < this.reachStart[t + 1]!; j++) {
        const s = this.reachList[j]!;
        for (let a = 0; a < nA; a++) this.packedAllowed[j * nA + a] = this.allowed[(t * nS + s) * nA + a]!;
      }
    }
  }

  /** Is there a transition after decision t (to s_{t+1}, or to the terminal state s_T)? */
  private hasNext(t: number): boolean {
    return t < this.T - 1 || this.hasTerminal;
  }

  /** Throws when p(s_0) gives mass to a state from which every action risks a −Infinity reward. */
  checkFeasible(part: string): void {
    for (let s = 0; s < this.nS; s++) {
      if (this.graph.initial[s]! > 0 && this.alive[s] === 0) {
        fail({
          code: 'infeasible',
          part,
          state: this.states[s],
          t: 0,
          message: `${part}: the ELBO is −Infinity for every q — p(s_0) gives mass to s=${show(this.states[s])}, from which every action risks a −Infinity reward under the true dynamics (q keeps the dynamics and cannot choose its luck). Relax a hard constraint or change the initial state; exact() gives log p(O) and the exact posterior`,
        });
      }
    }
  }

  /**
   * The ELBO at `params`; when `grad` is given it is overwritten with ∂ELBO/∂θ.
   * `full` computes q and V at every state (for the posterior), not only where q goes.
   * Returns NaN when the logits are not finite (a diverging optimiser).
   */
  evaluate(params: Float64Array, grad: Float64Array | undefined, full = false): number {
    if (full && this.q.length === 0) {
      this.logits = new Float64Array(this.T * this.nS * this.nA);
      this.q = new Float64Array(this.T * this.nS * this.nA);
      this.logNorm = new Float64Array(this.T * this.nS);
    }
    if (!this.forward(params, full)) return NaN;
    return this.backward(grad, full);
  }

  /** Logits, q and the state marginals d_t (d_0 = p(s_0)); false when a logit is not finite. */
  private forward(params: Float64Array, full: boolean): boolean {
    const { T, nS, nA, graph, family, states, d, row } = this;
    const { rowStart, next, prob } = graph.dynamics;
    const prior = graph.prior;
    const L = full ? this.logits : this.packedLogits;
    const Q = full ? this.q : this.packedQ;
    const N = full ? this.logNorm : this.packedNorm;
    const M = full ? this.allowed : this.packedAllowed;
    d.fill(0);
    d.set(graph.initial);
    for (let t = 0; t < T; t++) {
      const here = t * nS;
      const there = (t + 1) * nS;
      const follow = this.hasNext(t);
      const base = this.reachStart[t]!;
      const count = full ? nS : this.reachStart[t + 1]! - base;
      for (let i = 0; i < count; i++) {
        const s = full ? i : this.reachList[base + i]!;
        const mass = d[here + s]!;
        if (this.alive[here + s] === 0) continue;
        const slot = full ? here + s : base + i;
        const off = slot * nA;
        family.logits(params, states[s]!, t, row, s);
        // log Σ_{b allowed} p_b e^{ℓ_b − m}, shifted by the largest allowed logit m; one exp per action.
        let m = -Infinity;
        for (let a = 0; a < nA; a++) if (M[off + a] === 1 && row[a]! > m) m = row[a]!;
        if (!Number.isFinite(m)) return this.bad(s, t);
        let sum = 0;
        for (let a = 0; a < nA; a++) {
          const shifted = row[a]! - m;
          L[off + a] = shifted;
          const e = M[off + a] === 1 ? prior[s * nA + a]! * Math.exp(shifted) : 0;
          Q[off + a] = e;
          sum += e;
        }
        const logNorm = Math.log(sum);
        if (Number.isNaN(logNorm)) return this.bad(s, t); // a NaN among the allowed logits
        N[slot] = logNorm;
        const inverse = 1 / sum;
        for (let a = 0; a < nA; a++) {
          // q_t(a|s) = p_a e^{ℓ_a − m} / Σ_b p_b e^{ℓ_b − m}
          const qa = Q[off + a]! * inverse;
          Q[off + a] = qa;
          // d_{t+1}(s') += d_t(s) q_t(a|s) p(s'|s,a)
          if (follow && qa > 0 && mass > 0) {
            const w = mass * qa;
            for (let k = rowStart[s * nA + a]!; k < rowStart[s * nA + a + 1]!; k++) d[there + next[k]!] += w * prob[k]!;
          }
        }
      }
    }
    return true;
  }

  private bad(s: number, t: number): false {
    this.badState = s;
    this.badTime = t;
    return false;
  }

  /** V_t from V_{t+1} backwards, the ELBO, and (with `grad`) the logit weights handed to the family. */
  private backward(grad: Float64Array | undefined, full: boolean): number {
    const { T, nS, nA, graph, family, states, d, V, invAlpha, gamma } = this;
    const { rowStart, next, prob } = graph.dynamics;
    const A = this.advantage;
    const w = this.weights;
    const L = full ? this.logits : this.packedLogits;
    const Q = full ? this.q : this.packedQ;
    const N = full ? this.logNorm : this.packedNorm;
    const M = full ? this.allowed : this.packedAllowed;
    if (grad !== undefined) grad.fill(0);
    const terminal = graph.terminal;
    for (let s = 0; s < nS; s++) V[T * nS + s] = terminal === undefined ? 0 : terminal[s]! * invAlpha;
    for (let t = T - 1; t >= 0; t--) {
      const discount = Math.pow(gamma, t); // γ^t (γ^0 = 1 also for γ = 0)
      const reward = graph.rewardAt(t);
      const here = t * nS;
      const there = (t + 1) * nS;
      const follow = this.hasNext(t);
      const base = this.reachStart[t]!;
      const count = full ? nS : this.reachStart[t + 1]! - base;
      for (let i = 0; i < count; i++) {
        const s = full ? i : this.reachList[base + i]!;
        const mass = d[here + s]!;
        if (this.alive[here + s] === 0) {
          V[here + s] = -Infinity;
          continue;
        }
        const slot = full ? here + s : base + i;
        const off = slot * nA;
        let mean = 0;
        for (let a = 0; a < nA; a++) {
          const qa = Q[off + a]!;
          if (M[off + a] === 0 || (qa === 0 && !full)) {
            A[a] = 0;
            continue;
          }
          let ev = 0;
          if (follow) for (let k = rowStart[s * nA + a]!; k < rowStart[s * nA + a + 1]!; k++) ev += prob[k]! * V[there + next[k]!]!;
          A[a] = reward[s * nA + a]! * invAlpha + gamma * ev - L[off + a]!;
          if (qa > 0) mean += qa * A[a]!; // q = 0 by underflow: A may be +∞ and 0·∞ is NaN
        }
        V[here + s] = mean + N[slot]!;
        if (grad !== undefined && mass > 0) {
          const scale = discount * mass;
          for (let a = 0; a < nA; a++) {
            const qa = Q[off + a]!;
            w[a] = qa > 0 ? scale * qa * (A[a]! - mean) : 0;
          }
          family.accumulate(states[s]!, t, w, grad, s);
        }
      }
    }
    let elbo = 0;
    for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0) elbo += graph.initial[s]! * V[s]!;
    return elbo;
  }

  /** q_t(· | s) of the last `full` evaluation into `out`; false where s has no allowed action. */
  policyRow(t: number, s: number, out: Float64Array): boolean {
    if (this.alive[t * this.nS + s] === 0) return false;
    const off = (t * this.nS + s) * this.nA;
    for (let a = 0; a < this.nA; a++) out[a] = this.q[off + a]!;
    return true;
  }

  /** log q_t(a | s) = log p(a|s) + (ℓ_t(s,a) − m) − log Σ_b p_b e^{ℓ_b − m}, in log space (last `full` evaluation). */
  logPolicyRow(t: number, s: number, out: Float64Array): boolean {
    if (this.alive[t * this.nS + s] === 0) return false;
    const off = (t * this.nS + s) * this.nA;
    const norm = this.logNorm[t * this.nS + s]!;
    for (let a = 0; a < this.nA; a++) {
      out[a] = this.allowed[off + a] === 1 ? Math.log(this.graph.prior[s * this.nA + a]!) + this.logits[off + a]! - norm : -Infinity;
    }
    return true;
  }

  /** Q^q_t(s, a) = r_t(s,a) + γ α Σ_{s'} p(s'|s,a) V_{t+1}(s') in reward units (needs a `full` evaluation). */
  qTable(t: number): Float64Array {
    const { nS, nA, graph, V, alpha, gamma } = this;
    const { rowStart, next, prob } = graph.dynamics;
    const reward = graph.rewardAt(t);
    const out = new Float64Array(nS * nA);
    const follow = this.hasNext(t);
    for (let row = 0; row < nS * nA; row++) {
      const r = reward[row]!;
      if (!follow || r === -Infinity) {
        out[row] = r;
        continue;
      }
      let ev = 0;
      for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) ev += prob[k]! * V[(t + 1) * nS + next[k]!]!;
      out[row] = ev === -Infinity ? -Infinity : r + gamma * alpha * ev;
    }
    return out;
  }

  /** V^q_t in reward units (needs a `full` evaluation). */
  valueRow(t: number): Float64Array {
    const out = new Float64Array(this.nS);
    for (let s = 0; s < this.nS; s++) out[s] = this.alpha * this.V[t * this.nS + s]!;
    return out;
  }
}
