/**
 * Pictures as SVG strings (Vega-Lite rendered headlessly in Node): value
 * heatmaps with policy arrows, trajectories over a grid, state marginals over
 * time, and curves such as the ELBO. Every function is async (Vega renders
 * asynchronously) and returns a standalone `<svg>` document.
 */
export { valueHeatmapSvg } from './values.js';
export type { ValueHeatmapOptions, SvgPolicySource } from './values.js';
export { trajectoriesSvg } from './trajectories.js';
export type { TrajectoriesSvgOptions } from './trajectories.js';
export { marginalsSvg } from './marginals.js';
export type { MarginalsSource, MarginalsSvgOptions } from './marginals.js';
export { curvesSvg } from './curves.js';
export type { Series, CurvesSvgOptions } from './curves.js';
export type { SvgGridSource, Heading, HeadingMap } from './grid.js';
