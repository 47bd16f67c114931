/**
 * (Soft) policy iteration for the discounted fixed-dynamics backup,
 * `exact({ backup: 'fixed-dynamics', solver: policyIteration() })`. Each round
 *
 *   improvement   Q = r + γ P V,  T V = α log Σ_a p(a|s) e^{Q(s,a)/α}   (max over allowed a at α = 0)
 *                 stop when ‖V − T V‖∞ < tolerance and return T V (the rule and units of value iteration)
 *                 π(a|s) = p(a|s) e^{(Q(s,a) − T V(s))/α}                  (α = 0: the first argmax)
 *   evaluation    V = c_π + γ P_π V,   c_π(s) = Σ_a π(a|s) [r(s,a) − α log(π(a|s)/p(a|s))],
 *                 P_π(s'|s) = Σ_a π(a|s) p(s'|s,a)
 *
 * The evaluation is a linear fixed point solved by Anderson-accelerated sweeps of
 * P_π (anderson.ts; for a linear map this is a Krylov method) until ‖V − T_π V‖∞ <
 * max(tolerance/4, ε · the round's residual), ε = 10⁻³ (sparse P_π) or 10⁻⁹ (dense):
 * rough while π still changes (modified policy iteration), tight at the end. P_π is merged once per round into its own CSR rows: at α = 0 it is
 * one action's row per state, so a sweep costs 1/|A| of a full backup (Jack's car
 * rental: 441 × 441 entries against 441 × 11 × 441). When π is greedy for V, T V =
 * T_π V, so once the policy settles the full backup's residual is the evaluation's.
 *
 * Needs every state to have an allowed action (p(a|s) > 0) with a finite reward, so
 * that every V^π is finite; `policyIterationApplies` says whether it does, and the
 * caller falls back to value iteration otherwise.
 */
import { CaiError } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import { Anderson } from './anderson.js';
import { qTable, stateValues, workspace } from './backup.js';
import type { InfiniteSolution, IterationOptions, InfiniteSolver } from './solve.js';

/** Whether every state has an allowed action with a finite reward (then every V^π is finite). */
export function policyIterationApplies(graph: FactorGraph<unknown, unknown>): boolean {
  const { nS, nA, prior, reward } = graph;
  for (let s = 0; s < nS; s++) {
    let ok = false;
    for (let a = 0; a < nA && !ok; a++) ok = prior[s * nA + a]! > 0 && reward[s * nA + a]! > -Infinity;
    if (!ok) return false;
  }
  return true;
}

/**
 * The fixed point of the fixed-dynamics Bellman operator T by policy iteration; the same
 * stopping rule as value iteration (‖V − T V‖∞ < tolerance, T V returned), and
 * `convergence.iterations` counts full backups (one per round).
 */
