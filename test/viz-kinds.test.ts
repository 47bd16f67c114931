/**
 * The pictures of issue 18, points 3–5, say what the posterior says. Each
 * mark's data is read back from its `aria-label` (Vega writes one per mark;
 * the rollout writes its own) and compared with the posterior's tables, or
 * with references computed here from the model's own tables, never from the
 * drawing code: expected visits Σ_t p(s_t | O), slips from p(s' | s, a),
 * marginals per step, π_t(a | s), weighted quantiles, ESS, lineages, beliefs.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, exact, horizon, importance, infer, model, observation, optimality, softQLearning, state, transition, uniform } from '../src/index.js';
import type { FactorGraph } from '../src/types/factor-graph.js';
import { particlesOf } from '../src/posterior/weighted.js';
import { learningFit } from '../src/engines/learning/index.js';
import { beliefPosterior } from '../src/posterior/belief.js';
import { visitationSvg } from '../src/viz/svg/visitation.js';
import { rolloutSvg } from '../src/viz/svg/rollout.js';
import { marginalGridsSvg } from '../src/viz/svg/marginal-grids.js';
import { policyTableSvg } from '../src/viz/svg/policy-table.js';
import { particleDiagnosticsSvg, particleFanSvg } from '../src/viz/svg/particles.js';
import { learnedValuesSvg } from '../src/viz/svg/learned-values.js';
import { beliefPolicySvg, beliefSvg } from '../src/viz/svg/belief.js';
import { abbreviateKeys, stateNamer } from '../src/viz/svg/labels.js';
import { pointMass } from '../dsl-examples/point-mass.js';
import { tiger } from '../dsl-examples/tiger.js';
import corridor from './cli-models/corridor.js';
import { readFileSync } from 'node:fs';
import { cliffWalk } from '../dsl-examples/slippery-gridworld.js';
import { kindSections } from '../src/report/sections.js';
import { model as sampled } from './cli-models/simulated.js';

type Cell = { x: number; y: number };
const post = infer(corridor, exact());

/** Marks of one role as fields parsed from their aria-label ("k: v; k: v"). */
function marks(svg: string, role: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const m of svg.matchAll(/aria-label="([^"]*)"[^>]*aria-roledescription="([^"]*)"/g)) {
    if (m[2] !== role) continue;
    const fields: Record<string, string> = {};
    for (const pair of m[1]!.split('; ')) {
      const at = pair.indexOf(': ');
      fields[pair.slice(0, at)] = pair.slice(at + 2).replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    }
    found.push(fields);
  }
  return found;
}
const num = (text: string | undefined) => Number(text!.replace(/−/g, '-'));
const closeTo = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** p(s' | s, a) from the compiled tables, read here directly. */
function prob(g: FactorGraph, s: number, a: number, next: number): { p: number; max: number } {
  const d = g.dynamics;
  const row = s * g.nA + a;
  let p = 0;
  let max = 0;
  for (let k = d.rowStart[row]!; k < d.rowStart[row + 1]!; k++) {
    if (d.next[k] === next) p = d.prob[k]!;
    max = Math.max(max, d.prob[k]!);
  }
  return { p, max };
}

describe('visitationSvg: where the agent goes', () => {
  it('colours each cell by Σ_t p(s_t | O) and draws each path step as a move or a slip', async () => {
    const paths = post.sample(6, { seed: 3 });
    const svg = await visitationSvg(post, { paths });
    const cells = marks(svg, 'rect mark');
    expect(cells.length).toBe(post.graph.nS);
    post.graph.states.values.forEach((c, s) => {
      let expected = 0;
      for (let t = 0; t < post.horizon; t++) expected += post.stateMarginal(t)[s]!;
      const drawn = cells.find((m) => closeTo(num(m['x0']), c.x - 0.47) && closeTo(num(m['y0']), c.y - 0.47))!;
      expect(closeTo(num(drawn['E[visits]']), expected), JSON.stringify(c)).toBe(true);
    });
    // Expected visits sum to T (each step's marginal sums to 1).
    expect(cells.reduce((a, m) => a + num(m['E[visits]']), 0)).toBeCloseTo(post.horizon, 9);

    const steps = marks(svg, 'rule mark');
    const g = post.graph as FactorGraph;
    let expected = 0;
    let slips = 0;
    paths.forEach((p, i) => {
      const drawn = steps.filter((m) => num(m['path']) === i);
      expect(drawn.length).toBe(p.states.length - 1);
      drawn.forEach((m, t) => {
        // Paths are offset by at most 0.18 of a cell: rounding recovers the cells.
        // + 0: no −0 from rounding −0.18.
        expect({ x: Math.round(num(m['x'])) + 0, y: Math.round(num(m['y'])) + 0 }).toEqual(p.states[t]);
        expect({ x: Math.round(num(m['x2'])) + 0, y: Math.round(num(m['y2'])) + 0 }).toEqual(p.states[t + 1]);
        const { p: pNext, max } = prob(g, g.states.indexOf(p.states[t]!), g.actions.indexOf(p.actions[t]!), g.states.indexOf(p.states[t + 1]!));
        const slip = pNext < max;
        slips += slip ? 1 : 0;
        expect(m['step']).toBe(slip ? 'slip' : 'move');
        expected++;
      });
    });
    expect(steps.length).toBe(expected);
    // One red cross per slip, where it landed.
    expect(marks(svg, 'point').filter((m) => m['kind'] === 'slip').length).toBe(slips);
    expect(slips).toBeGreaterThan(0); // seed 3 draws at least one slip, so both styles are checked
  });
});

describe('rolloutSvg: an animated rollout, no script', () => {
  it('steps the agent through the cells of the trajectory, one per slot, and names slips', () => {
    const mode = post.mostProbable();
    const size = 30;
    const svg = rolloutSvg(post.graph, mode, { cellSize: size });
    expect(svg).not.toMatch(/<script/i);
    const cx = svg.match(/<animate attributeName="cx" values="([^"]+)"/)![1]!.split(';').map(Number);
    const cy = svg.match(/<animate attributeName="cy" values="([^"]+)"/)![1]!.split(';').map(Number);
    expect(cx).toEqual(mode.states.map((c) => (c.x + 0.5) * size));
    expect(cy).toEqual(mode.states.map((c) => 22 + (c.y + 0.5) * size));
    const steps = [...svg.matchAll(/class="step"[^>]*aria-label="t: (\d+); x: (\d+); y: (\d+); slip: (\w+)"/g)];
    expect(steps.map((m) => ({ x: Number(m[2]), y: Number(m[3]) }))).toEqual(mode.states.map((c) => ({ x: c.x, y: c.y })));
    // The mode of a 0.9/0.1 dynamics never slips.
    expect(steps.every((m) => m[4] === 'false')).toBe(true);
    expect(svg).toMatch(/^<svg [^>]*width="120" height="82"/);
  });
});

