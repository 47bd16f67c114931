/**
 * The exact engine's kernel for linear-Gaussian models with a continuous
 * action (soft LQR): the backward soft Riccati pass of either backup, then
 * the Gaussian posterior built on it. `exact()` dispatches here when the
 * compiled model is a `LinearGaussianGraph`.
 */
import type { LinearGaussianGraph } from '../../../types/gaussian.js';
import { backwardPass, stationaryPass, type GaussianBackup, type StationaryStop } from './backup.js';
import { buildGaussianPosterior, type GaussianPosterior } from './posterior.js';
import { buildLqgPosterior, type LqgPosterior } from './lqg.js';

/** `stop`: exact({ tolerance, maxIterations }) for the discounted infinite horizon's stationary solve (backup.ts `StationaryStop`). */
export function runGaussian(graph: LinearGaussianGraph, backup: GaussianBackup, stop?: StationaryStop): GaussianPosterior | LqgPosterior {
  // Observed through linearObservation(...): the Kalman filter and the soft-LQR policy on its mean (lqg.ts).
  if (graph.observation !== undefined) return buildLqgPosterior(graph, backup);
  // A finite horizon runs the recursion t = T−1 … 0; the discounted infinite horizon its fixed point.
  const pass = Number.isFinite(graph.horizon) ? backwardPass(graph, backup) : stationaryPass(graph, backup, stop);
  return buildGaussianPosterior(graph, backup, pass);
}

export { gaussianPosterior, isGaussianPosterior, lqgPosterior, isLqgPosterior } from './posterior-guard.js';
export type { LqgPosterior, LqgHistory } from './lqg.js';
export type { GaussianPosterior, GaussianMoments, GaussianTrajectory, GaussianEvaluation, LinearGaussianPolicy, QuadraticFunction, QuadraticActionValue } from './posterior.js';
