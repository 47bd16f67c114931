/**
 * Where the time of the fixed-dynamics backup goes (issue 17): the engine's
 * step and its components, each timed alone on the compiled slippery 5-action
 * gridworld, T steps ping-ponging two V rows, CPU ns per (transition entry ×
 * step), medians of interleaved rounds after a warm-up round:
 *
 *   npx tsx bench/exact/fixed-floor.ts [--n 200] [--rounds 5] [--rows 'generic,generated']
 *
 * rows:
 *   generic            backup.ts `genericFixedStep`: one function for every graph (sizes and arrays as arguments)
 *   generated          fixed/codegen.ts: the step generated for this graph (what the engine runs here), with
 *                      exp.ts's e^x = 2^{k/128}·e^r inlined (a 128-entry table and a degree-5 polynomial)
 *   generated, Math.exp the generated source with a call to Math.exp instead (as before h22a's last change)
 *   generated, no exp  the generated source with every e^x replaced by 0.5: the gather, max and log alone
 *   gather only        … and the log replaced by the sum too: the multiply-adds, loads and branches alone
 *   exp+log calls      Math.exp (|A| − 1 per state) and Math.log (one per state) on realistic arguments, nothing else
 *   C fixed (-O3)      bench/exact/c/fixed.c: the same algorithm over the same CSR rows in C (libm exp/log),
 *                      one pass per round between the TS rows, checked against the engine's V_0
 *
 * Variants are made by rewriting the generated source; each rewrite is checked to have matched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expm1Sum, genericFixedStep, NEAR } from '../../src/engines/exact/backup.js';
import { shapeOf, stepSource } from '../../src/engines/exact/fixed/codegen.js';
import { FRACTION, POWER } from '../../src/engines/exact/exp.js';
import { exact } from '../../src/index.js';
import type { FactorGraph } from '../../src/index.js';
import { writeCaib } from './caib.js';
import { HORIZON, slipperyGraph } from './gridworld.js';
import { median } from './stats.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const n = Number(argument('n') ?? 200);
const rounds = Number(argument('rounds') ?? 5);
const T = HORIZON;
const graph = slipperyGraph(n) as FactorGraph<unknown, unknown>;
const { nS, nA, alpha, reward } = graph;
const nnz = graph.dynamics.nnz;
type Step = (next: Float64Array, out: Float64Array) => void;


function rewrite(source: string, pattern: RegExp, by: (...groups: string[]) => string): string {
  const out = source.replace(pattern, (...m: string[]) => by(...m));
  if (out === source) throw new Error(`fixed-floor: the rewrite ${pattern} matched nothing; update it to the generated source`);
  return out;
}

function build(source: string): Step {
  const factory = new Function('prior', 'rowStart', 'successor', 'prob', 'q', 'nearSum', 'POWER', 'FRACTION', source) as (...parts: unknown[]) => (r: Float64Array, next: Float64Array, out: Float64Array) => void;
  const step = factory(graph.prior, graph.dynamics.rowStart, graph.dynamics.next, graph.dynamics.prob, new Float64Array(nA), expm1Sum, POWER, FRACTION);
  return (next, out) => step(reward, next, out);
}

const source = stepSource(shapeOf(graph, NEAR * alpha))!;
const EXP = /if \(x === m\) sum \+= p;\s*else \{ const y = \(x - m\) \/ (\([^)]*\)); let e;.*?else e = Math\.exp\(y\); sum \+= p \* e; \}/gs;
const mathExp = rewrite(source, EXP, (_, al) => `sum += x === m ? p : p * Math.exp((x - m) / ${al});`);
const noExp = rewrite(source, EXP, () => 'sum += x === m ? p : p * 0.5;');
const gatherOnly = rewrite(noExp, /Math\.log\(sum\)/g, () => 'sum');

const q = new Float64Array(nA);
const expArgs = new Float64Array(nS * (nA - 1));
const logArgs = new Float64Array(nS);
const rows: Record<string, Step> = {
  generic: (next, out) => genericFixedStep(graph, reward, next, out, q),
  generated: build(source),
  'generated, Math.exp': build(mathExp),
  'generated, no exp': build(noExp),
  'gather only': build(gatherOnly),
  'exp+log calls': (_next, out) => {
    let acc = 0;
    for (let i = 0; i < expArgs.length; i++) acc += Math.exp(expArgs[i]!);
    for (let s = 0; s < nS; s++) out[s] = Math.log(logArgs[s]!) + acc;
  },
};

// Arguments of the exp+log row: those of one real step (V_{t+1} of a few steps back).
{
  const a = new Float64Array(nS);
  const b = new Float64Array(nS);
  for (let t = 0; t < 10; t++) genericFixedStep(graph, reward, t % 2 ? b : a, t % 2 ? a : b, q);
  const { rowStart, next: successor, prob, } = graph.dynamics;
  for (let s = 0; s < nS; s++) {
    const Q: number[] = [];
    for (let k = 0; k < nA; k++) {
      let e = 0;
      for (let j = rowStart[s * nA + k]!; j < rowStart[s * nA + k + 1]!; j++) e += prob[j]! * a[successor[j]!]!;
      Q.push(reward[s * nA + k]! + graph.gamma * e);
    }
    const m = Math.max(...Q);
    const top = Q.indexOf(m);
    let j = 0;
    for (let k = 0; k < nA; k++) if (k !== top) expArgs[s * (nA - 1) + j++] = (Q[k]! - m) / alpha;
    logArgs[s] = 1 + Q.reduce((z, x) => z + Math.exp((x - m) / alpha), 0) / nA;
  }
}

const a0 = new Float64Array(nS);
const a1 = new Float64Array(nS);
/** T steps ping-ponging two V rows, as the backward pass does (from V_T = 0). */
function sample(step: Step): number {
  a0.fill(0);
  const c0 = process.cpuUsage();
  for (let t = 0; t < T; t++) (t % 2 === 0 ? step(a0, a1) : step(a1, a0));
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / (nnz * T);
}

