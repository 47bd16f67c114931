/**
 * The `cai` executable's TypeScript hooks (src/cli/ts-hooks.ts: sucrase strips
 * types in Node's module hooks), spawned as a user runs it, on model files in a
 * folder with no package.json: TypeScript-only syntax (an enum, interfaces, a
 * type-only import), sibling files imported as `./x.js` and `./x`, a `.cts`
 * CommonJS model, and a stack trace that points at the line of the user's file.
 * Numbers printed are checked against the library called directly. Node 20
 * runs the asynchronous hooks (`module.register`); the synchronous ones that
 * Node ≥ 22.15 gets (`module.registerHooks`) share their logic and are called
 * here directly, with Node's part played by a stub.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { action, deterministic, exact, horizon, infer, model, optimality, state, transition } from '../src/index.js';
import { loadSync, resolveSync } from '../src/cli/ts-hooks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cai-ts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const library = JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href);

function cai(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, [join(root, 'dist/cli/bin.js'), ...args], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', failed);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** The two-cell model every file below builds: 'go' reaches cell 1, where the reward is 0 (−1 elsewhere), T = 2. */
const expected = infer(
  model(state('s', [0, 1], { initial: 0 }), action('a', ['stay', 'go']), transition((s: number, a: string) => deterministic(a === 'go' ? 1 : s)), optimality((s: number) => (s === 1 ? 0 : -1)), horizon(2)),
  exact(),
).logEvidence;

describe('cai on TypeScript model files (its own sucrase hooks)', () => {
  it('runs .ts files with TypeScript-only syntax and sibling imports, a .cts file, and points a stack trace at the line', async () => {
    writeFileSync(join(scratch, 'step.ts'), ['export type Step = (s: number, a: Move) => number;', "export enum Move { Stay = 'stay', Go = 'go' }", 'export const step: Step = (s, a) => (a === Move.Go ? 1 : s);'].join('\n'));
    writeFileSync(join(scratch, 'reward.ts'), "import { step } from './step';\nexport const reward = (s: number): number => (s === step(0, 'go' as never) ? 0 : -1);\n");
    writeFileSync(
      join(scratch, 'model.ts'),
      [
        `import { model, state, action, transition, optimality, horizon, deterministic } from ${library};`,
        "import type { Step } from './step.js';",
        "import { Move, step } from './step.js';",
        "import { reward } from './reward';",
        'interface Options { readonly T: number }',
        'const options: Options = { T: 2 };',
        'const next: Step = step;',
        'export default model(state(\'s\', [0, 1], { initial: 0 }), action(\'a\', [Move.Stay, Move.Go]), transition((s: number, a: Move) => deterministic(next(s, a))), optimality(reward), horizon(options.T));',
      ].join('\n'),
    );
    writeFileSync(
      join(scratch, 'model.cts'),
      [
        `const { model, state, action, transition, optimality, horizon, deterministic } = require(${JSON.stringify(join(root, 'dist/index.js'))});`,
        'const T: number = 2;',
        "module.exports = model(state('s', [0, 1], { initial: 0 }), action('a', ['stay', 'go']), transition((s: number, a: string) => deterministic(a === 'go' ? 1 : s)), optimality((s: number) => (s === 1 ? 0 : -1)), horizon(T));",
      ].join('\n'),
    );
    writeFileSync(join(scratch, 'throws.ts'), ["import type { Step } from './step';", '', 'interface Unused { readonly step: Step }', 'export type { Unused };', 'export default function make() {', "  throw new Error('made to fail');", '}'].join('\n'));
    const [esm, cjs, thrown] = await Promise.all([cai(['run', 'model.ts', '--json']), cai(['run', 'model.cts', '--json']), cai(['run', 'throws.ts', '--stack'])]);
    for (const [name, r] of [['model.ts', esm], ['model.cts', cjs]] as const) {
      expect(r.err, name).toBe('');
      expect(r.code, name).toBe(0);
      expect(Math.abs((JSON.parse(r.out) as { evidence: { logValue: number } }).evidence.logValue - expected), name).toBeLessThanOrEqual(1e-12);
    }
    expect(thrown.code).toBe(1);
    // Types are blanked in place, so line 6, column 9 of the file is where `new Error` stands.
    expect(thrown.err).toContain(`at make (${pathToFileURL(join(scratch, 'throws.ts')).href}:6:9)`);
  });
});

describe('the synchronous hooks (module.registerHooks, Node ≥ 22.15), called directly', () => {
  const parentURL = pathToFileURL(join(scratch, 'model.ts')).href;
  const notFound = (specifier: string) => Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
  /** Node's resolver, as far as these tests need it: only `./step.ts` and `./dir/index.ts` exist. */
  const next = (specifier: string) => {
    if (specifier === './step.ts' || specifier === './dir/index.ts') return { url: new URL(specifier, parentURL).href };
    throw notFound(specifier);
  };

  it('resolves ./x.js and ./x to the .ts file from a TypeScript parent, and reports the original error otherwise', () => {
    expect(resolveSync('./step.js', { parentURL }, next).url).toBe(new URL('./step.ts', parentURL).href);
    expect(resolveSync('./step', { parentURL }, next).url).toBe(new URL('./step.ts', parentURL).href);
    expect(resolveSync('./dir', { parentURL }, next).url).toBe(new URL('./dir/index.ts', parentURL).href);
    expect(() => resolveSync('./missing.js', { parentURL }, next)).toThrow("Cannot find module './missing.js'");
    expect(() => resolveSync('left-pad', { parentURL }, next)).toThrow("Cannot find module 'left-pad'"); // a package name is not retried
    expect(() => resolveSync('./step.js', { parentURL: pathToFileURL(join(scratch, 'plain.js')).href }, next)).toThrow("Cannot find module './step.js'");
  });

  it('loads a .ts file as an ES module with its types stripped in place, and passes any other file on', () => {
    writeFileSync(join(scratch, 'typed.ts'), "import type { X } from './x';\nexport const n: number = 1 as const;\ninterface I { readonly a: X }\nexport type { I };\n");
    const loaded = loadSync(pathToFileURL(join(scratch, 'typed.ts')).href, {}, () => {
      throw new Error('a .ts file must not reach Node');
    });
    expect(loaded.format).toBe('module');
    expect(String(loaded.source).split('\n')[1]).toBe('export const n = 1 ;'); // line 2 stays line 2
    expect(String(loaded.source)).not.toMatch(/interface|import type|: number/);
    const other = { format: 'module', source: 'export {}' };
    expect(loadSync(pathToFileURL(join(scratch, 'plain.js')).href, {}, () => other)).toBe(other);
  });
});
