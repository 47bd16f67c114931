/**
 * The package as the playground sees it: its public entry points, and nothing
 * else. `PACKAGES` is what user code in the page can import, by specifier.
 * This is the one file to change when pictures move behind a `./viz` subpath
 * (issue 14, part 1): import them from there, and add the subpath below.
 */
import * as pkg from '../index.js';

/** Specifier → module namespace, for `import … from '<specifier>'` in the page. */
export const PACKAGES: Readonly<Record<string, unknown>> = { 'control-as-inference': pkg };
export { CaiError, exact, extend, importance, infer, marginalsSvg, pseudoLikelihoodEM, softActorCritic, softQLearning, temperature, valueHeatmapSvg, variational, virel } from '../index.js';
export type { Engine, EngineInput, FactorGraph, Model, Posterior, RunContext } from '../index.js';
