/**
 * `compileModel(model)`: tables when the model can be enumerated, otherwise
 * a simulator. Engines that only simulate run on either.
 */
import { compile } from '../compile/compile.js';
import { CaiError } from '../errors.js';
import type { Model } from '../types/model.js';
import type { CompiledModel } from '../types/simulator.js';
import { simulatorGraph } from './model-simulator.js';
import { requireModel } from '../compile/arguments.js';

/**
 * @example const graph = compileModel(pointMass); graph.kind; // 'simulator'
 */
export function compileModel<S, A>(m: Model<S, A>): CompiledModel<S, A> {
  requireModel('compileModel()', m);
  try {
    return compile(m);
  } catch (error) {
    if (error instanceof CaiError && error.code === 'needs-simulator') {
      return simulatorGraph(m, (error.cause as { reason: string }).reason);
    }
    throw error;
  }
}