describe('marginalGridsSvg: marginals over time as small multiples', () => {
  it('draws p(s_t | O) in every cell of every panel, linear or log₁₀', async () => {
    for (const log of [false, true]) {
      const svg = await marginalGridsSvg(post, { log });
      const rects = marks(svg, 'rect mark');
      expect(rects.length).toBe(post.horizon * post.graph.nS);
      for (const r of rects) {
        const t = num(r['t']);
        const s = post.graph.states.values.findIndex((c: Cell) => c.x === num(r['x']) && c.y === num(r['y']));
        const p = post.stateMarginal(t)[s]!;
        expect(closeTo(num(r['p']), p)).toBe(true);
        const c = log ? Math.max(-6, p > 0 ? Math.log10(p) : -Infinity) : p;
        expect(closeTo(num(r[log ? 'log₁₀ p' : 'p']), c)).toBe(true);
      }
    }
  });
});

// An inventory-style factored model: stock 0…3, a demand regime lo/hi that the action does not touch.
const stocks: number[] = [0, 1, 2, 3];
const inventory = model(
  state('stock', stocks, { initial: 1 }),
  state('regime', ['lo', 'hi'], { initial: 'lo' }),
  action('order', [0, 1, 2] as number[]),
  transition('stock', (s: { stock: number; regime: string }, a: number) => {
    const demand = s.regime === 'hi' ? 2 : 1;
    const after = Math.min(3, s.stock + a);
    return categorical([[Math.max(0, after - demand), 0.7], [after, 0.3]]);
  }),
  transition('regime', (s: { stock: number; regime: string }) => categorical([[s.regime, 0.8], [s.regime === 'lo' ? 'hi' : 'lo', 0.2]])),
  optimality((s: { stock: number; regime: string }, a: number) => -0.5 * a - (s.stock === 0 ? 3 : 0) - 0.1 * s.stock),
  horizon(5),
);

