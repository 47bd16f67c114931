export { model, extend } from './model.js';
export { state, action, transition, optimality, temperature, horizon, discount } from './parts.js';
export type { StateOptions, SimulatedStateOptions, ActionOptions, OptimalityOptions } from './parts.js';
export { observation } from './observation.js';
export type { ObservationOptions } from './observation.js';
