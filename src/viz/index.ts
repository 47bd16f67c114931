/** Pictures of models and posteriors; the text grids print nothing themselves. */
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
