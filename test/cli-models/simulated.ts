/** A model whose transition only samples: exact() refuses it and suggests an engine that simulates. */
import { action, horizon, model, optimality, sampler, state, transition } from '../../src/index.js';

export const model_ = model(
  state('n', [0, 1, 2, 3], { initial: 0 }),
  action('push', ['up', 'stay']),
  transition((s: number, a: string) => sampler((random) => (a === 'up' && s < 3 && random.next() < 0.7 ? s + 1 : s))),
  optimality((s: number) => (s === 3 ? 0 : -1)),
  horizon(4),
);
export { model_ as model };
