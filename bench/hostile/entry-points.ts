/**
 * Every exported function of the package called with hostile arguments (see
 * scanEntryPoints in test/helpers/hostile-grammar.ts): counts typed errors,
 * the caller's own Proxy exceptions passed through, and raw errors, listing
 * each raw one. `npx tsx bench/hostile/entry-points.ts`
 */
import * as api from '../../src/index.js';
import { scanEntryPoints } from '../../test/helpers/hostile-grammar.js';
import { line } from '../../test/helpers/malformed-hostile.js';
import { MALFORMED } from '../../test/helpers/malformed.js';

const scan = scanEntryPoints(api, line(), api.infer(line(), api.exact()), new Set(MALFORMED.map((e) => e.code)));
console.log(`${scan.calls} calls: ${scan.typed} catalogued CaiErrors, ${scan.passedThrough} Proxy exceptions of the caller passed through, ${scan.calls - scan.typed - scan.passedThrough - scan.raw.length} returned, ${scan.raw.length} raw`);
for (const r of scan.raw) console.log(`  ${r}`);
