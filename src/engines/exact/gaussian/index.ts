/**
 * The exact engine's kernel for linear-Gaussian models with a continuous
 * action (soft LQR): the backward soft Riccati pass of either backup, then
 * the Gaussian posterior built on it. `exact()` dispatches here when the
 * compiled model is a `LinearGaussianGraph`.
 */
import type { LinearGaussianGraph } from '../../../types/gaussian.js';
import { backwardPass, stationaryPass, type GaussianBackup } from './backup.js';
import { buildGaussianPosterior, type GaussianPosterior } from './posterior.js';

export function runGaussian(graph: LinearGaussianGraph, backup: GaussianBackup): GaussianPosterior {
  // A finite horizon runs the recursion t = T−1 … 0; the discounted infinite horizon its fixed point.
  const pass = Number.isFinite(graph.horizon) ? backwardPass(graph, backup) : stationaryPass(graph, backup);
  return buildGaussianPosterior(graph, backup, pass);
}

export { gaussianPosterior, isGaussianPosterior } from './posterior-guard.js';
export type { GaussianPosterior, GaussianMoments, GaussianTrajectory, GaussianEvaluation, LinearGaussianPolicy, QuadraticFunction, QuadraticActionValue } from './posterior.js';
