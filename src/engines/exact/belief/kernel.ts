/**
 * The belief kernel as `exact()` sees it (engines/exact/kernel.ts): the
 * `observation(...)` part carries this record and `compile()` puts it on the
 * POMDP's graph, so only a page that builds a POMDP bundles this folder.
 */
import type { FactorGraph } from '../../../types/factor-graph.js';
import type { TableKernel } from '../kernel.js';
import { evaluateBeliefPolicy } from './evaluate.js';
import { runBelief } from './index.js';
import { refuseSolver } from '../kernel-solver.js';

export const beliefKernel: TableKernel = Object.freeze({
  name: 'belief',
  accepts: (graph: unknown): graph is FactorGraph<unknown, unknown> =>
    typeof graph === 'object' && graph !== null && (graph as { kind?: unknown }).kind === 'factor-graph' && (graph as { observation?: unknown }).observation !== undefined,
  solve: (graph: FactorGraph<unknown, unknown>, backup: 'posterior' | 'fixed-dynamics', context: Parameters<TableKernel['solve']>[2]) => (
    refuseSolver('belief', context.settings), runBelief(graph, backup, context.settings, context.tabular)
  ),
  evaluate: evaluateBeliefPolicy,
});
