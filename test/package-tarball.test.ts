/**
 * The package as users get it (issue 14): `npm pack`, the tarball installed
 * in a fresh project made like `npm init -y` makes one ("type": "commonjs"),
 * from the registry through npm's cache (`--prefer-offline`), then:
 *
 * - ESM `import` and CommonJS `require` of the root and every subpath, each
 *   computing a number that is checked against its closed form;
 * - `./testing` without its optional peers: `bruteForce` and `checkPosterior`
 *   work, `bruteForceExact` and the arbitraries refuse with `dependency-missing`;
 *   then, with fast-check and mathjs installed, they load them (exact fractions;
 *   the kit's arbitraries inside the user's own `fc.assert`);
 * - `tsc` on a small typed program using the root and every subpath under
 *   moduleResolution node16, nodenext and bundler, with `skipLibCheck: false` (the declarations themselves are
 *   checked) and `@ts-expect-error` lines that fail if a type decays to any;
 * - `npx cai run` on a `.ts` model in that CommonJS project, and `cai report`
 *   (Vega-Lite, Graphviz in WebAssembly) on it;
 * - an esbuild browser bundle of the root: it must build for the browser
 *   platform (a `node:` import or a WebAssembly file fails it), and a page that
 *   runs exact inference on a tabular gridworld meets issue 14's target (≤ 100 KB
 *   minified, ≤ 35 KB gzipped) without bundling the belief or soft-LQR kernels;
 * - the README's plain `<script type="module">` page, with the root bundled by
 *   the README's own command, in Chromium (skipped without /usr/bin/chromium);
 * - the install prints no install-script warning and carries neither mathjs
 *   nor tsx/esbuild (the lighter install).
 *
 * One temporary project for all steps, so the test pays for one install. The
 * tarball is packed from the `dist/` that `npm test` has just built.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { categorical, action, discount, exact, horizon, infer, model, optimality, state, transition } from '../src/index.js';
import type { Model } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cai-package-'));
const project = join(scratch, 'consumer');
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 60_000);

/** The environment without the `npm_*` variables of the `npm test` that runs us, which would steer the inner npm. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && k !== 'INIT_CWD'));

interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function run(command: string, args: readonly string[], cwd = project): Promise<Ran> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env, maxBuffer: 1 << 24 }, (error, out, err) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, out: String(out), err: String(err) });
    });
  });
}

async function ok(command: string, args: readonly string[], cwd = project): Promise<string> {
  const r = await run(command, args, cwd);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}\n${r.err}\n${r.out}`);
  return r.out;
}

const node = process.execPath;
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** log Z of the one-state model below: two decisions, r = 1 for 'x', 0 for 'y', uniform prior: 2·log((e + 1)/2). */
const LOG_Z = 2 * Math.log((Math.E + 1) / 2);
const MODEL = "model(state('s', ['only']), action('a', ['x', 'y']), transition(() => deterministic('only')), optimality((_s, a) => (a === 'x' ? 1 : 0)), horizon(2))";

/**
 * The bundled page's gridworld: 4 × 4 cells, moves slip (stay) with probability 0.2, reward −1 per step
 * off the goal (3, 3); `finite` picks horizon(12), otherwise discount(0.9). The same text runs in the
 * page (GRIDWORLD) and here on the source (sourceGridworld), and the two log p(O) must be equal.
 */