export function solvePolicyIteration(
  graph: FactorGraph<unknown, unknown>,
  options: IterationOptions,
  progress?: (fraction: number, message: string) => void,
): InfiniteSolution {
  const { nS, nA, alpha, gamma, prior, reward } = graph;
  const { rowStart, next: successor, prob } = graph.dynamics;
  const ws = workspace(graph);
  const q = ws.table;
  const V = new Float64Array(nS);
  const TV = new Float64Array(nS);
  const pi = new Float64Array(nA);
  /** At α = 0: the first allowed argmax of Q(s, ·) per state, from the backup. */
  const greedy = new Int32Array(alpha === 0 ? nS : 0);
  const runs = alpha === 0 ? successorRuns(graph) : new Uint8Array(0);
  const cost = new Float64Array(nS);
  // P_π as CSR: a state's rows merged by successor, so at most min(nnz, nS²) entries
  // (Jack's car rental: 194 481, not the dynamics' 2.1 million).
  const start = new Int32Array(nS + 1);
  const capacity = Math.min(graph.dynamics.nnz, nS * nS);
  const next = new Int32Array(capacity);
  const weight = new Float64Array(capacity);
  const at = new Int32Array(nS).fill(-1);
  const evaluationTolerance = options.tolerance / 4;
  // P_π dense (nS × nS) when most of it is filled anyway (Jack's car rental: every entry):
  // a sweep is then a plain matrix–vector product, with no index per entry.
  const dense = nS <= DENSE_STATES && graph.dynamics.nnz >= (nA * nS * nS) / 2 ? new Float64Array(nS * nS) : undefined;
  let residual = Infinity;
  for (let round = 1; round <= options.maxIterations; round++) {
    // The full backup must leave Q(s, ·) in `q` for the improvement (backwardStep's fused
    // fixed-dynamics step keeps no S·A table): at α = 0 one fused loop that also records the
    // greedy action, else qTable then stateValues (the same bits as value iteration's step).
    if (alpha === 0) greedyBackup(graph, V, TV, q, greedy, runs);
    else {
      qTable(graph, 'fixed-dynamics', reward, V, q, ws);
      stateValues(graph, q, TV);
    }
    residual = 0;
    for (let s = 0; s < nS; s++) residual = Math.max(residual, Math.abs(TV[s]! - V[s]!));
    if (residual < options.tolerance) return { kind: 'infinite', values: TV, convergence: { iterations: round, residual, tolerance: options.tolerance } };
    // Improvement: π from Q, and P_π with its cost c_π. At α = 0 with a dense P_π, π is one action
    // per state, so c_π is that action's reward and P_π its dynamics row, added straight into the
    // dense matrix (no merged copy); otherwise the rows of π's actions merged by successor.
    const greedyDense = alpha === 0 && dense !== undefined;
    if (greedyDense) greedyRows(graph, greedy, cost, dense);
    let nnz = 0;
    for (let s = 0; s < nS && !greedyDense; s++) {
      const base = s * nA;
      if (alpha > 0) policyAt(q, prior, base, nA, alpha, TV[s]!, pi);
      let c = 0;
      const first = nnz;
      for (let a = 0; a < nA; a++) {
        const w = alpha === 0 ? (a === greedy[s] ? 1 : 0) : pi[a]!;
        if (w === 0) continue;
        // r − α log(π/p) = r − (Q − T V) at α > 0; r at α = 0 (π one-hot).
        c += w * (alpha === 0 ? reward[base + a]! : reward[base + a]! - (q[base + a]! - TV[s]!));
        for (let k = rowStart[base + a]!; k < rowStart[base + a + 1]!; k++) {
          const j = successor[k]!;
          const p = w * prob[k]!;
          const there = at[j]!;
          if (there >= first) weight[there] = weight[there]! + p;
          else {
            at[j] = nnz;
            next[nnz] = j;
            weight[nnz++] = p;
          }
        }
      }
      for (let k = first; k < nnz; k++) at[next[k]!] = -1;
      cost[s] = c;
      start[s + 1] = nnz;
    }
    // Evaluation from T V (closer to V^π than V is) into V; T V is its scratch, and rewritten by the
    // next backup. Far from the fixed point π is still changing, so V^π is needed only roughly
    // (modified policy iteration): to 10⁻³ of the current residual with sparse rows, where a sweep
    // plus Anderson's m·nS work is not much cheaper than a backup; to 10⁻⁹ with a dense P_π, whose
    // sweeps are cheap beside a backup (Jack's car rental: 4 backups instead of 6, 20 % less time);
    // to tolerance/4 at the end either way.
    const sweep = dense !== undefined ? denseSweep(greedyDense ? dense : densify(start, next, weight, dense), nS) : sparseSweep(start, next, weight);
    evaluate(sweep, cost, gamma, TV, V, Math.max(evaluationTolerance, (dense !== undefined ? 1e-9 : 1e-3) * residual), options.maxIterations);
    if (progress && round % 10 === 0) progress(Math.min(1, options.tolerance / residual), `policy iteration ${round}: residual ${residual.toExponential(2)}`);
  }
  throw new CaiError([
    {
      code: 'not-converged',
      part: 'exact()',
      message: `exact(): policy iteration did not converge in ${options.maxIterations} rounds (residual ${residual.toExponential(3)}, tolerance ${options.tolerance}); raise maxIterations or tolerance, or use solver: 'value-iteration'`,
    },
  ]);
}

