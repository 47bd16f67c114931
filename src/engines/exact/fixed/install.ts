/**
 * Installs the per-graph generated fixed-dynamics step (codegen.ts) into the
 * exact engine. Imported for its effect by the package's Node entry
 * (src/node-main.ts, the "node" condition of the root export), so that Node
 * users get it by default while a browser page bundling the root stays within
 * its size cap and runs the generic step (the same bits, ~1.5× slower on
 * large graphs). A page may import this module itself to get it.
 */
import { generators } from '../backup.js';
import { generatedStep } from './codegen.js';

generators.fixed = generatedStep;
