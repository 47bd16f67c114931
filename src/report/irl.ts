/**
 * Reporting an inverse-RL fit: the weights θ by name with their Laplace
 * intervals (θ̂_k ± z·√Σ_kk, Σ = (−∇²J)⁻¹, irl/laplace.ts), and the learned
 * reward as a map over states, r̄_θ(s) = Σ_a p(a|s) θ·φ(s, a) (= θ·φ(s) for
 * state features), beside the true reward when the caller has one.
 * `cai irl` prints the first; `irlReportHtml` (and `cai irl --out`) draws both.
 */
import { show } from '../errors.js';
import { isCaiError } from './cai-error.js';
import type { RewardEstimate } from '../irl/index.js';
import type { EngineInput } from '../types/engine.js';
import type { FactorGraph } from '../types/factor-graph.js';
import { cellSizeFor } from '../viz/svg/grid.js';
import { valueHeatmapSvg } from '../viz/svg/values.js';
import { reportHtml, type ReportTable } from './index.js';
import { refusePicture } from '../viz/picture-input.js';

/** Above this many weights the intervals (2K likelihood evaluations) are left out unless asked for. */
export const INTERVAL_LIMIT = 200;

/** One weight: its name, value, and 95 % Laplace interval when there is one. */
export interface ThetaRow {
  readonly name: string;
  readonly theta: number;
  readonly standardError?: number;
  readonly interval?: readonly [number, number];
  /** ±1 when the weight's maximum-likelihood value is ±∞ (then there is no interval). */
  readonly unbounded?: 1 | -1;
}

/** The rows, and why intervals are missing when they are. */
export interface ThetaSummary {
  readonly rows: readonly ThetaRow[];
  readonly intervalsMissing?: string;
}

/**
 * Names of the weights: the state (and action) of one-hot features, the caller's
 * `names` for a feature function, else θ[k].
 */
export function featureNames<S, A>(fit: RewardEstimate<S, A, EngineInput>, names?: readonly string[]): string[] {
  const K = fit.theta.length;
  if (names !== undefined && names.length === K) return [...names];
  const graph = fit.posterior.graph;
  if (graph.kind === 'factor-graph' && K === graph.nS) return graph.states.values.map((s) => show(s));
  if (graph.kind === 'factor-graph' && K === graph.nS * graph.nA) return Array.from({ length: K }, (_, k) => `${show(graph.states.values[Math.floor(k / graph.nA)])}, ${show(graph.actions.values[k % graph.nA])}`);
  return Array.from({ length: K }, (_, k) => `θ[${k}]`);
}

/** θ by name with 95 % Laplace intervals (none for unbounded weights, or when −∇²J is not positive definite). */
export function thetaSummary<S, A>(fit: RewardEstimate<S, A, EngineInput>, options: { readonly names?: readonly string[]; readonly intervals?: boolean } = {}): ThetaSummary {
  requireFit('thetaSummary', fit);
  const names = featureNames(fit, options.names);
  const K = fit.theta.length;
  const unbounded = new Map(fit.unbounded.map((u) => [u.feature, u.direction]));
  let missing: string | undefined;
  let laplace: ReturnType<typeof fit.laplace> | undefined;
  if (unbounded.size > 0) missing = 'no intervals: some weights are unbounded (their likelihood has no maximum); give l2 > 0';
  else if (options.intervals === false || (options.intervals === undefined && K > INTERVAL_LIMIT)) missing = `no intervals: ${K} weights would need ${2 * K} likelihood evaluations (the limit is ${INTERVAL_LIMIT} weights)`;
  else {
    try {
      laplace = fit.laplace();
    } catch (error) {
      if (!isCaiError(error)) throw error;
      missing = `no intervals: ${error.message}`;
    }
  }
  const rows = Array.from(fit.theta, (theta, k): ThetaRow => {
    const direction = unbounded.get(k);
    if (direction !== undefined) return { name: names[k]!, theta, unbounded: direction };
    if (laplace === undefined) return { name: names[k]!, theta };
    return { name: names[k]!, theta, standardError: laplace.standardErrors[k]!, interval: laplace.interval(k, 0.95) };
  });
  return missing === undefined ? { rows } : { rows, intervalsMissing: missing };
}

/** r̄(s) = Σ_a p(a|s) r(s, a) for every state of a tabulated graph. */
export function stateReward<S, A>(graph: FactorGraph<S, A>, reward: (s: S, a: A) => number): Float64Array {
  const { nS, nA, prior } = graph;
  return Float64Array.from({ length: nS }, (_, s) => {
    let r = 0;
    for (let a = 0; a < nA; a++) if (prior[s * nA + a]! > 0) r += prior[s * nA + a]! * reward(graph.states.values[s]!, graph.actions.values[a]!);
    return r;
  });
}

/** Options of `irlReportHtml`. */
export interface IrlReportOptions<S, A> {
  readonly title?: string;
  readonly source?: string;
  /** Names of the weights of a feature function (default θ[k]; one-hot features are named by state). */
  readonly names?: readonly string[];
  /** The true reward, drawn beside the learned one (e.g. the reward the demonstrations were made with). */
  readonly truth?: (s: S, a: A) => number;
  /** Laplace intervals: default on for at most 200 weights. */
  readonly intervals?: boolean;
}