const only = argument('rows')?.split(',');
if (only) for (const k of Object.keys(rows)) if (!only.includes(k)) delete rows[k];
for (const step of Object.values(rows)) sample(step); // warm-up
const results = new Map<string, number[]>(Object.keys(rows).map((k) => [k, []]));
const folder = mkdtempSync(join(tmpdir(), 'cai-fixed-'));
const binary = join(folder, 'fixed');
const built = only ? undefined : spawnSync('gcc', ['-O3', '-march=native', '-std=c11', '-Wall', '-Wextra', '-o', binary, join(import.meta.dirname, 'c', 'fixed.c'), '-lm'], { encoding: 'utf8' });
const haveC = built?.status === 0;
let cDiff = NaN;
if (haveC) {
  writeCaib(join(folder, 'grid.caib'), graph, exact({ backup: 'fixed-dynamics' }).run(graph, {}).V(0) as Float64Array);
  results.set('C fixed (-O3)', []);
}
for (let r = 0; r < rounds; r++) {
  for (const [k, step] of Object.entries(rows)) results.get(k)!.push(sample(step));
  if (haveC) {
    const c = JSON.parse(execFileSync(binary, [join(folder, 'grid.caib'), '1'], { encoding: 'utf8' })) as { nsPerEntryStep: number; maxAbsDiffV0: number };
    results.get('C fixed (-O3)')!.push(c.nsPerEntryStep);
    cDiff = c.maxAbsDiffV0;
  }
}
rmSync(folder, { recursive: true });
console.log(`fixed-dynamics components, slippery ${n}×${n}: S = ${nS}, nnz = ${nnz}, T = ${T}; ${rounds} rounds; node ${process.version}; CPU ns per (entry × step)`);
const out: Record<string, number> = {};
for (const [k, xs] of results) {
  out[k] = median(xs);
  console.log(`  ${k.padEnd(20)} ${median(xs).toFixed(2).padStart(7)}`);
}
if (haveC) console.log(`  (C: max |V_0(C) − V_0(engine)| = ${cDiff.toExponential(2)}; gcc -O3 -march=native)`);
else if (built) console.log(`  (no C row: gcc failed: ${built.stderr.slice(0, 200)})`);
console.log(`JSON ${JSON.stringify({ n, nS, nnz, T, rounds, node: process.version, nsPerEntryStep: out })}`);
