/**
 * `exact({ backup: 'boltzmann' | 'expected-utility' })`: the agent's policy,
 * values and trajectory distribution q(τ) = p(s_0) Π_t π_t(a_t|s_t) p(s_{t+1}|s_t,a_t)
 * as a tabular posterior (marginals, samples, logProb, evaluate work as for the
 * other backups; the transition kernel is the true dynamics, never tilted).
 * `logEvidence` is the ELBO of that q, E_q[Σ_t γ^t (r + α log p(a|s) − α log π(a|s))]/α,
 * a lower bound on log p(O) like the fixed-dynamics backup's (which it never exceeds).
 */
import { show } from '../../../errors.js';
import { policyValues } from '../../../posterior/policy-value.js';
import { tabularPosterior, type TabularPosterior } from '../../../posterior/tabular.js';
import type { RunContext } from '../../../types/engine.js';
import type { FactorGraph } from '../../../types/factor-graph.js';
import type { Evidence, Exactness } from '../../../types/posterior.js';
import { qRow, qTable, workspace } from '../backup.js';
import { agentPolicyInto, solveAgentFinite, solveAgentInfinite, type AgentBackup, type AgentSolution } from './values.js';

export type { AgentBackup } from './values.js';
export { solveAgentFinite } from './values.js';

/** Solve and wrap; `solution` is given when a batched pass (src/engines/exact/batch) already computed U. */
export function runAgent<S, A>(
  graph: FactorGraph<S, A>,
  kind: AgentBackup,
  iteration: { tolerance: number; maxIterations: number },
  context: RunContext,
  solution?: AgentSolution,
): TabularPosterior<S, A> {
  const g = graph as FactorGraph<unknown, unknown>;
  const finite = Number.isFinite(graph.horizon);
  const solved = solution ?? (finite ? solveAgentFinite(g, kind, context.progress) : solveAgentInfinite(g, kind, iteration, context.progress));
  return agentPosterior(graph, kind, solved, iteration);
}

