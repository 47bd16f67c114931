/**
 * A posterior over a tabulated model, built from three ingredients any
 * tabular engine provides:
 *
 *   p(τ | O) = m_0(s_0) Π_t π_t(a_t | s_t) K_t(s_{t+1} | s_t, a_t)
 *
 * with m_0 the initial state posterior, π_t the policy and K_t the
 * transition kernel — the dynamics themselves, or (for the exact posterior)
 * the dynamics tilted by exp(V_{t+1}/α): K_t ∝ p(s'|s,a) exp(V_{t+1}(s')/α).
 * Marginals (forward messages), sampling, the mode (max-product) and
 * log p(τ | O) are computed here once for every engine.
 */
import { checkMemory, trajectoryBytes } from '../compile/memory.js';
import { requireSampleOptions, requireTrajectory } from '../compile/arguments.js';
import type { Categorical } from '../dist/categorical.js';
import { categorical } from '../dist/categorical.js';
import { rng, sampleIndex } from '../dist/rng.js';
import { argumentError, CaiError, fail, show } from '../errors.js';
import type { FactorGraph } from '../types/factor-graph.js';
import { TIE_TOLERANCE, TransitionKernel } from './kernel.js';
import type {
  Convergence,
  Evidence,
  Exactness,
  Posterior,
  SampleOptions,
  ScoredTrajectory,
  Trajectory,
} from '../types/posterior.js';

export { TIE_TOLERANCE };

/** What an engine hands to `tabularPosterior`. */
export interface TabularSource<S, A> {
  readonly engine: string;
  readonly graph: FactorGraph<S, A>;
  readonly exactness: Exactness;
  readonly evidence: Evidence;
  /** α·log p(O) in reward units (the optimal value in the α = 0 limit). */
  readonly value: number;
  readonly convergence: Convergence | undefined;
  /** p(s_0 | O). */
  readonly initial: Float64Array;
  /** π_t(· | s) into `out` (length nA); false when s is infeasible at t (no policy exists). */
  policyRow(t: number, s: number, out: Float64Array): boolean;
  /** π_t for every state into `out` (nS × nA), rows of infeasible states 0: the bulk form of `policyRow`. */
  policyTableInto(t: number, out: Float64Array): void;
  /** log π_t(· | s) into `out`, computed in log space (no underflow to −∞ for tiny probabilities). */
  logPolicyRow(t: number, s: number, out: Float64Array): boolean;
  /** log p(s_0 | O), computed in log space. */
  readonly logInitial: Float64Array;
  Q(t: number): Float64Array;
  V(t: number): Float64Array;
  /** V_{t+1} to tilt the step-t kernel by, or undefined to use the dynamics as they are. */
  tilt(t: number): Float64Array | undefined;
  /**
   * Optional fast forward step: m_{t+1} (before normalisation) into `out` from m_t,
   * equal to Σ_{s,a} m_t(s) π_t(a|s) K_t(·|s,a) up to rounding (the exact engine's
   * merged rows, engines/exact/forward.ts). `out` is fresh (all zeros), which
   * the step adds into. It returns the states that may have mass in `out`, ascending
   * (or undefined: any). Without it, π_t and K_t are formed per step.
   */
  readonly forwardStep?: (t: number, m: Float64Array, out: Float64Array) => Int32Array | undefined;
  /** Why p(O) = 0 (or the ELBO is −∞), when it is; queries that condition on O then raise this. */
  readonly infeasible: string | undefined;
  /**
   * Whether policy queries also refuse when `infeasible` is set. True for the exact
   * posterior (p(a|s,O) conditions on an impossible event); false where the policy
   * is defined state by state regardless (the fixed-dynamics optimum).
   */
  readonly policyNeedsEvidence: boolean;
}

/** A posterior over a tabulated model (the common interface; named for clarity at call sites). */
export type TabularPosterior<S, A> = Posterior<S, A>;

export function tabularPosterior<S, A>(source: TabularSource<S, A>): TabularPosterior<S, A> {
  // An engine author's record: its graph must be a compiled factor graph and its arrays typed.
  if (typeof source !== 'object' || source === null || (source.graph as { kind?: unknown } | undefined)?.kind !== 'factor-graph' || !(source.initial instanceof Float64Array)) {
    argumentError('tabularPosterior', 'a TabularSource { engine, graph (compiled), initial (Float64Array), … }', source);
  }
  return new TabularPosteriorImpl(source);
}

