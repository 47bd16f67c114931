/**
 * The two agent models of cognitive science, as backups of the exact engine.
 * Both keep the dynamics (the agent cannot choose its luck), so their action
 * values share the fixed-dynamics form, with U_{t+1} in place of the soft V:
 *
 *   Q_t(s,a) = r_t(s,a) + γ Σ_{s'} p(s'|s,a) U_{t+1}(s')          (U_T = r_T, or 0)
 *   π_t(a|s) ∝ p(a|s) exp(Q_t(s,a) / α)
 *
 * and differ only in U, the value a state is worth to the agent:
 *
 *   'boltzmann'         U_t(s) = max_{a: p(a|s)>0} Q_t(s,a)      (Q = Q*, the hard-max values;
 *                       Baker, Saxe & Tenenbaum 2009, with α = 1/β)
 *   'expected-utility'  U_t(s) = Σ_a π_t(a|s) Q_t(s,a)           (the expected return of its own
 *                       noisy policy, no entropy term: agentmodels / webppl-agents)
 *
 * At α = 0 both are the hard-max agent (π uniform, under the prior, over the
 * maximising actions) and U = V*. Nothing of size S·A·T is stored: Q_t is
 * recomputed from U_{t+1} on demand, as for the other backups.
 */
import { CaiError } from '../../../errors.js';
import { TIE_TOLERANCE } from '../../../posterior/kernel.js';
import type { FactorGraph } from '../../../types/factor-graph.js';
import type { Convergence } from '../../../types/posterior.js';
import { qTable, workspace } from '../backup.js';

/** The agent backups: answers to "what does an agent with this reward do?" other than inference. */
export type AgentBackup = 'boltzmann' | 'expected-utility';

/** Bytes beyond which the S·T value table is refused before allocation (as for the other backups). */
const MAX_VALUE_BYTES = 2 ** 31;

/**
 * π(·|s) ∝ p(a|s) exp((Q(s,a) − m)/α) from Q(s,·) = q[at…] into out[to…], with m the
 * largest allowed Q; α = 0 gives the prior restricted to the (tied) maximisers.
 * Returns m (−Infinity, and a zero row, when no allowed action has a finite Q).
 */
export function agentPolicyInto(prior: Float64Array, alpha: number, nA: number, s: number, q: Float64Array, at: number, out: Float64Array, to: number): number {
  let m = -Infinity;
  for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0 && q[at + a]! > m) m = q[at + a]!;
  if (m === -Infinity) {
    out.fill(0, to, to + nA);
    return m;
  }
  let sum = 0;
  if (alpha > 0) {
    for (let a = 0; a < nA; a++) {
      const p = prior[s * nA + a]!;
      sum += out[to + a] = p === 0 ? 0 : p * Math.exp((q[at + a]! - m) / alpha);
    }
  } else {
    const floor = m - TIE_TOLERANCE * Math.max(1, Math.abs(m));
    for (let a = 0; a < nA; a++) sum += out[to + a] = q[at + a]! >= floor ? prior[s * nA + a]! : 0;
  }
  for (let a = 0; a < nA; a++) out[to + a] = out[to + a]! / sum;
  return m;
}

/**
 * U(s) from Q(s,·) = q[at…] and the agent's π(·|s) = pi[at…] (already filled by
 * `agentPolicyInto`, whose return value is m): m for boltzmann (and at α = 0), else
 * Σ_a π Q written as m + Σ_a π (Q − m) so that large equal values keep their digits;
 * actions with π = 0 are skipped so that 0·(−∞) never makes NaN.
 */
export function agentStateValue(kind: AgentBackup, alpha: number, nA: number, q: Float64Array, pi: Float64Array, at: number, m: number): number {
  if (kind === 'boltzmann' || alpha === 0 || m === -Infinity) return m;
  let deviation = 0;
  for (let a = 0; a < nA; a++) {
    const p = pi[at + a]!;
    if (p > 0) deviation += p * (q[at + a]! - m);
  }
  return m + deviation;
}

/** U_t for every state from a Q_t table, using `pi` (nS × nA) as scratch. */
export function agentValues(graph: FactorGraph<unknown, unknown>, kind: AgentBackup, q: Float64Array, pi: Float64Array, out: Float64Array): void {
  const { nS, nA, prior, alpha } = graph;
  if (kind === 'boltzmann' || alpha === 0) {
    // U = max over allowed actions: no policy (and no exp) needed in the backward pass.
    for (let s = 0; s < nS; s++) {
      let m = -Infinity;
      for (let a = 0, row = s * nA; a < nA; a++, row++) if (prior[row]! > 0 && q[row]! > m) m = q[row]!;
      out[s] = m;
    }
    return;
  }
  for (let s = 0; s < nS; s++) {
    const m = agentPolicyInto(prior, alpha, nA, s, q, s * nA, pi, s * nA);
    out[s] = agentStateValue(kind, alpha, nA, q, pi, s * nA, m);
  }
}

