#!/usr/bin/env node
/**
 * The `cai` executable. Model files are TypeScript, so tsx's ESM loader is
 * registered in this process first (`tsx/esm/api`): `import()` of a `.ts` file
 * then works, including its `../src/index.js`-style imports of `.ts` sources,
 * without spawning a second Node process.
 */
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';
import { main } from './main.js';
import { processIo } from './io.js';

register();
// A .ts file outside a "type": "module" package is CommonJS to Node; tsx's CommonJS hook compiles it.
registerCjs();
// No top-level await: this module must finish evaluating before a model file is loaded, or a
// CommonJS model file (a .ts file outside a "type": "module" package) that requires the library
// would meet this module mid-evaluation, which Node refuses as a require(esm) cycle.
void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
