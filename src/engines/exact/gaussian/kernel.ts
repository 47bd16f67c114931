/**
 * The soft-LQR kernel as `exact()` sees it (engines/exact/kernel.ts): the
 * linear-Gaussian compiler (compile/linear-gaussian.ts, carried by the
 * `linearGaussian` part) puts this record on the graph it builds, so only a
 * page that builds a linear-Gaussian model bundles this folder.
 */
import type { LinearGaussianGraph } from '../../../types/gaussian.js';
import type { ExactKernel } from '../kernel.js';
import { runGaussian } from './index.js';
import type { GaussianPosterior } from './posterior.js';
import type { LqgPosterior } from './lqg.js';

export const gaussianKernel: ExactKernel<LinearGaussianGraph, GaussianPosterior | LqgPosterior> = Object.freeze({
  name: 'gaussian',
  accepts: (graph: unknown): graph is LinearGaussianGraph => typeof graph === 'object' && graph !== null && (graph as { kind?: unknown }).kind === 'linear-gaussian',
  solve: (graph: LinearGaussianGraph, backup: 'posterior' | 'fixed-dynamics') => runGaussian(graph, backup),
});
