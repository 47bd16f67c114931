/**
 * The tally behind issue 13's closing figure: `npx tsx bench/hostile/tally.ts [inputs] [seed]`
 * runs the hostile-input grammar of test/hostile-suite.test.ts and counts typed
 * errors, right answers and failures (raw errors, uncatalogued codes, NaN, wrong
 * answers), listing each kind of failure with an example.
 */
import fc from 'fast-check';
import { describeInput, hostileInput, judge } from '../../test/helpers/hostile-grammar.js';
import { MALFORMED } from '../../test/helpers/malformed.js';
const catalogued = new Set<string>(MALFORMED.map((e) => e.code));
const N = Number(process.argv[2] ?? 600);
const inputs = fc.sample(hostileInput, { seed: Number(process.argv[3] ?? 13), numRuns: N });
const tally = { typed: 0, right: 0, failed: 0 };
const whys = new Map<string, string[]>();
const codes = new Map<string, number>();
const rights = new Map<string, number>();
const t0 = Date.now();
for (const x of inputs) {
  const o = judge(x, catalogued);
  tally[o.kind]++;
  if (o.kind === 'typed') codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
  if (o.kind === 'right') rights.set(o.what, (rights.get(o.what) ?? 0) + 1);
  if (o.kind === 'failed') { const k = o.why.slice(0, 120); whys.set(k, [...(whys.get(k) ?? []), describeInput(x)]); }
}
console.log(N, 'inputs in', Date.now() - t0, 'ms', tally);
console.log('right:', [...rights.entries()].map(([w, n]) => `${w} ${n}`).join(', '));
console.log('typed:', [...codes.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', '));
for (const [k, v] of whys) console.log(v.length, k, '\n    e.g.', v[0]);
