/** `cai plot`: one picture of a posterior as an SVG document. */
import { isGaussianPolicyPosterior } from '../engines/variational/gaussian-posterior.js';
import type { EngineInput } from '../types/engine.js';
import type { Posterior } from '../types/posterior.js';
import { marginalsSvg } from '../viz/svg/marginals.js';
import { trajectoriesSvg } from '../viz/svg/trajectories.js';
import { valueHeatmapSvg } from '../viz/svg/values.js';
import { cellSizeFor } from '../viz/svg/grid.js';
import { UsageError } from './io.js';
import { attempt } from '../report/summary.js';
import { layoutProblem } from '../viz/text.js';
import { isCaiError } from '../report/cai-error.js';

/** What a user can do from the shell about a grid picture with no layout. */
export const LAYOUT_ADVICE = 'give one with --layout grid:8x4 (states row by row), --var x,y (two fields of the state record), or add `layout` to the state in your model file';

export interface PlotFlags {
  readonly kind: 'values' | 'trajectories' | 'marginals';
  readonly time?: number;
  readonly samples?: number;
  readonly seed?: number;
  readonly title?: string;
}

export async function plot(post: Posterior<unknown, unknown, EngineInput>, flags: PlotFlags): Promise<string> {
  // A Gaussian policy of a continuous action has no tables, grids or marginals to draw.
  if (isGaussianPolicyPosterior(post)) throw new UsageError(`plot: ${post.engine}() fitted a Gaussian policy of a continuous action, which has no tables, grids or marginals; cai report draws its learning curves and trajectories`);
  const g = post.graph;
  // Soft LQR / LQG (exact() on linearGaussian(...)): a closed form over a continuous state, with nothing tabular to draw.
  if ((g as { kind: string }).kind === 'linear-gaussian') throw new UsageError(`plot: exact() solved a linear-Gaussian model (soft LQR/LQG) in closed form; its state and action are continuous, so there are no tables, grids or marginals to draw. Fit --engine variational or --engine softActorCritic and run cai report for its curves and trajectories, or read post.policy(t, x) and post.V(t) in code`);
  const title = flags.title !== undefined ? { title: flags.title } : {};
  const cellSize = g.kind === 'factor-graph' && g.layout !== undefined ? cellSizeFor(g.layout.width) : 36;
  if (flags.kind === 'marginals') return marginalsSvg(post, title);
  if (g.kind !== 'factor-graph') throw new UsageError(`plot --kind ${flags.kind}: the model has no tables (${g.reason}); only --kind marginals is drawn for it`);
  // Advice a shell user can follow (the library's own message names a JavaScript option).
  if (g.layout === undefined) throw new UsageError(`plot --kind ${flags.kind}: the model's states have no grid layout; ${LAYOUT_ADVICE}. --kind marginals draws any model`);
  const problem = layoutProblem(g);
  if (problem !== undefined) throw new UsageError(`plot --kind ${flags.kind}: ${problem}. Fix the layout in your model file, or draw with --layout grid:8x4 (states row by row) or --var x,y (two fields of the state record)`);
  if (flags.kind === 'trajectories') {
    const n = flags.samples ?? 12;
    return trajectoriesSvg(g, post.sample(n, { seed: flags.seed ?? 0, ...(Number.isFinite(post.horizon) ? {} : { steps: 30 }) }), { ...title, cellSize });
  }
  const t = flags.time ?? 0;
  const pi = attempt(() => post.policyTable(t));
  const values = post.V(t);
  try {
    return await valueHeatmapSvg(g, values, { ...title, cellSize, legend: `V_${t}`, ...('value' in pi ? { policy: pi.value } : {}) });
  } catch (error) {
    // Actions whose names say no direction (an order size, a price): the values alone, as the report draws them.
    if (isCaiError(error) && error.part === 'valueHeatmapSvg' && error.action !== undefined) return valueHeatmapSvg(g, values, { ...title, cellSize, legend: `V_${t}` });
    throw error;
  }
}
