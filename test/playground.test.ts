/**
 * The playground's engine room in Node (src/playground/run-model.ts, the code
 * the page's Web Worker runs): the examples as the page holds them run and
 * give the library's own numbers, a changed α equals the model written with
 * that α, slips are the steps the dynamics did not most favour, errors point
 * at the user's line, and the URL hash restores what it saved. The page in
 * Chromium is test/playground-browser.test.ts.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, exact, horizon, infer, model, optimality, state, transition, type FactorGraph } from '../src/index.js';
import { EXAMPLE_MENU, adaptExample, playgroundExamples } from '../src/playground/examples.js';
import { decodeState, encodeState } from '../src/playground/hash.js';
import type { RunRequest, Settings } from '../src/playground/protocol.js';
import { rolloutOf, runModel, shownError } from '../src/playground/run-model.js';
import { cliffWalk } from '../dsl-examples/slippery-gridworld.js';
import { close } from './helpers/close.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const examples = playgroundExamples(ROOT);
const modules = Object.fromEntries(examples.map((e) => [e.name, e.source]));
const DEFAULTS: Settings = { exportName: '', engine: 'exact', backup: 'posterior', alpha: null, steps: null, particles: null, seed: 0, samples: 4 };
const request = (source: string, settings: Partial<Settings> = {}): RunRequest => ({ id: 1, source, file: 'model.ts', modules, settings: { ...DEFAULTS, ...settings } });
const flagship = examples.find((e) => e.name === 'slippery-gridworld')!;
const TOL = { atol: 1e-12, rtol: 1e-12 };

describe('the examples as the page holds them', () => {
  it('import the package by name and keep no Node-only code', () => {
    expect(examples.map((e) => e.name)).toEqual(EXAMPLE_MENU.map((e) => e.name));
    for (const e of examples) {
      expect(e.source, e.name).toContain("from 'control-as-inference'");
      expect(e.source, e.name).not.toMatch(/node:|process\.|\.\.\/src\//);
    }
    expect(() => adaptExample('x', "import { readFileSync } from 'fs';\nreadFileSync(process.argv[2]);\n")).toThrow(/'process\.' is left/);
    expect(adaptExample('x', "import { a } from '../src/index.js';\nimport { b } from '../src/viz/index.js';\n")).toBe("import { a } from 'control-as-inference';\nimport { b } from 'control-as-inference/viz';\n");
    expect(() => adaptExample('x', "import { c } from '../src/dsl/model.js';\n")).toThrow(/'\.\.\/src\/' is left/);
  });

  it('every example runs with its own settings', async () => {
    for (const e of examples) {
      // Learning engines and SMC at a small size: this checks that the page can run them, not their accuracy.
      const small: Partial<Settings> = e.settings.engine === 'softQLearning' ? { steps: 1500 } : e.settings.engine === 'importance' ? { particles: 100 } : {};
      const result = await runModel(request(e.source, { ...e.settings, ...small }));
      expect(Number.isNaN(result.evidence.logValue), e.name).toBe(false);
      expect(result.engine, e.name).toBe(e.settings.engine ?? 'exact');
    }
  });

  it('the flagship gives log p(O) and π_0 of the library to 1e-12, and α from the page equals α in the model', async () => {
    for (const alpha of [null, 0.5]) {
      const result = await runModel(request(flagship.source, { alpha }));
      const { gridworld } = cliffWalk(alpha === null ? {} : { temperature: alpha });
      const post = infer(gridworld, exact());
      expect(close(result.evidence.logValue, post.logEvidence, TOL), `log p(O) at α = ${alpha}`).toBe(true);
      expect(result.evidence.kind).toBe('exact');
      expect(result.alpha).toBe(alpha ?? 0.2);
      expect(result.modelAlpha).toBe(0.2);
      expect(result.startPolicy).toHaveLength(1);
      expect(result.startPolicy[0]!.state).toBe('{x:0,y:3}');
      const pi = post.policy(0, { x: 0, y: 3 }).probs;
      result.startPolicy[0]!.probs.forEach((p, a) => expect(close(p, pi[a]!, TOL), `π_0(${a})`).toBe(true));
      expect(result.valuesSvg).toMatch(/^<svg/);
      expect(result.marginalsSvg).toMatch(/^<svg/);
      expect(result.grid!.cells).toHaveLength(32);
      expect(result.rollouts).toHaveLength(4);
    }
    const fixed = await runModel(request(flagship.source, { backup: 'fixed-dynamics' }));
    expect(close(fixed.evidence.logValue, infer(cliffWalk().gridworld, exact({ backup: 'fixed-dynamics' })).logEvidence, TOL)).toBe(true);
    expect(fixed.evidence.kind).toBe('lower-bound');
  });
});

describe('slips in a rollout', () => {
  it('are the steps that did not land on the intended cell of a corridor', () => {
    // Moving right reaches s + 1 with 0.7 and stays with 0.3; left is sure. Intended = the 0.7 branch.
    const corridor = model(
      state('cell', [0, 1, 2, 3], { initial: 0 }),
      action('move', ['left', 'right']),
      transition((s: number, a: string) => (a === 'right' && s < 3 ? categorical([[s + 1, 0.7], [s, 0.3]]) : categorical([[a === 'left' ? Math.max(s - 1, 0) : s, 1]]))),
      optimality((s: number) => (s === 3 ? 0 : -1)),
      horizon(8),
    );
    const post = infer(corridor, exact({ backup: 'fixed-dynamics' }));
    const graph = compile(corridor) as FactorGraph<number, string>;
    let slips = 0;
    for (const tr of post.sample(50, { seed: 3 })) {
      const r = rolloutOf(graph as FactorGraph<unknown, unknown>, tr.states, tr.actions);
      expect(r.slips).toHaveLength(tr.states.length - 1);
      r.slips.forEach((slip, t) => {
        const s = tr.states[t] as number;
        const intended = tr.actions[t] === 'right' ? Math.min(s + 1, 3) : Math.max(s - 1, 0);
        expect(slip, `t = ${t}`).toBe(tr.states[t + 1] !== intended);
        if (slip) slips++;
      });
    }
    expect(slips).toBeGreaterThan(0); // with 50 × 7 steps at slip 0.3 some slip (P(none) < 1e-20)
  });
});

describe('errors point at the line that caused them', () => {
  const header = "import { model, state, action, transition, optimality, horizon, categorical } from 'control-as-inference';\n";
  const at = async (source: string) => {
    try {
      await runModel(request(source));
    } catch (error) {
      return shownError(error, source, 'model.ts');
    }
    throw new Error('the model ran without an error');
  };

  it('a CaiError from model(), through the stack', async () => {
    const e = await at(`${header}\nexport default model(\n  state('cell', []),\n  action('move', ['a']),\n);\n`);
    expect(e.code).toBe('empty-domain');
    expect(e.message).toContain("state('cell')");
    expect(e).toMatchObject({ line: 4, lineFrom: 'stack' }); // state('cell', []) refuses the empty domain itself
  });

  it('a transition that throws, through the cause kept by the CaiError', async () => {
    const source = `${header}export default model(\n  state('cell', [0, 1], { initial: 0 }),\n  action('move', ['a']),\n  transition((s: number) => {\n    if (s === 1) throw new Error('boom');\n    return categorical([[1, 1]]);\n  }),\n  optimality(() => 0),\n  horizon(3),\n);\n`;
    const e = await at(source);
    expect(e.code).toBe('function-threw');
    expect(e).toMatchObject({ line: 6, lineFrom: 'stack' });
  });

  it("a successor outside the domain, by the part's name when no frame is the user's", async () => {
    const source = `${header}export default model(\n  state('cell', [0, 1], { initial: 0 }),\n  action('move', ['a']),\n  transition((s: number) => categorical([[s + 5, 1]])),\n  optimality(() => 0),\n  horizon(3),\n);\n`;
    const e = await at(source);
    expect(e.code).toBe('successor-unknown');
    expect(e).toMatchObject({ line: 5, lineFrom: 'part' });
  });

  it('a syntax error at its position, and a missing model or import by name', async () => {
    expect(await at(`${header}const x = (;\n`)).toMatchObject({ line: 2, lineFrom: 'syntax', code: null });
    expect((await at(`${header}export const notAModel = 1;\n`)).message).toMatch(/exports no model as 'default' or 'model'.*it exports: notAModel/);
    expect((await at(`import { x } from 'left-pad';\nexport default x;\n`)).message).toMatch(/cannot import 'left-pad'; the page provides 'control-as-inference', 'control-as-inference\/viz', '\.\/slippery-gridworld\.js'/);
  });
});

describe('the link', () => {
  it('restores the code and the settings it saved, and ignores a foreign hash', async () => {
    const state = { code: flagship.source, settings: { ...DEFAULTS, alpha: 0.35, engine: 'variational' as const } };
    const hash = await encodeState(state);
    expect(hash).toMatch(/^#v1\.[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(0.6 * flagship.source.length); // deflated, then base64 (4/3)
    expect(await decodeState(hash)).toEqual(state);
    expect(await decodeState('#section-2')).toBeUndefined();
    await expect(decodeState('#v1.AAAA')).rejects.toThrow();
  });
});

// The repository root is where the examples are read from; keep the path helper honest.
expect(join(ROOT, 'dsl-examples')).toMatch(/dsl-examples$/);
