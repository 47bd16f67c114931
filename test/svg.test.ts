/**
 * The SVG pictures say what the posterior says. Vega writes each mark's data
 * into its `aria-label` ("x: 1; y: 0; V: −2.32…"), so the tests read the
 * drawn values, positions and headings back from the SVG and compare them
 * with the posterior's own tables, computed independently of the drawing code.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, exact, extend, horizon, infer, model, optimality, sampler, state, transition } from '../src/index.js';
import { factorGraphDot, factorGraphSvg } from '../src/viz/graph.js';
import { curvesSvg, marginalsSvg, trajectoriesSvg, valueHeatmapSvg } from '../src/viz/svg/index.js';
import { embedSvg } from '../src/report/embed.js';
import { compileModel } from '../src/simulate/index.js';
import corridor from './cli-models/corridor.js';

type Cell = { x: number; y: number };
const post = infer(corridor, exact());
const CELL = 20;

/** Marks of one kind ('rect mark', 'point', 'line mark', …) as { fields from aria-label, the element text }. */
function marks(svg: string, role: string): { fields: Record<string, string>; element: string }[] {
  const found: { fields: Record<string, string>; element: string }[] = [];
  for (const m of svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="([^"]*)"[^>]*>/g)) {
    if (m[2] !== role) continue;
    const fields: Record<string, string> = {};
    for (const pair of m[1]!.split('; ')) {
      const at = pair.indexOf(': ');
      fields[pair.slice(0, at)] = pair.slice(at + 2);
    }
    found.push({ fields, element: m[0] });
  }
  return found;
}

/** Vega formats numbers with a typographic minus. */
const num = (text: string | undefined) => Number(text!.replace('−', '-'));

/** The headings the heatmap should draw, from the policy table alone: N 0°, E 90°, S 180°, W 270°. */
const HEADING: Record<string, number> = { N: 0, E: 90, S: 180, W: 270 };

