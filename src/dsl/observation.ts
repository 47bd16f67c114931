/**
 * `observation(emit, { initial })`: the part that makes a model partially
 * observed (a POMDP). The agent sees o_{t+1} ~ Z(· | s_{t+1}, a_t) after each
 * action, and o_0 ~ Z_0(· | s_0) when `initial` is given; its policy may depend
 * on these and on its own actions, never on the hidden state. Observations are
 * any values compared by content, like states.
 *
 * The part carries its compile stage (`compile`, compile/observations.ts),
 * which tabulates Z and hands the belief kernel of `exact()` to the POMDP's
 * graph: the one way `exact()` reaches a structure's kernel
 * (engines/exact/kernel.ts says why the reference runs from the part).
 */
import { freeze } from './freeze.js';
import type { Distribution } from '../dist/categorical.js';
import { checkOptions, fail, show } from '../errors.js';
import type { ObservationPart } from '../types/model.js';
import { compileObservations } from '../compile/observations.js';

/** Options of `observation(...)`. */
export interface ObservationOptions<S> {
  /** Z_0(o_0 | s_0): an observation of the initial state, before the first decision. */
  readonly initial?: (s: S) => Distribution<unknown>;
}

/**
 * The observation model Z(o | s', a) of a POMDP: `emit(s', a)` is the
 * distribution of what the agent observes after action `a` lands in `s'`.
 * @example observation((s, a) => a === 'listen' ? categorical([[s, 0.85], [other(s), 0.15]]) : uniform(['left', 'right']))
 */
export function observation<S, A>(emit: (next: S, a: A) => Distribution<unknown>, options: ObservationOptions<S> = {}): ObservationPart<S, A> {
  if (typeof emit !== 'function') {
    fail({ code: 'option-invalid', part: 'observation', message: `observation: expected a function (s', a) => distribution, got ${show(emit)}` });
  }
  checkOptions('observation', options, ['initial']);
  if (options.initial !== undefined && typeof options.initial !== 'function') {
    fail({ code: 'option-invalid', part: 'observation', message: `observation: initial must be a function s => distribution, got ${show(options.initial)}` });
  }
  const initial = options.initial;
  return freeze({
    kind: 'observation' as const,
    emit,
    ...(initial !== undefined ? { initial } : {}),
    // The part carries its compile stage, which gives the tables and the belief kernel (engines/exact/kernel.ts):
    // only a model with an observation part brings them, so a fully observed page does not bundle them.
    compile: compileObservations,
  }) as ObservationPart<S, A>;
}