describe('policyTableSvg: the policy as a state × action heat table', () => {
  it('draws π_t(a | s) for every state and action, grouped by the variable with fewest values, full names in the labels', async () => {
    const p = infer(inventory, exact());
    for (const t of [0, 3]) {
      const svg = await policyTableSvg(p, { t });
      const rects = marks(svg, 'rect mark');
      const nA = p.graph.nA;
      expect(rects.length).toBe(p.graph.nS * nA);
      const pi = p.policyTable(t);
      for (const r of rects) {
        const s = p.graph.states.values.findIndex((v) => `{stock:${(v as { stock: number }).stock},regime:'${(v as { regime: string }).regime}'}` === r['state']);
        expect(s, r['state']).toBeGreaterThanOrEqual(0);
        const a = p.graph.actions.values.indexOf(num(r['action']));
        expect(closeTo(num(r['p']), pi[s * nA + a]!)).toBe(true);
      }
    }
    const svg = await policyTableSvg(p);
    // Rows grouped by regime (the variable with 2 values): all 'lo' rows first, each named with it first, abbreviated.
    const labels = [...svg.matchAll(/>(r=(lo|hi) s=\d)</g)].map((m) => m[1]!);
    expect(labels).toEqual([...stocks.map((n) => `r=lo s=${n}`), ...stocks.map((n) => `r=hi s=${n}`)]);
    await expect(policyTableSvg(p, { groupBy: 'colour' })).rejects.toThrow("policyTableSvg: groupBy 'colour' is not a variable of the state; expected one of 'stock', 'regime'");
  });

  it('marks rows the caller does not know as unknown, not infeasible', async () => {
    const p = infer(inventory, exact());
    const svg = await policyTableSvg(p, { known: (_s, i) => i !== 0 });
    const rows = marks(svg, 'rect mark');
    expect(rows.filter((r) => r['status'] === 'unknown').length).toBe(p.graph.nA);
    expect(rows.filter((r) => r['status'] === 'policy').length).toBe((p.graph.nS - 1) * p.graph.nA);
  });
});

describe('labels for factored states', () => {
  it('abbreviates variables to the shortest distinct prefix, the same for every state', () => {
    expect(Object.fromEntries(abbreviateKeys(['stock', 'regime', 'rate']))).toEqual({ stock: 's', regime: 're', rate: 'ra' });
    const name = stateNamer([{ stock: 0, regime: 'lo' }]);
    expect(name({ stock: 0, regime: 'lo' })).toEqual({ short: 's=0 r=lo', full: "{stock:0,regime:'lo'}" });
  });
});

/** Weighted quantile by the definition: the smallest v with Σ_{x_i ≤ v} W_i ≥ q (ties of v pooled). */
function quantileRef(xs: number[], ws: number[], q: number): number {
  const vs = [...new Set(xs.filter((_, i) => ws[i]! > 0))].sort((a, b) => a - b);
  const total = ws.reduce((a, b) => a + b, 0);
  for (const v of vs) if (xs.reduce((acc, x, i) => acc + (x <= v ? ws[i]! : 0), 0) >= q * total * (1 - 1e-12)) return v;
  return vs[vs.length - 1]!;
}

