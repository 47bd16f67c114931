/**
 * The package as the playground sees it: its public entry points, and nothing
 * else. User code in the page gets `pkg` when it imports
 * 'control-as-inference'. This is the one file to change when pictures move
 * behind a `./viz` subpath (issue 14, part 1): import them from there.
 */
import * as pkg from '../index.js';

export { pkg };
export { CaiError, exact, extend, importance, infer, marginalsSvg, pseudoLikelihoodEM, softActorCritic, softQLearning, temperature, valueHeatmapSvg, variational, virel } from '../index.js';
export type { Engine, EngineInput, FactorGraph, Model, Posterior, RunContext } from '../index.js';
