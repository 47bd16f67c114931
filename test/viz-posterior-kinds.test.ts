/**
 * Issue 21 part 1: every exported picture × every kind of posterior (and a few
 * values that are no posterior). Each call either draws (an SVG/HTML string, or
 * the documented table) or refuses with a CaiError whose message names the
 * function and what it got — never a TypeError, never a silent empty picture.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as viz from '../src/viz/index.js';
import { CaiError, particlesOf, policyGrid, trajectoryGrid, valueGrid } from '../src/index.js';
import { NOT_POSTERIORS, POSTERIOR_KINDS } from './helpers/picture-kinds.js';

/** Each picture, called the way a user calls it with `p` where the posterior (or its graph/particles) goes. */
const PICTURES: Record<string, (p: unknown) => unknown> = {
  valueHeatmapSvg: (p) => viz.valueHeatmapSvg(p as never, [] as never),
  trajectoriesSvg: (p) => viz.trajectoriesSvg(p as never, []),
  marginalsSvg: (p) => viz.marginalsSvg(p as never),
  curvesSvg: (p) => viz.curvesSvg(p as never),
  visitationSvg: (p) => viz.visitationSvg(p as never),
  expectedVisits: (p) => viz.expectedVisits(p as never, 2),
  rolloutSvg: (p) => viz.rolloutSvg(p as never, { states: [], actions: [] } as never),
  marginalGridsSvg: (p) => viz.marginalGridsSvg(p as never),
  policyTableSvg: (p) => viz.policyTableSvg(p as never),
  particleFanSvg: (p) => viz.particleFanSvg(p as never),
  particleDiagnosticsSvg: (p) => viz.particleDiagnosticsSvg(p as never),
  learnedValuesSvg: (p) => viz.learnedValuesSvg(p as never, [], []),
  beliefSvg: (p) => viz.beliefSvg(p as never, (p as { sample?: (n: number, o: object) => unknown[] })?.sample?.(1, { seed: 1 })?.[0] as never),
  beliefPolicySvg: (p) => viz.beliefPolicySvg(p as never),
  stateNamer: (p) => viz.stateNamer(p as never),
  factorGraphDot: (p) => viz.factorGraphDot(p as never),
  reportHtml: (p) => viz.reportHtml(p as never),
  thetaSummary: (p) => viz.thetaSummary(p as never),
  irlReportHtml: (p) => viz.irlReportHtml(p as never),
  valueGrid: (p) => valueGrid(p as never, []),
  policyGrid: (p) => policyGrid(p as never, []),
  trajectoryGrid: (p) => trajectoryGrid(p as never, [] as never),
};

/** Which (picture, kind) pairs must draw: the rest must refuse. */
const DRAWS: Record<string, readonly string[]> = {
  marginalsSvg: ['tabular', 'importance', 'simulated', 'learned'],
  visitationSvg: ['tabular', 'importance', 'learned'],
  expectedVisits: ['tabular', 'importance', 'simulated', 'learned'],
  marginalGridsSvg: ['tabular', 'importance', 'learned'],
  policyTableSvg: ['tabular', 'importance', 'simulated', 'learned'],
  beliefSvg: ['belief'],
  beliefPolicySvg: ['belief'],
  reportHtml: ['tabular', 'importance', 'simulated', 'learned', 'belief', 'gaussian-policy', 'gaussian-sac'],
};

async function outcome(f: () => unknown): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await f() };
  } catch (error) {
    return { error };
  }
}

const posteriors: Record<string, unknown> = {};
beforeAll(() => {
  for (const [k, make] of Object.entries(POSTERIOR_KINDS)) posteriors[k] = make();
  Object.assign(posteriors, NOT_POSTERIORS);
}, 60_000);