describe('particle pictures (importance / SMC on a simulated model)', () => {
  const pm = infer(pointMass(-1, 0.3, 12), importance({ particles: 300, resample: 'systematic', essThreshold: 0.5, seed: 4 }));
  const particles = particlesOf(pm);

  it('the fan chart draws the weighted 5/25/50/75/95 % quantiles of the coordinate at every t', async () => {
    const svg = await particleFanSvg(particles, { coordinate: 'x' });
    const points = marks(svg, 'point');
    expect(points.length).toBe(particles.stateSteps);
    for (const m of points) {
      const t = num(m['t']);
      const xs = particles.stateValues(t).map((s) => s.x);
      for (const q of [5, 25, 50, 75, 95]) expect(closeTo(num(m[`q${q}`]), quantileRef(xs, Array.from(particles.weights), q / 100)), `t=${t} q${q}`).toBe(true);
    }
  });

  it('ESS and surviving lineages over time are the particle system’s, and lineages at t = 0 are the count the engine reports', async () => {
    expect(particles.resampled.some((r) => r === 1)).toBe(true);
    expect(particles.lineagesAt[0]).toBe(particles.lineages);
    for (let t = 1; t < particles.lineagesAt.length; t++) expect(particles.lineagesAt[t]).toBeGreaterThanOrEqual(particles.lineagesAt[t - 1]!);
    // At the last step every particle with weight > 0 is its own lineage.
    expect(particles.lineagesAt[particles.lineagesAt.length - 1]).toBe(Array.from(particles.weights).filter((w) => w > 0).length);
    const svg = await particleDiagnosticsSvg(particles);
    const pts = marks(svg, 'point');
    const ess = pts.filter((m) => m['series'] === 'ESS');
    const lin = pts.filter((m) => m['series'] === 'surviving lineages');
    expect(ess.length).toBe(particles.ess.length);
    ess.forEach((m) => expect(closeTo(num(m['particles']), particles.ess[num(m['t'])]!)).toBe(true));
    expect(lin.map((m) => num(m['particles']))).toEqual(Array.from(particles.lineagesAt));
    // ESS by definition, 1 / Σ w² at the last step (no resampling after it).
    const w = particles.weights;
    expect(closeTo(particles.ess[particles.ess.length - 1]!, 1 / Array.from(w).reduce((a, x) => a + x * x, 0))).toBe(true);
  });

  it('without resampling every lineage survives', () => {
    const plain = particlesOf(infer(pointMass(-1, 0.3, 5), importance({ particles: 50, resample: 'none', seed: 2 })));
    expect(Array.from(plain.lineagesAt)).toEqual(new Array(plain.stateSteps).fill(50));
  });
});

describe('learnedValuesSvg: a learner’s values only where it has been', () => {
  it('counts one visit per decision and draws unvisited cells unknown', async () => {
    const steps = 40;
    const lp = infer(corridor, softQLearning({ steps, warmup: 8, batchSize: 8, seed: 1 }));
    const visits = learningFit(lp).visits!;
    expect(visits.reduce((a, b) => a + b, 0)).toBe(steps);
    const V = lp.V(0);
    const svg = await learnedValuesSvg(lp.graph as FactorGraph<Cell, string>, V, visits);
    const coloured = marks(svg, 'rect mark').filter((m) => m['v'] !== undefined);
    const visited = visits.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    expect(visited).toBeLessThan((lp.graph as FactorGraph).nS); // the run is short: some cells are never reached
    expect(coloured.length).toBe(visited);
    for (const m of coloured) {
      const s = V.findIndex((v, i) => visits[i]! > 0 && closeTo(num(m['v']), v));
      expect(s).toBeGreaterThanOrEqual(0);
    }
    expect(svg.match(/>\?<\/text>/g)?.length).toBe((lp.graph as FactorGraph).nS - visited);
  });
});

/** A POMDP with three states (its beliefs are not one number). */
const hidden3 = () =>
  model(
    state('s', ['a', 'b', 'c']),
    action('act', ['stay', 'look']),
    transition((s: string) => categorical([[s, 1]])),
    observation((s: string, a: string) => (a === 'look' ? categorical([[s, 1]]) : uniform(['a', 'b', 'c']))),
    optimality((s: string, a: string) => (a === 'look' ? -0.1 : s === 'a' ? 0 : -1)),
    horizon(2),
  );

