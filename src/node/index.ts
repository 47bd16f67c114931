/**
 * `control-as-inference/node`: what needs Node's file system, kept out of the
 * root entry so that `import … from 'control-as-inference'` bundles for a
 * browser with no `node:` module in it. Everything else comes from the root.
 *
 * @module control-as-inference/node
 */
export { loadDemonstrations } from './demonstrations.js';