class TabularPosteriorImpl<S, A> implements TabularPosterior<S, A> {
  readonly engine: string;
  readonly exactness: Exactness;
  readonly graph: FactorGraph<S, A>;
  readonly horizon: number;
  readonly logEvidence: number;
  readonly evidence: Evidence;
  readonly value: number;
  readonly convergence: Convergence | undefined;
  private readonly source: TabularSource<S, A>;
  /** Forward messages p(s_t | O), filled lazily up to `marginalsUpTo`. */
  private marginals: Float64Array[] = [];
  private readonly row: Float64Array;
  private readonly kernel: TransitionKernel;

  constructor(source: TabularSource<S, A>) {
    this.source = source;
    this.engine = source.engine;
    this.exactness = source.exactness;
    this.graph = source.graph;
    this.horizon = source.graph.horizon;
    this.evidence = source.evidence;
    this.logEvidence = source.evidence.logValue;
    this.value = source.value;
    this.convergence = source.convergence;
    this.row = new Float64Array(source.graph.nA);
    this.kernel = new TransitionKernel(source.graph.dynamics, source.graph.alpha);
  }

  /** The last state index a trajectory visits: T − 1, or T with a terminal factor. */
  private get lastStateTime(): number {
    return this.graph.terminal ? this.horizon : this.horizon - 1;
  }

  private requireFeasible(query: string): void {
    if (this.source.infeasible !== undefined) fail({ code: 'infeasible', part: query, message: `${query}: ${this.source.infeasible}` });
  }

  private checkTime(query: string, t: number, last: number): void {
    if (!Number.isInteger(t) || t < 0 || t > last) {
      const range = Number.isFinite(last) ? `0 … ${last}` : 'a non-negative integer';
      fail({ code: 'time-out-of-range', part: query, t, message: `${query}: t = ${show(t)} is outside the horizon; expected ${range}` });
    }
  }

  private stateIndex(query: string, s: S): number {
    const i = this.graph.states.indexOf(s);
    if (i < 0) fail({ code: 'unknown-state', part: query, state: s, message: `${query}: s=${show(s)} is not a state of the model` });
    return i;
  }

  policy(t: number, s: S): Categorical<A> {
    const where = `policy(t=${t}, s=${show(s)})`;
    if (this.source.policyNeedsEvidence) this.requireFeasible(where);
    this.checkTime('policy', t, this.horizon - 1);
    const i = this.stateIndex('policy', s);
    if (!this.source.policyRow(t, i, this.row)) {
      fail({
        code: 'state-infeasible',
        part: 'policy',
        state: s,
        t,
        message: `${where}: every continuation from this state meets a −Infinity reward (V_${t}(s) = −Infinity); p(a|s,O) is undefined there`,
      });
    }
    return categorical(this.graph.actions.values.map((a, k) => [a, this.row[k]!] as const));
  }

  policyTable(t: number): Float64Array {
    if (this.source.policyNeedsEvidence) this.requireFeasible(`policyTable(${t})`);
    this.checkTime('policyTable', t, this.horizon - 1);
    const { nS, nA } = this.graph;
    const table = new Float64Array(nS * nA);
    this.source.policyTableInto(t, table);
    return table;
  }

  Q(t: number): Float64Array {
    this.checkTime('Q', t, this.horizon - 1);
    return this.source.Q(t);
  }

  V(t: number): Float64Array {
    this.checkTime('V', t, this.graph.terminal ? this.horizon : this.horizon - 1);
    return this.source.V(t);
  }

  stateMarginal(t: number): Float64Array {
    this.requireFeasible(`stateMarginal(${t})`);
    this.checkTime('stateMarginal', t, this.lastStateTime);
    this.forwardTo(t);
    return this.marginals[t]!.slice();
  }