describe('valueHeatmapSvg', () => {
  it('colours each state by its V_0 and draws an arrow for each most probable action', async () => {
    const svg = await valueHeatmapSvg(post.graph, post.V(0), { policy: post.policyTable(0), cellSize: CELL });
    const V = post.V(0);
    const cells = marks(svg, 'rect mark');
    expect(cells.length).toBe(post.graph.nS);
    post.graph.states.values.forEach((c, s) => {
      const drawn = cells.find((m) => Math.abs(num(m.fields['x0']) - (c.x - 0.47)) < 1e-9 && Math.abs(num(m.fields['y0']) - (c.y - 0.47)) < 1e-9);
      expect(drawn, `cell of ${JSON.stringify(c)}`).toBeDefined();
      // aria-labels print 12 significant digits.
      expect(Math.abs(num(drawn!.fields['V']) - V[s]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(V[s]!)));
    });
    // The ends of the viridis scale: the best cell is yellow, the worst dark purple.
    const best = V.indexOf(Math.max(...V));
    const worst = V.indexOf(Math.min(...V));
    const fillOf = (s: number) => cells.find((m) => Math.abs(num(m.fields['V']) - V[s]!) < 1e-9)!.element.match(/fill="([^"]+)"/)![1];
    expect(fillOf(best)).toBe('rgb(253, 231, 37)');
    expect(fillOf(worst)).toBe('rgb(68, 1, 84)');

    const expected = new Set<string>();
    const pi = post.policyTable(0);
    const actions = post.graph.actions.values;
    post.graph.states.values.forEach((c, s) => {
      if (c.x === 3 && c.y === 0) return; // the goal: absorbing, marked G, and no action moves, so no arrows
      const row = actions.map((_, a) => pi[s * actions.length + a]!);
      const max = Math.max(...row);
      row.forEach((p, a) => p >= max - 1e-6 && expected.add(`${c.x},${c.y},${HEADING[actions[a]!]}`));
    });
    const arrows = marks(svg, 'point').map((m) => `${Math.round(num(m.fields['x']))},${Math.round(num(m.fields['y']))},${num(m.fields['angle'])}`);
    expect(new Set(arrows)).toEqual(expected);
    expect(arrows.length).toBe(expected.size);
  });

  it('draws states with V = −∞ dark with a ×, outside the colour scale', async () => {
    const walled = extend(corridor, optimality((c: Cell) => (c.x === 1 && c.y === 0 ? -Infinity : 0)));
    const p = infer(walled, exact());
    const svg = await valueHeatmapSvg(p.graph, p.V(0), { policy: p.policyTable(0), cellSize: CELL });
    expect(marks(svg, 'rect mark').length).toBe(p.graph.nS); // the finite cells plus one dark cell
    // r = −∞ for every action there: a cliff, dark red and labelled −∞ (and the key says so).
    expect(svg).toMatch(/layer_1_marks[^>]*>\s*<path[^>]*fill="#7a1f1f"/);
    expect(svg.match(/>−∞<\/text>/g)?.length).toBe(1);
    expect(svg).toContain('−∞  cliff: r = −∞ for every a');
    // Without cell kinds, V = −∞ is the plain infeasible mark.
    const plain = await valueHeatmapSvg(p.graph, p.V(0), { policy: p.policyTable(0), cellSize: CELL, kinds: false });
    expect(plain).toMatch(/layer_1_marks[^>]*>\s*<path[^>]*fill="#3a3a3a"/);
    expect(plain.match(/>×<\/text>/g)?.length).toBe(1);
  });

  it('refuses what would make the picture lie, naming the fix', async () => {
    const noLayout = compile(model(state('n', [0, 1]), action('a', ['N']), transition((n: number) => categorical([[n, 1]])), optimality(() => 0), horizon(2)));
    await expect(valueHeatmapSvg(noLayout, new Float64Array(2))).rejects.toThrow(/valueHeatmapSvg: the graph has no layout; give state\(name, domain, \{ layout: \{ width, height, cellOf \} \}\)/);
    await expect(valueHeatmapSvg(post.graph, new Float64Array(3))).rejects.toThrow('valueHeatmapSvg: values has length 3; expected 8 (one per state of the graph)');
    const jumpy = compile(
      model(state('n', [0, 1], { layout: { width: 2, height: 1, cellOf: (n: number) => ({ x: n, y: 0 }) } }), action('a', ['jump', 'go']), transition((n: number) => categorical([[n, 1]])), optimality(() => 0), horizon(2)),
    );
    await expect(valueHeatmapSvg(jumpy, new Float64Array(2), { policy: new Float64Array(4).fill(0.5) })).rejects.toThrow("valueHeatmapSvg: no heading for action 'jump'; pass { headings: { jump: 90, … } }");
    // kinds: false, since both states of this toy are absorbing (where no arrows are drawn).
    const svg = await valueHeatmapSvg(jumpy, new Float64Array(2), { policy: new Float64Array(4).fill(0.5), headings: { jump: 'stay', go: 90 }, kinds: false });
    expect(marks(svg, 'point').length).toBe(4);
  });
});

describe('trajectoriesSvg', () => {
  it('draws each trajectory through the cells it visits, in order', async () => {
    const paths = post.sample(5, { seed: 11 });
    const svg = await trajectoriesSvg(post.graph, paths, { cellSize: CELL });
    const lines = marks(svg, 'line mark');
    expect(lines.length).toBe(paths.length);
    for (const line of lines) {
      const i = num(line.fields['path']);
      const d = line.element.match(/ d="([^"]+)"/)![1]!;
      const points = [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Math.round(Number(m[1]) / CELL - 0.5) + 0, y: Math.round(Number(m[2]) / CELL - 0.5) + 0 })); // + 0: no −0
      expect(points, `path ${i}`).toEqual(paths[i]!.states.map((c) => ({ x: c.x, y: c.y })));
    }
    // One filled start dot and one end ring per path.
    expect(marks(svg, 'point').length).toBe(2 * paths.length);
  });
});

