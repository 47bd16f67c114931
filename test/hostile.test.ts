/**
 * Issue 13, the boundaries half: inputs a careful attacker tries that used to
 * give a silent wrong answer, a raw error or a misleading one. Each test
 * failed on main before the fix. (The rows that only need "this call throws
 * this CaiError" are catalogue rows E150–E180, run by errors-catalogue.test.ts.)
 */
import { linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { writeFileAtomic } from '../src/cli/output.js';
import { loadDemonstrations as loadDemonstrationsFile } from '../src/node/index.js';
import {
  action,
  CaiError,
  categorical,
  compile,
  deterministic,
  exact,
  horizon,
  importance,
  infer,
  inferReward,
  loadDemonstrations,
  model,
  optimality,
  policyGrid,
  state,
  temperature,
  discount,
  transition,
  valueGrid,
  type Model,
} from '../src/index.js';
import { factorGraphSvg, layoutDot, reportHtml } from '../src/viz/index.js';
import { bruteForce } from '../src/testing/index.js';
import oddNames, { NAMES } from './cli-models/odd-names.js';
import { line } from './helpers/malformed-hostile.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cai-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The CaiError `f` throws (fails the test if it throws anything else or nothing). */
function caught(f: () => unknown): CaiError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(CaiError);
    return error as CaiError;
  }
  throw new Error('expected a CaiError, nothing was thrown');
}

type R = Record<string, number>;
/** Two binary variables `first` and 'y'; 'flip' toggles `first`; the reward pays when `first` is 1. */
function factored(first: string): Model<R, string> {
  return model<R, string>(
    state(first, [0, 1], { initial: 0 }),
    state('y', [0, 1], { initial: 1 }),
    action('a', ['flip', 'stay']),
    transition(first, (s: R, a: string) => categorical([[a === 'flip' ? 1 - s[first]! : s[first]!, 0.9], [s[first]!, 0.1]])),
    transition('y', (s: R) => deterministic(s['y']!)),
    optimality((s: R, a: string) => (Object.prototype.hasOwnProperty.call(s, first) && s[first] === 1 ? 0 : -1) + (a === 'flip' ? -0.25 : 0)),
    horizon(3),
  );
}

describe('item 2: any string is a state variable name', () => {
  const reference = infer(factored('p'), exact());
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s: a field of every record, with the same answer as a plain name and as brute force (1e-12)', (name) => {
    const m = factored(name);
    const post = infer(m, exact());
    const brute = bruteForce(m);
    expect(Math.abs(post.logEvidence - brute.logZ)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(post.logEvidence - reference.logEvidence)).toBeLessThanOrEqual(1e-12);
    for (const s of post.graph.states.values) expect(Object.keys(s)).toEqual([name, 'y']);
    const start = { y: 1 } as R;
    Object.defineProperty(start, name, { value: 0, enumerable: true });
    expect(Array.from(post.policy(0, start).probs)).toEqual(Array.from(reference.policy(0, { p: 0, y: 1 }).probs));
  });

  it('__proto__: the simulator (importance, seeded) builds records with the field too, and matches the plain name draw for draw', () => {
    const a = infer(factored('__proto__'), importance({ particles: 200, seed: 7 }));
    const b = infer(factored('p'), importance({ particles: 200, seed: 7 }));
    expect(a.logEvidence).toBe(b.logEvidence);
  });

  it('__proto__: demonstrations read from JSON name the field, and inverse RL fits exactly as with a plain name', () => {
    const json = (name: string) => `[[{ "state": { "${name}": 0, "y": 1 }, "action": "flip" }, { "state": { "${name}": 1, "y": 1 }, "action": "stay" }]]`;
    const features = (name: string) => (s: R, a: string) => [s[name] === 1 ? 1 : 0, a === 'flip' ? 1 : 0];
    const odd = inferReward(factored('__proto__'), loadDemonstrations<R, string>(json('__proto__')), { features: (s: R, a: string) => [Object.prototype.hasOwnProperty.call(s, '__proto__') && s['__proto__'] === 1 ? 1 : 0, a === 'flip' ? 1 : 0], steps: 5 });
    const plain = inferReward(factored('p'), loadDemonstrations<R, string>(json('p')), { features: features('p'), steps: 5 });
    expect(Array.from(odd.theta)).toEqual(Array.from(plain.theta));
    expect(odd.logLikelihood).toBe(plain.logLikelihood);
  });

  it("cai --export constructor finds no export (not Object.prototype.constructor)", async () => {
    const r = await cai(['run', 'test/cli-models/corridor.ts', '--export', 'constructor']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("has no export named 'constructor'");
  });
});