describe('every picture × every posterior kind: a picture or a CaiError that names the function and what it got', () => {
  for (const [name, draw] of Object.entries(PICTURES)) {
    it(name, async () => {
      for (const [kind, post] of Object.entries(posteriors)) {
        const { value, error } = await outcome(() => draw(post));
        const must = DRAWS[name]?.includes(kind) ?? false;
        if (must) {
          expect(error, `${name} × ${kind}`).toBeUndefined();
          if (typeof value === 'string') expect(value.length, `${name} × ${kind}`).toBeGreaterThan(100);
          else expect(value, `${name} × ${kind}`).toBeInstanceOf(Float64Array);
          continue;
        }
        expect(error, `${name} × ${kind} drew instead of refusing`).toBeInstanceOf(CaiError);
        const message = (error as CaiError).message;
        // The function's own name first (factorGraphDot reports as factorGraph, its shared checker).
        expect(message.startsWith(name) || message.startsWith('factorGraph'), `${name} × ${kind}: ${message}`).toBe(true);
        // A posterior of the wrong kind is named in the message (a missing layout is the one refusal about the model instead).
        if (!/has no layout/.test(message)) expect(message, `${name} × ${kind}`).toMatch(/got|is /);
      }
    }, 30_000);
  }
});

describe('the refusals name what was given and what to use instead', () => {
  it('a soft-LQR posterior: no grid, no table; the fix names what a continuous state has', async () => {
    const lqr = posteriors['soft-lqr'];
    const heat = (await outcome(() => viz.valueHeatmapSvg(lqr as never, []))).error as CaiError;
    expect(heat.message).toBe(
      'valueHeatmapSvg: got a Gaussian (soft-LQR) posterior of exact; expected a compiled graph with a finite state domain (post.graph of a tabular posterior) — it draws a heatmap of V(s) over the grid cells. A continuous state has no grid: draw its trajectories with curvesSvg([{ name, values }]) of sampled states, or use reportHtml(post)',
    );
    const table = (await outcome(() => viz.policyTableSvg(posteriors['gaussian-policy'] as never))).error as CaiError;
    expect(table.message).toContain('policyTableSvg: got a GaussianPolicyPosterior of variational (a continuous action)');
    const report = (await outcome(() => viz.reportHtml(lqr as never))).error as CaiError;
    expect(report.message).toContain('reportHtml(): got a Gaussian (soft-LQR) posterior of exact');
  });
  it('a tabular posterior where a graph or particles go: pass post.graph / particlesOf(post)', async () => {
    const heat = (await outcome(() => viz.valueHeatmapSvg(posteriors['tabular'] as never, []))).error as CaiError;
    expect(heat.message).toContain('Pass post.graph');
    const fan = (await outcome(() => viz.particleFanSvg(posteriors['importance'] as never))).error as CaiError;
    expect(fan.message).toContain('Pass particlesOf(post), not the posterior itself');
    // …and the particles themselves do draw.
    expect(await viz.particleFanSvg(particlesOf(posteriors['importance'] as never) as never)).toContain('<svg');
    const belief = (await outcome(() => viz.beliefPolicySvg(posteriors['tabular'] as never))).error as CaiError;
    expect(belief.message).toContain('A fully observed model has no beliefs: use policyTableSvg(post)');
  });
});

describe('control-as-inference/viz: every export × hostile values (the grammar of test/helpers/hostile-grammar.ts)', () => {
  it('raises no raw error (weightedQuantile and expectedVisits check their numbers too)', async () => {
    const { scanEntryPoints } = await import('./helpers/hostile-grammar.js');
    const { line } = await import('./helpers/malformed-hostile.js');
    const { MALFORMED } = await import('./helpers/malformed.js');
    const { exact, infer } = await import('../src/index.js');
    const scan = scanEntryPoints(viz as never, line(), infer(line(), exact()), new Set(MALFORMED.map((e) => e.code)));
    expect(scan.raw).toEqual([]);
    expect(scan.typed).toBeGreaterThan(1000);
  }, 60_000);
});
