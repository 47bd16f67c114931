/**
 * A model file for `cai irl` with its own features: a line of 5 cells (no
 * grid layout), moves slip with probability 0.2, starts spread over 3 cells.
 * Exports φ (`features`), the weights' names (`featureNames`), and keeps a
 * reward of its own that `--truth` draws beside the learned one.
 */
import { action, categorical, horizon, model, optimality, state, transition } from '../../src/index.js';

const clamp = (x: number) => Math.min(4, Math.max(0, x));
export const features = (s: number, a: string) => [s === 4 ? 1 : 0, s / 4, a === 'stay' ? 1 : 0];
export const featureNames = ['goal', 'position', 'stay'];

export default model<number, string>(
  state('cell', [0, 1, 2, 3, 4], { initial: categorical([[0, 0.5], [1, 0.3], [2, 0.2]]) }),
  action('move', ['left', 'right', 'stay']),
  transition((s: number, a: string) => (a === 'stay' ? categorical([[s, 1]]) : categorical([[clamp(s + (a === 'right' ? 1 : -1)), 0.8], [s, 0.2]]))),
  optimality((s: number, a: string) => (s === 4 ? 1 : 0) + 0.5 * (s / 4) - (a === 'stay' ? 0.3 : 0)),
  horizon(5),
);