describe('item 9: a model does not change when the caller changes its arguments', () => {
  it('mutating the initial record after model() changes nothing', () => {
    const start = { x: 0 };
    const m = model(state('c', [{ x: 0 }, { x: 1 }], { initial: start }), action('a', ['go']), transition((s: { x: number }) => deterministic(s)), optimality((s: { x: number }) => (s.x === 0 ? 0 : -1)), horizon(1));
    const before = infer(m, exact()).logEvidence;
    start.x = 1;
    expect(infer(m, exact()).logEvidence).toBe(before);
    expect(before).toBe(0);
  });

  it("mutating a categorical's probabilities (initial or prior) is refused and changes nothing", () => {
    const initial = categorical([[0, 0.5], [1, 0.5]]);
    const prior = categorical([['L', 0.5], ['R', 0.5]]);
    const m = model(state('c', [0, 1], { initial }), action('a', ['L', 'R'], { prior }), transition((s: number) => deterministic(s)), optimality((s: number, a: string) => (s === 0 ? 0 : -1) + (a === 'L' ? 0 : -2)), horizon(1));
    const before = infer(m, exact()).logEvidence;
    expect(() => ((initial.probs as number[])[0] = 0.9)).toThrow(TypeError);
    expect(() => ((prior.probs as number[])[0] = 0.1)).toThrow(TypeError);
    expect(() => (initial.support as number[]).push(2)).toThrow(TypeError);
    expect(infer(m, exact()).logEvidence).toBe(before);
    // log Σ_s p(s) Σ_a p(a) e^{r} = log(0.5·(0.5 + 0.5e^{-2}) + 0.5·e^{-1}(0.5 + 0.5e^{-2}))
    expect(Math.abs(before - Math.log(0.25 * (1 + Math.exp(-2)) * (1 + Math.exp(-1))))).toBeLessThanOrEqual(1e-12);
  });

  it("mutating a simulated state's initial record after model() changes nothing", () => {
    const start = { x: 0 };
    const part = state.simulated('p', { initial: start });
    start.x = 5;
    expect(part.initial).toEqual({ x: 0 });
  });

  it('temperature(−0) and discount(−0) are stored as +0 (r/−0 would be −Infinity)', () => {
    expect(Object.is(temperature(-0).alpha, 0)).toBe(true);
    expect(Object.is(discount(-0).gamma, 0)).toBe(true);
  });

  it('changing the layout object after state() changes nothing', () => {
    const layout = { width: 2, height: 1, cellOf: (s: number) => ({ x: s, y: 0 }) };
    const part = state('c', [0, 1], { layout });
    layout.width = 1;
    expect(part.layout!.width).toBe(2);
  });
});

describe('item 12: impure functions and a reward reading t at some times', () => {
  it('a transition, a prior and a reward that call Math.random are named as non-deterministic, never as "reads t"', () => {
    const random = caught(() => compile(line(undefined, (x: number) => deterministic(Math.random() < 0.5 ? x : 1 - x))));
    expect(random.code).toBe('non-deterministic');
    expect(random.message).toContain('randomness that shows only elsewhere or rarely goes unseen');
    const reward = caught(() => compile(line(() => (Math.random() < 0.5 ? 0 : -1))));
    expect(reward.issues.map((i) => i.code)).toEqual(['non-deterministic']);
    const prior = caught(() => compile(model(state('x', [0, 1]), action('a', ['L', 'R'], { prior: () => (Math.random() < 0.5 ? categorical([['L', 1]]) : categorical([['R', 1]])) }), transition(() => deterministic(0)), optimality(() => 0), horizon(2))));
    expect(prior.code).toBe('non-deterministic');
  });

  it('a reward read at one late time only is caught: every t of a short horizon, T − 1 of a long one', () => {
    const at = (T: number, only: number) => caught(() => compile(model(state('x', [0, 1], { initial: 0 }), action('a', ['L', 'R']), transition(() => deterministic(0)), optimality((_x: number, _a: string, t = 0) => (t === only ? -100 : 0)), horizon(T))));
    expect(at(3, 1).message).toContain('but -100 at t=1');
    expect(at(32, 17).message).toContain('but -100 at t=17');
    expect(at(1000, 999).message).toContain('but -100 at t=999');
    // Stated limit: a long horizon is probed at t = 1, 2, 3, ⌊(T−1)/2⌋, T − 1 only.
    expect(() => compile(model(state('x', [0, 1], { initial: 0 }), action('a', ['L', 'R']), transition(() => deterministic(0)), optimality((_x: number, _a: string, t = 0) => (t === 700 ? -100 : 0)), horizon(1000)))).not.toThrow();
  });

  it('Promise and new Number(1) rewards are named as such, with no bogus "reads t" issue', () => {
    for (const r of [async () => 0, () => new Number(1)]) {
      const e = caught(() => compile(line(r as never)));
      expect(new Set(e.issues.map((i) => i.code))).toEqual(new Set(['reward-invalid']));
    }
  });
});

