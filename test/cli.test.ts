/**
 * The `cai` command, run in-process through `main(argv, io)` (the same code the
 * executable runs after registering its TypeScript hooks), plus two runs of the built
 * executable itself (dist/cli/bin.js, spawned) to check the TypeScript loader
 * and the exit codes a shell sees. Numbers printed by the command are checked
 * against the library called directly on the same model file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { progressBar } from '../src/cli/progress.js';
import { action, categorical, deterministic, demonstrationsFrom, demonstrationsJSON, exact, extend, horizon, importance, indicatorFeatures, infer, inferReward, learningFit, model, optimality, softQLearning, state, transition } from '../src/index.js';
import corridor from './cli-models/corridor.js';
import { model as simulated } from './cli-models/simulated.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CORRIDOR = 'test/cli-models/corridor.ts';
const scratch = mkdtempSync(join(tmpdir(), 'cai-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
  files: Map<string, string>;
}

/** Run `cai …argv` in-process; stderr is a terminal only when `tty` is set. */
async function cai(argv: string[], tty = false): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY: tty, columns: 100 },
    cwd: root,
    importModule: (url) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>,
    writeFile: (path, text) => files.set(path, text),
  };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join(''), files };
}

const exactPost = infer(corridor, exact());

describe('cai run', () => {
  it('prints log p(O) with its kind, the policy at t = 0 and text grids, as the library computes them', async () => {
    const r = await cai(['run', CORRIDOR]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`log p(O)   ${exactPost.logEvidence.toFixed(4)}  (exact)`);
    const pi = exactPost.policy(0, { x: 0, y: 1 });
    for (const [i, a] of pi.support.entries()) expect(r.out).toMatch(new RegExp(`^  ${a}\\s+${pi.probs[i]!.toFixed(3)}`, 'm'));
    expect(r.out).toContain('V_0(s)');
    expect(r.out).toContain('most probable a_0');
  });

  it('--json carries the same numbers, with their kind', async () => {
    const r = await cai(['run', CORRIDOR, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { evidence: { kind: string; logValue: number }; policy: { state: unknown; actions: string[]; probs: number[] }; horizon: number };
    expect(s.evidence.kind).toBe('exact');
    expect(Math.abs(s.evidence.logValue - exactPost.logEvidence)).toBeLessThanOrEqual(1e-12);
    expect(s.policy.state).toEqual({ x: 0, y: 1 });
    const pi = exactPost.policy(0, { x: 0, y: 1 });
    s.policy.actions.forEach((a, i) => expect(Math.abs(s.policy.probs[i]! - pi.probs[pi.support.indexOf(a)]!)).toBeLessThanOrEqual(1e-12));
    expect(s.horizon).toBe(6);
  });

  it('--backup fixed-dynamics reports a lower bound; --horizon replaces T', async () => {
    const fixed = await cai(['run', CORRIDOR, '--backup', 'fixed-dynamics', '--horizon', '3', '--json']);
    expect(fixed.code).toBe(0);
    const s = JSON.parse(fixed.out) as { evidence: { kind: string; logValue: number }; horizon: number };
    const reference = infer(extend(corridor, horizon(3)), exact({ backup: 'fixed-dynamics' }));
    expect(s.horizon).toBe(3);
    expect(s.evidence.kind).toBe('lower-bound');
    expect(Math.abs(s.evidence.logValue - reference.logEvidence)).toBeLessThanOrEqual(1e-12);
  });

  it('--engine softQLearning learns from --steps environment steps: the ELBO the library gets for the same seed, and the run in a "learned" row', async () => {
    const r = await cai(['run', CORRIDOR, '--engine', 'softQLearning', '--steps', '2000', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const reference = infer(corridor, softQLearning({ steps: 2000, seed: 1 }));
    expect(r.out).toContain(`log p(O)   ${reference.logEvidence.toFixed(4)}  (a lower bound: the ELBO)`);
    const fit = learningFit(reference);
    expect(r.out).toMatch(new RegExp(`^learned +2000 environment steps, ${fit.episodes} episodes; mean return of the last tenth -?\\d+\\.\\d{3}; log p\\(O\\) − ELBO = ${fit.gap!.toFixed(4)}$`, 'm'));
    const json = JSON.parse((await cai(['run', CORRIDOR, '--engine', 'virel', '--steps', '2000', '--json'])).out) as { engine: string; learning: { environmentSteps: number } };
    expect(json.engine).toBe('virel');
    expect(json.learning.environmentSteps).toBe(2000);
  });

  it('--engine importance on a sampler-only model: an estimate within 4.5 standard errors of the exact log p(O)', async () => {
    // False-failure rate of the 4.5 SE check under a normal approximation: ≈ 7e-6 (and the seed is fixed).
    const r = await cai(['run', 'test/cli-models/simulated.ts', '--engine', 'importance', '--particles', '4000', '--seed', '3', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { evidence: { kind: string; logValue: number; standardError: number } };
    expect(s.evidence.kind).toBe('estimate');
    // The same model with its sampler written as the distribution it draws from.
    const tabulated = model(
      state('n', [0, 1, 2, 3], { initial: 0 }),
      action('push', ['up', 'stay']),
      transition((n: number, a: string) => (a === 'up' && n < 3 ? categorical([[n + 1, 0.7], [n, 0.3]]) : categorical([[n, 1]]))),
      optimality((n: number) => (n === 3 ? 0 : -1)),
      horizon(4),
    );
    const logZ = infer(tabulated, exact()).logEvidence;
    expect(s.evidence.standardError).toBeGreaterThan(0);
    expect(Math.abs(s.evidence.logValue - logZ)).toBeLessThanOrEqual(4.5 * s.evidence.standardError);
    // And the engine called directly on the same file's model gives the very same estimate for the same seed.
    const direct = infer(simulated, importance({ particles: 4000, seed: 3 }));
    expect(Math.abs(direct.logEvidence - s.evidence.logValue)).toBeLessThanOrEqual(1e-12);
  });

  it('--engine exact on a sampler-only model prints the library\'s message suggesting importance(), without a stack trace', async () => {
    const r = await cai(['run', 'test/cli-models/simulated.ts', '--engine', 'exact']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error \[needs-simulator\]: exact\(\): .*importance\(/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a malformed model prints the CaiError message and exits 1; --stack adds the trace', async () => {
    const r = await cai(['run', 'test/cli-models/broken.ts']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("error [initial-unknown]: state('cell'): initial value 7 is not in the domain\n");
    const traced = await cai(['run', 'test/cli-models/broken.ts', '--stack']);
    expect(traced.err).toMatch(/\n\s+at /);
  });

  it('command-line mistakes exit 2 with a message naming the fix', async () => {
    const none = await cai(['run', 'test/cli-models/no-model.ts']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('exports no model');
    expect(none.err).toContain('It exports: answer, helper');
    const missing = await cai(['run', 'test/cli-models/nope.ts']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('test/cli-models/nope.ts: no such file');
    const engine = await cai(['run', CORRIDOR, '--engine', 'exakt']);
    expect(engine.code).toBe(2);
    expect(engine.err).toContain('Allowed choices are exact, variational, importance, softQLearning, softActorCritic, virel, pseudoLikelihoodEM');
    const flag = await cai(['run', CORRIDOR, '--particles', '10']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('--particles does not apply to --engine exact; it is an option of importance');
    const T = await cai(['run', CORRIDOR, '--horizon', '2.5']);
    expect(T.code).toBe(2);
    expect(T.err).toContain("expected a positive integer, got '2.5'");
    const exported = await cai(['run', CORRIDOR, '--export', 'nothing']);
    expect(exported.code).toBe(2);
    expect(exported.err).toContain("has no export named 'nothing'");
  });

  it('--export picks a named export; a factory whose parameters all have defaults is called', async () => {
    const r = await cai(['run', 'dsl-examples/sutton-barto-gridworld.ts', '--export', 'gridworld', '--backup', 'fixed-dynamics', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { horizon: string; value: number; convergence: { iterations: number } };
    expect(s.horizon).toBe('Infinity');
    expect(s.convergence.iterations).toBeGreaterThan(0);
  });

  it('draws a progress bar on a terminal and nothing when stderr is not one', async () => {
    const tty = await cai(['run', CORRIDOR, '--engine', 'variational', '--steps', '40'], true);
    expect(tty.code).toBe(0);
    expect(tty.err).toContain('\r[');
    expect(tty.err).toMatch(/\] 100% variational/);
    expect(tty.err.endsWith('\r\x1b[K')).toBe(true); // the bar clears its line when done
    const piped = await cai(['run', CORRIDOR, '--engine', 'variational', '--steps', '40']);
    expect(piped.err).toBe('');
    expect(piped.out).toBe(tty.out);
  });

  it('the progress bar redraws only when the percentage moves or 100 ms pass', () => {
    const written: string[] = [];
    let now = 0;
    const bar = progressBar({ write: (s) => written.push(s), isTTY: true, columns: 60 }, () => now)!;
    bar.update(0.5, 'a');
    bar.update(0.501, 'b'); // same percent, same instant: skipped
    now = 150;
    bar.update(0.502, 'c'); // same percent, 150 ms later: drawn
    bar.update(2, 'd'); // clamped to 100 %
    expect(written.length).toBe(3);
    expect(written[2]).toContain('100% d');
    expect([...written[0]!.replace('\r', '').replace('\x1b[K', '')].length).toBeLessThanOrEqual(59);
  });
});

describe('cai --help', () => {
  for (const command of ['run', 'graph', 'report', 'plot', 'irl']) {
    it(`cai ${command} --help`, async () => {
      const r = await cai([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: cai ${command}`);
      expect(r.out).toContain('Example:');
    });
  }
  it('cai --help lists the commands; no arguments prints help and exits 2', async () => {
    const r = await cai(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['run', 'graph', 'report', 'plot', 'irl']) expect(r.out).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect((await cai([])).code).toBe(2);
  });
});

describe('cai graph, plot, report', () => {
  it('graph prints DOT with every variable and one box per factor of the unrolled graph', async () => {
    const r = await cai(['graph', CORRIDOR, '--slices', '2']);
    expect(r.code).toBe(0);
    const unrolled = exactPost.graph.unrolled({ slices: 2 });
    expect(r.out.startsWith('graph "factor_graph" {')).toBe(true);
    for (const v of unrolled.variables) expect(r.out).toContain(`"${v.name}" [`);
    expect(r.out.match(/shape = "box"/g)?.length).toBe(unrolled.factors.length);
  });

  it('graph --format svg --out writes an SVG laid out by the WebAssembly Graphviz', async () => {
    const r = await cai(['graph', CORRIDOR, '--format', 'svg', '--out', join(scratch, 'g.svg')]);
    expect(r.code).toBe(0);
    const svg = r.files.get(join(scratch, 'g.svg'))!;
    expect(svg).toMatch(/<svg[^>]*>/);
    expect(svg).toContain('<title>s_0</title>');
  });

  it('plot --kind values|trajectories|marginals writes SVG documents', async () => {
    for (const kind of ['values', 'trajectories', 'marginals']) {
      const r = await cai(['plot', CORRIDOR, '--kind', kind]);
      expect(r.code, kind).toBe(0);
      expect(r.out.startsWith('<svg')).toBe(true);
      expect(r.out.trimEnd().endsWith('</svg>')).toBe(true);
    }
  });

  it('report --out writes one self-contained page with the evidence and the pictures', async () => {
    const out = join(scratch, 'report.html');
    const r = await cai(['report', CORRIDOR, '--out', out, '--samples', '5']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`wrote ${out}\n`);
    const html = r.files.get(out)!;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<th>log p(O)</th><td>${exactPost.logEvidence.toFixed(4)}  (exact)</td>`);
    expect(html.match(/<svg/g)?.length).toBe(5); // values, where the agent goes, the rollout, marginals, factor graph
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(r.out).toBe('');
  });
  it('report on a learning engine adds its curves: return, entropy, the critic error and, for VIREL, β', async () => {
    const out = join(scratch, 'virel.html');
    const r = await cai(['report', CORRIDOR, '--engine', 'virel', '--steps', '2000', '--out', out, '--samples', '5']);
    expect(r.code).toBe(0);
    const html = r.files.get(out)!;
    for (const title of ['Return per episode (virel)', 'Entropy of the behaviour policy', "The critic's mean squared TD error", "VIREL's β(ω) = c·MSBE"]) expect(html).toContain(title.replace("'", '&#39;'));
    expect(html.match(/<svg/g)?.length).toBe(9); // values where visited, where the agent goes, the rollout, marginals, four curves, factor graph
  });
});

describe('cai irl', () => {
  it('fits the reward the library fits for the same demonstrations and options', async () => {
    const demos = demonstrationsFrom(exactPost.sample(15, { seed: 4 }));
    const file = join(scratch, 'demos.json');
    writeFileSync(file, demonstrationsJSON(demos));
    const r = await cai(['irl', CORRIDOR, file, '--l2', '0.5', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { theta: number[]; logLikelihood: number; demonstrations: number };
    const fit = inferReward(corridor, demos, { features: indicatorFeatures('state'), l2: 0.5 });
    expect(s.demonstrations).toBe(15);
    expect(s.theta.length).toBe(fit.theta.length);
    s.theta.forEach((v, k) => expect(Math.abs(v - fit.theta[k]!)).toBeLessThanOrEqual(1e-12));
    expect(Math.abs(s.logLikelihood - fit.logLikelihood)).toBeLessThanOrEqual(1e-9);
    const text = await cai(['irl', CORRIDOR, file, '--l2', '0.5']);
    expect(text.out).toContain('learned reward θ_s per state:');
    // With particles the counts are estimates, and the command says so.
    const sampled = await cai(['irl', CORRIDOR, file, '--l2', '0.5', '--engine', 'importance', '--particles', '500', '--seed', '2']);
    expect(sampled.code).toBe(0);
    expect(sampled.out).toMatch(/log-likelihood\s+-?\d+\.\d+ \(an estimate\)/);
    const stray = await cai(['irl', CORRIDOR, file, '--particles', '500']);
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('--particles and --seed apply to --engine importance');
  });

  it('an unreadable demonstrations file prints the library\'s message', async () => {
    const r = await cai(['irl', CORRIDOR, join(scratch, 'missing.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error \[demonstration-invalid\]: loadDemonstrations: cannot read/);
  });
});

describe('the built executable (dist/cli/bin.js, TypeScript model files through its own sucrase hooks)', () => {
  function spawnCai(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((done, failed) => {
      const child = spawn(process.execPath, [join(root, 'dist/cli/bin.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', failed);
      child.on('close', (code) => done({ code, out, err }));
    });
  }

  it('runs a .ts model file (ESM, or CommonJS outside a "type": "module" package) and reports a model error without a stack trace', async () => {
    // A model file in a folder with no package.json: Node alone would take it for CommonJS; the hooks load it as the ES module it is.
    const loose = join(scratch, 'loose-model.ts');
    writeFileSync(
      loose,
      [
        `import { model, state, action, transition, optimality, horizon, deterministic } from ${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)};`,
        "export default model(state('s', [0, 1], { initial: 0 }), action('a', ['stay', 'go']), transition((s: number, a: string) => deterministic(a === 'go' ? 1 : s)), optimality((s: number) => (s === 1 ? 0 : -1)), horizon(2));",
      ].join('\n'),
    );
    const [ok, bad, commonjs] = await Promise.all([spawnCai(['run', CORRIDOR, '--json']), spawnCai(['run', 'test/cli-models/broken.ts']), spawnCai(['run', loose, '--json'])]);
    expect(commonjs.err).toBe('');
    expect(commonjs.code).toBe(0);
    const printed = (JSON.parse(commonjs.out) as { evidence: { logValue: number } }).evidence.logValue;
    const same = model(state('s', [0, 1], { initial: 0 }), action('a', ['stay', 'go']), transition((s: number, a: string) => deterministic(a === 'go' ? 1 : s)), optimality((s: number) => (s === 1 ? 0 : -1)), horizon(2));
    expect(Math.abs(printed - infer(same, exact()).logEvidence)).toBeLessThanOrEqual(1e-12);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.out) as { evidence: { logValue: number } };
    expect(Math.abs(s.evidence.logValue - exactPost.logEvidence)).toBeLessThanOrEqual(1e-12);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("error [initial-unknown]: state('cell'): initial value 7 is not in the domain\n");
    expect(readFileSync(join(root, 'dist/cli/bin.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
