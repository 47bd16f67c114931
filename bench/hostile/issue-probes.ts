/**
 * The probes of issue 13 that belong to its boundaries half, run one by one:
 * each must give the right answer (checked here against what it should be) or
 * a typed error (a CaiError, or the CLI's `cai: …` usage error with exit 2),
 * never a silent wrong answer or a raw error. Prints one line per probe and
 * the tally for the closing figure.
 * `npx tsx bench/hostile/issue-probes.ts`
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import * as L0 from '../../src/index.js';
import * as V from '../../src/viz/index.js';
import * as N from '../../src/node/index.js';

const L = { ...L0, ...V, loadDemonstrations: N.loadDemonstrations };
import oddNames from '../../test/cli-models/odd-names.js';
import { line } from '../../test/helpers/malformed-hostile.js';

const { action, categorical, compile, deterministic, evaluate, exact, factorGraphDot, horizon, importance, infer, inferReward, layoutDot, loadDemonstrations, model, optimality, reportHtml, state, transition, valueGrid, CaiError } = L;

type Verdict = 'typed' | 'right' | 'silent' | 'raw';
const results: { name: string; verdict: Verdict; detail: string }[] = [];
const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cai-probes-'));

/** A probe: `check` returns true when the returned value is right; a CaiError is typed; anything else thrown is raw. */
async function probe(name: string, run: () => unknown, check: (value: unknown) => boolean = () => false): Promise<void> {
  try {
    const value = await run();
    results.push({ name, verdict: check(value) ? 'right' : 'silent', detail: String(JSON.stringify(value)).slice(0, 80) });
  } catch (error) {
    if (error instanceof CaiError) results.push({ name, verdict: 'typed', detail: `${error.code}: ${error.message.split('\n')[0]!.slice(0, 100)}` });
    else results.push({ name, verdict: 'raw', detail: String(error instanceof Error ? error.message : error).slice(0, 100) });
  }
}

/** A CLI probe: exit 2 with a `cai: ` message (or 1 with `error [code]`) is typed; the files map must stay empty. */
async function cliProbe(name: string, argv: string[], expect: string): Promise<void> {
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    cwd: root,
    importModule: (url) => import(url) as Promise<Record<string, unknown>>,
    writeFile: (path, text) => files.set(path, text),
  };
  const code = await main(argv, io);
  const text = err.join('');
  const typed = (code === 2 && text.startsWith('cai: ')) || (code === 1 && text.startsWith('error ['));
  results.push({ name, verdict: typed && text.includes(expect) && files.size === 0 ? 'typed' : text.includes('Error') ? 'raw' : 'silent', detail: text.split('\n')[0]!.slice(0, 100) });
}

const same = (a: number, b: number) => a === b;
type R = Record<string, number>;
const factored = (name: string) =>
  model<R, string>(state(name, [0, 1], { initial: 0 }), state('y', [0, 1], { initial: 0 }), action('a', ['L', 'R']), transition(name, (_s: R, a: string) => deterministic(a === 'R' ? 1 : 0)), transition('y', (s: R) => deterministic(s['y']!)), optimality((s: R) => (Object.prototype.hasOwnProperty.call(s, name) && s[name] === 1 ? 0 : -1)), horizon(2));
const plain = infer(factored('p'), exact()).logEvidence;

// Silent wrong answers 2, 9, 11, 12.
await probe("a state variable named '__proto__'", () => infer(factored('__proto__'), exact()).logEvidence, (v) => same(v as number, plain));
await probe("a state variable named 'constructor'", () => infer(factored('constructor'), exact()).logEvidence, (v) => same(v as number, plain));
await probe('mutating the initial record after model()', () => {
  const start = { x: 0 };
  const m = model(state('c', [{ x: 0 }, { x: 1 }], { initial: start }), action('a', ['go']), transition((s: { x: number }) => deterministic(s)), optimality((s: { x: number }) => (s.x === 0 ? 0 : -1)), horizon(1));
  const before = infer(m, exact()).logEvidence;
  start.x = 1;
  return [before, infer(m, exact()).logEvidence];
}, (v) => (v as number[])[0] === 0 && (v as number[])[1] === 0);
await probe("mutating a categorical's probabilities after model()", () => {
  const d = categorical([[0, 0.5], [1, 0.5]]);
  const m = model(state('c', [0, 1], { initial: d }), action('a', ['L']), transition((s: number) => deterministic(s)), optimality((s: number) => (s === 0 ? 0 : -1)), horizon(1));
  const before = infer(m, exact()).logEvidence;
  try {
    (d.probs as number[])[0] = 0.9;
  } catch {
    // frozen: refused
  }
  return [before, infer(m, exact()).logEvidence];
}, (v) => (v as number[])[0] === (v as number[])[1]);
await probe('DOT of names with ", \\, {, ->, a newline, non-ASCII laid out by Graphviz', async () => (await layoutDot(factorGraphDot(compile(oddNames)))).includes('back\\slash\\'), (v) => v === true);
await probe('a transition that calls Math.random', () => infer(line(undefined, (x: number) => deterministic(Math.random() < 0.5 ? x : 1 - x)), exact()).logEvidence);
await probe('a reward (s, a, t = 0) that reads t only at t = 1', () => infer(line((_x: number, _a: string, t = 0) => (t === 1 ? -100 : 0)), exact()).logEvidence);