/** Rows shown in a table of per-state rewards before it is cut. */
const STATE_ROWS = 60;

/**
 * One HTML page for an IRL fit: the fit's numbers, θ with 95 % intervals, the
 * learned reward map (a heatmap on a grid-shaped model, a table otherwise)
 * beside the true one when given, the log-likelihood trace, and the posterior
 * under the learned reward.
 * @example writeFileSync('irl.html', await irlReportHtml(fit, { truth: (s, a) => trueReward(s, a) }));
 */
export async function irlReportHtml<S, A>(fit: RewardEstimate<S, A, EngineInput>, options: IrlReportOptions<S, A> = {}): Promise<string> {
  requireFit('irlReportHtml', fit);
  const summary = thetaSummary(fit, { ...(options.names ? { names: options.names } : {}), ...(options.intervals !== undefined ? { intervals: options.intervals } : {}) });
  const tables: ReportTable[] = [
    {
      title: 'The fit',
      header: ['', ''],
      rows: [
        ['variant', fit.variant === 'causal' ? 'causal (maximum causal entropy; fixed dynamics)' : 'maxent (exact posterior)'],
        ['start states', fit.start === 'observed' ? "observed (each demonstration's first state is given)" : 'posterior (the start is evidence too)'],
        ['log-likelihood', `${fit.logLikelihood.toFixed(4)}${fit.exact ? '' : ' (an estimate)'}`],
        ['iterations', `${fit.iterations} (${fit.converged ? 'converged' : fit.unbounded.length > 0 ? 'not converged: unbounded weights' : `stopped: ${fit.stop}`})`],
        ...fit.notes.map((n) => ['note', n]),
      ],
    },
    {
      title: 'Weights θ (95 % Laplace intervals)',
      ...(summary.intervalsMissing ? { caption: summary.intervalsMissing } : { caption: 'θ̂_k ± 1.96·√Σ_kk with Σ = (−∇²J)⁻¹ at θ̂: the Laplace approximation of p(θ | demonstrations).' }),
      header: ['feature', 'θ', 's.e.', '95 % interval'],
      rows: summary.rows.slice(0, 200).map((r) => [r.name, r.unbounded ? `${r.theta.toFixed(3)} (→ ${r.unbounded > 0 ? '+' : '−'}∞)` : r.theta.toFixed(4), r.standardError?.toFixed(4) ?? '—', r.interval ? `[${r.interval[0].toFixed(3)}, ${r.interval[1].toFixed(3)}]` : '—']),
    },
  ];
  const figures: { title: string; caption?: string; svg: string }[] = [];
  const graph = fit.posterior.graph;
  if (graph.kind === 'factor-graph') {
    const learned = stateReward(graph, fit.reward);
    const truth = options.truth ? stateReward(graph, options.truth) : undefined;
    const caption = 'r̄(s) = Σ_a p(a|s) r(s, a). A reward is identified only as far as the demonstrations tell rewards apart (e.g. up to a constant per step), so compare shapes, not levels.';
    if (graph.layout !== undefined) {
      const cellSize = cellSizeFor(graph.layout.width);
      figures.push({ title: 'Learned reward r_θ', caption, svg: await valueHeatmapSvg(graph, learned, { legend: 'r_θ', cellSize, kinds: false }) });
      if (truth) figures.push({ title: 'True reward', caption: 'The reward given as the truth, on its own colour scale.', svg: await valueHeatmapSvg(graph, truth, { legend: 'r', cellSize }) });
    } else {
      tables.push({
        title: truth ? 'Reward by state: learned and true' : 'Learned reward by state',
        caption: graph.nS > STATE_ROWS ? `${caption} The first ${STATE_ROWS} of ${graph.nS} states.` : caption,
        header: truth ? ['state', 'learned r̄_θ(s)', 'true r̄(s)'] : ['state', 'learned r̄_θ(s)'],
        rows: Array.from({ length: Math.min(graph.nS, STATE_ROWS) }, (_, s) => [show(graph.states.values[s]), learned[s]!.toFixed(4), ...(truth ? [truth[s]!.toFixed(4)] : [])]),
      });
    }
  }
  return reportHtml(fit.posterior, {
    title: options.title ?? 'Inverse RL: the learned reward and the posterior under it',
    ...(options.source !== undefined ? { source: options.source } : {}),
    tables,
    figures,
    curves: [{ title: 'Log-likelihood of the demonstrations over the iterations', series: [{ name: 'log p(demos | θ)', values: fit.trace }], xTitle: 'iteration', yTitle: 'nats' }],
  });
}

/** An inverse-RL fit (theta and unbounded directions), or a CaiError naming what was given. */
function requireFit(fn: string, fit: unknown): void {
  const theta = typeof fit === 'object' && fit !== null ? (fit as { theta?: unknown }).theta : undefined;
  if ((theta instanceof Float64Array || Array.isArray(theta)) && Array.isArray((fit as { unbounded?: unknown }).unbounded)) return;
  refusePicture(fn, fit, 'the fit of inferReward(model, demonstrations, …) (a RewardEstimate, with theta)', 'the fitted reward weights θ', 'For a posterior of a forward problem use reportHtml(post)');
}
