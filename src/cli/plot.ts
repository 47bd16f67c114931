/** `cai plot`: one picture of a posterior as an SVG document. */
import type { EngineInput } from '../types/engine.js';
import type { Posterior } from '../types/posterior.js';
import { marginalsSvg } from '../viz/svg/marginals.js';
import { trajectoriesSvg } from '../viz/svg/trajectories.js';
import { valueHeatmapSvg } from '../viz/svg/values.js';
import { cellSizeFor } from '../viz/svg/grid.js';
import { UsageError } from './io.js';
import { attempt } from '../report/summary.js';

export interface PlotFlags {
  readonly kind: 'values' | 'trajectories' | 'marginals';
  readonly time?: number;
  readonly samples?: number;
  readonly seed?: number;
  readonly title?: string;
}

export async function plot(post: Posterior<unknown, unknown, EngineInput>, flags: PlotFlags): Promise<string> {
  const g = post.graph;
  const title = flags.title !== undefined ? { title: flags.title } : {};
  const cellSize = g.kind === 'factor-graph' && g.layout !== undefined ? cellSizeFor(g.layout.width) : 36;
  if (flags.kind === 'marginals') return marginalsSvg(post, title);
  if (g.kind !== 'factor-graph') throw new UsageError(`plot --kind ${flags.kind}: the model has no tables (${g.reason}); only --kind marginals is drawn for it`);
  if (flags.kind === 'trajectories') {
    const n = flags.samples ?? 12;
    return trajectoriesSvg(g, post.sample(n, { seed: flags.seed ?? 0, ...(Number.isFinite(post.horizon) ? {} : { steps: 30 }) }), { ...title, cellSize });
  }
  const t = flags.time ?? 0;
  const pi = attempt(() => post.policyTable(t));
  return valueHeatmapSvg(g, post.V(t), { ...title, cellSize, legend: `V_${t}`, ...('value' in pi ? { policy: pi.value } : {}) });
}
