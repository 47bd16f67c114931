/** The one refusal a model that can only be simulated gets from the compiler. */
import { fail } from '../errors.js';

/** What a user of a simulate-only model is told to do instead. */
const SIMULATING_ENGINES = "use importance({ particles: 1000 }) or variational({ gradient: 'score-function' }), which simulate";

/**
 * Refuse to tabulate a model that can only be simulated. `cause.reason` keeps
 * the reason alone, for `compileModel`, which builds a simulator instead.
 */
export function needsSimulator(reason: string): never {
  fail(
    {
      code: 'needs-simulator',
      part: 'compile()',
      message: `compile(): ${reason}, so the model has no tables and exact() cannot run it; ${SIMULATING_ENGINES}`,
    },
    { reason },
  );
}