const GRIDWORLD = [
  'const cells = []; for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) cells.push({ x, y })',
  "const step = (s, a) => ({ x: Math.max(0, Math.min(3, s.x + (a === 'E' ? 1 : a === 'W' ? -1 : 0))), y: Math.max(0, Math.min(3, s.y + (a === 'S' ? 1 : a === 'N' ? -1 : 0))) })",
  "const gridworld = model(state('cell', cells, { initial: { x: 0, y: 0 } }), action('move', ['N', 'S', 'E', 'W']), transition((s, a) => categorical([[step(s, a), 0.8], [s, 0.2]])), optimality((s) => (s.x === 3 && s.y === 3 ? 0 : -1)), finite ? horizon(12) : discount(0.9))",
].join('; ');
const makeGridworld = new Function('model', 'state', 'action', 'transition', 'optimality', 'horizon', 'discount', 'categorical', 'finite', `${GRIDWORLD}; return gridworld;`) as (...args: unknown[]) => Model<unknown, unknown>;
const sourceGridworld = (finite: boolean) => makeGridworld(model, state, action, transition, optimality, horizon, discount, categorical, finite);

let install: Ran;

beforeAll(async () => {
  const packed = JSON.parse(await ok('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], root)) as { filename: string }[];
  const tarball = join(scratch, packed[0]!.filename);
  await ok('mkdir', ['-p', project], scratch);
  // What `npm init -y` writes today, including its explicit "type": "commonjs".
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'commonjs' }, null, 2));
  install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball]);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.err}`);
}, 120_000);

describe('the packed tarball in a fresh CommonJS project', () => {
  it('installs without install-script warnings, and without mathjs, tsx or esbuild', () => {
    expect(install.err).not.toMatch(/install-scripts|postinstall|prepare/);
    for (const heavy of ['mathjs', 'tsx', 'esbuild', 'fast-check']) expect(existsSync(join(project, 'node_modules', heavy)), heavy).toBe(false);
    for (const file of ['LICENSE', 'README.md', 'dist/index.js', 'dist/viz/index.js', 'dist/node/index.js', 'dist/testing/index.js']) {
      expect(existsSync(join(project, 'node_modules/control-as-inference', file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/control-as-inference/package.json'), 'utf8')) as Record<string, unknown>;
    // Only the Node entry's install of the generated fixed-dynamics step has an effect on import.
    expect(manifest['sideEffects']).toEqual(['./dist/engines/exact/fixed/install.js']);
    expect(manifest['repository']).toEqual({ type: 'git', url: 'git+https://github.com/control-as-inference/control-as-inference.git' });
  });

  it('ESM import and CommonJS require of the root and every subpath', async () => {
    const demos = JSON.stringify(JSON.stringify({ demonstrations: [[{ state: 'only', action: 'x' }]] }));
    const esm = [
      "import { model, state, action, transition, optimality, horizon, deterministic, infer, exact, loadDemonstrations } from 'control-as-inference';",
      "import { factorGraphDot, reportHtml } from 'control-as-inference/viz';",
      "import { loadDemonstrations as fromFile } from 'control-as-inference/node';",
      "import { bruteForce } from 'control-as-inference/testing';",
      `const m = ${MODEL};`,
      "const { writeFileSync } = await import('node:fs');",
      `writeFileSync('demos.json', ${demos});`,
      'console.log(JSON.stringify({ logZ: infer(m, exact()).logEvidence, brute: bruteForce(m).logZ, dot: factorGraphDot(infer(m, exact()).graph).startsWith("graph"),',
      "  report: typeof reportHtml, text: loadDemonstrations(" + demos + ").length, file: fromFile('demos.json').length }));",
    ].join('\n');
    const cjs = [
      "const { model, state, action, transition, optimality, horizon, deterministic, infer, exact } = require('control-as-inference');",
      "const { factorGraphDot } = require('control-as-inference/viz');",
      "const { loadDemonstrations } = require('control-as-inference/node');",
      "const { bruteForce, checkPosterior } = require('control-as-inference/testing');",
      `const m = ${MODEL};`,
      'const post = infer(m, exact());',
      'const report = checkPosterior(m, post, { reference: bruteForce(m) });',
      "if (!report.ok || report.checks < 5) throw new Error('checkPosterior: ' + JSON.stringify(report));",
      "console.log(JSON.stringify({ logZ: post.logEvidence, brute: bruteForce(m).logZ, dot: factorGraphDot(post.graph).startsWith('graph'), file: loadDemonstrations('demos.json').length }));",
    ].join('\n');
    writeFileSync(join(project, 'esm.mjs'), esm);
    writeFileSync(join(project, 'cjs.cjs'), cjs);
    const a = JSON.parse(await ok(node, ['esm.mjs'])) as Record<string, unknown>;
    const b = JSON.parse(await ok(node, ['cjs.cjs'])) as Record<string, unknown>;
    for (const r of [a, b]) {
      expect(Math.abs((r['logZ'] as number) - LOG_Z)).toBeLessThan(1e-12);
      expect(Math.abs((r['brute'] as number) - LOG_Z)).toBeLessThan(1e-12);
      expect(r['dot']).toBe(true);
      expect(r['file']).toBe(1);
    }
    expect(a['report']).toBe('function');
    expect(a['text']).toBe(1);
  });

  it('./testing without fast-check or mathjs: the helpers that need them say which to install', async () => {
    const script = [
      "const { model, state, action, transition, optimality, horizon, deterministic } = require('control-as-inference');",
      "const { bruteForceExact, arbitraryModel } = require('control-as-inference/testing');",
      `const m = ${MODEL};`,
      'const caught = (f) => { try { f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };',
      'console.log(JSON.stringify([caught(() => bruteForceExact(m)), caught(() => arbitraryModel())]));',
    ].join('\n');
    writeFileSync(join(project, 'peers.cjs'), script);
    const [exactError, arbitraryError] = JSON.parse(await ok(node, ['peers.cjs'])) as { name: string; code: string; message: string }[];
    expect(exactError).toEqual({
      name: 'CaiError',
      code: 'dependency-missing',
      message: 'testing: bruteForceExact (exact fractions) needs mathjs, an optional peer dependency that is not installed; expected it beside control-as-inference. Run npm install --save-dev mathjs',
    });
    expect(arbitraryError).toEqual({
      name: 'CaiError',
      code: 'dependency-missing',
      message: 'testing: the random models (arbitraryModel …) and checkEngineAgreement needs fast-check, an optional peer dependency that is not installed; expected it beside control-as-inference. Run npm install --save-dev fast-check',
    });
  });

  it('with fast-check and mathjs installed, ./testing loads them: exact fractions, and arbitraries inside the user\'s own fc.assert', async () => {
    // The user's `npm install -D fast-check mathjs`, made instant: links to this repository's own copies
    // (Node and TypeScript follow a link to its real path, where the peers' own dependencies are).
    for (const peer of ['fast-check', 'mathjs']) symlinkSync(join(root, 'node_modules', peer), join(project, 'node_modules', peer), 'dir');
    writeFileSync(
      join(project, 'peers.mjs'),
      [
        "import fc from 'fast-check';",
        "import { model, state, action, transition, optimality, horizon, deterministic, infer, exact } from 'control-as-inference';",
        "import { arbitraryModel, bruteForceExact, checkPosterior } from 'control-as-inference/testing';",
        // r = log(3/2) for 'x' at α = 1: potentials 3/2 and 1 under a uniform prior, so Z = ((3/2 + 1)/2)² = 25/16.
        "const m = model(state('s', ['only']), action('a', ['x', 'y']), transition(() => deterministic('only')), optimality((_s, a) => (a === 'x' ? Math.log(3 / 2) : 0)), horizon(2));",
        'const { Z } = bruteForceExact(m);',
        'let runs = 0;',
        'fc.assert(fc.property(arbitraryModel(), (r) => { checkPosterior(r, infer(r, exact())); runs++; }), { numRuns: 5, seed: 1 });',
        'console.log(JSON.stringify({ Z: `${Z.n}/${Z.d}`, runs }));',
      ].join('\n'),
    );
    expect(JSON.parse(await ok(node, ['peers.mjs']))).toEqual({ Z: '25/16', runs: 5 });
  });

  it('type-checks a small program under moduleResolution node16, nodenext and bundler', async () => {
    const program = [
      "import { model, state, action, transition, optimality, horizon, categorical, infer, exact, CaiError, type Posterior } from 'control-as-inference';",
      "import { valueHeatmapSvg, type ReportOptions } from 'control-as-inference/viz';",
      "import { loadDemonstrations } from 'control-as-inference/node';",
      'const corridor = model(',
      "  state('cell', [0, 1, 2], { initial: 0 }),",
      "  action('move', ['left', 'right']),",
      "  transition((s: number, a: string) => categorical([[a === 'right' ? Math.min(s + 1, 2) : Math.max(s - 1, 0), 1]])),",
      '  optimality((s: number) => (s === 2 ? 0 : -1)),',
      '  horizon(3),',
      ');',
      'const post = infer(corridor, exact());',
      'export const logZ: number = post.logEvidence;',
      'export const demos = loadDemonstrations<number, string>(\'demos.json\');',
      "export const options: ReportOptions<number> = { title: 'corridor' };",
      'export const picture: Promise<string> = valueHeatmapSvg(post.graph, post.V(0));',
      'export const isError: boolean = new Error() instanceof CaiError;',
      'export const generic: Posterior<unknown, unknown> | undefined = undefined;',
      '// @ts-expect-error: logEvidence is a number (fails if the declarations decay to any)',
      'export const wrong: string = post.logEvidence;',
      '// @ts-expect-error: an engine is required',
      'infer(corridor);',
    ].join('\n');
    writeFileSync(join(project, 'typed.mts'), program);
    writeFileSync(
      join(project, 'typed-testing.mts'),
      [
        "import { bruteForce, bruteForceExact, arbitraryModel, type PosteriorCheckReport } from 'control-as-inference/testing';",
        "import { model, state, action, transition, optimality, horizon, deterministic } from 'control-as-inference';",
        "const m = model(state('s', [0]), action('a', ['x']), transition(() => deterministic(0)), optimality(() => 0), horizon(1));",
        'export const brute = bruteForce(m);',
        'export const logZ: number = brute.logZ;',
        'export const report: PosteriorCheckReport | undefined = undefined;',
        'export const z: bigint = bruteForceExact(m).Z.n;',
        'export const models = arbitraryModel();',
        '// @ts-expect-error: logZ is a number',
        'export const wrong: string = brute.logZ;',
      ].join('\n'),
    );
    // A CommonJS file may require the ES-module package under nodenext (TypeScript ≥ 5.8, Node ≥ 20.19).
    writeFileSync(join(project, 'typed-require.cts'), "import { infer, exact } from 'control-as-inference';\nexport const run: typeof infer = infer;\nexport const engine = exact();\n");
    const configs = {
      'tsconfig.node16.json': { module: 'node16', moduleResolution: 'node16', files: ['typed.mts', 'typed-testing.mts'] },
      'tsconfig.nodenext.json': { module: 'nodenext', moduleResolution: 'nodenext', files: ['typed.mts', 'typed-testing.mts', 'typed-require.cts'] },
      'tsconfig.bundler.json': { module: 'esnext', moduleResolution: 'bundler', files: ['typed.mts', 'typed-testing.mts'] },
    };
    for (const [name, c] of Object.entries(configs)) {
      writeFileSync(
        join(project, name),
        JSON.stringify({ compilerOptions: { module: c.module, moduleResolution: c.moduleResolution, target: 'es2022', lib: ['es2022'], types: [], strict: true, skipLibCheck: false, noEmit: true }, files: c.files }),
      );
    }
    // One build-mode process for the three (it shares the parsed declarations between them).
    const r = await run(node, [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...Object.keys(configs)]);
    expect(r.out + r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('npx cai run reads a .ts model in a project without "type": "module"', async () => {
    writeFileSync(
      join(project, 'model.ts'),
      [
        "import { model, state, action, transition, optimality, horizon, deterministic } from 'control-as-inference';",
        "type Move = 'x' | 'y';",
        `export default ${MODEL.replace('(_s, a)', '(_s: string, a: Move)').replace("action('a', ['x', 'y'])", "action('a', ['x', 'y'] as Move[])")};`,
      ].join('\n'),
    );
    const [r, report] = await Promise.all([run('npx', ['--no-install', 'cai', 'run', 'model.ts', '--json']), run('npx', ['--no-install', 'cai', 'report', 'model.ts', '--out', 'report.html'])]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(Math.abs((JSON.parse(r.out) as { evidence: { logValue: number } }).evidence.logValue - LOG_Z)).toBeLessThan(1e-12);
    // The report draws with Vega-Lite and the WebAssembly Graphviz: the pictures' dependencies came with the install.
    expect(report.code, report.err).toBe(0);
    const page = readFileSync(join(project, 'report.html'), 'utf8');
    expect(page).toContain('log p(O)');
    expect(page.match(/<svg/g)?.length ?? 0, 'inline SVG pictures').toBeGreaterThanOrEqual(2); // Vega-Lite's values, and the factor graph
    expect(page).toContain('class="node"'); // Graphviz's nodes: the WebAssembly layout ran
  });

  it('bundles the root for the browser with no node: module, and a tabular exact-inference page meets issue 14\'s size target', async ({ annotate }) => {
    writeFileSync(join(project, 'everything.mjs'), "export * from 'control-as-inference';\n");
    // The page issue 14 measured: exact inference on a gridworld (slippery moves, a goal, a finite or discounted horizon).
    writeFileSync(
      join(project, 'page.mjs'),
      [
        "import { model, state, action, transition, optimality, horizon, discount, categorical, deterministic, infer, exact } from 'control-as-inference';",
        `export const logZ = () => infer(${MODEL}, exact()).logEvidence;`,
        `export const grid = (finite) => { ${GRIDWORLD}; return infer(gridworld, exact()).logEvidence; };`,
      ].join('\n'),
    );
    const esbuild = (entry: string, out: string) => ok(bin('esbuild'), [entry, '--bundle', '--minify', '--format=esm', '--platform=browser', `--outfile=${out}`, `--metafile=${out}.json`, '--log-level=error']);
    await Promise.all([esbuild('everything.mjs', 'everything.js'), esbuild('page.mjs', 'page.js')]);
    for (const out of ['everything.js', 'page.js']) {
      const inputs = Object.keys((JSON.parse(readFileSync(join(project, `${out}.json`), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
      // Nothing Node-only and none of the pictures' weight: no builtins, no Vega, no Graphviz, no WebAssembly.
      expect(inputs.filter((i) => /^node:|\.wasm$|vega|graphviz|mathjs|fast-check/.test(i)), out).toEqual([]);
      expect(readFileSync(join(project, out), 'utf8')).not.toMatch(/["']node:/);
    }
    const page = readFileSync(join(project, 'page.js'));
    const everything = readFileSync(join(project, 'everything.js'));
    const sizes = `page.js ${page.length} B (${gzipSync(page, { level: 9 }).length} B gzip -9); whole root ${everything.length} B (${gzipSync(everything, { level: 9 }).length} B gzip -9)`;
    await annotate(sizes);
    // Issue 14's target: 100 KB minified, 35 KB gzipped (gzip -9). The kernels a tabular page does not use are
    // not reachable from it: exact() imports no structure's kernel; a POMDP's belief kernel and the soft-LQR
    // kernel come with the observation(...) and linearGaussian(...) parts (src/engines/exact/kernel.ts).
    expect(page.length, `page.js minified bytes (${sizes})`).toBeLessThanOrEqual(100_000);
    expect(gzipSync(page, { level: 9 }).length, `page.js gzipped bytes (${sizes})`).toBeLessThanOrEqual(35_000);
    // What the output holds (the metafile's top-level inputs also list modules esbuild parsed and then shook out).
    const output = Object.values((JSON.parse(readFileSync(join(project, 'page.js.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }).outputs)[0]!;
    const pageInputs = Object.entries(output.inputs).flatMap(([path, { bytesInOutput }]) => (bytesInOutput > 0 ? [path] : []));
    expect(pageInputs.length, 'modules in page.js').toBeGreaterThan(20);
    expect(pageInputs.filter((i) => /engines\/exact\/(belief|gaussian)\/|compile\/(observations|linear-gaussian)\.js|immer|ts-pattern/.test(i)), 'kernels and dependencies a tabular page must not carry').toEqual([]);
    // The whole root (every engine, inverse RL, the text pictures) is larger; this bound only catches the pictures' 1.7 MB coming back.
    expect(everything.length, 'everything.js minified bytes').toBeLessThanOrEqual(400_000);
    // The bundle is browser code, but plain ES: it runs here too and gives the same numbers as the source.
    const bundled = (await import(/* @vite-ignore */ pathToFileURL(join(project, 'page.js')).href)) as { logZ: () => number; grid: (finite: boolean) => number };
    expect(Math.abs(bundled.logZ() - LOG_Z)).toBeLessThan(1e-12);
    for (const finite of [true, false]) {
      const gridworld = sourceGridworld(finite);
      expect(bundled.grid(finite), `gridworld, ${finite ? 'horizon(12)' : 'discount(0.9)'}`).toBe(infer(gridworld, exact()).logEvidence);
    }
  });

  const CHROMIUM = '/usr/bin/chromium';
  const noChromium = !existsSync(CHROMIUM);
  it.skipIf(noChromium)(`the README's <script type="module"> page runs in Chromium on the bundle its command makes${noChromium ? ` (skipped: ${CHROMIUM} not found)` : ''}`, async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const command = readme.split('\n').find((l) => l.startsWith('npx esbuild node_modules/control-as-inference/'));
    expect(command, 'the README line that bundles the package for a <script type="module">').toBeDefined();
    const html = /```html\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(html).toBeDefined();
    const www = join(project, 'www');
    mkdirSync(www, { recursive: true });
    const argv = command!.split(/\s+/).slice(2);
    await ok(bin('esbuild'), [...argv.map((a) => (a.startsWith('--outfile=') ? `--outfile=${join(www, a.slice('--outfile='.length))}` : a)), '--log-level=error']);
    writeFileSync(join(www, 'index.html'), html!);
    // Module scripts do not run from file://, so a minimal static server, as the README says.
    const server = createServer((request, response) => {
      const path = join(www, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
      if (!existsSync(path)) return void response.writeHead(204).end();
      response.writeHead(200, { 'content-type': path.endsWith('.html') ? 'text/html' : 'text/javascript' }).end(readFileSync(path));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${origin}/index.html`);
      await page.waitForSelector('#answer:not(:empty)');
      // The same corridor as the README's page, solved here by the library's source.
      const corridor = model(
        state('cell', [0, 1, 2, 3, 4], { initial: 0 }),
        action('move', ['left', 'right']),
        transition((s: number, a: string) => (a === 'right' ? categorical([[Math.min(s + 1, 4), 0.8], [s, 0.2]]) : categorical([[Math.max(s - 1, 0), 1]]))),
        optimality((s: number) => (s === 4 ? 0 : -1)),
        horizon(8),
      );
      const post = infer(corridor, exact());
      expect(await page.textContent('#answer')).toBe(`log p(O) = ${post.logEvidence.toFixed(4)}\np(a_0 | s_0 = 0, O) = ${post.policy(0, 0).probs.map((p) => p.toFixed(3)).join(', ')}`);
      expect(problems).toEqual([]);
      expect(requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
