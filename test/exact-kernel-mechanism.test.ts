/**
 * One exact(), several kernels (src/engines/exact/kernel.ts): a compiled graph
 * that is not plain tables carries the kernel that solves it, handed over by
 * the part that introduced its structure, and exact() imports no structure's
 * kernel. Checked here: which graphs carry which kernel; that exact() hands a
 * carried kernel the graph, the backup, its checked options and the tabular
 * solver, and returns the kernel's answer; and — by bundling the source with
 * esbuild — that a tabular page does not reach the belief or soft-LQR kernels
 * while a page that uses `observation` or `linearGaussian` does.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, deterministic, exact, horizon, infer, model, observation, optimality, state, transition, uniform, linearGaussian, quadratic, temperature } from '../src/index.js';
import type { FactorGraph, Part, Posterior } from '../src/index.js';
import type { KernelContext, TableKernel } from '../src/engines/exact/kernel.js';
import { corridor } from './helpers/corridor.js';

type D = 'l' | 'r';
type K = 'listen' | 'open';
const door = (...more: Part<D, K>[]) =>
  model<D, K>(
    state('door', ['l', 'r'] as D[]),
    action('act', ['listen', 'open'] as K[]),
    transition((s: D) => deterministic(s)),
    optimality((s: D, a: K) => (a === 'listen' ? -1 : s === 'l' ? 10 : -10)),
    horizon(2),
    ...more,
  );
const hear = observation((s: D, a: K) => (a === 'listen' ? categorical([[s, 0.8], [s === 'l' ? 'r' : 'l', 0.2]]) : uniform(['l', 'r'])));
const tiger = () => door(hear);

describe('which compiled graphs carry a kernel', () => {
  it('a fully observed graph carries none (not even an undefined key), a POMDP graph the belief kernel', () => {
    const plain = compile(corridor());
    expect('kernel' in plain).toBe(false);
    const pomdp = compile(tiger());
    expect(pomdp.kernel?.name).toBe('belief');
    expect(pomdp.kernel?.accepts(pomdp)).toBe(true);
    expect(pomdp.kernel?.accepts(plain)).toBe(false);
  });

  it('a linear-Gaussian graph carries the soft-LQR kernel, put there by the compiler its part carries', () => {
    const m = model(state.simulated('x', { initial: [0] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));
    const part = m.parts.find((p) => p.kind === 'transition');
    const graph = part?.kind === 'transition' ? part.compileGaussian?.(m) : undefined;
    expect(graph?.kernel.name).toBe('gaussian');
    expect(graph?.kernel.accepts(graph)).toBe(true);
    expect(graph?.kernel.accepts(compile(corridor()))).toBe(false);
    // And infer() gets its posterior from that kernel: the same numbers as calling it directly.
    const direct = graph!.kernel.solve(graph!, 'posterior', undefined as never);
    expect(infer(m, exact()).logEvidence).toBe(direct.logEvidence);
  });
});

describe('exact() hands a carried kernel what it needs and returns its answer', () => {
  it('the graph, the backup, the checked options and the tabular solver of the same backup', () => {
    const graph = compile(corridor());
    const seen: { backup?: string; context?: KernelContext } = {};
    const answer = { engine: 'a probe' } as unknown as Posterior<unknown, unknown>;
    const probe = {
      name: 'probe',
      accepts: (g: unknown): g is FactorGraph<unknown, unknown> => g === carrying,
      solve: (_g: FactorGraph<unknown, unknown>, backup: 'posterior' | 'fixed-dynamics', context: KernelContext) => ((seen.backup = backup), (seen.context = context), answer),
      evaluate: () => {
        throw new Error('not used');
      },
    } as unknown as TableKernel;
    const carrying: FactorGraph<unknown, unknown> = { ...graph, kernel: probe };
    const post = infer(carrying, exact({ backup: 'fixed-dynamics', tolerance: 1e-8, maxIterations: 7, mergeTolerance: 1e-6, maxBeliefs: 9 }));
    expect(post).toBe(answer);
    expect(seen.backup).toBe('fixed-dynamics');
    expect(seen.context?.settings).toEqual({ tolerance: 1e-8, toleranceGiven: true, maxIterations: 7, solver: undefined, mergeTolerance: 1e-6, maxBeliefs: 9, beliefPoints: undefined });
    // The tabular solver it is handed is exact() itself on plain tables: bit-identical numbers.
    const tabular = seen.context!.tabular(graph);
    const reference = infer(graph, exact({ backup: 'fixed-dynamics', tolerance: 1e-8, maxIterations: 7 }));
    expect(tabular.logEvidence).toBe(reference.logEvidence);
    expect([...tabular.V(0)]).toEqual([...reference.V(0)]);
  });

  it('the agent backups stay in the tabular kernel (they are backups, not structures)', () => {
    const graph = compile(corridor());
    expect(infer(graph, exact({ backup: 'boltzmann' })).engine).toBe('exact');
  });
});

describe('what a page bundles (esbuild on the source, as a browser page)', () => {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  /** Modules with bytes in the minified output of a page made of `body`. */
  async function bundled(body: string): Promise<string[]> {
    const result = await build({
      stdin: { contents: `import { model, state, action, transition, optimality, horizon, discount, categorical, deterministic, infer, exact, observation, linearGaussian, quadratic } from ${JSON.stringify(index)};\n${body}`, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    return Object.entries(output.inputs).flatMap(([path, { bytesInOutput }]) => (bytesInOutput > 0 ? [path] : []));
  }
  const kernelFiles = (inputs: readonly string[]) => inputs.filter((p) => /engines\/exact\/(belief|gaussian)\/|compile\/(observations|linear-gaussian)\.ts/.test(p));

  it('a tabular gridworld page reaches neither the belief nor the soft-LQR kernel, nor their compile stages', async () => {
    const inputs = await bundled("export const run = () => infer(model(state('s', [0, 1]), action('a', ['x']), transition((s) => categorical([[s, 0.5], [1 - s, 0.5]])), optimality(() => 0), discount(0.9)), exact()).logEvidence;");
    expect(inputs.some((p) => p.endsWith('engines/exact/index.ts'))).toBe(true);
    expect(kernelFiles(inputs)).toEqual([]);
  }, 20_000);

  it('a page that uses observation(...) bundles the belief kernel; one that uses linearGaussian(...) the soft-LQR kernel', async () => {
    const pomdp = kernelFiles(await bundled("export const o = observation(() => deterministic('o'));"));
    expect(pomdp.some((p) => p.includes('engines/exact/belief/'))).toBe(true);
    expect(pomdp.some((p) => p.includes('engines/exact/gaussian/'))).toBe(false);
    const lqr = kernelFiles(await bundled('export const t = linearGaussian({ A: 1, B: 1 });'));
    expect(lqr.some((p) => p.includes('engines/exact/gaussian/'))).toBe(true);
    expect(lqr.some((p) => p.includes('engines/exact/belief/'))).toBe(false);
  }, 20_000);
});
