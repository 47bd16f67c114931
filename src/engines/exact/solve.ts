/**
 * Solving the backward recursion: every V_t of a finite horizon (S·(T+1)
 * numbers, the only per-step storage), or the fixed point of the discounted
 * infinite horizon by soft value iteration.
 */
import { CaiError } from '../../errors.js';
import type { FactorGraph } from '../../types/factor-graph.js';
import type { Convergence } from '../../types/posterior.js';
import { backwardStep, workspace, type BackupKind } from './backup.js';
import { Anderson } from './anderson.js';
import { scaledBackwardPass, scaledLayout, ValueRows } from './scaled.js';

/** V_t for t = 0 … T (row T is r_T, or zeros without a terminal factor), read with `rows.row(t)`. */
export interface FiniteSolution {
  readonly kind: 'finite';
  readonly rows: ValueRows;
  /** True when the scaled pass ran, so that `rows` may hold its totals (the forward pass, forward.ts, reads them). */
  readonly scaled?: boolean;
}

/** The stationary V of the discounted infinite horizon. */
export interface InfiniteSolution {
  readonly kind: 'infinite';
  readonly values: Float64Array;
  readonly convergence: Convergence;
}

/** Bytes beyond which the S·T value table is refused before allocation. */
const MAX_VALUE_BYTES = 2 ** 31;

/** Whether the scaled linear-space pass applies (see scaled.ts). */
export function scaledApplies(graph: FactorGraph<unknown, unknown>, kind: BackupKind): boolean {
  return kind === 'posterior' && graph.alpha > 0 && graph.gamma === 1 && !graph.rewardTimeVarying && !largeTemperature(graph);
}

/**
 * α ≫ every |r|: the scaled pass's α·log(total) with total ≈ 1 would lose
 * α·ε, which reaches the soft value (relative error 1e-7 at α = 1e10, all of
 * it at 1e16). The general path's log1p/expm1 forms (backup.ts, NEAR) keep it.
 * Above 100·max|r| the scaled pass could lose more than ~1e-13 relative.
 */
function largeTemperature(graph: FactorGraph<unknown, unknown>): boolean {
  return graph.alpha > 100 * Math.max(largestFinite(graph.reward), graph.terminal ? largestFinite(graph.terminal) : 0);
}

/** max |x| over the finite entries (0 if none); an indexed loop, not an iterator (S·A entries per run). */
function largestFinite(x: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < x.length; i++) {
    const r = x[i]!;
    if (r !== -Infinity && Math.abs(r) > largest) largest = Math.abs(r);
  }
  return largest;
}

/**
 * Backward pass over a finite horizon:
 *   V_T = r_T (terminal factor) ; V_t = softmax_a [r_t + γ·backup(V_{t+1})].
 */
export function solveFinite(
  graph: FactorGraph<unknown, unknown>,
  kind: BackupKind,
  progress?: (fraction: number, message: string) => void,
): FiniteSolution {
  const { nS, horizon: T } = graph;
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
  if (scaledApplies(graph, kind)) {
    const layout = scaledLayout(graph);
    const rows = new ValueRows(nS, T + 1, graph.alpha, layout.shift);
    if (!graph.terminal) rows.writableValues(T).fill(0);
    scaledBackwardPass(graph, rows, layout, progress);
    return { kind: 'finite', rows, scaled: true };
  }
  const ws = workspace(graph);
  const rows = new ValueRows(nS, T + 1, graph.alpha);
  const last = rows.writableValues(T);
  if (graph.terminal) last.set(graph.terminal);
  const every = Math.max(1, Math.floor(T / 100));
  for (let t = T - 1; t >= 0; t--) {
    const next = t === T - 1 && !graph.terminal ? undefined : rows.row(t + 1);
    backwardStep(graph, kind, graph.rewardAt(t), next, rows.writableValues(t), ws);
    if (progress && (T - t) % every === 0) progress((T - t) / T, `backward pass t=${t}`);
  }
  return { kind: 'finite', rows };
}

/** Options of the infinite-horizon solve. */
export interface IterationOptions {
  readonly tolerance: number;
  readonly maxIterations: number;
}

/**
 * Soft value iteration until ‖x − T x‖∞ < tolerance, returning T x (a
 * γ-contraction, so the distance to the fixed point is then below
 * tolerance·γ/(1 − γ)). The iterates are Anderson-accelerated (anderson.ts):
 * the next x is a combination of the last few T x rather than T x alone, which
 * at γ = 0.99 cuts the backups from thousands to tens; the stopping rule, its
 * units and `convergence.iterations` (backups applied) are unchanged.
 */
export function solveInfinite(
  graph: FactorGraph<unknown, unknown>,
  kind: BackupKind,
  options: IterationOptions,
  progress?: (fraction: number, message: string) => void,
): InfiniteSolution {
  const current = new Float64Array(graph.nS);
  const next = new Float64Array(graph.nS);
  const ws = workspace(graph);
  const accelerate = new Anderson(graph.nS);
  let residual = Infinity;
  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    backwardStep(graph, kind, graph.reward, current, next, ws);
    residual = 0;
    for (let s = 0; s < graph.nS; s++) {
      // Equal values (including two −Infinity) differ by 0, not NaN.
      const d = next[s] === current[s] ? 0 : Math.abs(next[s]! - current[s]!);
      if (d > residual) residual = d;
    }
    if (residual < options.tolerance) {
      return { kind: 'infinite', values: next, convergence: { iterations: iteration, residual, tolerance: options.tolerance } };
    }
    accelerate.next(current, next, residual, current);
    if (progress && iteration % 100 === 0) progress(Math.min(1, options.tolerance / residual), `value iteration ${iteration}: residual ${residual.toExponential(2)}`);
  }
  throw new CaiError([
    {
      code: 'not-converged',
      part: 'exact()',
      message: `exact(): soft value iteration did not converge in ${options.maxIterations} iterations (residual ${residual.toExponential(3)}, tolerance ${options.tolerance}); raise maxIterations or tolerance, or lower γ`,
    },
  ]);
}

/**
 * A solver of the discounted fixed-dynamics fixed point other than value iteration, handed to
 * `exact({ solver })` as a value (`policyIteration()`): `applies(graph)` says whether it can
 * solve this graph (value iteration runs where it cannot), `solve` has value iteration's
 * stopping rule (‖V − TV‖∞ < tolerance, TV returned).
 */
export interface InfiniteSolver {
  readonly kind: 'solver';
  readonly name: 'policy-iteration';
  applies(graph: FactorGraph<unknown, unknown>): boolean;
  solve(graph: FactorGraph<unknown, unknown>, options: IterationOptions, progress?: (fraction: number, message: string) => void): InfiniteSolution;
}
