/**
 * The package as a user imports it: `import … from 'control-as-inference'`
 * resolves through package.json `exports` to the built `dist/` (made by
 * `npm test`, which builds before it type-checks), with its type declarations.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('package exports', () => {
  it('resolves the public surface through exports, with declarations', async () => {
    const api = await import('control-as-inference');
    for (const name of ['model', 'state', 'action', 'transition', 'optimality', 'temperature', 'horizon', 'discount', 'extend', 'categorical', 'deterministic', 'uniform', 'compile', 'infer', 'exact', 'evaluate', 'CaiError']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(existsSync(fileURLToPath(new URL('../dist/index.d.ts', import.meta.url)))).toBe(true);
    const { model, state, action, transition, optimality, horizon, deterministic, infer, exact } = api;
    const m = model(
      state('s', ['only']),
      action('a', ['x', 'y']),
      transition(() => deterministic('only')),
      optimality((_s: string, a: string) => (a === 'x' ? 1 : 0)),
      horizon(2),
    );
    // log Z = 2·log((e + 1)/2), from the built code.
    expect(Math.abs(infer(m, exact()).logEvidence - 2 * Math.log((Math.E + 1) / 2))).toBeLessThan(1e-12);
  });

  it('builds the `cai` bin as an executable script, so `npx cai` runs it directly', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { bin: Record<string, string> };
    const bin = fileURLToPath(new URL(`../${pkg.bin.cai}`, import.meta.url));
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111, 'executable bits of dist/cli/bin.js (set by npm run build)').toBe(0o111);
  });
});