describe('item 11: DOT escapes every string', () => {
  it('names with ", \\, {, ->, a newline and non-ASCII give DOT that Graphviz lays out, showing the names as written', async () => {
    const svg = await factorGraphSvg(compile(oddNames));
    expect(svg).toContain('<svg');
    for (const text of ['say &quot;hi&quot;', 'back\\slash\\', '{brace}', 'a&#45;&gt;b', 'größe→漢字', '>two<', '>lines_1<']) expect(svg).toContain(text);
    expect(await layoutDot(compile(oddNames).toDot())).toContain('<svg');
  });

  it('layoutDot on broken DOT is a CaiError, not a raw Graphviz error', async () => {
    await expect(layoutDot('graph { "a" -- }')).rejects.toMatchObject({ name: 'CaiError', code: 'argument-invalid' });
  });

  it('reportHtml(null) rejects with argument-invalid', async () => {
    await expect(reportHtml(null as never)).rejects.toMatchObject({ name: 'CaiError', code: 'argument-invalid' });
  });
});

describe('item 6: the grids refuse a posterior or missing values by name', () => {
  it('valueGrid(post), valueGrid(graph) and policyGrid(post) give argument-invalid', () => {
    const post = infer(line(), exact());
    expect(caught(() => valueGrid(post as never, post.V(0))).message).toBe('valueGrid: expected a compiled graph with finite states — got a posterior; pass post.graph');
    expect(caught(() => valueGrid(post.graph, undefined as never)).message).toBe('valueGrid: expected values, one number per state (e.g. post.V(0)), got undefined');
    expect(caught(() => policyGrid(post as never, post.policyTable(0))).code).toBe('argument-invalid');
  });
});

describe('item 7: demonstrations files', () => {
  it('a byte-order mark is stripped, and a path beginning with [ is read as a path', () => {
    const folder = join(scratch, '[run 1]');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'demos.json');
    writeFileSync(file, '\uFEFF{ "demonstrations": [[{ "state": 0, "action": "R" }]] }');
    expect(loadDemonstrationsFile(file)).toEqual([[{ state: 0, action: 'R' }]]);
    expect(loadDemonstrations('\uFEFF[[{ "state": 1, "action": "L" }]]')).toEqual([[{ state: 1, action: 'L' }]]);
  });
});

interface Run {
  code: number;
  out: string;
  err: string;
  files: Map<string, string>;
}

async function cai(argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    cwd: root,
    importModule: (url) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>,
    writeFile: (path, text) => files.set(path, text),
  };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join(''), files };
}

