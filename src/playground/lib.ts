/**
 * The package as the playground sees it: its public entry points, and nothing
 * else. `PACKAGES` is what user code in the page can import, by specifier: the
 * root and the pictures' subpath (`control-as-inference/node` reads files and
 * `/testing` loads its peers with Node's require, so neither runs in a page).
 */
import * as pkg from '../index.js';
import * as viz from '../viz/index.js';

/** Specifier → module namespace, for `import … from '<specifier>'` in the page. */
export const PACKAGES: Readonly<Record<string, unknown>> = { 'control-as-inference': pkg, 'control-as-inference/viz': viz };
export { CaiError, exact, extend, importance, infer, pseudoLikelihoodEM, softActorCritic, softQLearning, temperature, variational, virel } from '../index.js';
export { marginalsSvg, valueHeatmapSvg } from '../viz/index.js';
export type { Engine, EngineInput, FactorGraph, Model, Posterior, RunContext } from '../index.js';