function agentPosterior<S, A>(graph: FactorGraph<S, A>, kind: AgentBackup, solution: AgentSolution, iteration: { tolerance: number; maxIterations: number }): TabularPosterior<S, A> {
  const g = graph as FactorGraph<unknown, unknown>;
  const { nS, nA, alpha, prior } = graph;
  const finite = solution.kind === 'finite';
  const T = graph.horizon;
  const U = (t: number) => (solution.kind === 'finite' ? solution.values.subarray(t * nS, (t + 1) * nS) : solution.values);
  const next = (t: number) => (finite && t === T - 1 && !graph.terminal ? undefined : U(finite ? t + 1 : 0));
  const reward = (t: number) => graph.rewardAt(finite ? t : 0);
  const q = new Float64Array(nA);
  let scratch: ReturnType<typeof workspace> | undefined;
  const ws = () => (scratch ??= workspace(g));

  const policyRow = (t: number, s: number, out: Float64Array): boolean => {
    qRow(g, 'fixed-dynamics', reward(t), next(t), s, q);
    return agentPolicyInto(prior, alpha, nA, s, q, 0, out, 0) > -Infinity;
  };
  const logPolicyRow = (t: number, s: number, out: Float64Array): boolean => {
    qRow(g, 'fixed-dynamics', reward(t), next(t), s, q);
    if (alpha === 0) {
      const m = agentPolicyInto(prior, alpha, nA, s, q, 0, out, 0);
      for (let a = 0; a < nA; a++) out[a] = Math.log(out[a]!);
      return m > -Infinity;
    }
    // log π = log p + (Q − m)/α − log Σ_b p(b) exp((Q_b − m)/α), in log space.
    let m = -Infinity;
    for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0 && q[a]! > m) m = q[a]!;
    if (m === -Infinity) return false;
    let sum = 0;
    for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0) sum += prior[s * nA + a]! * Math.exp((q[a]! - m) / alpha);
    const log = Math.log(sum);
    for (let a = 0; a < nA; a++) {
      const p = prior[s * nA + a]!;
      out[a] = p === 0 || q[a] === -Infinity ? -Infinity : Math.log(p) + (q[a]! - m) / alpha - log;
    }
    return true;
  };
  const policyTableInto = (t: number, out: Float64Array): void => {
    const w = ws();
    qTable(g, 'fixed-dynamics', reward(t), next(t), w.table, w);
    for (let s = 0; s < nS; s++) agentPolicyInto(prior, alpha, nA, s, w.table, s * nA, out, s * nA);
  };
  const Q = (t: number): Float64Array => {
    const table = new Float64Array(nS * nA);
    qTable(g, 'fixed-dynamics', reward(t), next(t), table, ws());
    return table;
  };

  // E_{p(s_0)}[U_0]: the optimal return (boltzmann) or the agent's own expected return (expected-utility).
  const u0 = U(0);
  let start = 0;
  for (let s = 0; s < nS; s++) if (graph.initial[s]! > 0) start += graph.initial[s]! * u0[s]!;
  // The ELBO costs a policy evaluation (another backward pass), so it is computed when first asked for:
  // soft = E_q[Σ_t γ^t (r + α log p(a|s) − α log π(a|s))] in reward units (at α = 0 the plain return, = start).
  let soft: number | undefined;
  const softValue = (): number => {
    if (soft !== undefined) return soft;
    const table = new Float64Array(nS * nA);
    return (soft =
      start === -Infinity || alpha === 0
        ? start
        : // evaluate(g, { table }, { soft: true }) without its input checks (the tables are ours): the ELBO's backward pass.
          policyValues(g, (t) => (policyTableInto(t, table), table), { soft: true, unvisited: 'refuse', tolerance: iteration.tolerance, maxIterations: iteration.maxIterations }, 'the policy table').value);
  };
  const logEvidenceOf = (): number => {
    const v = softValue();
    return alpha > 0 ? v / alpha : v === -Infinity ? -Infinity : v > 0 ? Infinity : v < 0 ? -Infinity : 0;
  };
  const value = start;

  const post = tabularPosterior({
    engine: 'exact',
    graph,
    exactness: exactness(kind, graph),
    evidence: evidence(kind, NaN, graph), // replaced by the lazy getters below
    value,
    convergence: solution.kind === 'infinite' ? solution.convergence : undefined,
    initial: graph.initial.slice(),
    logInitial: graph.initial.map(Math.log),
    policyRow,
    logPolicyRow,
    policyTableInto,
    Q,
    V: (t) => new Float64Array(U(finite ? t : 0)),
    tilt: () => undefined,
    infeasible:
      value === -Infinity
        ? `exact(${kind}): p(s_0) gives mass to s=${show(graph.states.values[firstInfeasible(graph.initial, u0)])}, from which every action risks a −Infinity reward under the true dynamics; the agent's return is −Infinity (policies at other states are still defined)`
        : undefined,
    policyNeedsEvidence: false,
  });
  // The posterior with `value`, `logEvidence` and `evidence` as memoised getters; every method is the tabular posterior's.
  // `value` is α·logEvidence as for every posterior (the agent's soft return); the plain return is E_{p(s_0)}[V(0)].
  const description = evidence(kind, NaN, graph).description;
  return Object.create(post, {
    value: { get: softValue, enumerable: true },
    logEvidence: { get: logEvidenceOf, enumerable: true },
    evidence: { get: () => ({ kind: 'lower-bound', logValue: logEvidenceOf(), description }), enumerable: true },
  }) as TabularPosterior<S, A>;
}

function firstInfeasible(initial: Float64Array, u0: Float64Array): number {
  let s = 0;
  while (s < initial.length - 1 && !(initial[s]! > 0 && u0[s] === -Infinity)) s++;
  return s;
}

function exactness(kind: AgentBackup, graph: FactorGraph<unknown, unknown>): Exactness {
  const notes: string[] = [];
  if (graph.alpha === 0) notes.push('α = 0: the hard-max agent; the policy is uniform (under the prior) over maximising actions.');
  if (!Number.isFinite(graph.horizon)) notes.push('Infinite horizon: U is the discounted hard-max fixed point, to the reported tolerance.');
  notes.push('Not a posterior p(τ | O): q(τ) keeps the true dynamics; logEvidence is the ELBO of q, a lower bound on log p(O).');
  return {
    posterior: false,
    policy:
      kind === 'boltzmann'
        ? 'the Boltzmann-rational agent π_t(a|s) ∝ p(a|s) exp(Q*_t(s,a)/α), Q* the hard-max action values (exact)'
        : 'the expected-utility (agentmodels) agent π_t(a|s) ∝ p(a|s) exp(EU_t(s,a)/α), EU the expected return of its own policy (exact)',
    evidence: 'lower-bound',
    notes,
  };
}

function evidence(kind: AgentBackup, logValue: number, graph: FactorGraph<unknown, unknown>): Evidence {
  const discounted = !Number.isFinite(graph.horizon) || graph.gamma < 1 ? ' (with γ < 1 the discounted soft value, not a probability)' : '';
  const hardMax = graph.alpha === 0 ? ' At α = 0 it is the limit (±Infinity or 0); see `value`.' : '';
  return { kind: 'lower-bound', logValue, description: `ELBO of the ${kind} agent's trajectory distribution, E_q[Σ_t r + α log p(a|s) − α log π(a|s)]/α ≤ log p(O)${discounted}.${hardMax}` };
}
