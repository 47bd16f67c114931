/**
 * The `BeliefPosterior` of a POMDP: policy, values and beliefs after a history,
 * samples of (hidden states, actions, observations), their log-probabilities
 * and the mode. The joint the two backups describe:
 *
 *   fixed-dynamics  q(τ) = p(s_0) Z_0(o_0|s_0) Π_t π_t(a_t | b_t) T(s_{t+1}|s_t,a_t) Z(o_{t+1}|s_{t+1},a_t)
 *   posterior       p(τ | O) = p_MDP(s, a | O) · Z_0(o_0|s_0) Π_t Z(o_{t+1}|s_{t+1},a_t)
 *
 * (in the unrolled graph the observations are children of the states that
 * nothing else depends on, so conditioning on O leaves their factors alone).
 */
import { categorical, type Categorical } from '../../../dist/categorical.js';
import { rng, sampleIndex } from '../../../dist/rng.js';
import { fail, show } from '../../../errors.js';
import type { BeliefPosterior, History, ObservedTrajectory, ScoredObservedTrajectory } from '../../../types/belief.js';
import type { FactorGraph, ObservationTables } from '../../../types/factor-graph.js';
import type { Convergence, Evidence, Exactness, Posterior, SampleOptions } from '../../../types/posterior.js';
import { filter, policyFrom, type BeliefAgent } from './agents.js';
import { checkTime, indexHistory, isHistory, toBelief } from './inputs.js';
import { initialBeliefs, predict, successors } from './bayes.js';
import type { BeliefTree } from './tree.js';

export interface BeliefSource {
  readonly graph: FactorGraph<unknown, unknown>;
  readonly z: ObservationTables;
  readonly backup: 'posterior' | 'fixed-dynamics';
  readonly agent: BeliefAgent;
  /** The reachable-belief tree (fixed-dynamics), or the fully observed posterior (posterior backup). */
  readonly tree: BeliefTree | undefined;
  readonly mdp: Posterior<unknown, unknown> | undefined;
  readonly value: number;
  readonly evidence: Evidence;
  readonly exactness: Exactness;
  readonly convergence: Convergence | undefined;
  readonly beliefCounts: readonly number[];
  readonly approximation: BeliefPosterior['approximation'];
}

/** log Z(o | s', a), −Infinity when 0. */
function logZ(z: ObservationTables, nA: number, s: number, a: number, o: number): number {
  return Math.log(z.table[(s * nA + a) * z.nO + o]!);
}

/** log T(s' | s, a) from the CSR row, −Infinity when s' is not a successor. */
function logT(graph: FactorGraph<unknown, unknown>, s: number, a: number, next: number): number {
  const { rowStart, next: succ, prob } = graph.dynamics;
  const row = s * graph.nA + a;
  for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) if (succ[k] === next) return Math.log(prob[k]!);
  return -Infinity;
}