  stateActionMarginal(t: number): Float64Array {
    this.requireFeasible(`stateActionMarginal(${t})`);
    this.checkTime('stateActionMarginal', t, this.horizon - 1);
    this.forwardTo(t);
    const { nS, nA } = this.graph;
    const m = this.marginals[t]!;
    const joint = new Float64Array(nS * nA);
    this.source.policyTableInto(t, joint);
    // p(s_t, a_t | O) = p(s_t | O) π_t(a_t | s_t)
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) joint[s * nA + a] = m[s]! * joint[s * nA + a]!;
    return joint;
  }

  actionMarginal(t: number): Float64Array {
    const joint = this.stateActionMarginal(t);
    const { nS, nA } = this.graph;
    const out = new Float64Array(nA);
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) out[a] = out[a]! + joint[s * nA + a]!;
    return out;
  }

  /**
   * Forward messages: m_{t+1}(s') = Σ_{s,a} m_t(s) π_t(a|s) K_t(s'|s,a).
   * Stored for every t (S·T numbers); policies are recomputed, not stored.
   */
  private forwardTo(t: number): void {
    const { nS, nA } = this.graph;
    if (this.marginals.length > t) return;
    checkMemory('stateMarginal', nS * (t + 1) * 8, `the forward messages of ${nS} states up to t=${t}`, 'ask for an earlier t, or use sample(n, { seed }) to estimate late marginals');
    if (this.marginals.length === 0) this.marginals.push(this.source.initial.slice());
    const fast = this.source.forwardStep;
    const pi = fast ? undefined : new Float64Array(nS * nA);
    // One block for the new messages (one allocation; pages no mass reaches are never touched).
    const block = new Float64Array(nS * (t + 1 - this.marginals.length));
    for (let at = 0; this.marginals.length <= t; at += nS) {
      const step = this.marginals.length - 1;
      const m = this.marginals[step]!;
      const out = block.subarray(at, at + nS);
      const list = fast ? fast(step, m, out) : this.forwardStepByRows(step, m, out, pi!);
      // Each row of π and K sums to 1 only up to rounding; over 10^5 steps that drifts by ~1e-11,
      // so the message is rescaled to sum 1 (the scaled forward algorithm). Over the step's list of
      // states that may have mass when it gives one: ascending, so the same sum (x + 0 is x).
      const n = list ? list.length : nS;
      let total = 0;
      for (let i = 0; i < n; i++) total += out[list ? list[i]! : i]!;
      if (total > 0) {
        for (let i = 0; i < n; i++) {
          const s = list ? list[i]! : i;
          out[s] = out[s]! / total;
        }
      }
      this.marginals.push(out);
    }
  }

  /** m_{t+1} = Σ_{s,a} m_t(s) π_t(a|s) K_t(·|s,a) with π_t as a table and K_t row by row (any engine). */
  private forwardStepByRows(step: number, m: Float64Array, out: Float64Array, pi: Float64Array): undefined {
    const { nS, nA } = this.graph;
    const { rowStart, next } = this.graph.dynamics;
    this.source.policyTableInto(step, pi);
    this.kernel.prepare(this.source.tilt(step));
    for (let s = 0; s < nS; s++) {
      if (m[s] === 0) continue;
      for (let a = 0, row = s * nA; a < nA; a++, row++) {
        const mass = m[s]! * pi[row]!;
        if (mass === 0) continue;
        const start = rowStart[row]!;
        const count = this.kernel.preparedRow(row);
        for (let k = 0; k < count; k++) out[next[start + k]!] += mass * this.kernel.values[k]!;
      }
    }
  }

  sample(n: number, given: SampleOptions): Trajectory<S, A>[] {
    const options = requireSampleOptions(given);
    this.requireFeasible('sample');
    if (!Number.isInteger(n) || n < 0) fail({ code: 'option-invalid', part: 'sample', message: `sample: n must be a non-negative integer, got ${show(n)}` });
    const decisions = this.decisions('sample', options.steps);
    checkMemory('sample', trajectoryBytes(n, decisions), `${n} trajectories of ${decisions} decisions`, 'draw fewer (in batches, each with its own seed) or fewer steps');
    const random = rng(options.seed, 'sample');
    const { nA } = this.graph;
    const out: Trajectory<S, A>[] = [];
    const transitions = decisions === this.horizon && this.graph.terminal ? decisions : decisions - 1;
    for (let i = 0; i < n; i++) {
      let s = sampleIndex(random, this.source.initial);
      const states: S[] = [this.graph.states.values[s]!];
      const actions: A[] = [];
      for (let t = 0; t < decisions; t++) {
        if (!this.source.policyRow(t, s, this.row)) {
          // Cannot happen for a posterior (it never moves into an infeasible state); refuse rather than reuse a stale row.
          fail({ code: 'state-infeasible', part: 'sample', t, state: this.graph.states.values[s], message: `sample: reached s=${show(this.graph.states.values[s])} at t=${t}, from which O cannot hold` });
        }
        const a = sampleIndex(random, this.row);
        actions.push(this.graph.actions.values[a]!);
        if (t >= transitions) break;
        const row = s * nA + a;
        const count = this.kernel.row(row, this.source.tilt(t));
        s = this.graph.dynamics.next[this.graph.dynamics.rowStart[row]! + sampleIndex(random, this.kernel.values, 0, count)]!;
        states.push(this.graph.states.values[s]!);
      }
      out.push({ states, actions });
    }
    return out;
  }

  private decisions(query: string, steps: number | undefined): number {
    if (steps === undefined) {
      if (!Number.isFinite(this.horizon)) {
        fail({ code: 'option-invalid', part: query, message: `${query}: the horizon is infinite; pass { steps } to say how many decisions to take` });
      }
      return this.horizon;
    }
    if (!Number.isInteger(steps) || steps < 1 || steps > this.horizon) {
      fail({ code: 'option-invalid', part: query, message: `${query}: steps must be an integer in 1 … ${this.horizon}, got ${show(steps)}` });
    }
    return steps;
  }

  /**
   * Max-product: M_t(s) = max_a [log π_t(a|s) + max_k (log K_t(s'_k|s,a) + M_{t+1}(s'_k))],
   * then s_0 = argmax log m_0(s) + M_0(s); ties go to the lowest index.
   */
  mostProbable(): ScoredTrajectory<S, A> {
    this.requireFeasible('mostProbable()');
    const T = this.decisions('mostProbable()', undefined);
    const { nS, nA } = this.graph;
    const transitions = this.graph.terminal ? T : T - 1;
    const bestAction = new Int32Array(nS * T);
    const bestNext = new Int32Array(nS * T);
    let future = new Float64Array(nS); // M_{t+1}; 0 after the last state
    let current = new Float64Array(nS);
    for (let t = T - 1; t >= 0; t--) {
      const tilt = t < transitions ? this.source.tilt(t) : undefined;
      for (let s = 0; s < nS; s++) {
        let best = -Infinity;
        let bestA = 0;
        let bestS = -1;
        if (this.source.logPolicyRow(t, s, this.row)) {
          for (let a = 0; a < nA; a++) {
            if (this.row[a] === -Infinity) continue;
            let tail = 0;
            let tailNext = -1;
            if (t < transitions) {
              tail = -Infinity;
              const row = s * nA + a;
              const start = this.graph.dynamics.rowStart[row]!;
              const count = this.kernel.logRow(row, tilt);
              for (let k = 0; k < count; k++) {
                if (this.kernel.logValues[k] === -Infinity) continue;
                const score = this.kernel.logValues[k]! + future[this.graph.dynamics.next[start + k]!]!;
                if (score > tail) {
                  tail = score;
                  tailNext = this.graph.dynamics.next[start + k]!;
                }
              }
            }
            const score = this.row[a]! + tail;
            if (score > best) {
              best = score;
              bestA = a;
              bestS = tailNext;
            }
          }
        }
        current[s] = best;
        bestAction[t * nS + s] = bestA;
        bestNext[t * nS + s] = bestS;
      }
      [future, current] = [current, future];
    }
    let s = -1;
    let logProb = -Infinity;
    for (let i = 0; i < nS; i++) {
      if (this.source.logInitial[i] === -Infinity) continue;
      const score = this.source.logInitial[i]! + future[i]!;
      if (score > logProb) {
        logProb = score;
        s = i;
      }
    }
    const states: S[] = [this.graph.states.values[s]!];
    const actions: A[] = [];
    for (let t = 0; t < T; t++) {
      actions.push(this.graph.actions.values[bestAction[t * nS + s]!]!);
      if (t >= transitions) break;
      s = bestNext[t * nS + s]!;
      states.push(this.graph.states.values[s]!);
    }
    return { states, actions, logProb };
  }

  logProb(trajectory: Trajectory<S, A>): number {
    requireTrajectory('logProb', trajectory);
    this.requireFeasible('logProb');
    const { states, actions } = trajectory;
    const T = this.decisions('logProb', actions.length);
    const transitions = T === this.horizon && this.graph.terminal ? T : T - 1;
    if (states.length !== transitions + 1) {
      throw new CaiError([
        {
          code: 'trajectory-invalid',
          part: 'logProb',
          message: `logProb: a trajectory with ${actions.length} actions needs ${transitions + 1} states, got ${states.length}`,
        },
      ]);
    }
    const { nA } = this.graph;
    let s = this.stateIndex('logProb', states[0]!);
    let total = this.source.logInitial[s]!;
    for (let t = 0; t < T && total > -Infinity; t++) {
      const a = this.graph.actions.indexOf(actions[t]);
      if (a < 0) fail({ code: 'unknown-action', part: 'logProb', action: actions[t], t, message: `logProb: action ${show(actions[t])} at t=${t} is not an action of the model` });
      if (!this.source.logPolicyRow(t, s, this.row)) return -Infinity;
      total += this.row[a]!;
      if (t >= transitions) break;
      const next = this.stateIndex('logProb', states[t + 1]!);
      const row = s * nA + a;
      const start = this.graph.dynamics.rowStart[row]!;
      const count = this.kernel.logRow(row, this.source.tilt(t));
      let logP = -Infinity;
      for (let k = 0; k < count; k++) if (this.graph.dynamics.next[start + k] === next) logP = this.kernel.logValues[k]!;
      total += logP;
      s = next;
    }
    return total;
  }
}