// Raw errors and crashes.
const nested = (depth: number) => {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
await probe('a domain [0, , 2]', () => state('x', [0, , 2]));
await probe('a domain new Array(3)', () => state('x', new Array(3)));
await probe('a domain value nested 10^5 deep', () => state('x', [nested(1e5)]));
await probe('a Proxy in a domain', () => state('x', [new Proxy({ x: 1 }, {})]));
await probe('a throwing getter in a domain', () => state('x', [{ get x(): number { throw new Error('no'); } }]));
await probe('a thrown object whose toString throws', () => compile(line(undefined, () => { throw { toString() { throw new Error('no'); } }; })));
await probe('a transition returning a Promise', () => compile(line(undefined, async () => deterministic(0))));
await probe('a prior returning a Promise', () => compile(model(state('x', [0, 1]), action('a', ['L'], { prior: (async () => categorical([['L', 1]])) as never }), transition(() => deterministic(0)), optimality(() => 0), horizon(2))));
await probe('a reward returning a Promise', () => compile(line(async () => 0)));
await probe("infer(m, 'exact')", () => infer(line(), 'exact' as never));
await probe('infer(m, {})', () => infer(line(), {} as never));
await probe('infer(m, undefined)', () => infer(line(), undefined as never));
await probe('infer(null)', () => infer(null as never, exact()));
await probe('compile(null)', () => compile(null as never));
await probe('compile({})', () => compile({} as never));
await probe('compile(horizon(3))', () => compile(horizon(3) as never));
await probe('reportHtml(null)', () => reportHtml(null as never));
await probe('sample(3) without options', () => infer(line(), exact()).sample(3, undefined as never));
await probe('logProb(null)', () => infer(line(), exact()).logProb(null as never));
await probe("evaluate(m, 'uniform')", () => evaluate(line(), 'uniform' as never));
await probe('a proposal function that throws', () => infer(line(), importance({ particles: 10, proposal: () => { throw new Error('no'); } })));
await probe('a layout.cellOf that throws', () => {
  const m = model(state('x', [0, 1], { initial: 0, layout: { width: 2, height: 1, cellOf: () => { throw new Error('no'); } } }), action('a', ['L']), transition(() => deterministic(0)), optimality(() => 0), horizon(2));
  const post = infer(m, exact());
  return valueGrid(post.graph, post.V(0));
});
await probe('demonstrations nested 5 000 deep', () => inferReward(line(), [[{ state: nested(5000) as number, action: 'L' }]], { features: (x: number) => [x] }));

// Misleading errors.
await probe('new Number(1) reward (not "reads t")', () => compile(line(() => new Number(1))));
await probe('Math.random reward (not "reads t")', () => compile(line(() => (Math.random() < 0.5 ? 0 : -1))));
await probe('inferReward({ initial: [1] })', () => inferReward({ initial: [1] } as never, [], undefined as never));
await probe('factorGraphDot(uncompiled model)', () => factorGraphDot(line() as never));
await probe('a proposal posterior of another model', () => infer(line(), importance({ particles: 10, proposal: infer(model(state('x', [0, 5], { initial: 0 }), action('a', ['L', 'R']), transition((_x: number, a: string) => deterministic(a === 'R' ? 5 : 0)), optimality(() => 0), horizon(3)), exact()) })));
await probe("optimality(r, { timeVarying: 'false' })", () => optimality(() => 0, { timeVarying: 'false' as never }));
const bom = join(scratch, 'bom.json');
writeFileSync(bom, '\uFEFF[[{ "state": 0, "action": "R" }]]');
await probe('a BOM in a demonstrations file', () => loadDemonstrations(bom), (v) => JSON.stringify(v) === '[[{"state":0,"action":"R"}]]');
writeFileSync(join(scratch, '[x].json'), '[[{ "state": 1, "action": "L" }]]');
await probe('a demonstrations path beginning with [', () => loadDemonstrations(join(scratch, '[x].json')), (v) => JSON.stringify(v) === '[[{"state":1,"action":"L"}]]');

// The CLI.
const CORRIDOR = 'test/cli-models/corridor.ts';
const before = readFileSync(join(root, CORRIDOR), 'utf8');
await cliProbe('cai report m.ts --out m.ts', ['report', CORRIDOR, '--out', CORRIDOR], 'is the input file');
await cliProbe('cai graph m.ts --out m.ts', ['graph', CORRIDOR, '--out', CORRIDOR], 'is the input file');
await cliProbe('cai plot m.ts --out m.ts', ['plot', CORRIDOR, '--out', CORRIDOR], 'is the input file');
writeFileSync(join(scratch, 'demos.json'), '[[{ "state": { "x": 0, "y": 1 }, "action": "E" }]]');
await cliProbe('cai irl m.ts demos.json --out demos.json', ['irl', CORRIDOR, join(scratch, 'demos.json'), '--out', join(scratch, 'demos.json')], 'is the input file');
await cliProbe('--out into a missing folder', ['report', CORRIDOR, '--out', join(scratch, 'missing', 'r.html')], 'does not exist');
await cliProbe('--out onto a folder', ['report', CORRIDOR, '--out', scratch], 'is a folder');
await cliProbe('a folder given as the model file', ['run', 'test/cli-models'], 'is a folder, not a model file');
writeFileSync(join(scratch, 'promised.mjs'), 'export default Promise.resolve(1);\n');
await cliProbe('a Promise exported as the model', ['run', join(scratch, 'promised.mjs')], 'is a Promise');
if (readFileSync(join(root, CORRIDOR), 'utf8') !== before) results.push({ name: 'the model file after the CLI probes', verdict: 'silent', detail: 'changed' });
rmSync(scratch, { recursive: true, force: true });

for (const r of results) console.log(`${r.verdict.padEnd(6)} ${r.name} — ${r.detail}`);
const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
console.log(`\n${results.length} probes: ${count('typed')} typed errors naming the culprit, ${count('right')} right answers, ${count('silent')} silent, ${count('raw')} raw`);