export function makeBeliefPosterior<S, A, O>(src: BeliefSource): BeliefPosterior<S, A, O> {
  const { graph, z, agent, backup } = src;
  const { nS, nA } = graph;
  const T = graph.horizon;
  const row = new Float64Array(nA);
  const A = graph.actions.values as readonly A[];
  const St = graph.states.values as readonly S[];
  const Ov = z.values.values as readonly O[];

  /** The belief the policy reads at t: from a history, or given directly. */
  const beliefAt = (query: string, t: number, at: unknown): Float64Array => {
    checkTime(query, t, T);
    if (isHistory(at)) return agent.readBelief(indexHistory(graph, z, query, at as History<unknown, unknown>, t), query);
    return toBelief(graph, query, at);
  };
  const policyRow = (query: string, t: number, b: Float64Array): Float64Array => {
    const { q, v } = agent.at(t, b);
    if (!policyFrom(graph, q, v, row)) {
      fail({ code: 'state-infeasible', part: query, t, message: `${query}: every action at this belief risks a −Infinity reward (V_${t}(b) = −Infinity); the policy is undefined there` });
    }
    return row;
  };

  const decisions = (steps: number | undefined): number => {
    if (steps === undefined) {
      if (!Number.isFinite(T)) fail({ code: 'option-invalid', part: 'sample', message: 'sample: the horizon is infinite; pass { steps } to say how many decisions to take' });
      return T;
    }
    if (!Number.isInteger(steps) || steps < 1 || steps > T) fail({ code: 'option-invalid', part: 'sample', message: `sample: steps must be an integer in 1 … ${T}, got ${show(steps)}` });
    return steps;
  };

  /** Draws from q(τ): s_0, o_0, then a_t ~ π(· | b_t), s_{t+1} ~ T, o_{t+1} ~ Z, b_{t+1} by Bayes' rule. */
  const sampleFixed = (n: number, options: SampleOptions): ObservedTrajectory<S, A, O>[] => {
    const random = rng(options.seed, 'sample');
    const steps = decisions(options.steps);
    const transitions = steps === T && graph.terminal !== undefined ? steps : steps - 1;
    const out: ObservedTrajectory<S, A, O>[] = [];
    const zRow = new Float64Array(z.nO);
    const predicted = new Float64Array(nS);
    const roots = initialBeliefs(graph, z);
    for (let i = 0; i < n; i++) {
      let s = sampleIndex(random, graph.initial);
      let initial: number | undefined;
      let b: Float64Array;
      if (z.initial !== undefined) {
        initial = sampleIndex(random, z.initial.subarray(s * z.nO, (s + 1) * z.nO));
        b = roots.find((r) => r.o === initial)!.belief;
      } else b = roots[0]!.belief;
      const states: S[] = [St[s]!];
      const actions: A[] = [];
      const observations: O[] = [];
      for (let t = 0; t < steps; t++) {
        const pi = policyRow('sample', t, b);
        const a = sampleIndex(random, pi);
        actions.push(A[a]!);
        if (t >= transitions) break;
        const r = s * nA + a;
        const { rowStart, next, prob } = graph.dynamics;
        s = next[rowStart[r]! + sampleIndex(random, prob, rowStart[r]!, rowStart[r + 1]!) - rowStart[r]!]!;
        for (let o = 0; o < z.nO; o++) zRow[o] = z.table[(s * nA + a) * z.nO + o]!;
        const o = sampleIndex(random, zRow);
        states.push(St[s]!);
        observations.push(Ov[o]!);
        predict(graph, b, a, predicted);
        b = successors(graph, z, predicted, a).find((x) => x.o === o)!.belief;
      }
      out.push({ states, actions, observations, ...(initial !== undefined ? { initial: Ov[initial]! } : {}) });
    }
    return out;
  };

  const samplePosterior = (n: number, options: SampleOptions): ObservedTrajectory<S, A, O>[] => {
    const base = src.mdp!.sample(n, options);
    // The observations are drawn from their own stream, so the states and actions equal the MDP posterior's samples.
    const random = rng(`${String(options.seed)}:observations`, 'sample');
    const zRow = new Float64Array(z.nO);
    return base.map((tr) => {
      const idx = tr.states.map((s) => graph.states.indexOf(s));
      let initial: O | undefined;
      if (z.initial !== undefined) initial = Ov[sampleIndex(random, z.initial.subarray(idx[0]! * z.nO, (idx[0]! + 1) * z.nO))];
      const observations: O[] = [];
      for (let k = 1; k < idx.length; k++) {
        const a = graph.actions.indexOf(tr.actions[k - 1]);
        for (let o = 0; o < z.nO; o++) zRow[o] = z.table[(idx[k]! * nA + a) * z.nO + o]!;
        observations.push(Ov[sampleIndex(random, zRow)]!);
      }
      return { states: tr.states as S[], actions: tr.actions as A[], observations, ...(initial !== undefined ? { initial } : {}) };
    });
  };

  /** Σ log Z over a trajectory's observations (and o_0); −Infinity for one that cannot be emitted. */
  const observationLogProb = (s: number[], a: number[], o: number[], o0: number): number => {
    let lp = o0 >= 0 ? Math.log(z.initial![s[0]! * z.nO + o0]!) : 0;
    for (let k = 1; k < s.length; k++) lp += logZ(z, nA, s[k]!, a[k - 1]!, o[k - 1]!);
    return lp;
  };

  const indexTrajectory = (tr: ObservedTrajectory<S, A, O>) => {
    const bad = (what: string): never => fail({ code: 'trajectory-invalid', part: 'logProb', message: `logProb: ${what}` });
    if (!Array.isArray(tr.states) || !Array.isArray(tr.actions) || !Array.isArray(tr.observations)) bad('expected { states, actions, observations }');
    if (tr.observations.length !== tr.states.length - 1) bad(`a trajectory has one observation per state after the first; got ${tr.states.length} states and ${tr.observations.length} observations`);
    const s = tr.states.map((v, k) => { const i = graph.states.indexOf(v); if (i < 0) bad(`states[${k}] = ${show(v)} is not a state of the model`); return i; });
    const a = tr.actions.map((v, k) => { const i = graph.actions.indexOf(v); if (i < 0) bad(`actions[${k}] = ${show(v)} is not an action of the model`); return i; });
    const o = tr.observations.map((v) => z.values.indexOf(v));
    const o0 = z.initial !== undefined ? z.values.indexOf(tr.initial) : -1;
    if (z.initial !== undefined && tr.initial === undefined) bad('the model observes s_0; give { initial: o_0 }');
    return { s, a, o, o0 };
  };

  const logProbFixed = (tr: ObservedTrajectory<S, A, O>): number => {
    const { s, a, o, o0 } = indexTrajectory(tr);
    if (o.some((x) => x < 0) || (z.initial !== undefined && o0 < 0)) return -Infinity;
    let lp = Math.log(graph.initial[s[0]!]!) + observationLogProb(s, a, o, o0);
    if (lp === -Infinity) return lp;
    const history = { actions: [] as number[], observations: [] as number[], initial: o0 };
    for (let t = 0; t < a.length; t++) {
      const b = agent.readBelief(history, 'logProb');
      const { q, v } = agent.at(t, b);
      if (!policyFrom(graph, q, v, row)) return -Infinity;
      lp += Math.log(row[a[t]!]!);
      if (t + 1 < s.length) lp += logT(graph, s[t]!, a[t]!, s[t + 1]!);
      if (lp === -Infinity) return lp;
      history.actions.push(a[t]!);
      if (t < o.length) history.observations.push(o[t]!);
    }
    return lp;
  };

  const logProbPosterior = (tr: ObservedTrajectory<S, A, O>): number => {
    const { s, a, o, o0 } = indexTrajectory(tr);
    if (o.some((x) => x < 0) || (z.initial !== undefined && o0 < 0)) return -Infinity;
    const lp = observationLogProb(s, a, o, o0);
    return lp === -Infinity ? lp : lp + src.mdp!.logProb({ states: tr.states, actions: tr.actions });
  };

  /** Max-product over (belief node, state): M_t(i, s) = max_a [log π(a|b_i) + max_{s', o} (log T + log Z + M_{t+1}(child, s'))]. */
  const modeFixed = (): ScoredObservedTrajectory<S, A, O> => {
    const tree = src.tree!;
    const lastStep = T - 1;
    const M: Float64Array[][] = [];
    const choice: Int32Array[][] = []; // per (t, node): for each s, packed a, s', o
    for (let t = lastStep; t >= 0; t--) {
      const nodes = tree.layers[t]!.nodes;
      M[t] = [];
      choice[t] = [];
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i]!;
        const m = new Float64Array(nS).fill(-Infinity);
        const c = new Int32Array(nS * 3).fill(-1);
        const solved = node.solved && policyFrom(graph, node.q, node.v, row);
        if (solved) {
          const pi = row.slice();
          for (let s = 0; s < nS; s++) {
            // A state the node's belief excludes cannot be where the trajectory is.
            if (!(node.belief[s]! > 0)) continue;
            for (let a = 0; a < nA; a++) {
              if (!(pi[a]! > 0)) continue;
              const base = Math.log(pi[a]!);
              const r = s * nA + a;
              const { rowStart, next, prob } = graph.dynamics;
              if (t === lastStep && graph.terminal === undefined) {
                if (base > m[s]!) { m[s] = base; c[3 * s] = a; }
                continue;
              }
              for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
                const s2 = next[k]!;
                for (let o = 0; o < z.nO; o++) {
                  const zo = z.table[(s2 * nA + a) * z.nO + o]!;
                  if (!(zo > 0)) continue;
                  let tail = 0;
                  if (t < lastStep) {
                    const edge = node.edges[a]!.find((e) => e.o === o)!;
                    tail = M[t + 1]![edge.child]![s2]!;
                  }
                  const total = base + Math.log(prob[k]!) + Math.log(zo) + tail;
                  if (total > m[s]!) { m[s] = total; c[3 * s] = a; c[3 * s + 1] = s2; c[3 * s + 2] = o; }
                }
              }
            }
          }
        }
        M[t]![i] = m;
        choice[t]![i] = c;
      }
    }
    let best = -Infinity;
    let start = { s: -1, root: 0, o: -1 };
    for (const root of tree.roots) {
      for (let s = 0; s < nS; s++) {
        const p0 = graph.initial[s]! * (root.o >= 0 ? z.initial![s * z.nO + root.o]! : 1);
        if (!(p0 > 0)) continue;
        const total = Math.log(p0) + M[0]![root.node]![s]!;
        if (total > best) { best = total; start = { s, root: root.node, o: root.o }; }
      }
    }
    if (best === -Infinity) fail({ code: 'infeasible', part: 'mostProbable', message: 'mostProbable: every trajectory has probability 0 under the posterior (every start meets a −Infinity reward)' });
    const states: S[] = [St[start.s]!];
    const actions: A[] = [];
    const observations: O[] = [];
    let s = start.s;
    let node = start.root;
    for (let t = 0; t <= lastStep; t++) {
      const c = choice[t]![node]!;
      const a = c[3 * s]!;
      actions.push(A[a]!);
      if (t === lastStep && graph.terminal === undefined) break;
      const s2 = c[3 * s + 1]!;
      const o = c[3 * s + 2]!;
      states.push(St[s2]!);
      observations.push(Ov[o]!);
      if (t < lastStep) node = tree.node(t, node).edges[a]!.find((e) => e.o === o)!.child;
      s = s2;
    }
    return { states, actions, observations, ...(start.o >= 0 ? { initial: Ov[start.o]! } : {}), logProb: best };
  };

  /**
   * Max-product for the posterior backup: the MDP posterior's policy and tilted
   * kernel K_t(s'|s,a) ∝ T(s'|s,a) exp(V_{t+1}(s')/α), each step also taking
   * its most probable observation.
   */
  const modePosterior = (): ScoredObservedTrajectory<S, A, O> => {
    const mdp = src.mdp!;
    const { alpha } = graph;
    if (alpha === 0) fail({ code: 'unsupported-query', part: 'mostProbable', message: "mostProbable: at α = 0 the posterior backup's trajectory posterior is a limit with ties everywhere; use backup 'fixed-dynamics' or α > 0" });
    const lastStep = T - 1;
    const bestO = (s2: number, a: number) => {
      let m = -Infinity, arg = -1;
      for (let o = 0; o < z.nO; o++) if (z.table[(s2 * nA + a) * z.nO + o]! > m) { m = z.table[(s2 * nA + a) * z.nO + o]!; arg = o; }
      return { logp: Math.log(m), o: arg };
    };
    const M: Float64Array[] = new Array(T + 1);
    const choice: Int32Array[] = new Array(T);
    M[T] = new Float64Array(nS);
    for (let t = lastStep; t >= 0; t--) {
      const pi = mdp.policyTable(t);
      const Vn = t === lastStep ? (graph.terminal !== undefined ? graph.terminal : undefined) : mdp.V(t + 1);
      const m = new Float64Array(nS).fill(-Infinity);
      const c = new Int32Array(nS * 2).fill(-1);
      const { rowStart, next, prob } = graph.dynamics;
      for (let s = 0; s < nS; s++) {
        for (let a = 0; a < nA; a++) {
          if (!(pi[s * nA + a]! > 0)) continue;
          const base = Math.log(pi[s * nA + a]!);
          if (Vn === undefined) { if (base > m[s]!) { m[s] = base; c[2 * s] = a; } continue; }
          const r = s * nA + a;
          let mx = -Infinity;
          for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) mx = Math.max(mx, Vn[next[k]!]!);
          let norm = 0;
          for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) norm += prob[k]! * Math.exp((Vn[next[k]!]! - mx) / alpha);
          for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
            const s2 = next[k]!;
            const logK = Math.log(prob[k]!) + (Vn[s2]! - mx) / alpha - Math.log(norm);
            const total = base + logK + bestO(s2, a).logp + (t < lastStep ? M[t + 1]![s2]! : 0);
            if (total > m[s]!) { m[s] = total; c[2 * s] = a; c[2 * s + 1] = s2; }
          }
        }
      }
      M[t] = m;
      choice[t] = c;
    }
    // p(s_0 | O) ∝ p(s_0) exp(V_0(s_0)/α), times the most probable o_0.
    const V0 = mdp.V(0);
    let mx = -Infinity;
    for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0) mx = Math.max(mx, V0[s]!);
    let norm = 0;
    for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0) norm += graph.initial[s]! * Math.exp((V0[s]! - mx) / alpha);
    let best = -Infinity, s = -1, o0 = -1;
    for (let x = 0; x < nS; x++) {
      if (!(graph.initial[x]! > 0)) continue;
      let lo = 0, oo = -1;
      if (z.initial !== undefined) {
        let m = -Infinity;
        for (let o = 0; o < z.nO; o++) if (z.initial[x * z.nO + o]! > m) { m = z.initial[x * z.nO + o]!; oo = o; }
        lo = Math.log(m);
      }
      const total = Math.log(graph.initial[x]!) + (V0[x]! - mx) / alpha - Math.log(norm) + lo + M[0]![x]!;
      if (total > best) { best = total; s = x; o0 = oo; }
    }
    if (best === -Infinity) fail({ code: 'infeasible', part: 'mostProbable', message: 'mostProbable: p(O) = 0 — every trajectory meets a −Infinity reward' });
    const states: S[] = [St[s]!];
    const actions: A[] = [];
    const observations: O[] = [];
    for (let t = 0; t <= lastStep; t++) {
      const a = choice[t]![2 * s]!;
      actions.push(A[a]!);
      if (t === lastStep && graph.terminal === undefined) break;
      const s2 = choice[t]![2 * s + 1]!;
      states.push(St[s2]!);
      observations.push(Ov[bestO(s2, a).o]!);
      s = s2;
    }
    return { states, actions, observations, ...(o0 >= 0 ? { initial: Ov[o0]! } : {}), logProb: best };
  };

  const fixed = backup === 'fixed-dynamics';
  return Object.freeze({
    kind: 'belief-posterior' as const,
    engine: 'exact',
    backup,
    exactness: src.exactness,
    graph: graph as FactorGraph<S, A>,
    observations: Ov,
    horizon: T,
    logEvidence: src.evidence.logValue,
    evidence: src.evidence,
    value: src.value,
    convergence: src.convergence,
    beliefCounts: src.beliefCounts,
    approximation: src.approximation,
    belief: (h: History<A, O>) => {
      const ih = indexHistory(graph, z, 'belief', h as History<unknown, unknown>);
      return (fixed ? agent.readBelief(ih, 'belief') : readFilter(src, ih)).slice();
    },
    posteriorBelief: (h: History<A, O>) => agent.readBelief(indexHistory(graph, z, 'posteriorBelief', h as History<unknown, unknown>), 'posteriorBelief').slice(),
    policy: (t: number, at: unknown): Categorical<A> => {
      const query = `policy(t=${t})`;
      const pi = policyRow(query, t, beliefAt(query, t, at));
      return categorical(A.map((a, k) => [a, pi[k]!] as const));
    },
    V: (t: number, at: unknown) => agent.at(t, beliefAt(`V(t=${t})`, t, at)).v,
    Q: (t: number, at: unknown) => agent.at(t, beliefAt(`Q(t=${t})`, t, at)).q.slice(),
    sample: (n: number, options: SampleOptions) => {
      if (!Number.isInteger(n) || n < 0) fail({ code: 'option-invalid', part: 'sample', message: `sample: n must be a non-negative integer, got ${show(n)}` });
      if (src.value === -Infinity) fail({ code: 'infeasible', part: 'sample', message: 'sample: the value at the initial belief is −Infinity (every plan risks a −Infinity reward); nothing to sample' });
      return fixed ? sampleFixed(n, options) : samplePosterior(n, options);
    },
    mostProbable: () => {
      if (!Number.isFinite(T)) fail({ code: 'unsupported-query', part: 'mostProbable', message: 'mostProbable: the horizon is infinite; a most probable trajectory needs a finite horizon(T)' });
      return fixed ? modeFixed() : modePosterior();
    },
    logProb: (tr: ObservedTrajectory<S, A, O>) => (fixed ? logProbFixed(tr) : logProbPosterior(tr)),
    // The tabular queries have no meaning for an agent that cannot see the state; they refuse and say what to ask.
    policyTable: () => stateQuery('policyTable'),
    stateMarginal: () => stateQuery('stateMarginal'),
    stateActionMarginal: () => stateQuery('stateActionMarginal'),
    actionMarginal: () => stateQuery('actionMarginal'),
  }) as BeliefPosterior<S, A, O>;
}

function stateQuery(query: string): never {
  fail({
    code: 'unsupported-query',
    part: query,
    message: `${query}: the model is partially observed, so there is no per-state policy or table (the agent cannot see the state); ask policy(t, history), belief(history), V(t, belief) or sample(...) of the belief posterior`,
  });
}

/** The plain Bayes filter p(s_t | h_t) (no tilt), for `belief(history)` under either backup. */
function readFilter(src: BeliefSource, h: Parameters<typeof filter>[2]): Float64Array {
  return filter(src.graph, src.z, h, 'belief', false);
}
