/**
 * Goal, absorbing and cliff cells, cell coordinates and the key of the value
 * heatmap (issue 18, point 2). The expected kinds come from the model's own
 * definitions (which cell is the goal, which the cliff), not from the tables
 * the code reads; the drawn labels are read back from the SVG.
 */
import { describe, expect, it } from 'vitest';
import { action, categorical, compile, exact, horizon, infer, model, optimality, state, transition } from '../src/index.js';
import { cellKinds } from '../src/viz/cell-kinds.js';
import { valueHeatmapSvg } from '../src/viz/svg/values.js';
import grid from './cli-models/factored-grid.js';

type Cell = { x: number; y: number };

/** Text marks of the heatmap's label layer with their cell: "x: 3; y: 0; label: G". */
function labels(svg: string): { x: number; y: number; label: string }[] {
  const num = (t: string) => Number(t.replace('−', '-'));
  return [...svg.matchAll(/<text[^>]*aria-label="([^"]*)"[^>]*aria-roledescription="text mark"/g)].flatMap((m) => {
    const f = Object.fromEntries(m[1]!.split('; ').map((p) => [p.slice(0, p.indexOf(': ')), p.slice(p.indexOf(': ') + 2)]));
    return f['label'] === undefined ? [] : [{ x: num(f['x']!), y: num(f['y']!), label: f['label'] }];
  });
}

describe('cell kinds', () => {
  it('the factored grid: the goal (3, 0), the cliff (1, 1), nothing else', () => {
    const g = compile(grid);
    const kinds = cellKinds(g);
    g.states.values.forEach((c, s) => {
      const { x, y } = c as Cell;
      expect(kinds[s], `${x},${y}`).toBe(x === 3 && y === 0 ? 'goal' : x === 1 && y === 1 ? 'cliff' : undefined);
    });
  });

  it('an absorbing trap that pays less than the goal is absorbing, not a goal', () => {
    // A line 0 … 3: 0 is a trap (stays, r = −5), 3 the goal (stays, r = 0); elsewhere r = −1.
    const m = model(
      state('n', [0, 1, 2, 3], { initial: 1, layout: { width: 4, height: 1, cellOf: (n: number) => ({ x: n, y: 0 }) } }),
      action('a', ['W', 'E']),
      transition((n: number, a: string) => categorical([[n === 0 || n === 3 ? n : a === 'E' ? n + 1 : n - 1, 1]])),
      optimality((n: number) => (n === 0 ? -5 : n === 3 ? 0 : -1)),
      horizon(3),
    );
    expect(cellKinds(compile(m))).toEqual(['absorbing', undefined, undefined, 'goal']);
  });
});

describe('the value heatmap marks them, numbers its rows and columns, and keys its symbols', () => {
  it('G, −∞, no arrows on them, coordinates 0 … W−1 and 0 … H−1, a key of what is drawn', async () => {
    const post = infer(grid, exact());
    const svg = await valueHeatmapSvg(post.graph, post.V(0), { policy: post.policyTable(0), cellSize: 30 });
    const cells = labels(svg);
    expect(cells).toContainEqual({ x: 3, y: 0, label: 'G' });
    expect(cells).toContainEqual({ x: 1, y: 1, label: '−∞' });
    // No arrows at the goal or the cliff (an arrow sits within 0.22 of a cell from its centre).
    const num = (t: string) => Number(t.replace('−', '-'));
    const arrows = [...svg.matchAll(/<path aria-label="x: ([^;]*); y: ([^;]*);[^"]*"[^>]*aria-roledescription="point"/g)].map((m) => `${Math.round(num(m[1]!))},${Math.round(num(m[2]!))}`);
    expect(arrows.length).toBeGreaterThan(0);
    expect(arrows).not.toContain('3,0');
    expect(arrows).not.toContain('1,1');
    // Axis labels: the column numbers 0 … 3 and the row numbers 0 … 2.
    expect(svg.match(/class="mark-text role-axis-label"/g)?.length).toBe(2);
    const axisText = [...svg.matchAll(/class="mark-text role-axis-label"[^]*?<\/g>/g)].map((m) => [...m[0].matchAll(/>(\d+)<\/text>/g)].map((t) => t[1]));
    expect(axisText.map((a) => a.join(' ')).sort()).toEqual(['0 1 2', '0 1 2 3']);
    expect(svg).toContain('G  goal (absorbing, best r)');
    expect(svg).toContain('−∞  cliff: r = −∞ for every a');
    expect(svg).toContain('→  most probable action');
    expect(svg).toContain('●  stay'); // (0, 2): W, S and stay tie
    expect(svg).not.toContain('infeasible');
    // Off by option.
    const bare = await valueHeatmapSvg(post.graph, post.V(0), { cellSize: 30, coordinates: false, key: false });
    expect(bare).not.toContain('role-axis-label');
    expect(bare).not.toContain('goal (absorbing');
  });
});

describe('text grids number their rows and columns when asked', () => {
  it('valueGrid and policyGrid with coordinates: x across the top, y down the left', async () => {
    const { valueGrid, policyGrid } = await import('../src/viz/text.js');
    const source = { states: { values: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }] }, actions: { values: ['N', 'E'] }, layout: { width: 2, height: 2, cellOf: (c: Cell) => c } };
    expect(valueGrid(source, [1, 2.5, -Infinity], { coordinates: true })).toBe(['      0   1', '  0 1.0 2.5', '  1   ·  -∞'].join('\n'));
    expect(policyGrid(source, [1, 0, 0, 1, 0.5, 0.5], { coordinates: true })).toBe(['   0  1', '0  ↑  →', '1  ·  ↑→'].join('\n'));
    expect(valueGrid(source, [1, 2.5, -Infinity])).toBe(['1.0 2.5', '  ·  -∞'].join('\n'));
  });
});