/**
 * The full backup at α = 0, T V(s) = max over allowed a of Q(s,a), Q(s,a) = r(s,a) + γ Σ p(s'|s,a) V(s'),
 * into `TV`, with Q into `q` (nS × nA) and the first maximising allowed action into `greedy`. The
 * expectation is taken relative to the row's first successor, c + Σ_k p_k (V(s'_k) − c), as in
 * backup.ts (bit for bit value iteration's T V, except on rows of consecutive successors, summed in
 * four parts); a −Infinity reward or successor gives −Infinity.
 */
function greedyBackup(graph: FactorGraph<unknown, unknown>, V: Float64Array, TV: Float64Array, q: Float64Array, greedy: Int32Array, runs: Uint8Array): void {
  const { nS, nA, gamma, prior, reward } = graph;
  const { rowStart, next: successor, prob } = graph.dynamics;
  for (let s = 0; s < nS; s++) {
    const base = s * nA;
    let m = -Infinity;
    let top = -1;
    for (let a = 0; a < nA; a++) {
      const row = base + a;
      const r = reward[row]!;
      let value = -Infinity;
      if (r !== -Infinity) {
        const start = rowStart[row]!;
        const end = rowStart[row + 1]!;
        const first = successor[start]!;
        const c = V[first]!;
        if (c !== -Infinity) {
          let deviation = 0;
          if (runs[row] === 1) {
            // Successors first, first + 1, …: no index per entry, and four partial sums (an add's
            // latency, not the loads, bounds one running sum). Grouped differently from value
            // iteration's sum, so T V differs from its in the last bits.
            const shift = first - start;
            let d1 = 0;
            let d2 = 0;
            let d3 = 0;
            let k = start;
            for (; k + 3 < end; k += 4) {
              deviation += prob[k]! * (V[k + shift]! - c);
              d1 += prob[k + 1]! * (V[k + 1 + shift]! - c);
              d2 += prob[k + 2]! * (V[k + 2 + shift]! - c);
              d3 += prob[k + 3]! * (V[k + 3 + shift]! - c);
            }
            for (; k < end; k++) deviation += prob[k]! * (V[k + shift]! - c);
            deviation = deviation + d1 + (d2 + d3);
          } else for (let k = start; k < end; k++) deviation += prob[k]! * (V[successor[k]!]! - c);
          const b = c + deviation;
          if (b !== -Infinity) value = r + gamma * b;
        }
      }
      q[row] = value;
      if (prior[row]! > 0 && value > m) {
        m = value;
        top = a;
      }
    }
    TV[s] = m;
    greedy[s] = top;
  }
}

/** Per (s, a) row: 1 when its successors are consecutive state indices in order (a dense row of a block), else 0. */
function successorRuns(graph: FactorGraph<unknown, unknown>): Uint8Array {
  const { rowStart, next: successor } = graph.dynamics;
  const rows = rowStart.length - 1;
  const runs = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    const start = rowStart[row]!;
    const end = rowStart[row + 1]!;
    let ok = end > start;
    for (let k = start + 1; k < end && ok; k++) ok = successor[k] === successor[k - 1]! + 1;
    runs[row] = ok ? 1 : 0;
  }
  return runs;
}

/**
 * π(·|s) into `out` from Q(s,·) = q[base …] and T V(s) = v at α > 0: p(a|s) e^{(Q − v)/α} (these
 * sum to 1 by the definition of v; at α = 0 the greedy action comes from `greedyBackup`).
 */
function policyAt(q: Float64Array, prior: Float64Array, base: number, nA: number, alpha: number, v: number, out: Float64Array): void {
  let total = 0;
  for (let a = 0; a < nA; a++) {
    const p = prior[base + a]!;
    const w = p > 0 && q[base + a]! > -Infinity ? p * Math.exp((q[base + a]! - v) / alpha) : 0;
    out[a] = w;
    total += w;
  }
  // Σ = 1 up to rounding; divided so that c_π and P_π weigh a distribution.
  for (let a = 0; a < nA; a++) out[a] = out[a]! / total;
}

/** States up to which P_π may be held dense (2 048² doubles = 32 MB). */
const DENSE_STATES = 2048;

/** x ↦ (P x)(s) for one row s. */
type RowProduct = (x: Float64Array, s: number) => number;

