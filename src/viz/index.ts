/**
 * `control-as-inference/viz`: every picture. SVG charts are drawn with
 * Vega-Lite (loaded on first use), the factor graph is laid out by Graphviz
 * compiled to WebAssembly, and `reportHtml` puts them on one self-contained
 * page. They live behind this subpath so that a page that only infers does not
 * carry them (a page that runs exact inference bundles to about 100 KB; these
 * add about 1.6 MB).
 * The text pictures are here too, and in the root entry.
 *
 * @module control-as-inference/viz
 */
// The text pictures (no dependencies; the root entry has them too).
export { valueGrid, policyGrid, trajectoryGrid, table, sideBySide, formatNumber, INFEASIBLE, EMPTY } from './text.js';
export type {
  GridSource,
  PolicySource,
  GridOptions,
  ValueGridOptions,
  PolicyGridOptions,
  ArrowMap,
  Path,
  TrajectoryGridOptions,
  TableOptions,
  SideBySideOptions,
} from './text.js';
export { textPlot, type PlotSeries, type TextPlotOptions } from './text-plot.js';
export { valueHeatmapSvg, trajectoriesSvg, marginalsSvg, curvesSvg } from './svg/index.js';
export type { ValueHeatmapOptions, SvgPolicySource, TrajectoriesSvgOptions, MarginalsSource, MarginalsSvgOptions, Series, CurvesSvgOptions, SvgGridSource, Heading, HeadingMap } from './svg/index.js';
// Issue 18: where the agent goes, an animated rollout, marginals as grids, policy tables, particles, learned values, beliefs.
export { visitationSvg, expectedVisits, type VisitationSource, type VisitationSvgOptions } from './svg/visitation.js';
export { rolloutSvg, type RolloutSvgOptions } from './svg/rollout.js';
export { marginalGridsSvg, type MarginalGridsSource, type MarginalGridsSvgOptions } from './svg/marginal-grids.js';
export { policyTableSvg, type PolicyTableSource, type PolicyTableSvgOptions } from './svg/policy-table.js';
export { particleFanSvg, particleDiagnosticsSvg, weightedQuantile, type ParticleFanSvgOptions } from './svg/particles.js';
export { learnedValuesSvg, type LearnedValuesSvgOptions } from './svg/learned-values.js';
export { beliefSvg, beliefPolicySvg, type BeliefSvgOptions, type BeliefPolicySvgOptions } from './svg/belief.js';
export { stateNamer, type StateName } from './svg/labels.js';
export { factorGraphDot, factorGraphSvg, layoutDot } from './graph.js';
export type { FactorGraphDrawOptions } from './graph.js';
export { reportHtml } from '../report/index.js';
export type { ReportOptions } from '../report/index.js';
export { irlReportHtml, thetaSummary, type IrlReportOptions, type ThetaRow, type ThetaSummary } from '../report/irl.js';
