/** A model file whose model is malformed: the initial state is not in the domain (the library refuses it). */
import { action, deterministic, horizon, model, optimality, state, transition } from '../../src/index.js';

export default model(
  state('cell', [0, 1, 2], { initial: 7 }),
  action('move', ['stay']),
  transition((s: number) => deterministic(s)),
  optimality(() => 0),
  horizon(3),
);