/** P_π x by CSR rows. */
function sparseSweep(start: Int32Array, next: Int32Array, weight: Float64Array): RowProduct {
  return (x, s) => {
    let e = 0;
    for (let k = start[s]!; k < start[s + 1]!; k++) e += weight[k]! * x[next[k]!]!;
    return e;
  };
}

/** P_π copied from its merged rows into `dense` (nS × nS). */
function densify(start: Int32Array, next: Int32Array, weight: Float64Array, dense: Float64Array): Float64Array {
  const nS = start.length - 1;
  dense.fill(0);
  for (let s = 0; s < nS; s++) for (let k = start[s]!; k < start[s + 1]!; k++) dense[s * nS + next[k]!] = weight[k]!;
  return dense;
}

/**
 * At α = 0: P_π(s, ·) = p(· | s, π(s)) into `dense` (a successor listed twice adds up, as the merge
 * would) and c_π(s) = r(s, π(s)) into `cost`.
 */
function greedyRows(graph: FactorGraph<unknown, unknown>, greedy: Int32Array, cost: Float64Array, dense: Float64Array): void {
  const { nS, nA, reward } = graph;
  const { rowStart, next: successor, prob } = graph.dynamics;
  dense.fill(0);
  for (let s = 0; s < nS; s++) {
    const row = s * nA + greedy[s]!;
    cost[s] = reward[row]!;
    const base = s * nS;
    for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) dense[base + successor[k]!] = dense[base + successor[k]!]! + prob[k]!;
  }
}

/** P_π x by dense rows, four partial sums per row. */
function denseSweep(dense: Float64Array, nS: number): RowProduct {
  return (x, s) => {
    const base = s * nS;
    let e0 = 0;
    let e1 = 0;
    let e2 = 0;
    let e3 = 0;
    let j = 0;
    for (; j + 3 < nS; j += 4) {
      e0 += dense[base + j]! * x[j]!;
      e1 += dense[base + j + 1]! * x[j + 1]!;
      e2 += dense[base + j + 2]! * x[j + 2]!;
      e3 += dense[base + j + 3]! * x[j + 3]!;
    }
    for (; j < nS; j++) e0 += dense[base + j]! * x[j]!;
    return e0 + e1 + (e2 + e3);
  };
}

/**
 * V = c + γ P V (P x row by row from `row`) from `x0` into `out` by Anderson-accelerated
 * sweeps, until ‖x − (c + γ P x)‖∞ < tolerance; `out` then holds c + γ P x. `x0` is overwritten.
 */
function evaluate(row: RowProduct, cost: Float64Array, gamma: number, x0: Float64Array, out: Float64Array, tolerance: number, maxSweeps: number): void {
  const nS = cost.length;
  const x = x0;
  const accelerate = new Anderson(nS);
  for (let sweep = 1; sweep <= maxSweeps; sweep++) {
    let residual = 0;
    for (let s = 0; s < nS; s++) {
      const g = cost[s]! + gamma * row(x, s);
      out[s] = g;
      residual = Math.max(residual, Math.abs(g - x[s]!));
    }
    if (residual < tolerance) return;
    accelerate.next(x, out, residual, x);
  }
  throw new CaiError([
    {
      code: 'not-converged',
      part: 'exact()',
      message: `exact(): a policy evaluation of policy iteration did not converge in ${maxSweeps} sweeps (tolerance ${tolerance}); raise maxIterations or tolerance, or use solver: 'value-iteration'`,
    },
  ]);
}

/**
 * `exact({ backup: 'fixed-dynamics', solver: policyIteration() })`: (soft) modified policy
 * iteration for the discounted infinite horizon, with value iteration's stopping rule. The
 * solver is a value handed to `exact()`, not a name, so that a page that does not use it
 * does not bundle it (as the belief and soft-LQR kernels come with their parts).
 * @example infer(jack, exact({ backup: 'fixed-dynamics', solver: policyIteration() }))
 */
export function policyIteration(): InfiniteSolver {
  return POLICY_ITERATION;
}

const POLICY_ITERATION: InfiniteSolver = Object.freeze({
  kind: 'solver' as const,
  name: 'policy-iteration' as const,
  applies: policyIterationApplies,
  solve: solvePolicyIteration,
});
