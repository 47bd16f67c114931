#!/usr/bin/env node
/**
 * The `cai` executable. Model files are TypeScript, so module hooks that strip
 * types (ts-hooks.ts, on sucrase: pure JavaScript, no native binary and no
 * install script) are registered in this process first: `import()` of a `.ts`
 * file then works, including its `../src/index.js`-style imports of `.ts`
 * sources, without spawning a second Node process.
 */
import * as nodeModule from 'node:module';
// The command runs under Node: it gets the generated fixed-dynamics step, as the package's Node entry does.
import '../engines/exact/fixed/install.js';
import { main } from './main.js';
import { processIo } from './io.js';
import { loadSync, resolveSync } from './ts-hooks.js';

/** `module.registerHooks` (Node ≥ 22.15): synchronous hooks; `module.register` is deprecated there (DEP0205). */
const registerHooks = (nodeModule as { registerHooks?: (hooks: { resolve: typeof resolveSync; load: typeof loadSync }) => unknown }).registerHooks;
if (typeof registerHooks === 'function') registerHooks({ resolve: resolveSync, load: loadSync });
else nodeModule.register('./ts-hooks.js', import.meta.url);
// No top-level await: this module must finish evaluating before a model file is loaded, or a
// model that requires the library would meet this module mid-evaluation, which Node refuses
// as a require(esm) cycle.
void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