/** U_t for t = 0 … T (row T: r_T, or zeros), row-major (T + 1) × nS. */
export interface AgentFinite {
  readonly kind: 'finite';
  readonly values: Float64Array;
}

/** The stationary U of the discounted infinite horizon. */
export interface AgentInfinite {
  readonly kind: 'infinite';
  readonly values: Float64Array;
  readonly convergence: Convergence;
}

export type AgentSolution = AgentFinite | AgentInfinite;

/** Refuses an S·(T + 1) value table above the limit, before allocating it. */
export function checkValueTable(nS: number, T: number): void {
  const bytes = nS * (T + 1) * 8;
  if (bytes > MAX_VALUE_BYTES) {
    throw new CaiError([
      {
        code: 'too-large',
        part: 'exact()',
        message: `exact(): storing V_t for ${nS} states × ${T + 1} steps needs ${(bytes / 1e9).toFixed(1)} GB, above the ${(MAX_VALUE_BYTES / 1e9).toFixed(1)} GB limit; shorten the horizon or use discount(γ) for the infinite horizon`,
      },
    ]);
  }
}

/** The backward pass U_T, U_{T−1}, … U_0 of a finite horizon. */
export function solveAgentFinite(graph: FactorGraph<unknown, unknown>, kind: AgentBackup, progress?: (fraction: number, message: string) => void): AgentFinite {
  const { nS, horizon: T } = graph;
  checkValueTable(nS, T);
  const values = new Float64Array(nS * (T + 1));
  if (graph.terminal) values.set(graph.terminal, T * nS);
  const ws = workspace(graph);
  const pi = new Float64Array(graph.nS * graph.nA);
  const every = Math.max(1, Math.floor(T / 100));
  for (let t = T - 1; t >= 0; t--) {
    const next = t === T - 1 && !graph.terminal ? undefined : values.subarray((t + 1) * nS, (t + 2) * nS);
    qTable(graph, 'fixed-dynamics', graph.rewardAt(t), next, ws.table, ws);
    agentValues(graph, kind, ws.table, pi, values.subarray(t * nS, (t + 1) * nS));
    if (progress && (T - t) % every === 0) progress((T - t) / T, `backward pass t=${t}`);
  }
  return { kind: 'finite', values };
}

/**
 * The Boltzmann agent's discounted infinite horizon: hard-max value iteration
 * U ← max_a [r + γ E U] (a γ-contraction) until ‖U − TU‖∞ < tolerance. The
 * expected-utility agent has no such guarantee — the Boltzmann-weighted mean is
 * not a non-expansion and can have several fixed points (Asadi & Littman 2017) —
 * so it is refused before this is called.
 */
export function solveAgentInfinite(
  graph: FactorGraph<unknown, unknown>,
  kind: AgentBackup,
  options: { tolerance: number; maxIterations: number },
  progress?: (fraction: number, message: string) => void,
): AgentInfinite {
  let current = new Float64Array(graph.nS);
  let next = new Float64Array(graph.nS);
  const ws = workspace(graph);
  const pi = new Float64Array(graph.nS * graph.nA);
  let residual = Infinity;
  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    qTable(graph, 'fixed-dynamics', graph.reward, current, ws.table, ws);
    agentValues(graph, kind, ws.table, pi, next);
    residual = 0;
    for (let s = 0; s < graph.nS; s++) {
      const d = next[s] === current[s] ? 0 : Math.abs(next[s]! - current[s]!);
      if (d > residual) residual = d;
    }
    [current, next] = [next, current];
    if (residual < options.tolerance) return { kind: 'infinite', values: current, convergence: { iterations: iteration, residual, tolerance: options.tolerance } };
    if (progress && iteration % 100 === 0) progress(Math.min(1, options.tolerance / residual), `value iteration ${iteration}: residual ${residual.toExponential(2)}`);
  }
  throw new CaiError([
    {
      code: 'not-converged',
      part: 'exact()',
      message: `exact(): hard-max value iteration did not converge in ${options.maxIterations} iterations (residual ${residual.toExponential(3)}, tolerance ${options.tolerance}); raise maxIterations or tolerance, or lower γ`,
    },
  ]);
}
