/**
 * The backward pass of `evaluate()` on tables (posterior/evaluate.ts checks
 * the inputs and calls it; the agent backups call it directly for their ELBO,
 * so a page that only runs exact() does not carry evaluate()'s input handling):
 *
 *   Q^π_t(s,a) = r_t(s,a) + γ Σ_{s'} p(s'|s,a) V^π_{t+1}(s')     (V^π_T = r_T, or 0)
 *   V^π_t(s)   = Σ_a π_t(a|s) [Q^π_t(s,a) − α log(π_t(a|s) / p(a|s))]   (the α term only when soft)
 *
 * over a finite horizon, or to a tolerance for the discounted infinite one.
 */
import { fail, show } from '../errors.js';
import type { FactorGraph } from '../types/factor-graph.js';
import type { Evaluation } from './evaluate.js';
import { Feasibility } from './feasible.js';
import { checkMemory } from '../compile/memory.js';

/** What the pass needs beyond the policy tables. */
export interface PolicyValueSettings {
  readonly soft: boolean;
  readonly unvisited: 'refuse' | 'prior';
  readonly tolerance: number;
  readonly maxIterations: number;
}

/**
 * V^π and Q^π of the policy tables `table(t)` (nS × nA, row-major). `source` names the
 * policy in the refusal of an all-zero row at a feasible state.
 */
export function policyValues(graph: FactorGraph<unknown, unknown>, table: (t: number) => Float64Array, options: PolicyValueSettings, source: string): Evaluation {
  const { soft, unvisited } = options;
  const { nS, nA } = graph;
  const finite = Number.isFinite(graph.horizon);
  const q = new Float64Array(nS * nA);

  /** Q^π_t into q from V^π_{t+1} (`next`, undefined at the last decision without a terminal factor). */
  const fillQ = (reward: Float64Array, next: Float64Array | undefined) => {
    const { rowStart, next: succ, prob } = graph.dynamics;
    for (let row = 0; row < nS * nA; row++) {
      let expected = 0;
      if (next !== undefined) for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) expected += prob[k]! * next[succ[k]!]!;
      q[row] = reward[row] === -Infinity || expected === -Infinity ? -Infinity : reward[row]! + graph.gamma * expected;
    }
  };
  // The soft value charges α log(π/p) per decision (−∞ where π leaves the prior's support).
  const alpha = soft ? graph.alpha : 0;
  let fallbacks = 0;
  /** V^π_t into out; `feasible` is F_t of feasible.ts, `t` for messages (undefined: stationary). */
  const fillV = (pi: Float64Array, out: Float64Array, feasible: Uint8Array, t: number | undefined) => {
    for (let s = 0; s < nS; s++) {
      let v = 0;
      let mass = 0;
      for (let a = 0; a < nA; a++) {
        const p = pi[s * nA + a]!;
        if (p > 0) v += p * (alpha === 0 ? q[s * nA + a]! : q[s * nA + a]! - alpha * Math.log(p / graph.prior[s * nA + a]!)); // skip p = 0 so that 0·(−∞) never makes NaN
        mass += p;
      }
      if (mass > 0) out[s] = v;
      // An all-zero row where every action meets −∞ eventually is infeasibility, whatever the policy.
      else if (feasible[s] === 0) out[s] = -Infinity;
      else if (unvisited === 'prior') {
        // No policy here (e.g. no particle visited): π = p(·|s), which pays α log(p/p) = 0.
        v = 0;
        for (let a = 0; a < nA; a++) if (graph.prior[s * nA + a]! > 0) v += graph.prior[s * nA + a]! * q[s * nA + a]!;
        out[s] = v;
        fallbacks++;
      } else missingRow(source, graph, s, t);
    }
  };

  if (finite) {
    const T = graph.horizon;
    checkMemory('evaluate()', nS * (T + 1) * 8, `V^π of ${nS} states × ${T + 1} steps`, 'shorten the horizon, or use discount(γ) for a stationary policy');
    const values = new Float64Array(nS * (T + 1));
    if (graph.terminal) values.set(graph.terminal, T * nS);
    const V = (t: number) => values.subarray(t * nS, (t + 1) * nS);
    const next = (t: number) => (t === T - 1 && !graph.terminal ? undefined : V(t + 1));
    const feasibility = new Feasibility(graph);
    for (let t = T - 1; t >= 0; t--) {
      fillQ(graph.rewardAt(t), next(t));
      fillV(table(t), V(t), feasibility.step(t), t);
    }
    return {
      V: (t) => V(t).slice(),
      Q: (t) => (fillQ(graph.rewardAt(t), next(t)), q.slice()),
      value: expectation(graph.initial, V(0)),
      convergence: undefined,
      notes: fallbackNotes(fallbacks),
    };
  }
  const { tolerance, maxIterations } = options;
  const pi = table(0);
  const feasible = new Feasibility(graph).stationary();
  let current = new Float64Array(nS);
  let updated = new Float64Array(nS);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    fillQ(graph.reward, current);
    fallbacks = 0;
    fillV(pi, updated, feasible, undefined);
    let residual = 0;
    for (let s = 0; s < nS; s++) residual = Math.max(residual, updated[s] === current[s] ? 0 : Math.abs(updated[s]! - current[s]!));
    [current, updated] = [updated, current];
    if (residual < tolerance) {
      const V = current;
      return {
        V: () => V.slice(),
        Q: () => (fillQ(graph.reward, V), q.slice()),
        value: expectation(graph.initial, V),
        convergence: { iterations: iteration, residual, tolerance },
        notes: fallbackNotes(fallbacks),
      };
    }
  }
  return fail({
    code: 'not-converged',
    part: 'evaluate()',
    message: `evaluate(): policy evaluation did not converge in ${maxIterations} iterations; raise maxIterations or tolerance`,
  });
}

function fallbackNotes(count: number): string[] {
  return count === 0 ? [] : [`${count} (t, s) rows had no policy (all zeros at a feasible state, e.g. no particle visited them); the prior p(a|s) was used there (unvisited: 'prior').`];
}

function missingRow(source: string, graph: FactorGraph<unknown, unknown>, s: number, t: number | undefined): never {
  const sv = graph.states.values[s];
  const where = t === undefined ? `s=${show(sv)}` : `t=${t}, s=${show(sv)}`;
  return fail({
    code: 'unsupported-query',
    part: 'evaluate()',
    state: sv,
    t,
    message: `evaluate(): ${source} gives no action at ${where} (an all-zero row), yet the state is not infeasible — a feasible action exists — so V^π there is unknown, not −Infinity${source.includes('importance') ? ' (no particle visited it)' : ''}; pass evaluate(model, policy, { unvisited: 'prior' }) to use p(a|s) where the policy has no row, or estimate the policy with more particles`,
  });
}

function expectation(p: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let s = 0; s < p.length; s++) if (p[s]! > 0) sum += p[s]! * v[s]!;
  return sum;
}

/** Normalise the accepted policy forms to t ↦ π_t table, checking rows as we go. */
/** A posterior, a function (s, t) => distribution, or { table }; e.g. 'uniform' is refused with the way to say it. */