describe('marginalsSvg', () => {
  it('draws p(s_t | O) for every step and the states with the most mass', async () => {
    const svg = await marginalsSvg(post, { maxStates: 3 });
    const total = post.graph.states.values.map((_, s) => Array.from({ length: 6 }, (_, t) => post.stateMarginal(t)[s]!).reduce((a, b) => a + b, 0));
    const kept = total.map((m, s) => [m, s] as const).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, s]) => s);
    const rects = marks(svg, 'rect mark');
    expect(rects.length).toBe(6 * 3);
    for (const r of rects) {
      const t = num(r.fields['t']);
      const s = post.graph.states.values.findIndex((c) => `{x:${c.x},y:${c.y}}` === r.fields['name'] && `x=${c.x} y=${c.y}` === r.fields['state']);
      expect(kept).toContain(s);
      expect(Math.abs(num(r.fields['p']) - post.stateMarginal(t)[s]!)).toBeLessThanOrEqual(1e-9);
    }
    expect(svg).toContain('the 3 of 8 states with the most mass');
  });
});

describe('curvesSvg', () => {
  it('draws one line per series and refuses a point that cannot be drawn', async () => {
    const svg = await curvesSvg([{ name: 'ELBO', values: [-3, -2, -1.5] }, { name: 'log p(O)', values: [-1.2, -1.2], x: [0, 2] }]);
    expect(marks(svg, 'line mark').length).toBe(2);
    await expect(curvesSvg([{ name: 'ELBO', values: [-3, -Infinity] }])).rejects.toThrow("curvesSvg: series 'ELBO' has -Infinity at index 1; every point must be finite");
    await expect(curvesSvg([])).rejects.toThrow('curvesSvg: no series given');
  });
});

describe('the factor graph (ts-graphviz, laid out by Graphviz in WebAssembly)', () => {
  it('DOT has every variable, one box per factor and one edge per factor–variable pair', () => {
    const g = post.graph;
    const u = g.unrolled({ slices: 2 });
    const dot = factorGraphDot(g, { slices: 2 });
    for (const v of u.variables) expect(dot).toContain(`"${v.name}" [`);
    expect(dot.match(/shape = "box"/g)?.length).toBe(u.factors.length);
    // Edges go only to what a factor reads (test/factor-graph-structure.test.ts): the corridor's uniform
    // action prior reads no state and its reward no action, two edges fewer per slice than the full scopes.
    const edges = u.factors.reduce((n, f) => n + f.scope.length, 0) - 2 * 2 + (u.truncated ? 1 : 0);
    expect(dot.match(/ -- /g)?.length).toBe(edges);
  });

  it('SVG lays out every node and edge; a sampler-only model is drawn from its structure', async () => {
    const g = post.graph;
    const u = g.unrolled({ slices: 2 });
    const svg = await factorGraphSvg(g, { slices: 2 });
    const outside = u.truncated ? 2 : 0; // the next state after the last slice, and '…'
    expect(svg.match(/<g id="node\d+" class="node">/g)?.length).toBe(u.variables.length + u.factors.length + outside);
    expect(svg.match(/<g id="edge\d+" class="edge">/g)?.length).toBe(u.factors.reduce((n, f) => n + f.scope.length, 0) - 2 * 2 + (u.truncated ? 1 : 0));

    const simulated = compileModel(model(state('n', [0, 1]), action('a', ['up']), transition((n: number) => sampler(() => n)), optimality(() => 0), horizon(2)));
    expect(simulated.kind).toBe('simulator');
    const dot = factorGraphDot(simulated);
    expect(dot).toContain('label = "p(s_1|s_0,a_0)"');
    expect(dot).toContain('fillcolor = "#8a8a8a"'); // grey: a sampler, no table
    expect(await factorGraphSvg(simulated)).toContain('<title>O_1</title>');
  });
});

describe('embedSvg', () => {
  it('gives every id a per-figure prefix, so two copies of one SVG share no id', async () => {
    const svg = await valueHeatmapSvg(post.graph, post.V(0)); // its colour legend is a gradient referenced by id
    expect(svg).toMatch(/ id="/);
    expect(svg).toMatch(/url\(#/);
    const a = embedSvg(svg, 'f1');
    const b = embedSvg(svg, 'f2');
    const ids = [...`${a}${b}`.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [html, prefix] of [[a, 'f1'], [b, 'f2']] as const) {
      for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) {
        expect(ref[1]!.startsWith(`${prefix}-`)).toBe(true);
        expect(html).toContain(`id="${ref[1]}"`);
      }
    }
  });
});
