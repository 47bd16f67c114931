/** The one refusal a model that can only be simulated gets from whatever needs tables. */
import { fail } from '../errors.js';

/**
 * Refuse to tabulate a model that can only be simulated. `by` is who refuses
 * (`compile()`, or an engine such as `exact()`); `cause.reason` keeps the
 * reason alone, for `compileModel`, which builds a simulator instead.
 */
export function needsSimulator(reason: string, by = 'compile()'): never {
  const what = by === 'compile()' ? 'so the model has no tables' : `so the model has no tables, which ${by} needs`;
  // A finite state could be tabulated from a categorical(...); a continuous one never can.
  const tabulate = reason.startsWith('state.simulated') ? '' : 'return categorical(...) from the transition to tabulate it, or ';
  fail(
    {
      code: 'needs-simulator',
      part: by,
      message: `${by}: ${reason}, ${what}; ${tabulate}use importance({ particles: 1000 }) or variational({ gradient: 'score-function' }), which simulate`,
    },
    { reason },
  );
}