describe('beliefSvg: a POMDP’s belief over time and its policy', () => {
  it('draws b_t(s) and π_t(a | h_t) along the trajectory', async () => {
    const bp = beliefPosterior<string, string, string>(infer(tiger({ horizon: 4, alpha: 1 }), exact({ backup: 'fixed-dynamics' })));
    const tr = bp.mostProbable();
    const svg = await beliefSvg(bp, tr);
    const rects = marks(svg, 'rect mark');
    let checked = 0;
    for (let t = 0; t < tr.actions.length; t++) {
      const h = { actions: tr.actions.slice(0, t), observations: tr.observations.slice(0, t) };
      const b = bp.posteriorBelief(h);
      bp.graph.states.values.forEach((s, i) => {
        const m = rects.find((r) => num(r['t']) === t && r['state'] === `'${s}'` && r['b'] !== undefined)!;
        expect(closeTo(num(m['b']), b[i]!)).toBe(true);
        checked++;
      });
      const pi = bp.policy(t, h);
      pi.support.forEach((a, i) => {
        const m = rects.find((r) => num(r['t']) === t && r['action'] === a)!;
        expect(closeTo(num(m['p']), pi.probs[i]!)).toBe(true);
        checked++;
      });
    }
    expect(rects.length).toBe(checked);
  });

  it('draws π_t(a | b) over the belief simplex of two states, for both backups', async () => {
    for (const backup of ['fixed-dynamics', 'posterior'] as const) {
      const bp = beliefPosterior<string, string, string>(infer(tiger({ horizon: 4, alpha: 1 }), exact({ backup })));
      const svg = await beliefPolicySvg(bp, { times: [0, 3], points: 11 });
      const pts = marks(svg, 'point');
      expect(pts.length).toBe(2 * 11 * 3);
      for (const m of pts) {
        const b = num(m['b']);
        const pi = bp.policy(num(m['t']), new Float64Array([b, 1 - b]));
        expect(closeTo(num(m['π']), pi.probs[pi.support.indexOf(m['action']!)]!), `${backup} b=${b}`).toBe(true);
      }
    }
    const three = beliefPosterior(infer(hidden3(), exact({ backup: 'fixed-dynamics' })));
    await expect(beliefPolicySvg(three)).rejects.toThrow('beliefPolicySvg: the model has 3 states; expected 2');
  });
});

describe('a layout-free compile is refused with the fix', () => {
  it('visitationSvg names the missing layout', async () => {
    const g = compile(model(state('n', [0, 1]), action('a', ['N']), transition((n: number) => categorical([[n, 1]])), optimality(() => 0), horizon(2)));
    await expect(visitationSvg({ graph: g, horizon: 2, stateMarginal: () => new Float64Array(2) })).rejects.toThrow(/visitationSvg: the graph has no layout/);
  });
});

describe("the README's picture", () => {
  it('docs/images/where-the-agent-goes.svg is what visitationSvg draws for the cliff walk today', async () => {
    const { gridworld, isCliff, isGoal } = cliffWalk();
    const p = infer(gridworld, exact({ backup: 'fixed-dynamics' }));
    const marks = (c: Cell) => (isGoal(c) ? 'G' : isCliff(c) ? 'C' : undefined);
    const svg = await visitationSvg(p, { paths: p.sample(4, { seed: 2 }), marks, cellSize: 40, title: 'Where the agent goes on the slippery cliff walk (fixed-dynamics, α = 0.2)' });
    // Vega numbers gradient ids per process (gradient_0, gradient_1, …): compare without the number.
    const ids = (text: string) => text.replace(/gradient_\d+/g, 'gradient_N');
    expect(ids(svg)).toBe(ids(readFileSync(new URL('../docs/images/where-the-agent-goes.svg', import.meta.url), 'utf8')));
  });
});

describe('the report sections by model kind', () => {
  it('an importance posterior marks the states no particle reaches unknown, not infeasible', async () => {
    const p = infer(sampled, importance({ particles: 200, seed: 1 }));
    const sections = kindSections(p, { samples: 4, seed: 0, cellSize: 36 });
    expect(sections.map((f) => f.title)).toEqual(['The policy at t = 0, state by state', 'State marginals over time', 'The particle cloud over time', 'Effective sample size and surviving lineages']);
    const rows = marks(await sections[0]!.draw(), 'rect mark');
    const pi = p.policyTable(0);
    // s_0 = 0 is the only state at t = 0: its row is the estimate, the other three are unknown.
    const drawn = rows.filter((r) => r['status'] === 'policy').map((r) => num(r['p']));
    expect(drawn.length).toBe(2);
    drawn.forEach((p, a) => expect(closeTo(p, pi[a]!)).toBe(true));
    expect(rows.filter((r) => r['status'] === 'unknown').length).toBe(6);
    expect(rows.filter((r) => r['status'] === 'infeasible').length).toBe(0);
  });
});
