/**
 * The root of the package under Node (the "node" condition of the "."
 * export): the root itself plus the per-graph generated fixed-dynamics step
 * (src/engines/exact/fixed/install.ts), which a browser bundle leaves out to
 * stay small. Everything exported is the root's.
 */
import './engines/exact/fixed/install.js';

export * from './index.js';