describe('item 10: the CLI never overwrites its inputs and checks --out before running', () => {
  const CORRIDOR = 'test/cli-models/corridor.ts';
  const original = readFileSync(join(root, CORRIDOR), 'utf8');

  it.each([
    ['report', ['report', CORRIDOR, '--out', './test/cli-models/../cli-models/corridor.ts']],
    ['graph', ['graph', CORRIDOR, '--out', CORRIDOR]],
    ['plot', ['plot', CORRIDOR, '--out', CORRIDOR]],
  ])('%s --out <the model file> is refused and the file is unchanged', async (_name, argv) => {
    const r = await cai(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`is the input file ${CORRIDOR}`);
    expect(r.files.size).toBe(0);
    expect(readFileSync(join(root, CORRIDOR), 'utf8')).toBe(original);
  });

  it('irl --out <the demonstrations file>, through a symbolic link or a hard link, is refused', async () => {
    const demos = join(scratch, 'demos.json');
    writeFileSync(demos, '{ "demonstrations": [[{ "state": { "x": 0, "y": 1 }, "action": "E" }]] }');
    const soft = join(scratch, 'soft.json');
    const hard = join(scratch, 'hard.json');
    symlinkSync(demos, soft);
    linkSync(demos, hard);
    for (const out of [demos, soft, hard]) {
      const r = await cai(['irl', CORRIDOR, demos, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('is the input file');
    }
  });

  it('a missing folder or a folder as --out is refused before the model is even loaded (no raw ENOENT/EISDIR)', async () => {
    const missing = await cai(['report', 'no-such-model.ts', '--out', join(scratch, 'nowhere', 'r.html')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^cai: --out .*: the folder .*nowhere does not exist; create it first/);
    const folder = await cai(['report', 'no-such-model.ts', '--out', scratch]);
    expect(folder.code).toBe(2);
    expect(folder.err).toContain('is a folder; give a file path in it');
  });

  it('a folder given as the model file, and a Promise exported as the model, are named as such', async () => {
    const dir = await cai(['run', 'test/cli-models']);
    expect(dir.err).toBe('cai: test/cli-models: is a folder, not a model file; give the .ts or .js file that exports the model\n');
    const file = join(scratch, 'promised.mjs');
    writeFileSync(file, 'export default Promise.resolve(1);\n');
    const promised = await cai(['run', file]);
    expect(promised.code).toBe(2);
    expect(promised.err).toContain("the 'default' export is a Promise (export the model itself");
  });

  // Model files a user might write by mistake: each must end in a typed error (exit 1 with the
  // library's `error [code]`, or 2 with `cai: …`), never `error: <raw>` (exit 1 without a code).
  it.each([
    ['null', 'export default null;'],
    ['a number', 'export default 3;'],
    ['a symbol', "export default Symbol('m');"],
    ['a Promise', 'export default Promise.resolve(1);'],
    ['an async factory', 'export default async () => 1;'],
    ['a factory that throws', "export default () => { throw new Error('factory threw'); };"],
    ['a factory that throws a hostile object', 'export default () => { throw { toString() { throw new Error(); } }; };'],
    ['a module that throws on import', "throw new Error('top level');"],
    ['a syntax error', 'export default {'],
    ['a throwing Proxy', "export default new Proxy({}, { get() { throw new Error('proxy'); }, getOwnPropertyDescriptor() { throw new Error('proxy'); } });"],
    ['a hand-made model with no parts', "export default { kind: 'model', parts: [] };"],
    ['a hand-made model with a hollow part', "export default { kind: 'model', parts: [{ kind: 'state' }] };"],
    ["a 'constructor' export only", 'export const constructor = 1;'],
  ])('a model file exporting %s gets a typed error', async (_what, source) => {
    const file = join(scratch, `m-${Math.abs([...source].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7))}.mjs`);
    writeFileSync(file, source + '\n');
    for (const command of ['run', 'graph']) {
      const r = await cai([command, file]);
      // 2: a command-line mistake (`cai: …`); 1: the model failed — a CaiError, or its export threw (`cai: <file>: calling … threw`).
      expect(r.code === 2 ? r.err.startsWith('cai: ') : r.code === 1 && (/^error \[[a-z-]+\]: /.test(r.err) || /^cai: .*: calling the '[^']+' export threw: /.test(r.err)), `${command}: ${r.code} ${r.err}`).toBe(true);
    }
  });

  it('writes atomically: a new file (a new inode) replaces the old one whole, and no temporary file is left', () => {
    const target = join(scratch, 'atomic.txt');
    writeFileSync(target, 'old');
    const before = statSync(target).ino;
    writeFileAtomic(target, 'new contents');
    expect(readFileSync(target, 'utf8')).toBe('new contents');
    expect(statSync(target).ino).not.toBe(before);
    expect(readdirSync(scratch).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report of a model with hostile names writes a page with the factor graph (no raw Graphviz error)', async () => {
    const out = join(scratch, 'odd.html');
    const r = await cai(['report', 'test/cli-models/odd-names.ts', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.files.get(out)).toContain('back\\slash\\');
  });

  it('graph --format svg of a model with hostile names succeeds and shows them', async () => {
    const r = await cai(['graph', 'test/cli-models/odd-names.ts', '--format', 'svg']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('back\\slash\\');
    expect(NAMES.length).toBe(6);
  });
});

describe('the promises are cited where the package holds them', () => {
  it('no file cites a RELIABILITY.md; every docs/*.md page that src/ cites exists and is shipped (package.json files)', () => {
    const files = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    // (The changelog may name the old file: it tells what changed.)
    const sources = [...files('src'), ...files('docs').filter((f) => f.endsWith('.md') && !f.endsWith('CHANGELOG.md'))];
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('docs/*.md');
    const cited = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text, file).not.toContain('RELIABILITY');
      if (file.startsWith('src')) for (const m of text.matchAll(/docs\/[\w-]+\.md/g)) cited.add(m[0]);
    }
    expect(cited).toContain('docs/reliability.md');
    for (const page of cited) expect(statSync(join(root, page)).isFile(), page).toBe(true);
  });
});
