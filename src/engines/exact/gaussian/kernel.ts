/**
 * The soft-LQR kernel as `exact()` sees it (engines/exact/kernel.ts): the
 * linear-Gaussian compiler (compile/linear-gaussian.ts, carried by the
 * `linearGaussian` part) puts this record on the graph it builds, so only a
 * page that builds a linear-Gaussian model bundles this folder.
 */
import type { LinearGaussianGraph } from '../../../types/gaussian.js';
import type { ExactKernel, KernelContext } from '../kernel.js';
import { STATIONARY_TOLERANCE } from './backup.js';
import { refuseSolver } from '../kernel-solver.js';
import { runGaussian } from './index.js';
import type { GaussianPosterior } from './posterior.js';
import type { LqgPosterior } from './lqg.js';

export const gaussianKernel: ExactKernel<LinearGaussianGraph, GaussianPosterior | LqgPosterior> = Object.freeze({
  name: 'gaussian',
  accepts: (graph: unknown): graph is LinearGaussianGraph => typeof graph === 'object' && graph !== null && (graph as { kind?: unknown }).kind === 'linear-gaussian',
  // The stationary solve stops by the relative change of (P, p) (backup.ts StationaryStop): a tolerance the user
  // gave is that bound; left out, the kernel keeps its own 1e-13 (the tabular default 1e-10 is in reward units).
  solve: (graph: LinearGaussianGraph, backup: 'posterior' | 'fixed-dynamics', context: KernelContext) => {
    // A direct call without exact()'s context (tests, tools) solves with the kernel's own defaults.
    const settings = context?.settings;
    if (settings === undefined) return runGaussian(graph, backup);
    refuseSolver('gaussian', settings);
    return runGaussian(graph, backup, { tolerance: settings.toleranceGiven ? settings.tolerance : STATIONARY_TOLERANCE, maxIterations: settings.maxIterations });
  },
});
