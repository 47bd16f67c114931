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
  // At α = 0: the dynamics' distinct rows (Jack's car rental: 441 of 4 851, a row depending only on
  // the cars after the move), so a backup takes each expectation once and copies it to the
  // (s, a) rows that share it.
  const tables = new Tables(graph);
  const rows = alpha === 0 ? distinctRows(tables) : undefined;
  const cost = new Float64Array(nS);
  // P_π dense (nS × nS) when most of it is filled anyway (Jack's car rental: every entry):
  // a sweep is then a plain matrix–vector product, with no index per entry.
  const denseEnough = nS <= DENSE_STATES && graph.dynamics.nnz >= (nA * nS * nS) / 2;
  // At α = 0 with every distinct row a run of consecutive successors, P_π(s, ·) is a distinct row, read
  // in place (byRow): no S × S matrix, and a sweep reads each row π uses once, however many states use it.
  const byRow = denseEnough && rows !== undefined && rows.allRuns ? new RowEvaluation(tables, rows) : undefined;
  const dense = denseEnough && byRow === undefined ? new Float64Array(nS * nS) : undefined;
  // Otherwise P_π as CSR: a state's rows merged by successor, so at most min(nnz, nS²) entries
  // (Jack's car rental: 194 481, not the dynamics' 2.1 million).
  const start = new Int32Array(nS + 1);
  const capacity = byRow === undefined ? Math.min(graph.dynamics.nnz, nS * nS) : 0;
  const next = new Int32Array(capacity);
  const weight = new Float64Array(capacity);
  const at = new Int32Array(nS).fill(-1);
  const evaluationTolerance = options.tolerance / 4;
  let residual = Infinity;
  for (let round = 1; round <= options.maxIterations; round++) {
    // The full backup must leave Q(s, ·) in `q` for the improvement (backwardStep's fused
    // fixed-dynamics step keeps no S·A table): at α = 0 one fused loop that also records the
    // greedy action, else qTable then stateValues (the same bits as value iteration's step).
    if (alpha === 0) greedyBackup(tables, V, TV, q, greedy, rows!);
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
    if (byRow !== undefined) byRow.select(greedy, cost);
    let nnz = 0;
    for (let s = 0; s < nS && !greedyDense && byRow === undefined; s++) {
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
    const sweep = byRow ?? (dense !== undefined ? new DenseSweep(greedyDense ? dense : densify(start, next, weight, dense), nS) : new SparseSweep(start, next, weight));
    evaluate(sweep, cost, gamma, TV, V, Math.max(evaluationTolerance, (denseEnough ? 1e-9 : 1e-3) * residual), options.maxIterations);
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
 * four parts), once per distinct row (`rows`), and shared by the (s, a) rows equal to it; a −Infinity
 * reward or successor gives −Infinity.
 */
function greedyBackup(t: Tables, V: Float64Array, TV: Float64Array, q: Float64Array, greedy: Int32Array, rows: DistinctRows): void {
  expectations(t, V, rows);
  greedyMaximum(t, rows.slot, rows.expectation, TV, q, greedy);
}

/** E[V(s′)] of each distinct row into `rows.expectation` (two loops in two functions, so each is optimised with its own feedback). */
function expectations(t: Tables, V: Float64Array, rows: DistinctRows): void {
  const { rowStart, successor, prob } = t;
  const { list, count, runs, expectation } = rows;
  for (let i = 0; i < count; i++) {
    const row = list[i]!;
    const start = rowStart[row]!;
    const end = rowStart[row + 1]!;
    const first = successor[start]!;
    const c = V[first]!;
    if (c === -Infinity) {
      expectation[i] = -Infinity;
      continue;
    }
    let deviation = 0;
    if (runs[i] === 1) {
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
    expectation[i] = c + deviation;
  }
}

/** Q(s, a) = r + γ E[V′] from the distinct rows' expectations, T V(s) = its maximum over allowed a, and the first argmax. */
function greedyMaximum(t: Tables, slot: Int32Array, expectation: Float64Array, TV: Float64Array, q: Float64Array, greedy: Int32Array): void {
  const { nS, nA, gamma, prior, reward } = t;
  for (let s = 0; s < nS; s++) {
    const base = s * nA;
    let m = -Infinity;
    let top = -1;
    for (let a = 0; a < nA; a++) {
      const row = base + a;
      const r = reward[row]!;
      let value = -Infinity;
      if (r !== -Infinity) {
        const b = expectation[slot[row]!]!;
        if (b !== -Infinity) value = r + gamma * b;
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

/**
 * The numbers of the graph the α = 0 loops read, held by an object of one class: optimised code
 * checks the map of what it reads, and every run's `Tables` share one, where graphs' maps differ
 * with how they were compiled — a map the code has not seen discards it, and it is recompiled
 * (on Jack's bench, alternating two forms, that doubled the solve's CPU time).
 */
class Tables {
  readonly nS: number;
  readonly nA: number;
  readonly gamma: number;
  readonly prior: Float64Array;
  readonly reward: Float64Array;
  readonly rowStart: Int32Array;
  readonly successor: Int32Array;
  readonly prob: Float64Array;

  constructor(graph: FactorGraph<unknown, unknown>) {
    this.nS = graph.nS;
    this.nA = graph.nA;
    this.gamma = graph.gamma;
    this.prior = graph.prior;
    this.reward = graph.reward;
    this.rowStart = graph.dynamics.rowStart;
    this.successor = graph.dynamics.next;
    this.prob = graph.dynamics.prob;
  }
}

/**
 * The distinct rows of the dynamics (same successors and probabilities, bit for bit): `list` the
 * first row of each, `slot[row]` the index in `list` of the one equal to `row`, `runs[i]` 1 when
 * list[i]'s successors are consecutive state indices in order, `expectation` a number per distinct
 * row for the backup. An empty row is never shared (its expectation reads past it, as before).
 */
interface DistinctRows {
  readonly list: Int32Array;
  readonly count: number;
  readonly slot: Int32Array;
  readonly runs: Uint8Array;
  /** Whether every distinct row is a non-empty run. */
  readonly allRuns: boolean;
  readonly expectation: Float64Array;
}

/**
 * Rows grouped by a key of their length, first successor and first and last probabilities, then
 * compared entry by entry within a group (one pass over the dynamics, as one backup).
 */
function distinctRows(t: Tables): DistinctRows {
  const { rowStart, successor, prob } = t;
  const nRows = rowStart.length - 1;
  const list = new Int32Array(nRows);
  const slot = new Int32Array(nRows);
  const runs = new Uint8Array(nRows);
  /** Per distinct row, the next distinct row with the same key (−1: none); groups by key. */
  const chain = new Int32Array(nRows).fill(-1);
  const groups = new Map<number, number>();
  let count = 0;
  let allRuns = true;
  for (let row = 0; row < nRows; row++) {
    const start = rowStart[row]!;
    const end = rowStart[row + 1]!;
    const n = end - start;
    let run = n > 0;
    for (let k = start + 1; k < end && run; k++) run = successor[k] === successor[k - 1]! + 1;
    let found = -1;
    const key = n === 0 ? -1 - row : n + 4096 * successor[start]! + prob[start]! + 0.5 * prob[end - 1]!;
    for (let i = groups.get(key) ?? -1; i >= 0 && found < 0; i = chain[i]!) {
      const other = rowStart[list[i]!]!;
      if (rowStart[list[i]! + 1]! - other !== n || successor[other] !== successor[start]) continue;
      let k = 0;
      // Two runs of one length from one first successor have the same successors: compare probabilities only.
      if (run && runs[i] === 1) while (k < n && prob[start + k] === prob[other + k]) k++;
      else while (k < n && successor[start + k] === successor[other + k] && prob[start + k] === prob[other + k]) k++;
      if (k === n) found = i;
    }
    if (found >= 0) {
      slot[row] = found;
      continue;
    }
    list[count] = row;
    runs[count] = run ? 1 : 0;
    allRuns &&= run;
    chain[count] = groups.get(key) ?? -1;
    groups.set(key, count);
    slot[row] = count++;
  }
  return { list, count, slot, runs, allRuns, expectation: new Float64Array(count) };
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

/**
 * P_π x, row by row: `prepare(x)` once per sweep, then `row(x, s)` = (P_π x)(s) for each s. Classes
 * rather than closures: optimised code that called one run's closure would be thrown away with it
 * (V8 holds such a target weakly), and recompiled in the next run.
 */
interface Sweep {
  prepare(x: Float64Array): void;
  row(x: Float64Array, s: number): number;
}

/** P_π x by CSR rows. */
class SparseSweep implements Sweep {
  constructor(
    private readonly start: Int32Array,
    private readonly next: Int32Array,
    private readonly weight: Float64Array,
  ) {}

  prepare(): void {}

  row(x: Float64Array, s: number): number {
    const { start, next, weight } = this;
    let e = 0;
    for (let k = start[s]!; k < start[s + 1]!; k++) e += weight[k]! * x[next[k]!]!;
    return e;
  }
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
class DenseSweep implements Sweep {
  constructor(
    private readonly dense: Float64Array,
    private readonly nS: number,
  ) {}

  prepare(): void {}

  row(x: Float64Array, s: number): number {
    const { dense, nS } = this;
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
  }
}

/**
 * P_π at α = 0 when every distinct dynamics row is a run of consecutive successors: P_π(s, ·) is the
 * distinct row of (s, π(s)). `prepare(x)` takes (P x) once per distinct row π uses (Jack's car rental:
 * ≈ 280 of 441 at the optimum) and `row(x, s)` reads it. Each is summed as `DenseSweep` sums the
 * same row of a dense P_π — partial sum j mod 4 for j below 4⌊nS/4⌋, the rest into the first — so
 * the result is the dense path's bit for bit (the dense row's zeros add ±0, which changes no sum).
 */
class RowEvaluation implements Sweep {
  /** Per state, the index (in `rows.list`) of the row π reads; the distinct rows π reads, and (P x) per distinct row. */
  private readonly of: Int32Array;
  private readonly used: Int32Array;
  private usedCount = 0;
  private readonly mark: Uint8Array;
  private readonly value: Float64Array;

  constructor(
    private readonly t: Tables,
    private readonly rows: DistinctRows,
  ) {
    this.of = new Int32Array(t.nS);
    this.used = new Int32Array(rows.count);
    this.mark = new Uint8Array(rows.count);
    this.value = new Float64Array(rows.count);
  }

  /** π(s) = greedy[s]: the distinct row each state reads, and c_π(s) = r(s, π(s)) into `cost`. */
  select(greedy: Int32Array, cost: Float64Array): void {
    const { nS, nA, reward } = this.t;
    const { slot } = this.rows;
    this.mark.fill(0);
    this.usedCount = 0;
    for (let s = 0; s < nS; s++) {
      const row = s * nA + greedy[s]!;
      const i = slot[row]!;
      this.of[s] = i;
      cost[s] = reward[row]!;
      if (this.mark[i] === 0) {
        this.mark[i] = 1;
        this.used[this.usedCount++] = i;
      }
    }
  }

  /** (P x) of every distinct row π reads. */
  prepare(x: Float64Array): void {
    const { rowStart, successor: next, prob } = this.t;
    const { list } = this.rows;
    const aligned = x.length - (x.length % 4);
    for (let u = 0; u < this.usedCount; u++) {
      const i = this.used[u]!;
      this.value[i] = runLikeDense(prob, rowStart[list[i]!]!, rowStart[list[i]! + 1]!, next, x, aligned);
    }
  }

  row(_x: Float64Array, s: number): number {
    return this.value[this.of[s]!]!;
  }
}

/**
 * Σ_k prob[k] x[j_k] over a run of successors j_k = next[start] + (k − start), k ∈ [start, end),
 * added as `DenseSweep` adds a dense row: into partial sum j mod 4 for j < `aligned`, into the
 * first beyond, then e0 + e1 + (e2 + e3).
 */
function runLikeDense(prob: Float64Array, start: number, end: number, next: Int32Array, x: Float64Array, aligned: number): number {
  let e0 = 0;
  let e1 = 0;
  let e2 = 0;
  let e3 = 0;
  let j = next[start]!;
  const shift = j - start;
  const stop = Math.min(end + shift, aligned);
  let k = start;
  // Up to the first j ≡ 0 (mod 4), then whole groups of four, then what is left below `aligned`.
  for (; j < stop && (j & 3) !== 0; j++, k++) {
    const t = prob[k]! * x[j]!;
    if ((j & 3) === 1) e1 += t;
    else if ((j & 3) === 2) e2 += t;
    else e3 += t;
  }
  for (; j + 3 < stop; j += 4, k += 4) {
    e0 += prob[k]! * x[j]!;
    e1 += prob[k + 1]! * x[j + 1]!;
    e2 += prob[k + 2]! * x[j + 2]!;
    e3 += prob[k + 3]! * x[j + 3]!;
  }
  for (; j < stop; j++, k++) {
    const t = prob[k]! * x[j]!;
    if ((j & 3) === 0) e0 += t;
    else if ((j & 3) === 1) e1 += t;
    else e2 += t;
  }
  for (; k < end; j++, k++) e0 += prob[k]! * x[j]!;
  return e0 + e1 + (e2 + e3);
}

/**
 * V = c + γ P V (P x row by row from `sweep`) from `x0` into `out` by Anderson-accelerated
 * sweeps, until ‖x − (c + γ P x)‖∞ < tolerance; `out` then holds c + γ P x. `x0` is overwritten.
 */
function evaluate(sweep: Sweep, cost: Float64Array, gamma: number, x0: Float64Array, out: Float64Array, tolerance: number, maxSweeps: number): void {
  const nS = cost.length;
  const x = x0;
  const accelerate = new Anderson(nS);
  for (let k = 1; k <= maxSweeps; k++) {
    sweep.prepare(x);
    let residual = 0;
    for (let s = 0; s < nS; s++) {
      const g = cost[s]! + gamma * sweep.row(x, s);
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
